using System.Diagnostics;

namespace Polycloud.Diagnostics;

/// <summary>
/// Telemetry for one portable operation: a client span when someone listens to the activity source, and metrics
/// when someone listens to the meter. Costs two branches when nobody listens.
/// </summary>
internal struct OperationScope
{
    private readonly Activity? _activity;
    private readonly long _startTimestamp;
    private readonly string _provider;
    private readonly string _operation;

    private OperationScope(Activity? activity, long startTimestamp, string provider, string operation)
    {
        _activity = activity;
        _startTimestamp = startTimestamp;
        _provider = provider;
        _operation = operation;
    }

    /// <summary>Starts the scope for an operation.</summary>
    /// <param name="operation">The portable operation name, for example <c>blob.upload</c>.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="resource">The bucket, queue or function name.</param>
    /// <param name="item">The key or id within the resource, or <see langword="null"/>. Only on spans, never on metrics.</param>
    public static OperationScope Start(string operation, string provider, string resource, string? item)
    {
        Activity? activity = null;
        if (PolycloudDiagnostics.TracingActive)
        {
            activity = PolycloudDiagnostics.Source.StartActivity(operation + " " + resource, ActivityKind.Client);
            if (activity is not null && activity.IsAllDataRequested)
            {
                activity.SetTag("polycloud.operation", operation);
                activity.SetTag("polycloud.provider", provider);
                activity.SetTag("polycloud.resource", resource);
                if (item is not null)
                {
                    activity.SetTag("polycloud.item", item);
                }
            }
        }

        long start = 0;
        if (PolycloudDiagnostics.Duration.Enabled || PolycloudDiagnostics.Operations.Enabled)
        {
            start = Stopwatch.GetTimestamp();
            PolycloudDiagnostics.Operations.Add(1, new("polycloud.provider", provider), new("polycloud.operation", operation));
        }

        return new OperationScope(activity, start, provider, operation);
    }

    /// <summary>Records success.</summary>
    /// <param name="bytesSent">Payload bytes sent, or a negative number when none or unknown.</param>
    /// <param name="bytesReceived">Payload bytes received, or a negative number when none or unknown.</param>
    public readonly void Complete(long bytesSent = -1, long bytesReceived = -1)
    {
        if (_startTimestamp != 0)
        {
            PolycloudDiagnostics.Duration.Record(
                Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds,
                new("polycloud.provider", _provider), new("polycloud.operation", _operation));
            RecordBytes(bytesSent, bytesReceived);
        }

        if (_activity is not null)
        {
            _activity.SetStatus(ActivityStatusCode.Ok);
            _activity.Dispose();
        }
    }

    /// <summary>Records a failure.</summary>
    /// <param name="exception">The exception that ends the operation (already mapped to its portable form when possible).</param>
    public readonly void Fail(Exception exception)
    {
        string errorType = exception switch
        {
            CloudException ce => ce.ErrorCode.ToString(),
            OperationCanceledException => "Canceled",
            _ => exception.GetType().FullName ?? "Exception",
        };

        if (_startTimestamp != 0)
        {
            PolycloudDiagnostics.Duration.Record(
                Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds,
                new("polycloud.provider", _provider), new("polycloud.operation", _operation), new("error.type", errorType));
            PolycloudDiagnostics.Errors.Add(1, new("polycloud.provider", _provider), new("polycloud.operation", _operation), new("error.type", errorType));
        }

        if (_activity is not null)
        {
            _activity.SetTag("error.type", errorType);
            _activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            _activity.Dispose();
        }
    }

    private readonly void RecordBytes(long sent, long received)
    {
        if (!PolycloudDiagnostics.Bytes.Enabled)
        {
            return;
        }

        if (sent >= 0)
        {
            PolycloudDiagnostics.Bytes.Add(sent, new("polycloud.provider", _provider), new("polycloud.operation", _operation), new("polycloud.io.direction", "sent"));
        }

        if (received >= 0)
        {
            PolycloudDiagnostics.Bytes.Add(received, new("polycloud.provider", _provider), new("polycloud.operation", _operation), new("polycloud.io.direction", "received"));
        }
    }
}
