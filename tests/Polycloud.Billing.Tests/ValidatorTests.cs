using Polycloud.Billing.Validation;

namespace Polycloud.Billing.Tests;

public sealed class ValidatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Focus_sample_quirks_are_reported_per_rule_with_counts_and_examples()
    {
        var report = await FocusValidator.ValidateAsync(TestData.FocusSample, new FocusValidationOptions { Version = "1.0" }, Ct);

        Assert.Equal(1000, report.RowCount);
        Assert.Equal(BillingExportFormat.Focus, report.Format);
        // "NULL" text: count it independently from the file.
        var rows = TestData.ReadCsv(TestData.FocusSample).ToList();
        long nullLiterals = rows.Sum(r => r.Where(p => FocusColumns.Find(p.Key) is not null).Count(p => p.Value == "NULL"));
        Assert.Equal(nullLiterals, report["VAL-NULL-LITERAL"]!.ViolationCount);
        // "Usage-based" for "Usage-Based": 7 rows.
        var casing = report["VAL-ALLOWED-VALUE-CASE"]!;
        Assert.Equal(7, casing.ViolationCount);
        Assert.Equal("Usage-based", casing.Examples[0].Value);
        Assert.Equal("ChargeFrequency", casing.Examples[0].Column);
        // "2024-09-18 23:00:00" is not ISO 8601 UTC: 4 timestamp columns × 1000 rows.
        Assert.Equal(4000, report["VAL-DATETIME-FORMAT"]!.ViolationCount);
        // The sample's "Id" column is not a FOCUS column and lacks the x_ prefix.
        Assert.Equal("Id", Assert.Single(report["COL-CUSTOM-PREFIX"]!.Examples).Column);
        Assert.Equal(0, report["COL-MANDATORY-MISSING"]!.ViolationCount);
        Assert.True(report.Examples().All(e => e.RowNumber >= 0));
        Assert.All(report.Rules, r => Assert.True(r.Examples.Count <= 5));
    }

    [Fact]
    public async Task Version_1_2_reports_the_columns_a_1_0_dataset_lacks()
    {
        var report = await FocusValidator.ValidateAsync(TestData.FocusSample, new FocusValidationOptions { Version = "1.2" }, Ct);
        var missing = report["COL-MANDATORY-MISSING"]!;
        // FOCUS 1.0 sample data has every mandatory 1.0 column; 1.2 added no mandatory ones, so nothing is missing.
        Assert.Equal(0, missing.ViolationCount);
        // The Oracle rows carry NULL in ContractedCost, which FOCUS does not allow.
        Assert.False(report.IsConformant);
        Assert.Equal(7, report["VAL-NOT-NULLABLE"]!.ViolationCount);
        Assert.All(report["VAL-NOT-NULLABLE"]!.Examples, v => Assert.Equal("ContractedCost", v.Column));
    }

    [Fact]
    public async Task Spec_example_subsets_report_missing_mandatory_columns_and_bad_values()
    {
        var file = Path.Combine(TestData.SpecExamples, "commitment_discount_scenarios", "commitment_discount_purchase_scenario_2.csv");
        var report = await FocusValidator.ValidateAsync(file, cancellationToken: Ct);

        var missing = report["COL-MANDATORY-MISSING"]!;
        Assert.Contains(missing.Examples, v => v.Column == "BillingAccountId");
        // 21 mandatory 1.2 columns; the example carries 7 of them (BilledCost, EffectiveCost, ChargeCategory, the four period columns).
        Assert.Equal(14, missing.ViolationCount);
        var badDate = Assert.Single(report["VAL-TYPE-DATETIME"]!.Examples);
        Assert.Equal("2023-02-01T30:00:00Z", badDate.Value);
        Assert.Equal(3, badDate.RowNumber);
        Assert.False(report.IsConformant);
        Assert.Contains("VAL-TYPE-DATETIME", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Money_formatted_as_text_is_a_type_violation()
    {
        var file = Path.Combine(TestData.SpecExamples, "saas_examples", "simple_agreements", "simple_saas_agreements_b.csv");
        var report = await FocusValidator.ValidateAsync(file, cancellationToken: Ct);
        var rule = report["VAL-TYPE-DECIMAL"]!;
        Assert.True(rule.ViolationCount > 0);
        Assert.StartsWith("$", rule.Examples[0].Value!.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consistency_rules_catch_made_up_violations()
    {
        var csv = "BilledCost,EffectiveCost,ListCost,ListUnitPrice,PricingQuantity,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,CommitmentDiscountId,CommitmentDiscountStatus,PricingCategory,BillingCurrency,ServiceCategory\n" +
                  "1,1,10.00,2.00,5,Usage,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z,,,Standard,USD,Compute\n" +
                  "1,1,12.00,2.00,5,Usage,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z,cd-1,,Committed,usd,Compute\n" +
                  "1,1,,,,Usage,2024-03-01T02:00:00Z,2024-03-01T01:00:00Z,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z,,Used,Comitted,USD,Computing\n";
        var report = await FocusValidator.ValidateAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), cancellationToken: Ct);

        Assert.Equal(1, report["COST-LIST"]!.ViolationCount);
        Assert.Equal(2, report["COST-LIST"]!.Examples[0].RowNumber);
        Assert.Equal(2, report["CD-STATUS"]!.ViolationCount); // row 2: Id without status; row 3: status without Id
        Assert.Equal(1, report["COST-PERIOD-ORDER"]!.ViolationCount);
        Assert.Equal(1, report["COST-CHARGE-IN-BILLING-PERIOD"]!.ViolationCount);
        Assert.Equal(1, report["VAL-CURRENCY-CODE"]!.ViolationCount);
        Assert.Equal(2, report["VAL-ALLOWED-VALUE"]!.ViolationCount); // "Comitted", "Computing"
        Assert.Equal(0, report["CD-COMMITTED-PRICING"]!.ViolationCount);
    }

    [Fact]
    public async Task Native_exports_are_checked_after_conversion()
    {
        var report = await FocusValidator.ValidateAsync(TestData.AwsCurLegacy, cancellationToken: Ct);
        Assert.Equal(BillingExportFormat.AwsCurLegacy, report.Format);
        Assert.Equal(1281, report.RowCount);
        // CUR does not carry contracted cost: reported, not invented.
        Assert.Contains(report["VAL-NOT-NULLABLE"]!.Examples, v => v.Column == "ContractedCost");
        Assert.Equal(0, report["VAL-ALLOWED-VALUE"]!.ViolationCount);
    }

    [Fact]
    public async Task Records_can_be_checked_directly()
    {
        var report = await FocusValidator.ValidateAsync(FocusReader.ReadAsync(TestData.GcpJson, cancellationToken: Ct), cancellationToken: Ct);
        Assert.Equal(20, report.RowCount);
        Assert.Equal(0, report["COST-PERIOD-ORDER"]!.ViolationCount);
        Assert.Equal(0, report["VAL-ALLOWED-VALUE"]!.ViolationCount);
    }
}

internal static class ReportExtensions
{
    public static IEnumerable<FocusViolation> Examples(this FocusValidationReport report) => report.Rules.SelectMany(r => r.Examples);
}
