using System.Text.Json;

namespace Polycloud.Billing.Tests;

public sealed class OutputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CostTable> ByProviderAsync() =>
        await new CostQuery().GroupBy(CostDimension.Provider).Measure(CostMetric.BilledCost)
            .ExecuteAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: Ct), Ct);

    [Fact]
    public async Task Csv_output_round_trips_exact_amounts()
    {
        var table = await ByProviderAsync();
        var csv = table.ToCsv();
        var path = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv, Ct);
        try
        {
            var rows = TestData.ReadCsv(path).ToList();
            Assert.Equal(["ProviderName", "Currency", "BilledCost", "Rows"], rows[0].Keys);
            Assert.Equal(table.Items.Count, rows.Count);
            Assert.Equal(table.Total, rows.Sum(r => decimal.Parse(r["BilledCost"], System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Json_output_keeps_decimal_precision()
    {
        var table = await ByProviderAsync();
        using var doc = JsonDocument.Parse(table.ToJson());
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(table.Items.Count, items.Count);
        Assert.Equal(table.Items[0].Cost, items[0].GetProperty("BilledCost").GetDecimal());
        Assert.Equal(table.Items[0].Keys[0], items[0].GetProperty("ProviderName").GetString());
    }

    [Fact]
    public async Task Markdown_output_is_a_right_aligned_table_in_cents()
    {
        var table = await new CostQuery().GroupBy(CostDimension.ServiceCategory).Per(CostGranularity.Month).ExecuteAsync(FocusReader.ReadAsync(TestData.AzureEa, cancellationToken: Ct), Ct);
        var lines = table.ToMarkdown().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| Month | ServiceCategory | Currency | EffectiveCost | Rows |", lines[0]);
        Assert.Equal("|---|---|---|---:|---:|", lines[1]);
        Assert.Equal(table.Items.Count + 2, lines.Length);
        var compute = table.Items.Single(r => r.Keys[0] == "Compute");
        Assert.Contains($"| 2023-09-01 | Compute | CAD | {Math.Round(compute.Cost, 2):0.00} | {compute.RowCount} |", lines);
    }

    [Fact]
    public async Task Analysis_reports_share_the_same_writers()
    {
        var allocation = await CostAnalysis.AllocateByTagAsync(FocusReader.ReadAsync(TestData.GcpJson, cancellationToken: Ct), "team", cancellationToken: Ct);
        var md = allocation.ToMarkdown();
        Assert.Contains("| checkout |", md, StringComparison.Ordinal);
        Assert.Contains("(no team tag)", md, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(allocation.ToJson());
        Assert.Equal(allocation.Allocations.Count + 1, doc.RootElement.GetArrayLength());
    }
}
