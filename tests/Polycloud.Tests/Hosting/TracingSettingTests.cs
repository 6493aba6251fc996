using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polycloud.Blobs;
using Polycloud.Diagnostics;
using Xunit;

namespace Polycloud.Tests.Hosting;

/// <summary>The activity source is process-wide, so the tracing setting is tested alone.</summary>
[CollectionDefinition(nameof(ProcessWideTracing), DisableParallelization = true)]
public sealed class ProcessWideTracing;

[Collection(nameof(ProcessWideTracing))]
public sealed class TracingSettingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisableTracing_FromConfiguration_StopsPolycloudSpans()
    {
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PolycloudDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        string bucketName = "tracing-" + Guid.NewGuid().ToString("N");
        try
        {
            using var enabled = Build(bucketName, disableTracing: false);
            await enabled.Services.GetRequiredKeyedService<BlobBucket>("b").ExistsAsync("k", Ct);
            lock (spans)
            {
                Assert.Contains(spans, s => s.Contains(bucketName, StringComparison.Ordinal));
                spans.Clear();
            }

            using var disabled = Build(bucketName, disableTracing: true);
            await disabled.Services.GetRequiredKeyedService<BlobBucket>("b").ExistsAsync("k", Ct);
            lock (spans)
            {
                Assert.DoesNotContain(spans, s => s.Contains(bucketName, StringComparison.Ordinal));
            }
        }
        finally
        {
            PolycloudDiagnostics.TracingDisabled = false;
        }
    }

    private static IHost Build(string bucket, bool disableTracing)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:b"] = $"mem://{bucket}",
            ["Polycloud:DisableTracing"] = disableTracing ? "true" : "false",
        });
        builder.AddPolycloud();
        return builder.Build();
    }
}
