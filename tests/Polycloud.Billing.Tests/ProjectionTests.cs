using System.Text.Json;

namespace Polycloud.Billing.Tests;

/// <summary>Column projection (<see cref="FocusReadOptions.Columns"/>).</summary>
public sealed class ProjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The columns of a daily cost total by provider and service.</summary>
    private static readonly FocusColumnSet QueryColumns =
        FocusColumnSet.Of("ProviderName", "ServiceName", "ChargePeriodStart", "BillingCurrency", "EffectiveCost");

    public static TheoryData<string> AllColumnNames => new(FocusColumns.All.Select(c => c.Name));

    public static TheoryData<string> CsvSamples => new(
        new[] { TestData.FocusSample }.Concat(TestData.SpecExampleFiles).Select(f => Path.GetRelativePath(TestData.Dir, f)));

    [Theory]
    [MemberData(nameof(AllColumnNames))]
    public async Task Each_column_alone_reads_as_in_the_full_read_and_every_other_column_is_absent(string column)
    {
        var set = FocusColumnSet.Of(column);
        var full = await TestData.ReadAllAsync(TestData.FocusSample);
        var projected = await TestData.ReadAllAsync(TestData.FocusSample, new FocusReadOptions { Columns = set });

        AssertProjection(full, projected, set);
    }

    [Theory]
    [MemberData(nameof(CsvSamples))]
    public async Task Query_columns_read_as_in_the_full_read_on_every_csv_sample(string relativePath)
    {
        var path = Path.Combine(TestData.Dir, relativePath);
        var set = QueryColumns.Union("Tags", "BilledCost", "ListUnitPrice", "BillingPeriodStart", "ChargeCategory");
        var full = await TestData.ReadAllAsync(path, new FocusReadOptions { OnInvalidRow = _ => { } });
        var projected = await TestData.ReadAllAsync(path, new FocusReadOptions { Columns = set, OnInvalidRow = _ => { } });

        // A value in a column that is not read is not checked, so the projected read can keep a row the full read
        // rejected (the FOCUS 1.2 examples hold an impossible hour in BillingPeriodEnd); compare the rows both read.
        var byRow = projected.ToDictionary(r => r.SourceRowNumber);
        Assert.True(full.Count <= projected.Count);
        AssertProjection(full, [.. full.Select(r => byRow[r.SourceRowNumber])], set);
    }

    [Fact]
    public async Task Json_lines_and_parquet_focus_files_project_too()
    {
        var jsonl = Path.Combine(Path.GetTempPath(), $"focus-{Guid.NewGuid():N}.jsonl");
        var parquet = Path.Combine(Path.GetTempPath(), $"focus-{Guid.NewGuid():N}.parquet");
        try
        {
            await File.WriteAllLinesAsync(jsonl, TestData.ReadCsv(TestData.FocusSample).Select(row => JsonSerializer.Serialize(
                row.ToDictionary(p => p.Key, p => p.Value.Length == 0 || p.Value == "NULL" ? null : p.Value))), Ct);
            await using (var file = File.Create(parquet))
            {
                await FocusWriter.WriteParquetAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: Ct), file, cancellationToken: Ct);
            }

            var set = QueryColumns.Union("Tags", "PricingQuantity", "ChargeFrequency");
            foreach (var path in new[] { jsonl, parquet })
            {
                var full = await TestData.ReadAllAsync(path);
                var projected = await TestData.ReadAllAsync(path, new FocusReadOptions { Columns = set });
                Assert.Equal(1000, projected.Count);
                Assert.All(projected, r => Assert.Equal(BillingExportFormat.Focus, r.SourceFormat));
                AssertProjection(full, projected, set);
            }
        }
        finally
        {
            File.Delete(jsonl);
            File.Delete(parquet);
        }
    }

    [Fact]
    public async Task Native_exports_are_read_in_full_whatever_the_projection()
    {
        foreach (var path in new[] { TestData.AwsCurLegacy, TestData.AzureEa, TestData.GcpJson })
        {
            var full = await TestData.ReadAllAsync(path);
            var projected = await TestData.ReadAllAsync(path, new FocusReadOptions { Columns = QueryColumns });
            Assert.All(projected, r => Assert.True(r.Columns.IsAll));
            Assert.Equal(full.Select(r => (r.BilledCost, r.ResourceId, r.ServiceName)), projected.Select(r => (r.BilledCost, r.ResourceId, r.ServiceName)));
        }
    }

    [Fact]
    public void An_unknown_column_name_is_an_invalid_argument_naming_the_argument_and_the_rule()
    {
        var ex = Assert.Throws<CloudException>(() => FocusColumnSet.Of("ProviderName", "Cost"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("columnNames", ex.Data["ArgumentName"]);
        Assert.Contains("'Cost' is not a FOCUS 1.2 column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FocusColumns.All", ex.Message, StringComparison.Ordinal);

        // 1.0-preview aliases are file header names, not FocusRecord columns.
        Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => FocusColumnSet.Of("Provider")).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => FocusColumnSet.Of("")).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => QueryColumns.Union("x_Custom")).ErrorCode);
    }

    [Fact]
    public void Column_sets_ignore_case_and_compare_by_content()
    {
        var set = FocusColumnSet.Of("effectivecost", "PROVIDERNAME", "ProviderName");
        Assert.Equal(2, set.Count);
        Assert.Equal(new[] { "EffectiveCost", "ProviderName" }, set);
        Assert.True(set.Contains("EffectiveCost"));
        Assert.False(set.Contains("BilledCost"));
        Assert.False(set.Contains("NoSuchColumn"));
        Assert.Equal(set, FocusColumnSet.Of("ProviderName", "EffectiveCost"));
        Assert.True(QueryColumns.IsSupersetOf(set));
        Assert.False(set.IsSupersetOf(QueryColumns));
        Assert.Equal(FocusColumns.All.Count, FocusColumnSet.All.Count);
        Assert.Same(FocusColumnSet.All, FocusColumnSet.Of(FocusColumns.All.Select(c => c.Name)));
        Assert.True(new FocusRecord().Columns.IsAll);
    }

    private static void AssertProjection(IReadOnlyList<FocusRecord> full, IReadOnlyList<FocusRecord> projected, FocusColumnSet set)
    {
        Assert.Equal(full.Count, projected.Count);
        for (int i = 0; i < full.Count; i++)
        {
            var (f, p) = (full[i], projected[i]);
            Assert.Equal(f.SourceRowNumber, p.SourceRowNumber);
            Assert.Same(set, p.Columns);
            foreach (var column in FocusColumns.All)
            {
                var expected = set.Contains(column.Name) ? column.Value(f) : Absent(column);
                Assert.True(Equals(expected, column.Value(p)), $"Row {f.SourceRowNumber}, {column.Name}: expected '{expected}', read '{column.Value(p)}'.");
            }

            if (!set.Contains("Tags"))
            {
                Assert.Empty(p.Tags);
            }
            else
            {
                Assert.Equal(f.Tags, p.Tags);
            }
        }
    }

    /// <summary>What a column that was not read holds: null, or the default of a non-nullable property.</summary>
    private static object? Absent(FocusColumn column) => column.Name switch
    {
        "BilledCost" or "EffectiveCost" => 0m,
        "ChargePeriodStart" or "ChargePeriodEnd" => default(DateTimeOffset),
        _ => null,
    };
}
