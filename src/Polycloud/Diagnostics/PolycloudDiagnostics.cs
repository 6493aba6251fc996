using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Polycloud.Diagnostics;

/// <summary>
/// The names under which Polycloud publishes traces and metrics, for OpenTelemetry registration:
/// <c>tracing.AddSource(PolycloudDiagnostics.ActivitySourceName)</c> and
/// <c>metrics.AddMeter(PolycloudDiagnostics.MeterName)</c>. With no listener attached, instrumentation costs one
/// branch per call.
/// </summary>
public static class PolycloudDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> name: one client span per portable operation.</summary>
    public const string ActivitySourceName = "Polycloud";

    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Polycloud";

    /// <summary>Histogram of operation durations in seconds, tagged with provider, operation and <c>error.type</c>.</summary>
    public const string OperationDurationMetric = "polycloud.client.operation.duration";

    /// <summary>Counter of operations started, tagged with provider and operation.</summary>
    public const string OperationsMetric = "polycloud.client.operations";

    /// <summary>Counter of failed operations, tagged with provider, operation and <c>error.type</c> (the portable error code).</summary>
    public const string ErrorsMetric = "polycloud.client.operation.errors";

    /// <summary>Counter of payload bytes, tagged with provider, operation and <c>polycloud.io.direction</c> (<c>sent</c> or <c>received</c>).</summary>
    public const string BytesMetric = "polycloud.client.io";

    /// <summary>Counter of queue messages a hosted queue worker handled successfully, tagged with
    /// <c>polycloud.worker</c> (the configured queue name) and provider.</summary>
    public const string WorkerMessagesHandledMetric = "polycloud.worker.messages.handled";

    /// <summary>Counter of queue messages whose handler threw or was cancelled (the message comes back), tagged with
    /// <c>polycloud.worker</c>, provider and <c>error.type</c> (<c>Canceled</c> at shutdown).</summary>
    public const string WorkerMessagesFailedMetric = "polycloud.worker.messages.failed";

    /// <summary>Histogram of queue message handler durations in seconds, tagged with <c>polycloud.worker</c>, provider
    /// and, on failure, <c>error.type</c>.</summary>
    public const string WorkerHandlerDurationMetric = "polycloud.worker.handler.duration";

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(PolycloudDiagnostics).Assembly.GetName().Version?.ToString());
    internal static readonly Meter Meter = new(MeterName, typeof(PolycloudDiagnostics).Assembly.GetName().Version?.ToString());
    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        OperationDurationMetric, "s", "Duration of Polycloud client operations.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    internal static readonly Counter<long> Operations = Meter.CreateCounter<long>(OperationsMetric, "{operation}", "Polycloud client operations started.");
    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>(ErrorsMetric, "{error}", "Polycloud client operations that failed.");
    internal static readonly Counter<long> Bytes = Meter.CreateCounter<long>(BytesMetric, "By", "Payload bytes sent or received by Polycloud client operations.");
    internal static readonly Counter<long> WorkerHandled = Meter.CreateCounter<long>(WorkerMessagesHandledMetric, "{message}", "Queue messages handled successfully by a hosted queue worker.");
    internal static readonly Counter<long> WorkerFailed = Meter.CreateCounter<long>(WorkerMessagesFailedMetric, "{message}", "Queue messages whose handler failed or was cancelled.");
    internal static readonly Histogram<double> WorkerDuration = Meter.CreateHistogram<double>(
        WorkerHandlerDurationMetric, "s", "Duration of queue message handlers run by a hosted queue worker.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>Set by <c>PolycloudSettings.DisableTracing</c>: Polycloud then starts no spans in this process (the
    /// activity source is process-wide). Metrics are not affected.</summary>
    internal static volatile bool TracingDisabled;

    /// <summary>Whether a Polycloud span would be recorded now.</summary>
    internal static bool TracingActive => !TracingDisabled && Source.HasListeners();
}
