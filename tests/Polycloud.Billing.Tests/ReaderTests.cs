using System.IO.Compression;
using System.Text.Json;

namespace Polycloud.Billing.Tests;

public sealed class ReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Focus_sample_reads_every_row_with_nulls_and_case_normalised()
    {
        var rows = await TestData.ReadAllAsync(TestData.FocusSample);

        Assert.Equal(1000, rows.Count);
        Assert.All(rows, r => Assert.Equal(BillingExportFormat.Focus, r.SourceFormat));
        Assert.Equal(942, rows.Count(r => r.ProviderName == "AWS"));
        Assert.Equal(51, rows.Count(r => r.ProviderName == "Microsoft"));
        // The literal "NULL" of the sample is a null, not a string.
        Assert.All(rows, r => Assert.Null(r.ChargeClass));
        Assert.DoesNotContain(rows, r => r.AvailabilityZone == "NULL");
        // "Usage-based" (7 rows in the sample) is normalised to the spec spelling.
        Assert.All(rows, r => Assert.Contains(r.ChargeFrequency, FocusValues.ChargeFrequencies));
        var first = rows[0];
        Assert.Equal(0.00000080000m, first.BilledCost);
        Assert.Equal(new DateTimeOffset(2024, 9, 18, 22, 0, 0, TimeSpan.Zero), first.ChargePeriodStart);
        Assert.Equal("us-west-2", first.RegionId);
        Assert.Equal("Integration", first.ServiceCategory);
        var tagged = rows[1];
        Assert.Equal("dev", tagged.Tags["environment"]);
        Assert.Equal("BrightLensMatrix", tagged.Tags["application"]);
        Assert.Empty(first.Tags);
    }

    [Fact]
    public async Task Gzip_and_stream_input_give_the_same_records()
    {
        var plain = await TestData.ReadAllAsync(TestData.FocusSample);
        var gz = Path.Combine(Path.GetTempPath(), $"focus-{Guid.NewGuid():N}.csv.gz");
        try
        {
            await using (var source = File.OpenRead(TestData.FocusSample))
            await using (var target = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            {
                await source.CopyToAsync(target, Ct);
            }

            var zipped = await TestData.ReadAllAsync(gz);
            Assert.Equal(plain.Count, zipped.Count);
            Assert.Equal(plain.Sum(r => r.BilledCost), zipped.Sum(r => r.BilledCost));

            await using var stream = new NonSeekableStream(File.OpenRead(gz));
            var fromStream = new List<FocusRecord>();
            await foreach (var r in FocusReader.ReadAsync(stream, cancellationToken: Ct))
            {
                fromStream.Add(r);
            }

            Assert.Equal(plain.Select(r => r.EffectiveCost), fromStream.Select(r => r.EffectiveCost));
        }
        finally
        {
            File.Delete(gz);
        }
    }

    [Fact]
    public async Task Spec_examples_read_with_blank_lines_bom_lowercase_null_and_us_dates()
    {
        var errors = new List<FocusReadError>();
        foreach (var file in TestData.SpecExampleFiles)
        {
            int before = errors.Count;
            var rows = await TestData.ReadAllAsync(file, new FocusReadOptions { OnInvalidRow = errors.Add });
            var expected = TestData.ReadCsv(file).Count();
            Assert.True(expected == rows.Count + errors.Count - before, $"{Path.GetFileName(file)}: {rows.Count} records, {expected} rows");
        }

        // Two published examples carry an impossible hour; those rows are reported and skipped, not guessed.
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("ChargePeriodEnd': '2023-02-01T30:00:00Z'", e.Message, StringComparison.Ordinal));
        Assert.Equal(["commitment_discount_purchase_scenario_2.csv", "commitment_discount_purchase_scenario_3.csv"], errors.Select(e => Path.GetFileName(e.SourceName)));

        var spend = await TestData.ReadAllAsync(Path.Combine(TestData.SpecExamples, "saas_examples", "simple_agreements", "simple_saas_agreements_b.csv"));
        Assert.Contains(spend, r => r.BilledCost == 50000.00m); // "$50,000.00 "

        var flex = await TestData.ReadAllAsync(Path.Combine(TestData.SpecExamples, "commitment_discount_flexibility",
            "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv"));
        Assert.Equal(3, flex.Count);
        Assert.Null(flex[0].ConsumedQuantity); // literal "null"
        Assert.Null(flex[0].CommitmentDiscountStatus);
        Assert.Equal("Used", flex[1].CommitmentDiscountStatus);

        var saas = await TestData.ReadAllAsync(Path.Combine(TestData.SpecExamples, "saas_examples", "virtual_currency_pricing_model_a1.csv"));
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), saas[0].ChargePeriodStart); // "4/1/25"
        Assert.Equal(200000.00m, saas[0].BilledCost); // header starts with a byte-order mark
    }

    [Fact]
    public async Task Aws_legacy_cur_maps_to_focus()
    {
        var rows = await TestData.ReadAllAsync(TestData.AwsCurLegacy);

        Assert.Equal(1281, rows.Count);
        Assert.All(rows, r => Assert.Equal("AWS", r.ProviderName));
        Assert.Equal(12, rows.Count(r => r.ChargeCategory == "Tax"));
        Assert.Equal(1269, rows.Count(r => r.ChargeCategory == "Usage"));
        var usage = rows.First(r => r.ChargeCategory == "Usage" && r.ServiceName == "Amazon Simple Storage Service");
        Assert.Equal("Storage", usage.ServiceCategory);
        Assert.Equal("Usage-Based", usage.ChargeFrequency);
        Assert.Equal("Standard", usage.PricingCategory);
        Assert.Equal("123412340534", usage.BillingAccountId);
        Assert.NotNull(usage.SubAccountId);
        // Not carried by CUR: stays null rather than being made up.
        Assert.All(rows, r => Assert.Null(r.ContractedCost));
        Assert.All(rows, r => Assert.Null(r.BillingAccountName));
        Assert.Equal(new DateTimeOffset(2023, 11, 1, 0, 0, 0, TimeSpan.Zero), rows[0].BillingPeriodStart);
    }

    [Fact]
    public async Task Aws_cur2_csv_reads_product_and_tag_maps()
    {
        var rows = await TestData.ReadAllAsync(TestData.AwsCur2);

        Assert.Equal(200, rows.Count);
        Assert.All(rows, r => Assert.Equal(BillingExportFormat.AwsCur2, r.SourceFormat));
        Assert.Equal(150, rows.Count(r => r.HasTags));
        Assert.Contains(rows, r => r.Tags.TryGetValue("team", out var t) && t == "checkout");
        var legacy = (await TestData.ReadAllAsync(TestData.AwsCurLegacy)).Take(200).ToList();
        Assert.Equal(legacy.Select(r => r.BilledCost), rows.Select(r => r.BilledCost));
        Assert.Equal(legacy.Select(r => r.ServiceName), rows.Select(r => r.ServiceName));
        Assert.Equal(legacy.Select(r => r.RegionId), rows.Select(r => r.RegionId));
    }

    [Fact]
    public async Task Azure_ea_maps_to_focus_with_quirks_handled()
    {
        var rows = await TestData.ReadAllAsync(TestData.AzureEa);

        Assert.Equal(27, rows.Count);
        Assert.All(rows, r => Assert.Equal("Microsoft", r.ProviderName));
        Assert.All(rows, r => Assert.Equal("CAD", r.BillingCurrency));
        Assert.All(rows, r => Assert.Equal(new DateTimeOffset(2023, 9, 2, 0, 0, 0, TimeSpan.Zero), r.ChargePeriodStart));
        Assert.All(rows, r => Assert.Equal(new DateTimeOffset(2023, 10, 1, 0, 0, 0, TimeSpan.Zero), r.BillingPeriodEnd));
        // microsoft.compute, Microsoft.Compute and MICROSOFT.DATAFACTORY all resolve.
        Assert.Equal(16, rows.Count(r => r.ServiceCategory == "Compute"));
        Assert.Equal(2, rows.Count(r => r.ServiceCategory == "Analytics"));
        Assert.Equal(3, rows.Count(r => r.PricingCategory == "Dynamic"));
        Assert.Contains(rows, r => r.RegionId == "centralus");
        // Tags without surrounding braces.
        Assert.All(rows, r => Assert.Equal("valueB", r.Tags["tagB"]));
        Assert.Contains(rows, r => r.BilledCost == 0.0000564902m); // 5.64902E-05
    }

    [Fact]
    public async Task Azure_amortized_files_keep_commitment_usage_out_of_billed_cost()
    {
        var csv = "Date,ChargeType,PricingModel,CostInBillingCurrency,BillingCurrencyCode,SubscriptionId,ConsumedService,MeterCategory,benefitId\n" +
                  "9/2/2023,Usage,Reservation,1.50,USD,s1,Microsoft.Compute,Virtual Machines,/providers/Microsoft.Capacity/reservationOrders/o1/reservations/r1\n" +
                  "9/2/2023,UnusedReservation,Reservation,0.50,USD,s1,Microsoft.Compute,Virtual Machines,/providers/Microsoft.Capacity/reservationOrders/o1/reservations/r1\n" +
                  "9/2/2023,Usage,OnDemand,2.00,USD,s1,Microsoft.Storage,Storage,\n";
        var records = new List<FocusRecord>();
        await foreach (var r in FocusReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)),
            new FocusReadOptions { AzureDataset = AzureCostDataset.Amortized }, Ct))
        {
            records.Add(r);
        }

        Assert.Equal([0m, 0m, 2.00m], records.Select(r => r.BilledCost));
        Assert.Equal([1.50m, 0.50m, 2.00m], records.Select(r => r.EffectiveCost));
        Assert.Equal(["Used", "Unused", null], records.Select(r => r.CommitmentDiscountStatus));
        Assert.Equal("Usage", records[1].ChargeCategory);
        Assert.Equal("Reservation", records[0].CommitmentDiscountType);
    }

    [Fact]
    public async Task Azure_mca_camel_case_headers_map_like_ea()
    {
        // Column names and order as in an MCA cost details export (abridged).
        var csv = "invoiceId,billingAccountId,billingAccountName,billingPeriodStartDate,billingPeriodEndDate,date,productId,meterName,meterCategory," +
                  "quantity,unitOfMeasure,unitPrice,effectivePrice,payGPrice,costInBillingCurrency,billingCurrency,resourceLocation,consumedService," +
                  "resourceId,tags,chargeType,frequency,pricingModel,subscriptionId,subscriptionName,publisherType,benefitId,benefitName\n" +
                  "G000000001,acct:1,Contoso,10/01/2024,10/31/2024,10/05/2024,DZH318Z0BQ4L,D2s v3,Virtual Machines,24,1 Hour,0.096,0.096,0.096,2.304,EUR,westeurope," +
                  "Microsoft.Compute,/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1,\"{\"\"team\"\": \"\"web\"\"}\"," +
                  "Usage,UsageBased,SavingsPlan,s1,Prod,Azure,/providers/Microsoft.BillingBenefits/savingsPlanOrders/o1/savingsPlans/p1,sp-1\n";
        var records = new List<FocusRecord>();
        await foreach (var r in FocusReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), cancellationToken: Ct))
        {
            records.Add(r);
        }

        var row = Assert.Single(records);
        Assert.Equal(BillingExportFormat.AzureCostDetails, row.SourceFormat);
        Assert.Equal(2.304m, row.BilledCost);
        Assert.Equal("EUR", row.BillingCurrency);
        Assert.Equal(new DateTimeOffset(2024, 10, 5, 0, 0, 0, TimeSpan.Zero), row.ChargePeriodStart);
        Assert.Equal(new DateTimeOffset(2024, 11, 1, 0, 0, 0, TimeSpan.Zero), row.BillingPeriodEnd);
        Assert.Equal("Committed", row.PricingCategory);
        Assert.Equal(("Spend", "Savings Plan", "Used"), (row.CommitmentDiscountCategory, row.CommitmentDiscountType, row.CommitmentDiscountStatus));
        Assert.Equal("Hours", row.ConsumedUnit);
        Assert.Equal("web", row.Tags["team"]);
        Assert.Equal("G000000001", row.InvoiceId);
        Assert.Equal("DZH318Z0BQ4L", row.SkuId);
    }

    [Fact]
    public async Task Gcp_json_lines_map_to_focus_with_credits_as_rows()
    {
        var rows = await TestData.ReadAllAsync(TestData.GcpJson);

        Assert.Equal(14 + 6, rows.Count); // 14 export rows, 6 credits
        Assert.All(rows, r => Assert.Equal("Google Cloud", r.ProviderName));
        Assert.Equal(6, rows.Count(r => r.ChargeCategory == "Credit"));
        Assert.Equal(1, rows.Count(r => r.ChargeCategory == "Tax"));
        Assert.Equal(1, rows.Count(r => r.ChargeCategory == "Purchase"));
        var vm = rows.First(r => r.ServiceName == "Compute Engine" && r.ChargeCategory == "Usage");
        Assert.Equal("Compute", vm.ServiceCategory);
        Assert.Equal("us-central1", vm.RegionId);
        Assert.Equal("us-central1-a", vm.AvailabilityZone);
        Assert.Equal("checkout", vm.Tags["team"]);
        Assert.Equal("cc-100", vm.Tags["cost-center"]); // inherited project label
        Assert.Equal(24m, vm.PricingQuantity);
        Assert.Equal("hour", vm.PricingUnit);
        Assert.Equal("web-1", vm.ResourceName);
        // Invoice month 202409 starts at midnight Pacific time.
        Assert.Equal(new DateTimeOffset(2024, 9, 1, 7, 0, 0, TimeSpan.Zero), vm.BillingPeriodStart);
        var cud = rows.First(r => r.ChargeCategory == "Credit" && r.CommitmentDiscountId is not null);
        Assert.Equal(-0.190176m, cud.BilledCost);
        Assert.Equal("Usage", cud.CommitmentDiscountCategory);
        var storage = rows.First(r => r.ServiceName == "Cloud Storage");
        Assert.Equal("us", storage.RegionId); // multi-region location
    }

    [Fact]
    public async Task Gcp_csv_from_bigquery_matches_the_json_export()
    {
        var json = await TestData.ReadAllAsync(TestData.GcpJson);
        var csv = await TestData.ReadAllAsync(TestData.GcpCsv);

        Assert.Equal(json.Count, csv.Count);
        Assert.Equal(json.Select(r => r.BilledCost), csv.Select(r => r.BilledCost));
        Assert.Equal(json.Select(r => r.ServiceCategory), csv.Select(r => r.ServiceCategory));
        Assert.Equal(json.Select(r => r.ChargePeriodStart), csv.Select(r => r.ChargePeriodStart));
        Assert.Equal(json.Select(r => r.Tags.GetValueOrDefault("team")), csv.Select(r => r.Tags.GetValueOrDefault("team")));
    }

    [Fact]
    public async Task Detect_reports_format_and_container()
    {
        Assert.Equal(BillingExportFormat.Focus, (await FocusReader.DetectAsync(TestData.FocusSample, Ct)).Format);
        Assert.Equal(BillingExportFormat.AwsCurLegacy, (await FocusReader.DetectAsync(TestData.AwsCurLegacy, Ct)).Format);
        Assert.Equal(BillingExportFormat.AwsCur2, (await FocusReader.DetectAsync(TestData.AwsCur2, Ct)).Format);
        Assert.Equal(BillingExportFormat.AzureCostDetails, (await FocusReader.DetectAsync(TestData.AzureEa, Ct)).Format);
        var gcp = await FocusReader.DetectAsync(TestData.GcpJson, Ct);
        Assert.Equal((BillingExportFormat.GcpBigQuery, BillingFileKind.JsonLines), (gcp.Format, gcp.FileKind));
    }

    [Fact]
    public async Task Unknown_files_and_bad_arguments_fail_clearly()
    {
        var ex = await Assert.ThrowsAsync<CloudException>(async () =>
        {
            await foreach (var _ in FocusReader.ReadAsync("/no/such/file.csv", cancellationToken: Ct))
            {
            }
        });
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);

        var other = new MemoryStream("a,b,c\n1,2,3\n"u8.ToArray());
        var invalid = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in FocusReader.ReadAsync(other, cancellationToken: Ct))
            {
            }
        });
        Assert.Contains("not a recognised cost export", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_longer_than_the_read_ahead_window_read_whole_from_a_path_and_from_a_stream()
    {
        // The path reader parses synchronously over a 256 KiB read-ahead buffer; rows of 1 MB and 300 KB (with
        // quotes, a multi-byte character and a line break in a value) exceed it and Sep's initial buffer.
        var lines = File.ReadAllLines(TestData.FocusSample);
        var header = lines[0].Split(',');
        int description = Array.IndexOf(header, "\"ChargeDescription\"");
        Assert.True(description >= 0);
        string Long(int n) => "\"" + string.Concat(Enumerable.Repeat("a \"\"quoted\"\" é,", n / 16)) + "\nend\"";
        var body = lines.Skip(1).Take(300).ToList();
        body.Insert(1, ReplaceField(body[1], description, Long(1_000_000)));
        body.Add(ReplaceField(lines[301], description, Long(300_000)));
        var path = Path.Combine(Path.GetTempPath(), $"focus-long-{Guid.NewGuid():N}.csv");
        try
        {
            await File.WriteAllLinesAsync(path, [lines[0], .. body], Ct);
            var fromPath = await TestData.ReadAllAsync(path);
            var fromStream = new List<FocusRecord>();
            await using (var stream = new AsyncOnlyStream(File.OpenRead(path)))
            {
                await foreach (var r in FocusReader.ReadAsync(stream, cancellationToken: Ct))
                {
                    fromStream.Add(r);
                }
            }

            var expected = TestData.ReadCsv(path).ToList();
            Assert.Equal(expected.Count, fromPath.Count);
            Assert.Equal(expected.Select(r => r["ChargeDescription"]), fromPath.Select(r => r.ChargeDescription));
            Assert.Equal(expected.Select(r => r["ChargeDescription"]), fromStream.Select(r => r.ChargeDescription));
            Assert.Equal((1_000_000 / 16 * "a \"quoted\" é,".Length) + "\nend".Length, fromPath[1].ChargeDescription!.Length);
            Assert.Equal(TestData.Cents(TestData.SumColumn(path, "BilledCost")), TestData.Cents(fromPath.Sum(r => r.BilledCost)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_callers_stream_is_only_read_asynchronously()
    {
        // The sample, plain and gzip-compressed, through a stream that refuses synchronous reads.
        var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(await File.ReadAllBytesAsync(TestData.FocusSample, Ct), Ct);
        }

        foreach (var bytes in new[] { await File.ReadAllBytesAsync(TestData.FocusSample, Ct), gz.ToArray() })
        {
            var rows = new List<FocusRecord>();
            await using var stream = new AsyncOnlyStream(new MemoryStream(bytes));
            await foreach (var r in FocusReader.ReadAsync(stream, new FocusReadOptions { Columns = FocusColumnSet.Of("BilledCost") }, Ct))
            {
                rows.Add(r);
            }

            Assert.Equal(1000, rows.Count);
            Assert.Equal(TestData.Cents(TestData.SumColumn(TestData.FocusSample, "BilledCost")), TestData.Cents(rows.Sum(r => r.BilledCost)));
        }
    }

    [Fact]
    public async Task Cancellation_stops_a_read_whose_file_is_already_buffered()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        int read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in FocusReader.ReadAsync(TestData.FocusSample, cancellationToken: cts.Token))
            {
                if (++read == 10)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(10, read);
    }

    private static string ReplaceField(string line, int index, string value)
    {
        var fields = new List<string>();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || (line[i] == ',' && !quoted))
            {
                fields.Add(line[start..i]);
                start = i + 1;
            }
            else if (line[i] == '"')
            {
                quoted = !quoted;
            }
        }

        fields[index] = value;
        return string.Join(',', fields);
    }

    private sealed class AsyncOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous reads are not allowed.");
        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("Synchronous reads are not allowed.");
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
