using System.IO.Compression;
using Parquet.Serialization;

namespace Polycloud.Billing.Tests;

public sealed class ParquetAndSqlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Focus_parquet_written_from_native_data_reads_back_identically()
    {
        var path = Path.Combine(Path.GetTempPath(), $"focus-{Guid.NewGuid():N}.parquet");
        try
        {
            await using (var file = File.Create(path))
            {
                var written = await FocusWriter.WriteParquetAsync(FocusReader.ReadAsync(TestData.AwsCurLegacy, cancellationToken: Ct), file,
                    new FocusParquetOptions { RowGroupSize = 500 }, Ct);
                Assert.Equal(1281, written);
            }

            var original = await TestData.ReadAllAsync(TestData.AwsCurLegacy);
            var info = await FocusReader.DetectAsync(path, Ct);
            Assert.Equal((BillingExportFormat.Focus, BillingFileKind.Parquet), (info.Format, info.FileKind));
            var back = await TestData.ReadAllAsync(path);

            Assert.Equal(original.Count, back.Count); // three row groups
            Assert.Equal(original.Select(r => r.BilledCost), back.Select(r => r.BilledCost));
            Assert.Equal(original.Select(r => r.ChargePeriodStart), back.Select(r => r.ChargePeriodStart));
            Assert.Equal(original.Select(r => r.ServiceCategory), back.Select(r => r.ServiceCategory));
            Assert.Equal(original.Select(r => r.ListCost), back.Select(r => r.ListCost));
            Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.AwsCurLegacy, "lineItem/UnblendedCost")), TestData.Cents(back.Sum(r => r.BilledCost)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Focus_csv_written_reads_back_and_passes_the_value_checks()
    {
        using var buffer = new MemoryStream();
        await FocusWriter.WriteCsvAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: Ct), buffer, Ct);
        buffer.Position = 0;
        var back = new List<FocusRecord>();
        await foreach (var r in FocusReader.ReadAsync(buffer, cancellationToken: Ct))
        {
            back.Add(r);
        }

        var original = await TestData.ReadAllAsync(TestData.FocusSample);
        Assert.Equal(original.Select(r => r.EffectiveCost), back.Select(r => r.EffectiveCost));
        Assert.Equal(original.Select(r => r.Tags.Count), back.Select(r => r.Tags.Count));

        buffer.Position = 0;
        var report = await Validation.FocusValidator.ValidateAsync(buffer, cancellationToken: Ct);
        Assert.Equal(0, report["VAL-NULL-LITERAL"]!.ViolationCount);
        Assert.Equal(0, report["VAL-ALLOWED-VALUE-CASE"]!.ViolationCount);
        Assert.Equal(0, report["VAL-DATETIME-FORMAT"]!.ViolationCount);
    }

    [Fact]
    public async Task Cur2_parquet_with_map_columns_reads_like_the_csv()
    {
        var csvRows = TestData.ReadCsv(TestData.AwsCur2).ToList();
        var rows = csvRows.Select(r => new Cur2Row
        {
            bill_payer_account_id = r["bill_payer_account_id"],
            bill_billing_period_start_date = DateTime.Parse(r["bill_billing_period_start_date"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            line_item_line_item_type = r["line_item_line_item_type"],
            line_item_usage_start_date = DateTime.Parse(r["line_item_usage_start_date"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            line_item_usage_end_date = DateTime.Parse(r["line_item_usage_end_date"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            line_item_product_code = r["line_item_product_code"],
            line_item_unblended_cost = double.Parse(r["line_item_unblended_cost"], System.Globalization.CultureInfo.InvariantCulture),
            line_item_currency_code = r["line_item_currency_code"],
            product_region_code = r["product_region_code"].Length == 0 ? null : r["product_region_code"],
            resource_tags = r["resource_tags"].Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(r["resource_tags"]),
        }).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"cur2-{Guid.NewGuid():N}.parquet.gz");
        try
        {
            using (var parquet = new MemoryStream())
            {
                await ParquetSerializer.SerializeAsync(rows, parquet, cancellationToken: Ct);
                await using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
                await gz.WriteAsync(parquet.ToArray(), Ct);
            }

            var fromParquet = await TestData.ReadAllAsync(path);
            var fromCsv = await TestData.ReadAllAsync(TestData.AwsCur2);

            Assert.All(fromParquet, r => Assert.Equal(BillingExportFormat.AwsCur2, r.SourceFormat));
            Assert.Equal(fromCsv.Select(r => r.BilledCost), fromParquet.Select(r => r.BilledCost));
            Assert.Equal(fromCsv.Select(r => r.ChargePeriodStart), fromParquet.Select(r => r.ChargePeriodStart));
            Assert.Equal(fromCsv.Select(r => r.Tags.GetValueOrDefault("team")), fromParquet.Select(r => r.Tags.GetValueOrDefault("team")));
            Assert.Equal(fromCsv.Select(r => r.Tags.Count), fromParquet.Select(r => r.Tags.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task DuckDb_sql_over_focus_parquet_agrees_with_the_streaming_query()
    {
        var path = Path.Combine(Path.GetTempPath(), $"focus-{Guid.NewGuid():N}.parquet");
        try
        {
            await using (var file = File.Create(path))
            {
                await FocusWriter.WriteParquetAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: Ct), file, cancellationToken: Ct);
            }

            await using var engine = await DuckDbFocusEngine.OpenAsync(path, Ct);
            var sql = await engine.TotalsByProviderAsync(Ct);
            var streamed = await new CostQuery().GroupBy(CostDimension.Provider).ExecuteAsync(FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: Ct), Ct);

            Assert.Equal(["ProviderName", "BillingCurrency", "EffectiveCost", "Rows"], sql.Headers);
            Assert.Equal(streamed.Items.Count, sql.Items.Count);
            foreach (var row in sql.Items)
            {
                var match = streamed.Items.Single(r => r.Keys[0] == (string?)row[0]);
                Assert.Equal(match.Cost, Convert.ToDecimal(row[2], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(match.RowCount, Convert.ToInt64(row[3], System.Globalization.CultureInfo.InvariantCulture));
            }

            var csvEngine = await DuckDbFocusEngine.OpenAsync(TestData.FocusSample, Ct);
            await using (csvEngine)
            {
                var count = await csvEngine.QueryAsync("SELECT COUNT(*) AS n, COUNT(ChargeClass) AS charge_class FROM focus", Ct);
                Assert.Equal(1000L, Convert.ToInt64(count.Items[0][0], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(0L, Convert.ToInt64(count.Items[0][1], System.Globalization.CultureInfo.InvariantCulture)); // "NULL" read as null
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task DuckDb_rejects_paths_that_would_break_the_sql()
    {
        var ex = await Assert.ThrowsAsync<CloudException>(() => DuckDbFocusEngine.OpenAsync("x'; DROP TABLE y; --.parquet", Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
    }

#pragma warning disable IDE1006, CA1707 // CUR 2.0 column names are snake_case
    private sealed class Cur2Row
    {
        public string? bill_payer_account_id { get; set; }
        public DateTime bill_billing_period_start_date { get; set; }
        public string? line_item_line_item_type { get; set; }
        public DateTime line_item_usage_start_date { get; set; }
        public DateTime line_item_usage_end_date { get; set; }
        public string? line_item_product_code { get; set; }
        public double line_item_unblended_cost { get; set; }
        public string? line_item_currency_code { get; set; }
        public string? product_region_code { get; set; }
        public Dictionary<string, string>? resource_tags { get; set; }
    }
#pragma warning restore IDE1006, CA1707
}
