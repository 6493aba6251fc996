namespace Polycloud.DependencyInjection;

/// <summary>
/// Settings of <c>builder.AddPolycloud()</c> on a host application builder, read from the <c>Polycloud</c>
/// configuration section (<c>Polycloud:DisableHealthChecks</c>, <c>Polycloud:DisableTracing</c>) and then from the
/// configure callback, in the manner of the .NET Aspire client integrations.
/// </summary>
public sealed class PolycloudSettings
{
    /// <summary>Do not register a health check per configured resource (default <see langword="false"/>: they are
    /// registered, named <c>polycloud-{kind}-{name}</c>).</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>
    /// Start no Polycloud spans (default <see langword="false"/>: one client span per portable operation under
    /// <see cref="Polycloud.Diagnostics.PolycloudDiagnostics.ActivitySourceName"/>, recorded when a listener such as
    /// OpenTelemetry subscribes to that source). The activity source is process-wide, so this applies to the whole
    /// process. Metrics are not affected.
    /// </summary>
    public bool DisableTracing { get; set; }
}
