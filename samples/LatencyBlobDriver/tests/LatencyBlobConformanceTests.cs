using Polycloud;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Polycloud.Testing.Conformance.Errors;

namespace Acme.Polycloud.Latency.Tests;

/// <summary>
/// The blob conformance suite every Polycloud driver passes, run against the latency driver opened by its URL the way an
/// application opens it. The driver has every behaviour the suite checks but signed URLs, which it reports as not
/// supported (the suite's signed-URL tests then check exactly that), so it declares no gap.
/// </summary>
public sealed class LatencyBlobConformanceTests : BlobConformanceTests
{
    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new PolycloudOpener().AddLatency().OpenBucket("latency://conformance?delayMs=1"));
}

/// <summary>
/// The error classification conformance suite on the latency driver: it keeps blobs in the process and raises only
/// <see cref="CloudException"/>, so the HTTP and native-code parts are named skips and the transport part applies.
/// </summary>
public sealed class LatencyErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly LatencyBlobDriver _driver = new("errors", TimeSpan.Zero);

    protected override string? NoHttpStatusReason => "the latency driver keeps blobs in the process: there is no HTTP status, and it raises only CloudException";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}
