using System.Text.Json;
using Polycloud.Billing.Validation;

namespace Polycloud.Billing.Tests;

/// <summary>Column projection (<see cref="FocusReadOptions.Columns"/>) and the query layer's use of it.</summary>
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

        // The sample is FOCUS 1.0: also a FOCUS 1.2 file where every one of the 57 columns holds a distinct value.
        var path = Path.Combine(Path.GetTempPath(), $"focus-all-columns-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var file = File.Create(path))
            {
                await FocusWriter.WriteCsvAsync(EveryColumnRecords(20).ToAsyncEnumerable(), file, Ct);
            }

            full = await TestData.ReadAllAsync(path);
            Assert.All(full, r => Assert.All(FocusColumns.All, c => Assert.NotNull(c.Value(r))));
            AssertProjection(full, await TestData.ReadAllAsync(path, new FocusReadOptions { Columns = set }), set);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Records with a distinct, non-null value in every FOCUS column.</summary>
    private static IEnumerable<FocusRecord> EveryColumnRecords(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            var record = new FocusRecord();
            var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i);
            foreach (var column in FocusColumns.All)
            {
                object value = column.Type switch
                {
                    FocusDataType.Number => i + (column.Name.Length / 100m),
                    FocusDataType.Timestamp => start.AddMinutes(column.Name.Length),
                    FocusDataType.Json => $"{{\"{column.Name}\":\"{i}\"}}",
                    _ => $"{column.Name}-{i}",
                };
                typeof(FocusRecord).GetProperty(column.Name == "Tags" ? "TagsJson" : column.Name)!.SetValue(record, value);
            }

            yield return record;
        }
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
    public void Every_focus_column_can_be_read_alone()
    {
        Assert.Equal(FocusColumns.All.Select(c => c.Name), Internal.FocusColumnMapper.ProjectableColumns);
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

    [Fact]
    public void A_query_knows_the_columns_it_reads()
    {
        Assert.Equal(QueryColumns, new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day).RequiredColumns);
        Assert.Equal(FocusColumnSet.Of("BillingCurrency", "BilledCost", "RegionId", "Tags"),
            new CostQuery().GroupBy(CostDimension.Region, CostDimension.Tag("team")).Measure(CostMetric.BilledCost).RequiredColumns);
        Assert.Equal(FocusColumnSet.Of("BillingCurrency", "EffectiveCost", "ChargePeriodStart", "SubAccountId"),
            new CostQuery().Between(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow).Where(r => r.SubAccountId != null, FocusColumnSet.Of("SubAccountId")).RequiredColumns);
        Assert.True(new CostQuery().Where(r => r.SubAccountId != null).RequiredColumns.IsAll);
        Assert.True(new CostQuery().GroupBy(CostDimension.Custom("x", r => r.SkuId)).RequiredColumns.IsAll);
        Assert.Equal(FocusColumnSet.Of("BillingCurrency", "EffectiveCost", "SkuId"),
            new CostQuery().GroupBy(CostDimension.Custom("x", r => r.SkuId, FocusColumnSet.Of("SkuId"))).RequiredColumns);
    }

    [Fact]
    public async Task Queries_and_analyses_over_a_path_read_fewer_columns_and_give_the_full_read_results()
    {
        var path = TestData.FocusSample;
        IAsyncEnumerable<FocusRecord> Full() => FocusReader.ReadAsync(path, cancellationToken: Ct);

        var query = new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day);
        Assert.Equal((await query.ExecuteAsync(Full(), Ct)).ToJson(), (await query.ExecuteAsync(path, cancellationToken: Ct)).ToJson());
        var tagQuery = new CostQuery().GroupBy(CostDimension.Tag("environment"), CostDimension.SubAccount).Per(CostGranularity.Month).Measure(CostMetric.ListCost);
        Assert.Equal((await tagQuery.ExecuteAsync(Full(), Ct)).ToJson(), (await tagQuery.ExecuteAsync(path, cancellationToken: Ct)).ToJson());

        Assert.Equal((await CostAnalysis.AllocateByTagAsync(Full(), "environment", CostMetric.BilledCost, Ct)).ToJson(),
            (await CostAnalysis.AllocateByTagAsync(path, "environment", CostMetric.BilledCost, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.DataTransferAsync(Full(), Ct)).ToJson(), (await CostAnalysis.DataTransferAsync(path, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.CommitmentUtilizationAsync(Full(), Ct)).ToJson(), (await CostAnalysis.CommitmentUtilizationAsync(path, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.EffectiveUnitPricesAsync(Full(), Ct)).ToJson(), (await CostAnalysis.EffectiveUnitPricesAsync(path, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.MonthOverMonthAsync(Full(), CostDimension.ServiceCategory, cancellationToken: Ct)).ToJson(),
            (await CostAnalysis.MonthOverMonthAsync(path, CostDimension.ServiceCategory, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.DetectAnomaliesAsync(Full(), cancellationToken: Ct)).ToJson(), (await CostAnalysis.DetectAnomaliesAsync(path, cancellationToken: Ct)).ToJson());
        Assert.Equal((await CostAnalysis.ForecastToPeriodEndAsync(Full(), cancellationToken: Ct)).ToJson(), (await CostAnalysis.ForecastToPeriodEndAsync(path, cancellationToken: Ct)).ToJson());

        // The commitment examples exercise the commitment and unit price analyses with non-empty results.
        foreach (var file in TestData.SpecExampleFiles)
        {
            var options = new FocusReadOptions { OnInvalidRow = _ => { } };
            Assert.Equal((await CostAnalysis.CommitmentUtilizationAsync(FocusReader.ReadAsync(file, options, Ct), Ct)).ToJson(),
                (await CostAnalysis.CommitmentUtilizationAsync(file, options, Ct)).ToJson());
        }
    }

    [Fact]
    public async Task Records_read_without_a_needed_column_are_rejected_not_summed_as_nulls()
    {
        var onlyCost = new FocusReadOptions { Columns = FocusColumnSet.Of("EffectiveCost", "BillingCurrency") };
        IAsyncEnumerable<FocusRecord> Projected() => FocusReader.ReadAsync(TestData.FocusSample, onlyCost, Ct);

        var query = await Assert.ThrowsAsync<CloudException>(() => new CostQuery().GroupBy(CostDimension.Provider).ExecuteAsync(Projected(), Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, query.ErrorCode);
        Assert.Equal("records", query.Data["ArgumentName"]);
        Assert.Contains("ProviderName", query.Message, StringComparison.Ordinal);

        // The same records are fine for a query that only needs what they carry.
        var total = await new CostQuery().ExecuteAsync(Projected(), Ct);
        Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.FocusSample, "EffectiveCost")), TestData.Cents(total.Total));

        var transfer = await Assert.ThrowsAsync<CloudException>(() => CostAnalysis.DataTransferAsync(Projected(), Ct));
        Assert.Equal("records", transfer.Data["ArgumentName"]);
        var tags = await Assert.ThrowsAsync<CloudException>(() => CostAnalysis.AllocateByTagAsync(Projected(), "team", cancellationToken: Ct));
        Assert.Contains("Tags", tags.Message, StringComparison.Ordinal);

        using var sink = new MemoryStream();
        var write = await Assert.ThrowsAsync<CloudException>(() => FocusWriter.WriteCsvAsync(Projected(), sink, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, write.ErrorCode);
        var validate = await Assert.ThrowsAsync<CloudException>(() => FocusValidator.ValidateAsync(Projected(), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, validate.ErrorCode);
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
