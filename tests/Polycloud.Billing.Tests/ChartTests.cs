namespace Polycloud.Billing.Tests;

public sealed class ChartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Daily_cost_by_provider_renders_a_png()
    {
        var records = (await TestData.ReadAllAsync(TestData.FocusSample)).Concat(await TestData.ReadAllAsync(TestData.GcpJson));
        var png = await CostChart.RenderDailyByProviderPngAsync(records.ToAsyncEnumerable(), new CostChartOptions { Width = 900, Height = 450, Metric = CostMetric.BilledCost }, Ct);

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        // IHDR carries the size, big-endian, at bytes 16..23.
        Assert.Equal(900, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        Assert.Equal(450, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
        Assert.True(png.Length > 10_000, "a chart with lines, axes and a legend is not a blank image");

        var output = Environment.GetEnvironmentVariable("POLYCLOUD_CHART_OUTPUT");
        if (!string.IsNullOrEmpty(output))
        {
            await File.WriteAllBytesAsync(output, png, Ct);
        }
    }

    [Fact]
    public async Task Chart_rejects_tables_that_are_not_daily()
    {
        var monthly = await new CostQuery().GroupBy(CostDimension.Provider).Per(CostGranularity.Month)
            .ExecuteAsync(FocusReader.ReadAsync(TestData.AzureEa, cancellationToken: Ct), Ct);
        var ex = Assert.Throws<CloudException>(() => CostChart.RenderPng(monthly));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
    }
}
