using System.Text;
using Polycloud;
using Polycloud.Blobs;

namespace QuickStart;

/// <summary>
/// Application code: it only knows the portable <see cref="BlobBucket"/>. Where the documents live (a local folder,
/// S3, Azure Blob Storage, Google Cloud Storage) is decided by configuration alone.
/// </summary>
public sealed class DocumentArchive(BlobBucket bucket, TextWriter log)
{
    /// <summary>Runs the tour and returns the number of documents left in the archive.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        string run = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture);
        string prefix = $"quickstart/{run}/";
        log.WriteLine($"Bucket '{bucket.Name}' on provider '{bucket.Provider}'");

        // 1. Upload with a content type and metadata.
        var first = await bucket.UploadAsync(prefix + "reports/2026-q4.txt", BinaryData.FromString("Revenue up 12 %."), new BlobUploadOptions
        {
            ContentType = "text/plain; charset=utf-8",
            Metadata = new Dictionary<string, string> { ["author"] = "Zoë", ["department"] = "finance" },
        }, cancellationToken);
        log.WriteLine($"Uploaded reports/2026-q4.txt, ETag {first.ETag}");

        // 2. Create-only: a second writer of the same key is told it already exists.
        try
        {
            await bucket.UploadAsync(prefix + "reports/2026-q4.txt", BinaryData.FromString("overwrite?"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, cancellationToken);
            log.WriteLine("Create-only write succeeded: the server did not enforce the condition (some local emulators do not)");
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.AlreadyExists)
        {
            log.WriteLine("Create-only write refused: AlreadyExists");
        }

        // 3. Optimistic concurrency: replace only if nobody changed it since we read it.
        var props = await bucket.GetPropertiesAsync(prefix + "reports/2026-q4.txt", cancellationToken);
        await bucket.UploadAsync(prefix + "reports/2026-q4.txt", BinaryData.FromString("Revenue up 12 %. Costs flat."), new BlobUploadOptions
        {
            ContentType = props.ContentType,
            Metadata = new Dictionary<string, string>(props.Metadata),
            Condition = BlobCondition.IfMatch(props.ETag),
        }, cancellationToken);
        log.WriteLine($"Replaced with if-match; metadata author = {props.Metadata.GetValueOrDefault("author", "(none)")}");

        // 4. Stream a larger upload and read a byte range back.
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 100_000)))))
        {
            await bucket.UploadAsync(prefix + "data/digits.txt", stream, new BlobUploadOptions { ContentType = "text/plain" }, cancellationToken);
        }

        var slice = await bucket.ReadAllAsync(prefix + "data/digits.txt", new BlobRange(5, 10), cancellationToken);
        log.WriteLine($"Range [5, 15) of data/digits.txt: {slice}");

        // 5. Server-side copy, then list "folders" with a delimiter.
        await bucket.CopyAsync(prefix + "reports/2026-q4.txt", prefix + "archive/2026-q4.txt", null, cancellationToken);
        await foreach (var item in bucket.ListAsync(new BlobListOptions { Prefix = prefix, Delimiter = "/" }, cancellationToken))
        {
            log.WriteLine(item.IsPrefix ? $"  {item.Key[prefix.Length..]}" : $"  {item.Key[prefix.Length..]} ({item.Size} bytes)");
        }

        // 6. Errors carry a portable code, whatever the provider.
        try
        {
            await bucket.ReadAllAsync(prefix + "no/such/file", default, cancellationToken);
        }
        catch (CloudException e)
        {
            log.WriteLine($"Reading a missing blob: {e.ErrorCode} (provider {e.Provider})");
        }

        // 7. Clean up this run's copy.
        await bucket.DeleteAsync(prefix + "archive/2026-q4.txt", cancellationToken);
        int left = 0;
        await foreach (var _ in bucket.ListAsync(new BlobListOptions { Prefix = prefix }, cancellationToken))
        {
            left++;
        }

        log.WriteLine($"{left} documents kept under {prefix}");
        return left;
    }
}
