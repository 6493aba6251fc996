using System.Text.Json;
using Xunit;

namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud inventory</c> end to end: configuration, resource URLs and names, output modes, residency, exit codes, secrets.</summary>
public sealed class InventoryCommandTests : IDisposable
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly CliDirectory _cli = new("pc-inventory-");

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Lists_configured_local_resources_as_aligned_plain_text_when_redirected()
    {
        _cli.WriteSettings("""
            { "Polycloud": {
                "Blobs": { "docs": "mem://docs", "uploads": "file://DIR/uploads?create=true" },
                "Queues": { "jobs": "sqlite://DIR/q.db?queue=jobs" },
                "Functions": { "resize": "gcf://acme-prod/europe-west1/resize?auth=none" } } }
            """);

        var (exit, output, error) = await _cli.RunAsync("inventory");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("KIND", lines[0], StringComparison.Ordinal);
        Assert.Contains("REGION", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("RESIDENCY", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("blob", StringComparison.Ordinal) && l.Contains("docs", StringComparison.Ordinal) && l.Contains("local (memory)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("queue", StringComparison.Ordinal) && l.Contains("jobs", StringComparison.Ordinal) && l.Contains("local (sqlite)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("function", StringComparison.Ordinal) && l.Contains("europe-west1", StringComparison.Ordinal) && l.Contains("acme-prod", StringComparison.Ordinal));
        int regionColumn = lines[0].IndexOf("REGION", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.NotEqual(' ', l[regionColumn]));
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('│', output);
    }

    [Fact]
    public async Task Json_has_stable_camelCase_fields_and_unknown_values_carry_their_reason()
    {
        _cli.WriteSettings("""{ "Polycloud": { "Functions": { "events": "azfunc://acme/events" } } }""");

        var (exit, output, _) = await _cli.RunAsync("inventory", "--json", "mem://scratch");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var resource = doc.RootElement.GetProperty("resources")[0];
        Assert.Equal("blob", resource.GetProperty("kind").GetString());
        Assert.Equal("mem://scratch", resource.GetProperty("name").GetString());
        Assert.Equal("local", resource.GetProperty("provider").GetString());
        Assert.Equal("local", resource.GetProperty("region").GetString());
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("replication").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("residencyPolicy").ValueKind);

        (exit, output, _) = await _cli.RunAsync("inventory", "events", "--format", "json");
        Assert.Equal(0, exit);
        using var events = JsonDocument.Parse(output);
        var function = events.RootElement.GetProperty("resources")[0];
        Assert.Equal("function", function.GetProperty("kind").GetString());
        Assert.Equal("acme", function.GetProperty("account").GetString());
        Assert.Equal(JsonValueKind.Null, function.GetProperty("region").ValueKind);
        Assert.Contains("'location'", function.GetProperty("unknown").GetProperty("region").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_table_and_unknown_values_as_numbered_notes()
    {
        var (exit, output, _) = await _cli.RunAsync("inventory", "--format", "markdown", "queue:mem://jobs", "azfunc://orders-app/resize");

        Assert.Equal(0, exit);
        Assert.StartsWith("| Kind | Name | Provider |", output, StringComparison.Ordinal);
        Assert.Contains("| queue | mem://jobs | local (memory) |", output, StringComparison.Ordinal);
        Assert.Contains("| function | azfunc://orders-app/resize | azure (azure-functions) | orders-app | unknown [1] |", output, StringComparison.Ordinal);
        Assert.Contains("1. unknown: the data plane does not report the region", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Residency_column_shows_each_row_and_a_violation_exits_1()
    {
        _cli.WriteSettings("""
            { "Polycloud": {
                "Blobs": { "docs": "mem://docs", "archive": "mem://archive" },
                "Residency": { "Default": [ "local" ], "Resources": { "archive": [ "us-east-1" ] } } } }
            """);

        var (exit, output, _) = await _cli.RunAsync("inventory");

        Assert.Equal(1, exit);
        Assert.Contains("RESIDENCY", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.Contains("docs", StringComparison.Ordinal) && l.TrimEnd().EndsWith("ok", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.Contains("archive", StringComparison.Ordinal) && l.Contains("VIOLATION [1]", StringComparison.Ordinal));
        Assert.Contains("[1] 'archive' (Blob, memory) is in 'local', which breaks Residency:Resources:archive [us-east-1].", output, StringComparison.Ordinal);

        (exit, output, _) = await _cli.RunAsync("inventory", "--json");
        using var doc = JsonDocument.Parse(output);
        var archive = doc.RootElement.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "archive");
        Assert.Equal("violation", archive.GetProperty("residency").GetProperty("status").GetString());
        Assert.False(archive.GetProperty("residency").GetProperty("passes").GetBoolean());
    }

    [Fact]
    public async Task A_resource_that_cannot_be_read_exits_1_and_its_row_says_why()
    {
        // The Cloud Storage emulator answers buckets.get with 404: the lookup fails as NotFound.
        var (exit, output, _) = await _cli.RunAsync("inventory", "mem://fine", "gs://pc-missing?endpoint=http%3A%2F%2F127.0.0.1%3A9199%2F&anonymous=true");

        Assert.Equal(1, exit);
        Assert.Contains(output.Split('\n'), l => l.Contains("gs://pc-missing", StringComparison.Ordinal) && l.Contains("error [1]", StringComparison.Ordinal));
        Assert.Contains("[1] gs://pc-missing", output, StringComparison.Ordinal);
        Assert.Contains("cannot read the location", output, StringComparison.Ordinal);

        (exit, output, _) = await _cli.RunAsync("inventory", "--json", "gs://pc-missing?endpoint=http%3A%2F%2F127.0.0.1%3A9199%2F&anonymous=true");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        var row = doc.RootElement.GetProperty("resources")[0];
        Assert.Equal("error", row.GetProperty("status").GetString());
        Assert.Equal("NotFound", row.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Secrets_in_configuration_and_environment_are_never_printed()
    {
        string envName = "cfgsecret" + Guid.NewGuid().ToString("N")[..6];
        _cli.WriteSettings($$"""
            { "Polycloud": { "Blobs": {
                "withconn": { "Url": "azblob://pc-inv", "ConnectionString": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={{AzuriteKey}};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" },
                "withkey": { "Url": "azblob://pc-inv?account=devstoreaccount1&endpoint=http%3A%2F%2F127.0.0.1%3A10000%2Fdevstoreaccount1", "AccountKey": "{{AzuriteKey}}" } } } }
            """);
        Environment.SetEnvironmentVariable($"Polycloud__Blobs__{envName}__Url", "azblob://pc-inv?location=westeurope");
        Environment.SetEnvironmentVariable($"Polycloud__Blobs__{envName}__ConnectionString", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;");
        try
        {
            foreach (string format in new[] { "plain", "json", "markdown" })
            {
                var (exit, output, error) = await _cli.RunAsync("inventory", "--format", format);

                Assert.Equal(0, exit);
                Assert.DoesNotContain(AzuriteKey, output, StringComparison.Ordinal);
                Assert.DoesNotContain(AzuriteKey[..20], output + error, StringComparison.Ordinal);
                Assert.Contains(envName, output, StringComparison.Ordinal);
                Assert.Contains("devstoreaccount1", output, StringComparison.Ordinal);
                Assert.Contains("westeurope", output, StringComparison.Ordinal);
            }

            var (_, json, _) = await _cli.RunAsync("inventory", "--json", "withconn");
            Assert.Contains("ConnectionString=***", json, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"Polycloud__Blobs__{envName}__Url", null);
            Environment.SetEnvironmentVariable($"Polycloud__Blobs__{envName}__ConnectionString", null);
        }
    }

    [Fact]
    public async Task Config_option_reads_another_file()
    {
        string file = Path.Combine(_cli.Path, "other.json");
        await File.WriteAllTextAsync(file, """{ "Polycloud": { "Blobs": { "elsewhere": "mem://elsewhere" } } }""", TestContext.Current.CancellationToken);

        var (exit, output, _) = await _cli.RunAsync("inventory", "--config", file, "elsewhere");

        Assert.Equal(0, exit);
        Assert.Contains("elsewhere", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inventory", "no-such-name")]
    [InlineData("inventory", "--no-such-option")]
    [InlineData("inventory", "--config", "/no/such/file.json")]
    [InlineData("inventory", "nosuchscheme://x")]
    [InlineData("inventory", "--format", "yaml")]
    public async Task Bad_usage_exits_2_with_a_message(params string[] args)
    {
        var (exit, output, error) = await _cli.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.NotEqual(string.Empty, error.Trim());
    }

    [Fact]
    public async Task Bad_configuration_exits_2_and_the_row_says_why()
    {
        _cli.WriteSettings("""{ "Polycloud": { "Blobs": { "typo": "s3://bucket?regoin=eu-west-1", "fine": "mem://fine" } } }""");

        var (exit, output, _) = await _cli.RunAsync("inventory");

        Assert.Equal(2, exit);
        Assert.Contains("regoin", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.Contains("fine", StringComparison.Ordinal) && l.Contains("local (memory)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_configuration_file_exits_2()
    {
        _cli.WriteSettings("{ \"Polycloud\": ");

        var (exit, _, error) = await _cli.RunAsync("inventory");

        Assert.Equal(2, exit);
        Assert.Contains("configuration", error, StringComparison.Ordinal);
    }
}
