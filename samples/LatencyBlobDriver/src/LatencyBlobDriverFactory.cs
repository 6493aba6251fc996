using Polycloud;
using Polycloud.Blobs.Drivers;

namespace Acme.Polycloud.Latency;

/// <summary>
/// Opens <c>latency://name?delayMs=20</c> buckets. The delay runs on the <see cref="TimeProvider"/> registered in the
/// application's services, else on the system clock. Each open creates a new, empty store. Makes no call of any kind.
/// </summary>
public sealed class LatencyBlobDriverFactory : IBlobDriverFactory
{
    /// <summary>The URL scheme, <c>latency</c>.</summary>
    public const string Scheme = "latency";

    private static readonly string[] SchemeList = [Scheme];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        var settings = LatencySettings.Read(url);
        url.ThrowIfUnknownSettings("latency");
        if (url.Host.Length == 0)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' must name the bucket, as in 'latency://scratch?delayMs=20'.");
        }

        var time = services?.GetService(typeof(TimeProvider)) as TimeProvider;
        return new LatencyBlobDriver(url.Host, settings.Delay, time);
    }
}
