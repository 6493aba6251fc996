using System.Text.Json;

namespace Polycloud.Billing.Tests;

public sealed class QueryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IAsyncEnumerable<FocusRecord> Read(string path) => FocusReader.ReadAsync(path, cancellationToken: Ct);

    [Fact]
    public async Task Group_by_provider_and_region_matches_an_independent_sum()
    {
        var table = await new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Region).ExecuteAsync(Read(TestData.FocusSample), Ct);
        var expected = TestData.ReadCsv(TestData.FocusSample)
            .GroupBy(r => (r["ProviderName"], r["RegionId"] == "NULL" ? null : r["RegionId"]))
            .ToDictionary(g => g.Key, g => g.Sum(r => decimal.Parse(r["EffectiveCost"], System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected.Count, table.Items.Count);
        foreach (var row in table.Items)
        {
            Assert.Equal(expected[(row.Keys[0]!, row.Keys[1])], row.Cost);
            Assert.Equal("USD", row.Currency);
        }

        Assert.Equal(table.Items.OrderByDescending(r => r.Cost).Select(r => r.Cost), table.Items.Select(r => r.Cost));
    }

    [Fact]
    public async Task Day_buckets_and_time_range()
    {
        var from = new DateTimeOffset(2024, 9, 10, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2024, 9, 12, 0, 0, 0, TimeSpan.Zero);
        var table = await new CostQuery().Per(CostGranularity.Day).Between(from, to).Measure(CostMetric.BilledCost).ExecuteAsync(Read(TestData.FocusSample), Ct);

        Assert.Equal([new DateOnly(2024, 9, 10), new DateOnly(2024, 9, 11)], table.Items.Select(r => r.Period!.Value));
        var all = await TestData.ReadAllAsync(TestData.FocusSample);
        Assert.Equal(all.Where(r => r.ChargePeriodStart >= from && r.ChargePeriodStart < to).Sum(r => r.BilledCost), table.Total);
        Assert.Throws<CloudException>(() => new CostQuery().Between(to, from));
    }

    [Fact]
    public async Task Month_buckets_by_tag_value_and_sub_account()
    {
        var table = await new CostQuery().GroupBy(CostDimension.Tag("team"), CostDimension.SubAccount).Per(CostGranularity.Month)
            .ExecuteAsync(Read(TestData.GcpJson), Ct);
        Assert.All(table.Items, r => Assert.Equal(new DateOnly(2024, 9, 1), r.Period));
        var checkout = table.Items.Single(r => r.Keys[0] == "checkout");
        Assert.Equal("shop-prod", checkout.Keys[1]);
        // Compute (0.760704 − 0.190176 CUD credit) and internet egress 0.96, for 3 days.
        Assert.Equal(3 * (0.760704m - 0.190176m + 0.96m), checkout.Cost);
    }

    [Fact]
    public async Task Currencies_are_never_added_together()
    {
        var records = (await TestData.ReadAllAsync(TestData.AzureEa)).Concat(await TestData.ReadAllAsync(TestData.AwsCurLegacy));
        var table = await new CostQuery().GroupBy(CostDimension.ServiceCategory).ExecuteAsync(records.ToAsyncEnumerable(), Ct);
        Assert.Equal(["CAD", "USD"], table.TotalsByCurrency.Keys.Order());
        Assert.Contains(table.Items, r => r.Keys[0] == "Compute" && r.Currency == "CAD");
    }

    [Fact]
    public async Task Tag_allocation_and_coverage_on_the_focus_sample()
    {
        var allocation = await CostAnalysis.AllocateByTagAsync(Read(TestData.FocusSample), "environment", cancellationToken: Ct);

        decimal total = 0, covered = 0, untagged = 0, positive = 0, positiveCovered = 0, positiveUntagged = 0;
        foreach (var row in TestData.ReadCsv(TestData.FocusSample))
        {
            var cost = decimal.Parse(row["EffectiveCost"], System.Globalization.CultureInfo.InvariantCulture);
            total += cost;
            positive += Math.Max(cost, 0);
            if (row["Tags"] == "NULL")
            {
                untagged += cost;
                positiveUntagged += Math.Max(cost, 0);
                continue;
            }

            using var doc = JsonDocument.Parse(row["Tags"]);
            if (doc.RootElement.TryGetProperty("environment", out _))
            {
                covered += cost;
                positiveCovered += Math.Max(cost, 0);
            }
        }

        Assert.Equal(total, allocation.TotalCost);
        Assert.Equal(total - covered, allocation.UnallocatedCost);
        Assert.Equal(untagged, allocation.UntaggedCost);
        Assert.Equal((double)(positiveCovered / positive), allocation.Coverage, 10);
        Assert.Equal(covered, allocation.Allocations.Sum(a => a.Cost));
        Assert.Contains(allocation.Allocations, a => a.Value == "dev");
        Assert.Equal((double)(positiveUntagged / positive), allocation.UntaggedShare, 10);
        Assert.InRange(allocation.Coverage, 0.0, 1.0);
    }

    [Fact]
    public async Task Data_transfer_kinds_agree_with_the_cur_transfer_type_column()
    {
        var report = await CostAnalysis.DataTransferAsync(Read(TestData.AwsCurLegacy), Ct);

        var native = TestData.ReadCsv(TestData.AwsCurLegacy).Where(r => r["product/transferType"].Length > 0)
            .GroupBy(r => r["product/transferType"] switch
            {
                "AWS Outbound" => DataTransferKind.InternetEgress,
                "AWS Inbound" => DataTransferKind.Ingress,
                var t when t.StartsWith("InterRegion", StringComparison.Ordinal) => DataTransferKind.InterRegion,
                _ => DataTransferKind.IntraRegion,
            })
            .ToDictionary(g => g.Key, g => (Cost: g.Sum(r => decimal.Parse(r["lineItem/UnblendedCost"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)), Rows: g.Count()));

        Assert.Equal(native.Keys.Order(), report.Items.Select(i => i.Kind).Order());
        foreach (var item in report.Items)
        {
            Assert.Equal("AWS", item.Provider);
            Assert.Equal(native[item.Kind].Rows, item.RowCount);
            Assert.Equal(native[item.Kind].Cost, item.Cost);
        }

        Assert.True(report.Items.Single(i => i.Kind == DataTransferKind.InterRegion).Gigabytes > 0);
    }

    [Fact]
    public async Task Data_transfer_across_clouds_with_google_egress()
    {
        var records = (await TestData.ReadAllAsync(TestData.GcpJson)).Concat(await TestData.ReadAllAsync(TestData.FocusSample));
        var report = await CostAnalysis.DataTransferAsync(records.ToAsyncEnumerable(), Ct);
        var google = Assert.Single(report.Items, i => i.Provider == "Google Cloud");
        Assert.Equal(DataTransferKind.InternetEgress, google.Kind);
        Assert.Equal(3 * 0.96m, google.Cost);
        Assert.Equal(24m, google.Gigabytes);
        // The FOCUS sample's AWS egress has zero EffectiveCost (free tier) but real volume.
        Assert.Contains(report.Items, i => i.Provider == "AWS" && i.Kind == DataTransferKind.InternetEgress && i.Gigabytes > 0);
        Assert.Equal(report.Items.Where(i => i.Kind == DataTransferKind.InternetEgress).Sum(i => i.Cost), report.EgressCost);
    }

    [Theory]
    [InlineData("one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv", 1.0)]
    [InlineData("one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv", 1.0)]
    [InlineData("one_hundred_percent_utilization_without_commitment_discount_flexibility.csv", 1.0)]
    [InlineData("zero_percent_utilization_without_commitment_discount_flexibility.csv", 0.0)]
    public async Task Commitment_utilisation_of_the_spec_examples(string file, double expected)
    {
        var report = await CostAnalysis.CommitmentUtilizationAsync(Read(Path.Combine(TestData.SpecExamples, "commitment_discount_flexibility", file)), Ct);
        var row = Assert.Single(report.Items);
        Assert.Equal("<my-commitment-discount-id>", row.CommitmentDiscountId);
        Assert.Equal(expected, row.Utilization);
        Assert.Equal(expected, report.OverallUtilization);
    }

    [Fact]
    public async Task Effective_unit_prices_compare_providers_per_category()
    {
        var records = (await TestData.ReadAllAsync(TestData.GcpJson)).Concat(await TestData.ReadAllAsync(TestData.FocusSample));
        var report = await CostAnalysis.EffectiveUnitPricesAsync(records.ToAsyncEnumerable(), Ct);

        var gcpVm = report.Items.Single(i => i.Provider == "Google Cloud" && i.ServiceCategory == "Compute" && i.PricingUnit == "hour");
        Assert.Equal(3 * 24m, gcpVm.Quantity);
        Assert.Equal(3 * 0.760704m, gcpVm.Cost); // credits are separate rows, not usage
        Assert.Equal(0.031696m, gcpVm.UnitPrice);
        Assert.Contains(report.Items, i => i.Provider == "AWS" && i.ServiceCategory == "Compute");
        Assert.All(report.Items, i => Assert.True(i.Quantity > 0));
    }

    [Fact]
    public async Task Month_over_month_change()
    {
        var records = Records(("AWS", "2024-08-15", 100m), ("AWS", "2024-09-03", 150m), ("Microsoft", "2024-09-10", 40m), ("AWS", "2024-10-01", 75m));
        var report = await CostAnalysis.MonthOverMonthAsync(records.ToAsyncEnumerable(), CostDimension.Provider, cancellationToken: Ct);

        var aws = report.Items.Where(i => i.Key == "AWS").ToList();
        Assert.Equal([new DateOnly(2024, 8, 1), new DateOnly(2024, 9, 1), new DateOnly(2024, 10, 1)], aws.Select(a => a.Month));
        Assert.Null(aws[0].PreviousCost);
        Assert.Equal(50m, aws[1].Change);
        Assert.Equal(0.5, aws[1].ChangeRatio);
        Assert.Equal(-0.5, aws[2].ChangeRatio);
        var azure = report.Items.Where(i => i.Key == "Microsoft").ToList();
        Assert.Equal([40m, 0m], azure.Select(a => a.Cost)); // October has no Microsoft cost: a drop to zero is a change
    }

    [Fact]
    public async Task Anomalies_flag_a_spike_against_a_noisy_baseline_but_not_the_noise()
    {
        var rows = new List<(string, string, decimal)>();
        var noise = new[] { 10.0m, 10.4m, 9.7m, 10.2m, 9.9m, 10.6m, 9.5m, 10.1m, 10.3m, 9.8m, 10.0m, 10.2m, 9.6m, 10.4m };
        for (int i = 0; i < noise.Length; i++)
        {
            rows.Add(("AWS", new DateOnly(2024, 9, 1).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), noise[i]));
        }

        rows.Add(("AWS", "2024-09-15", 31.0m));
        rows.Add(("AWS", "2024-09-16", 10.1m));
        var report = await CostAnalysis.DetectAnomaliesAsync(Records([.. rows]).ToAsyncEnumerable(), cancellationToken: Ct);

        var anomaly = Assert.Single(report.Items);
        Assert.Equal(new DateOnly(2024, 9, 15), anomaly.Day);
        Assert.Equal(31.0m, anomaly.Cost);
        Assert.Equal(10.05m, anomaly.Baseline);
        Assert.True(anomaly.Score > 3.5);
    }

    [Fact]
    public async Task Forecast_to_month_end_uses_the_run_rate()
    {
        var rows = Enumerable.Range(1, 10).Select(d => ("AWS", $"2024-09-{d:00}", d <= 3 ? 5m : 10m)).ToArray();
        var report = await CostAnalysis.ForecastToPeriodEndAsync(Records(rows).ToAsyncEnumerable(), 7, Ct);

        var f = Assert.Single(report.Items);
        Assert.Equal(new DateOnly(2024, 9, 10), f.LastDay);
        Assert.Equal(85m, f.ActualToDate);
        Assert.Equal(10m, f.DailyRunRate);
        Assert.Equal(20, f.RemainingDays);
        Assert.Equal(285m, f.Forecast);
        Assert.Equal(new DateOnly(2024, 10, 1), f.PeriodEnd);
    }

    internal static List<FocusRecord> Records(params (string Provider, string Day, decimal Cost)[] rows) =>
    [
        .. rows.Select((r, i) => new FocusRecord
        {
            ProviderName = r.Provider,
            ServiceName = "Compute",
            ServiceCategory = "Compute",
            BillingCurrency = "USD",
            ChargeCategory = "Usage",
            ChargePeriodStart = DateTimeOffset.Parse(r.Day + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            ChargePeriodEnd = DateTimeOffset.Parse(r.Day + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).AddDays(1),
            BilledCost = r.Cost,
            EffectiveCost = r.Cost,
            SourceRowNumber = i + 1,
        }),
    ];
}
