using Polycloud.Aws.Blobs;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Xunit;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>Server-side copies above the CopyObject limit: the UploadPartCopy part plan, and the copy itself on fauxqs
/// with the limit lowered so that a few MiB take the same path as a 5 GiB object.</summary>
public sealed class S3CopyPartsTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Plan_CoversEveryByteOnce_InOrder()
    {
        long size = (6 * GiB) + 12345;
        var plan = S3BlobDriver.PlanCopyParts(size, S3BlobDriver.DefaultCopyPartSize);
        Assert.Equal(13, plan.Count); // 12 parts of 512 MiB, then the remainder
        Assert.Equal(Enumerable.Range(1, 13), plan.Select(p => p.PartNumber));
        Assert.Equal(0, plan[0].FirstByte);
        for (int i = 1; i < plan.Count; i++)
        {
            Assert.Equal(plan[i - 1].LastByte + 1, plan[i].FirstByte);
        }

        Assert.Equal(size - 1, plan[^1].LastByte);
        Assert.All(plan.Take(plan.Count - 1), p => Assert.Equal(512 * MiB, p.LastByte - p.FirstByte + 1));
    }

    [Fact]
    public void Plan_GrowsPartsToStayWithin10000Parts()
    {
        long size = 5L * 1024 * GiB; // 5 TiB, the largest S3 object
        var plan = S3BlobDriver.PlanCopyParts(size, 5 * MiB);
        Assert.True(plan.Count <= 10_000, $"{plan.Count} parts");
        Assert.All(plan.Take(plan.Count - 1), p => Assert.True(p.LastByte - p.FirstByte + 1 >= 5 * MiB));
        Assert.All(plan, p => Assert.True(p.LastByte - p.FirstByte + 1 <= 5 * GiB));
        Assert.Equal(size - 1, plan[^1].LastByte);
    }

    [Fact]
    public void Plan_ClampsTinyPartsToTheMinimum_AndEmptyHasNoParts()
    {
        Assert.Empty(S3BlobDriver.PlanCopyParts(0, 5 * MiB));
        var plan = S3BlobDriver.PlanCopyParts(11 * MiB, 1);
        Assert.Equal([5 * MiB, 5 * MiB, 1 * MiB], plan.Select(p => p.LastByte - p.FirstByte + 1));
    }

    [Fact]
    public async Task CopyAboveTheLimit_UsesUploadPartCopy_AndKeepsContentAndMetadata()
    {
        string source = await Fauxqs.CreateBucketAsync("cps", Ct);
        string destination = await Fauxqs.CreateBucketAsync("cpd", Ct);
        try
        {
            await using var from = new BlobBucket(new S3BlobDriver(Fauxqs.Client, source));
            var to = new S3BlobDriver(Fauxqs.Client, destination) { SingleCopyLimit = 6 * MiB, CopyPartSize = 5 * MiB };
            await using var toBucket = new BlobBucket(to);
            byte[] data = new byte[(int)(11 * MiB) + 7];
            new Random(3).NextBytes(data);
            await from.UploadAsync("big", data, new BlobUploadOptions
            {
                ContentType = "application/x-big",
                Metadata = new Dictionary<string, string> { ["size"] = "eleven" },
            }, Ct);
            Assert.True(from.TryAs(out IBlobDriver? sourceDriver));

            BlobWriteResult? result;
            try
            {
                result = await to.TryCopyFromAsync(sourceDriver, "big", "copy", new BlobUploadOptions(), Ct);
            }
            catch (Amazon.S3.AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.InternalServerError)
            {
                Assert.Skip("fauxqs 2.4 has no UploadPartCopy (an UploadPart with x-amz-copy-source answers 500); the requests are checked at the wire in S3TransferWireTests.CopyAboveTheLimit_SendsUploadPartCopyRanges_WithTheSourceETag");
                return;
            }


            Assert.NotNull(result);
            Assert.EndsWith("-3\"", result.ETag, StringComparison.Ordinal); // a multipart ETag: three UploadPartCopy parts
            Assert.Equal(data, (await toBucket.ReadAllAsync("copy", default, Ct)).ToArray());
            var p = await toBucket.GetPropertiesAsync("copy", Ct);
            Assert.Equal("application/x-big", p.ContentType);
            Assert.Equal("eleven", p.Metadata["size"]);
            Assert.Empty(await Fauxqs.ListUploadsAsync(destination));
        }
        finally
        {
            await Fauxqs.DeleteBucketAsync(source);
            await Fauxqs.DeleteBucketAsync(destination);
        }
    }
}
