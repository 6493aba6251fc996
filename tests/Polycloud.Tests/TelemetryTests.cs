using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polycloud.Blobs;
using Polycloud.Blobs.Memory;
using Polycloud.Diagnostics;
using Xunit;

namespace Polycloud.Tests;

[Collection(nameof(TelemetryTests))] // listeners are process-wide
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operations_EmitOneClientSpanWithPortableTags()
    {
        string bucketName = "telemetry-" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PolycloudDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("polycloud.resource"), bucketName))
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var bucket = new BlobBucket(new MemoryBlobDriver(bucketName));
        await bucket.UploadAsync("k", BinaryData.FromString("hello"), null, Ct);
        await Assert.ThrowsAsync<CloudException>(() => bucket.GetPropertiesAsync("missing", Ct));

        Assert.Equal(2, spans.Count);
        var upload = spans.First(s => Equals(s.GetTagItem("polycloud.operation"), "blob.upload"));
        Assert.Equal(ActivityKind.Client, upload.Kind);
        Assert.Equal("blob.upload " + bucketName, upload.DisplayName);
        Assert.Equal("memory", upload.GetTagItem("polycloud.provider"));
        Assert.Equal("k", upload.GetTagItem("polycloud.item"));
        Assert.Equal(ActivityStatusCode.Ok, upload.Status);
        var failed = spans.First(s => Equals(s.GetTagItem("polycloud.operation"), "blob.properties"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("NotFound", failed.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Operations_RecordDurationErrorsAndBytes()
    {
        string bucketName = "metrics-" + Guid.NewGuid().ToString("N");
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PolycloudDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();

        await using var bucket = new BlobBucket(new MemoryBlobDriver(bucketName));
        await bucket.UploadAsync("k", BinaryData.FromString("12345"), null, Ct);
        await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("missing", default, Ct));

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("polycloud.provider"), "memory")).ToList();
        Assert.Contains(mine, m => m.Instrument == PolycloudDiagnostics.OperationDurationMetric && Equals(m.Tags["polycloud.operation"], "blob.upload") && m.Value >= 0);
        Assert.Contains(mine, m => m.Instrument == PolycloudDiagnostics.OperationsMetric && Equals(m.Tags["polycloud.operation"], "blob.read"));
        Assert.Contains(mine, m => m.Instrument == PolycloudDiagnostics.ErrorsMetric && Equals(m.Tags["error.type"], "NotFound"));
        Assert.Contains(mine, m => m.Instrument == PolycloudDiagnostics.BytesMetric && Equals(m.Tags["polycloud.io.direction"], "sent") && m.Value == 5);
        Assert.DoesNotContain(mine, m => m.Tags.ContainsKey("polycloud.item")); // keys never become metric dimensions
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags)
        {
            d[t.Key] = t.Value;
        }

        return d;
    }
}
