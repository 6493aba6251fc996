using System.Diagnostics.CodeAnalysis;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.Memory;
using Xunit;

namespace Polycloud.Tests.Locations;

public sealed class LocalLocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Memory_bucket_is_local()
    {
        await using var bucket = new PolycloudOpener().OpenBucket("mem://scratch");

        var location = await bucket.GetLocationAsync(Ct);

        Assert.Equal("local", location.Provider);
        Assert.Equal("memory", location.Service);
        Assert.Equal(ResourceKind.Blob, location.Kind);
        Assert.Equal("scratch", location.Name);
        Assert.Equal("local", location.Region.Value);
        Assert.Equal(Environment.MachineName, location.Account.Value);
        Assert.Equal(LocationValueState.NotApplicable, location.Replication.State);
    }

    [Fact]
    public async Task File_bucket_reports_its_path()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pc-loc-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var bucket = new PolycloudOpener().OpenBucket($"file://{dir}?create=true");

            var location = await bucket.GetLocationAsync(Ct);

            Assert.Equal("local", location.Region.Value);
            Assert.Equal(Path.GetFullPath(dir), Path.GetFullPath(location.Details["path"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Sqlite_queue_reports_its_database_path()
    {
        string db = Path.Combine(Path.GetTempPath(), "pc-loc-" + Guid.NewGuid().ToString("N") + ".db");
        await using (var queue = new PolycloudOpener().OpenQueue($"sqlite://{db}?queue=jobs"))
        {
            var location = await queue.GetLocationAsync(Ct);

            Assert.Equal("local", location.Provider);
            Assert.Equal(ResourceKind.Queue, location.Kind);
            Assert.Equal("jobs", location.Name);
            Assert.Equal(db, location.Details["path"]);
        }

        File.Delete(db);
    }

    [Fact]
    public async Task Local_function_is_local()
    {
        var opener = new PolycloudOpener().AddLocalFunction("echo", (payload, _) => ValueTask.FromResult(payload));
        await using var function = opener.OpenFunction("local://echo");

        var location = await function.GetLocationAsync(Ct);

        Assert.Equal(ResourceKind.Function, location.Kind);
        Assert.Equal("local", location.Region.Value);
    }

    [Fact]
    public async Task A_driver_without_location_support_reports_unknown_with_the_reason()
    {
        await using var bucket = new BlobBucket(new ThirdPartyDriver());

        var location = await bucket.GetLocationAsync(Ct);

        Assert.Equal("third-party", location.Provider);
        Assert.False(location.Region.IsKnown);
        Assert.Null(location.Region.Value);
        Assert.Contains("IResourceLocationProvider", location.Region.UnknownReason, StringComparison.Ordinal);
        Assert.Equal(LocationValueState.Unknown, location.Account.State);
    }

    [Fact]
    public void Unknown_values_are_never_empty_strings()
    {
        Assert.Throws<CloudException>(() => LocationValue.Known(""));
        Assert.Equal(LocationValueState.Unknown, LocationValue.KnownOrUnknown("", "why").State);
        Assert.Equal("why", LocationValue.KnownOrUnknown(null, "why").UnknownReason);
        Assert.Equal(LocationValueState.Unknown, default(LocationValue).State);
        Assert.Equal("not reported", default(LocationValue).UnknownReason);
        Assert.Equal("unknown (why)", LocationValue.Unknown("why").ToString());
        Assert.Equal("-", LocationValue.NotApplicable.ToString());
    }

    /// <summary>A driver from outside Polycloud that predates locations: it delegates to memory and nothing more.</summary>
    internal sealed class ThirdPartyDriver : IBlobDriver
    {
        private readonly MemoryBlobDriver _inner = new("tp");

        public string ProviderName => "third-party";

        public string BucketName => "tp";

        public BlobCapabilities Capabilities => _inner.Capabilities;

        public Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken) => _inner.UploadAsync(key, content, options, cancellationToken);

        public Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken) => _inner.UploadAsync(key, content, options, cancellationToken);

        public Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken) => _inner.OpenReadAsync(key, range, cancellationToken);

        public Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken) => _inner.GetPropertiesAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => _inner.ExistsAsync(key, cancellationToken);

        public Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken) => _inner.ListPageAsync(prefix, delimiter, pageSize, continuationToken, cancellationToken);

        public Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken) => _inner.CopyAsync(sourceKey, destinationKey, options, cancellationToken);

        public Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken) => _inner.DeleteAsync(key, throwIfMissing, cancellationToken);

        public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken) => _inner.GetSignedUrlAsync(key, options, cancellationToken);

        public CloudErrorCode ClassifyError(Exception exception) => CloudErrorCode.Unknown;

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class
        {
            value = null;
            return false;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
