using Polycloud;
using Polycloud.Drivers;

namespace Acme.Polycloud.Latency;

/// <summary>
/// The settings every <c>latency://</c> URL understands, read in one place (the provider's settings reader):
/// <c>delayMs</c>, the time each call waits before it touches the store (0 to 60000, default 0).
/// </summary>
public sealed class LatencySettings : ProviderSettings
{
    private LatencySettings(TimeSpan delay)
        : base(endpoint: null)
    {
        Delay = delay;
    }

    /// <summary>The time each call waits before it touches the store.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Reads the settings of a URL and marks them as known.</summary>
    /// <param name="url">The resource URL.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CloudException">InvalidArgument naming <c>delayMs</c> when it is not a whole number from 0 to 60000.</exception>
    public static LatencySettings Read(CloudUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        long delayMs = url.GetInt64("delayMs", min: 0, max: 60_000) ?? 0;
        return new LatencySettings(TimeSpan.FromMilliseconds(delayMs));
    }
}
