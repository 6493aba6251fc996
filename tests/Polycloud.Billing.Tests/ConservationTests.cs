namespace Polycloud.Billing.Tests;

/// <summary>Totals equal the sum of the native cost column, to the cent, on every sample.</summary>
public sealed class ConservationTests
{
    public static TheoryData<string> SpecFiles => new(TestData.SpecExampleFiles.Select(f => Path.GetRelativePath(TestData.SpecExamples, f)));

    [Fact]
    public async Task Focus_sample_billed_and_effective_cost()
    {
        var rows = await TestData.ReadAllAsync(TestData.FocusSample);
        Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.FocusSample, "BilledCost")), TestData.Cents(rows.Sum(r => r.BilledCost)));
        Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.FocusSample, "EffectiveCost")), TestData.Cents(rows.Sum(r => r.EffectiveCost)));
        // and the query layer adds nothing and loses nothing
        var table = await new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Region).Measure(CostMetric.BilledCost)
            .ExecuteAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.FocusSample, "BilledCost")), TestData.Cents(table.Total));
        Assert.Equal(1000, table.Items.Sum(r => r.RowCount));
    }

    [Theory]
    [MemberData(nameof(SpecFiles))]
    public async Task Spec_example_billed_cost(string relativePath)
    {
        var path = Path.Combine(TestData.SpecExamples, relativePath);
        var skipped = new List<FocusReadError>();
        var rows = await TestData.ReadAllAsync(path, new FocusReadOptions { OnInvalidRow = skipped.Add });
        var skippedRows = skipped.Select(e => e.RowNumber).ToHashSet();
        int n = 0;
        var expected = TestData.SumColumn(path, "BilledCost", _ => !skippedRows.Contains(++n), money: true);
        Assert.Equal(TestData.Cents(expected), TestData.Cents(rows.Sum(r => r.BilledCost)));
    }

    public static TheoryData<string> AllSamples => new(
        new[] { TestData.FocusSample, TestData.AwsCurLegacy, TestData.AwsCur2, TestData.AzureEa, TestData.GcpJson, TestData.GcpCsv }
            .Concat(TestData.SpecExampleFiles)
            .Select(f => Path.GetRelativePath(TestData.Dir, f)));

    /// <summary>
    /// Queries over a file path read only the columns they need (column projection); their totals still equal the
    /// native cost column to the cent, with and without a daily bucket (which also reads ChargePeriodStart).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task Projected_query_path_totals_equal_the_native_cost(string relativePath)
    {
        var path = Path.Combine(TestData.Dir, relativePath);
        var queries = new[]
        {
            new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Region).Measure(CostMetric.BilledCost),
            new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day).Measure(CostMetric.BilledCost),
        };
        foreach (var query in queries)
        {
            var skipped = new List<FocusReadError>();
            var table = await query.ExecuteAsync(path, new FocusReadOptions { OnInvalidRow = skipped.Add }, TestContext.Current.CancellationToken);
            Assert.Equal(TestData.Cents(NativeBilledCost(path, [.. skipped.Select(e => e.RowNumber)])), TestData.Cents(table.Total));
        }
    }

    /// <summary>The native cost of a sample by an independent parser, leaving out the given 1-based data rows.</summary>
    private static decimal NativeBilledCost(string path, HashSet<long> skippedRows)
    {
        if (path == TestData.AwsCurLegacy || path == TestData.AwsCur2 || path == TestData.AzureEa)
        {
            Assert.Empty(skippedRows);
            var column = path == TestData.AwsCurLegacy ? "lineItem/UnblendedCost" : path == TestData.AwsCur2 ? "line_item_unblended_cost" : "CostInBillingCurrency";
            return TestData.SumColumn(path, column);
        }

        if (path == TestData.GcpJson || path == TestData.GcpCsv)
        {
            Assert.Empty(skippedRows);
            return TestData.SumColumn(TestData.GcpCsv, "cost") + TestData.ReadCsv(TestData.GcpCsv)
                .SelectMany(r => System.Text.Json.JsonDocument.Parse(r["credits"]).RootElement.EnumerateArray())
                .Sum(c => c.GetProperty("amount").GetDecimal());
        }

        long n = 0;
        return TestData.SumColumn(path, "BilledCost", _ => !skippedRows.Contains(++n), money: true);
    }

    [Fact]
    public async Task Aws_legacy_cur_unblended_cost()
    {
        var rows = await TestData.ReadAllAsync(TestData.AwsCurLegacy);
        var native = TestData.SumColumn(TestData.AwsCurLegacy, "lineItem/UnblendedCost");
        Assert.Equal(TestData.Cents(native), TestData.Cents(rows.Sum(r => r.BilledCost)));
        Assert.Equal(TestData.Cents(native), TestData.Cents(rows.Sum(r => r.EffectiveCost))); // no commitments in the sample
        Assert.Equal(1.68m, TestData.Cents(native));
    }

    [Fact]
    public async Task Aws_cur2_unblended_cost()
    {
        var rows = await TestData.ReadAllAsync(TestData.AwsCur2);
        Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.AwsCur2, "line_item_unblended_cost")), TestData.Cents(rows.Sum(r => r.BilledCost)));
    }

    [Fact]
    public async Task Azure_ea_cost_in_billing_currency()
    {
        var rows = await TestData.ReadAllAsync(TestData.AzureEa);
        var native = TestData.SumColumn(TestData.AzureEa, "CostInBillingCurrency");
        Assert.Equal(TestData.Cents(native), TestData.Cents(rows.Sum(r => r.BilledCost)));
        Assert.Equal(TestData.Cents(native), TestData.Cents(rows.Sum(r => r.EffectiveCost)));
    }

    [Fact]
    public async Task Gcp_cost_and_credits_json_and_csv()
    {
        var nativeCost = TestData.SumColumn(TestData.GcpCsv, "cost");
        var nativeCredits = TestData.ReadCsv(TestData.GcpCsv)
            .SelectMany(r => System.Text.Json.JsonDocument.Parse(r["credits"]).RootElement.EnumerateArray())
            .Sum(c => c.GetProperty("amount").GetDecimal());
        foreach (var path in new[] { TestData.GcpJson, TestData.GcpCsv })
        {
            var rows = await TestData.ReadAllAsync(path);
            Assert.Equal(TestData.Cents(nativeCost), TestData.Cents(rows.Where(r => r.ChargeCategory != "Credit").Sum(r => r.BilledCost)));
            Assert.Equal(TestData.Cents(nativeCredits), TestData.Cents(rows.Where(r => r.ChargeCategory == "Credit").Sum(r => r.BilledCost)));
            Assert.Equal(TestData.Cents(nativeCost + nativeCredits), TestData.Cents(rows.Sum(r => r.BilledCost)));
        }
    }
}
