using System.Text.Json.Nodes;
using Polycloud.Cli.LockIn;

namespace Polycloud.Cli.Tests;

public class LockInReportTests
{
    private static LockInFinding Finding(string project, string rule, string provider, string service, string? portable, int line = 1)
        => new(project, $"/src/{project}/File.cs", line, 5, line, 12, rule, rule is "PC0002" or "PC0006" ? "info" : "warning", provider, service, portable, $"{rule} message");

    private static LockInReport SampleReport() => LockInReport.Create(
        "/src/App.sln",
        [("App", "/src/App/App.csproj", 10, 1000), ("Clean", "/src/Clean/Clean.csproj", 5, 500)],
        [
            Finding("App", "PC0001", "AWS", "S3", "Polycloud.Blobs.BlobBucket.UploadAsync", 1),
            Finding("App", "PC0001", "AWS", "S3", "Polycloud.Blobs.BlobBucket", 2),
            Finding("App", "PC0002", "AWS", "S3", null, 3),
            Finding("App", "PC0004", "Azure", "SDK core", "Polycloud.CloudException", 4),
            Finding("App", "PC0006", "AWS", "S3", null, 5),
        ],
        TimeSpan.FromSeconds(1.5));

    [Fact]
    public void Sites_are_counted_per_project_and_service_with_the_portable_share()
    {
        var report = SampleReport();
        var app = Assert.Single(report.Projects, p => p.Name == "App");
        Assert.Equal(5, app.Sites);
        Assert.Equal(3, app.WithPortableEquivalent);
        Assert.Equal(0.6, app.PortableShare, 3);

        var s3 = Assert.Single(app.Services, s => s.Service == "S3");
        Assert.Equal(("AWS", 4, 2), (s3.Provider, s3.Sites, s3.WithPortableEquivalent));
        Assert.Equal("S3", app.Services[0].Service); // most sites first

        var clean = Assert.Single(report.Projects, p => p.Name == "Clean");
        Assert.Equal(0, clean.Sites);
        Assert.Equal(0, clean.Score);
        Assert.Equal(5, report.Sites);
    }

    [Fact]
    public void Score_weighs_hotspots_above_portable_sites_and_grows_with_density()
    {
        // App: 1 + 1 + 3 + 1 + 2 = 8 weighted sites in 1,000 lines → D = 8 → 100 × 8 / 33 = 24.
        Assert.Equal(24, SampleReport().Projects.Single(p => p.Name == "App").Score);
        Assert.Equal(0, LockInScore.Compute(0, 1000));
        Assert.Equal(50, LockInScore.Compute(25, 1000));
        Assert.True(LockInScore.Compute(10, 1000) < LockInScore.Compute(10, 500));
        Assert.Equal(99, LockInScore.Compute(1000, 10));
        Assert.Equal(1, LockInScore.Compute(1, 1_000_000));
        // Whole report: 8 weighted sites over 1,500 lines.
        Assert.Equal(LockInScore.Compute(8, 1500), SampleReport().Score);
    }

    [Fact]
    public void Json_has_totals_projects_services_and_every_finding()
    {
        var writer = new StringWriter();
        LockInFormatters.Write(SampleReport(), LockInFormat.Json, writer);
        var json = JsonNode.Parse(writer.ToString())!;

        Assert.Equal(5, json["sites"]!.GetValue<int>());
        Assert.Equal(0.6, json["portableShare"]!.GetValue<double>(), 3);
        Assert.Equal(2, json["projects"]!.AsArray().Count);
        Assert.Equal("S3", json["projects"]![0]!["services"]![0]!["service"]!.GetValue<string>());
        Assert.Equal(5, json["findings"]!.AsArray().Count);
        Assert.Null(json["findings"]![2]!["portable"]);
    }

    [Fact]
    public void Sarif_is_a_2_1_0_log_with_rules_results_and_relative_locations()
    {
        var writer = new StringWriter();
        LockInFormatters.Write(SampleReport(), LockInFormat.Sarif, writer);
        var sarif = JsonNode.Parse(writer.ToString())!;

        Assert.Equal("2.1.0", sarif["version"]!.GetValue<string>());
        var run = sarif["runs"]![0]!;
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();
        Assert.Equal(["PC0001", "PC0002", "PC0003", "PC0004", "PC0005", "PC0006"], rules.Select(r => r!["id"]!.GetValue<string>()));

        var results = run["results"]!.AsArray();
        Assert.Equal(5, results.Count);
        var first = results[0]!;
        Assert.Equal("PC0001", first["ruleId"]!.GetValue<string>());
        Assert.Equal(0, first["ruleIndex"]!.GetValue<int>());
        Assert.Equal("warning", first["level"]!.GetValue<string>());
        var location = first["locations"]![0]!["physicalLocation"]!;
        Assert.Equal("App/File.cs", location["artifactLocation"]!["uri"]!.GetValue<string>());
        Assert.Equal("SRCROOT", location["artifactLocation"]!["uriBaseId"]!.GetValue<string>());
        Assert.Equal(1, location["region"]!["startLine"]!.GetValue<int>());
        Assert.Equal("file:///src/", run["originalUriBaseIds"]!["SRCROOT"]!["uri"]!.GetValue<string>());
        Assert.Equal("note", results[2]!["level"]!.GetValue<string>());
        Assert.Equal(SampleReport().Score, run["properties"]!["lockInScore"]!.GetValue<int>());
    }

    [Fact]
    public void Table_lists_projects_services_and_the_score()
    {
        var writer = new StringWriter();
        LockInFormatters.Write(SampleReport(), LockInFormat.Table, writer);
        var text = writer.ToString();

        Assert.Contains("| App ", text, StringComparison.Ordinal);
        Assert.Contains("| Clean ", text, StringComparison.Ordinal);
        Assert.Contains("| Total ", text, StringComparison.Ordinal);
        Assert.Matches(@"\| AWS\s+\| S3\s+\|\s+4 \|\s+2 \|\s+50 % \|", text);
        Assert.Contains("Lock-in score: " + SampleReport().Score, text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal); // no ANSI escapes in files and pipes
    }
}
