using System.Net;
using System.Text;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;
using Polycloud.Google.Functions;
using Polycloud.Google.Tests.Blobs;

namespace Polycloud.Google.Tests.Locations;

/// <summary>Where Google Cloud resources live: buckets.get at the wire (the emulator lacks it), Pub/Sub's project, Cloud Functions' URL.</summary>
public sealed class GoogleLocationTests
{
    [Theory]
    [InlineData("EUROPE-WEST1", "region", null, "europe-west1", "zonal redundancy in one region")]
    [InlineData("EU", "multi-region", "DEFAULT", "eu", "DEFAULT")]
    [InlineData("EUR4", "dual-region", "ASYNC_TURBO", "eur4", "ASYNC_TURBO")]
    public async Task Bucket_location_comes_from_buckets_get(string gcsLocation, string locationType, string? rpo, string region, string replication)
    {
        var handler = new FakeGcsHandler
        {
            Intercept = r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.EndsWith("/b/pc-bucket", StringComparison.Ordinal)
                ? Json($$"""{"kind":"storage#bucket","name":"pc-bucket","projectNumber":"123456789012","location":"{{gcsLocation}}","locationType":"{{locationType}}"{{(rpo is null ? "" : $",\"rpo\":\"{rpo}\"")}},"storageClass":"STANDARD"}""")
                : null,
        };
        await using var bucket = new BlobBucket(new GcsBlobDriver(handler.CreateClient(), "pc-bucket"));

        var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Single(handler.Requests);
        Assert.Equal("gcp", location.Provider);
        Assert.Equal("gcp-storage", location.Service);
        Assert.Equal(region, location.Region.Value);
        Assert.Equal(locationType, location.LocationType.Value);
        Assert.Equal(replication, location.Replication.Value);
        Assert.Equal("project 123456789012", location.Account.Value);
        Assert.Equal("STANDARD", location.Details["storageClass"]);
    }

    [Fact]
    public async Task Missing_bucket_is_NotFound()
    {
        var handler = new FakeGcsHandler { Intercept = _ => FakeGcsHandler.JsonError(HttpStatusCode.NotFound, "The specified bucket does not exist.", "notFound") };
        await using var bucket = new BlobBucket(new GcsBlobDriver(handler.CreateClient(), "pc-missing"));

        var error = await Assert.ThrowsAsync<CloudException>(() => bucket.GetLocationAsync(TestContext.Current.CancellationToken));

        Assert.Equal(CloudErrorCode.NotFound, error.ErrorCode);
    }

    [Fact]
    public async Task Bucket_at_the_emulator_is_skipped_when_it_does_not_implement_buckets_get()
    {
        string name = GcsTestEnvironment.NewBucketName("loc");
        var client = GcsTestEnvironment.CreateEmulatorClient();
        await client.UploadObjectAsync(name, "probe", "text/plain", new MemoryStream("x"u8.ToArray()), cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            await using var bucket = new PolycloudOpener().AddGoogle().OpenBucket(GcsTestEnvironment.EmulatorUrl(name));
            ResourceLocation location;
            try
            {
                location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);
            }
            catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
            {
                Assert.Skip("the Cloud Storage emulator does not implement buckets.get (it answers 404 for a bucket that holds objects); checked at the wire instead.");
                throw;
            }

            Assert.True(location.Region.IsKnown);
        }
        finally
        {
            await client.DeleteObjectAsync(name, "probe", cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task PubSub_reports_its_project_and_an_unknown_region_with_the_reason()
    {
        await using var queue = new PolycloudOpener().AddGoogle().OpenQueue(
            "gcppubsub://projects/acme-prod/topics/orders?subscription=orders-worker&endpoint=http%3A%2F%2F127.0.0.1%3A1&unauthenticated=true");

        var location = await queue.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("acme-prod", location.Account.Value);
        Assert.Equal("global", location.LocationType.Value);
        Assert.Equal(LocationValueState.Unknown, location.Region.State);
        Assert.Contains("message storage policy", location.Region.UnknownReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcf://acme-prod/europe-west1/resize", "europe-west1", "acme-prod")]
    [InlineData("gcf://my-project-42/northamerica-northeast1/f", "northamerica-northeast1", "my-project-42")]
    public async Task Cloud_Functions_URL_names_region_and_project(string url, string region, string project)
    {
        await using var function = new PolycloudOpener().AddGoogle().OpenFunction(url + "?auth=none");

        var location = await function.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal(region, location.Region.Value);
        Assert.Equal(project, location.Account.Value);
    }

    [Fact]
    public void Cloud_Run_URLs_do_not_name_a_region()
    {
        Assert.Equal((null, null), CloudFunctionsDriver.ParseFunctionHost("resize-abc123-ew.a.run.app"));
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
