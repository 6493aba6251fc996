using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Options for the Polycloud health checks (<c>services.AddHealthChecks().AddPolycloud()</c>, or
/// <c>builder.AddPolycloud()</c>), bound from <c>Polycloud:HealthChecks</c> and then from the configure callback.
/// </summary>
public sealed class PolycloudHealthCheckOptions
{
    /// <summary>The status a failing check reports (default <see cref="HealthStatus.Unhealthy"/>).</summary>
    public HealthStatus FailureStatus { get; set; } = HealthStatus.Unhealthy;

    /// <summary>How long one check may take before it is cancelled and reported as failed (default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Functions to probe by invoking them, by configured name, with the payload to send (for example
    /// <c>"Polycloud:HealthChecks:FunctionProbes:resize": "{\"ping\":true}"</c>). A function not listed here is not
    /// invoked: its check only opens it and reports <c>Healthy</c> with <c>probed = false</c>, because invoking a
    /// function can cost money and have effects. A probed function is healthy when the call returns without a
    /// function error. Names are matched ignoring case. The health checks copy these options when they are
    /// registered: a later change does not reach them.
    /// </summary>
    public IReadOnlyDictionary<string, string> FunctionProbes { get; set; } = EmptyProbes;

    private static readonly IReadOnlyDictionary<string, string> EmptyProbes = new Dictionary<string, string>();

    /// <summary>A copy that nothing else holds, with the probes matched ignoring case.</summary>
    internal PolycloudHealthCheckOptions Snapshot()
    {
        var probes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, payload) in FunctionProbes ?? EmptyProbes)
        {
            probes[name] = payload;
        }

        return new() { FailureStatus = FailureStatus, Timeout = Timeout, FunctionProbes = probes.AsReadOnly() };
    }
}
