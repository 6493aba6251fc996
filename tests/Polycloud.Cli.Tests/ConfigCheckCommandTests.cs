using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud config check</c>: the start-up validation over a configuration file, every problem with its path.</summary>
public sealed class ConfigCheckCommandTests : IDisposable
{
    private readonly CliDirectory _cli = new("pc-config-");

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_valid_configuration_exits_0()
    {
        _cli.WriteSettings("""
            { "Polycloud": {
                "Blobs": { "docs": "mem://docs", "archive": "s3://archive?region=eu-west-1" },
                "Queues": { "jobs": "sqlite://DIR/q.db?queue=jobs" },
                "Functions": { "resize": "lambda://resize?region=eu-west-1" },
                "Databases": { "orders": "sqlite://DIR/orders.db" },
                "Workers": { "jobs": { "MaxConcurrency": 4 } } } }
            """);

        var (exit, output, error) = await _cli.RunAsync("config", "check");

        Assert.True(exit == 0, output + error);
        Assert.Equal(string.Empty, error);
        Assert.Equal("The Polycloud configuration is valid.", output.Trim());
    }

    [Fact]
    public async Task Every_problem_is_listed_with_its_configuration_path_and_exits_1()
    {
        _cli.WriteSettings("""
            { "Polycloud": {
                "Blobs": { "docs": "mem://docs", "bad": "nosuch://x", "s3": "s3://b?region=eu-west-1&colour=red" },
                "Queus": { "jobs": "mem://jobs" },
                "Functions": { "f": { "Key": "k" } },
                "Databases": { "orders": "postgresql://db.example.com/orders" },
                "Workers": { "ghost": { "MaxConcurrency": 2 } } } }
            """);

        var (exit, output, error) = await _cli.RunAsync("config", "check");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("PATH", lines[0], StringComparison.Ordinal);
        Assert.Contains("PROBLEM", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Queus ", StringComparison.Ordinal) && l.Contains("did you mean 'Queues'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Blobs:bad ", StringComparison.Ordinal) && l.Contains("nosuch", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Blobs:s3 ", StringComparison.Ordinal) && l.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Functions:f", StringComparison.Ordinal) && l.Contains("Url", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Databases:orders ", StringComparison.Ordinal) && l.Contains("'user'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Polycloud:Workers:ghost ", StringComparison.Ordinal) && l.Contains("no queue 'ghost'", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Polycloud:Blobs:docs", StringComparison.Ordinal));
        Assert.DoesNotContain('│', output);
    }

    [Fact]
    public async Task Json_lists_path_and_message_and_config_file_is_read_last()
    {
        _cli.WriteSettings("""{ "Polycloud": { "Blobs": { "docs": "mem://docs" } } }""");
        string file = Path.Combine(_cli.Path, "prod.json");
        File.WriteAllText(file, """{ "Polycloud": { "Blobs": { "docs": "s3://docs" } } }""");

        var (exit, output, _) = await _cli.RunAsync("config", "check", "--config", file, "--json");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var problem = Assert.Single(doc.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("Polycloud:Blobs:docs", problem.GetProperty("path").GetString());
        Assert.Contains("region", problem.GetProperty("message").GetString(), StringComparison.Ordinal);

        (exit, output, _) = await _cli.RunAsync("config", "check", "--format", "json");
        Assert.Equal(0, exit);
        using var valid = JsonDocument.Parse(output);
        Assert.True(valid.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(0, valid.RootElement.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Checking_makes_no_network_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        _cli.WriteSettings($$"""
            { "Polycloud": {
                "Blobs": { "s3": "s3://b?region=us-east-1&endpoint={{endpoint}}", "az": { "Url": "azblob://docs?account=acct&endpoint={{endpoint}}/acct", "AccountKey": "a2V5" } },
                "Queues": { "sqs": "sqs://q?region=us-east-1&endpoint={{endpoint}}" },
                "Databases": { "orders": "postgresql://127.0.0.1:{{((IPEndPoint)listener.LocalEndpoint).Port}}/orders?user=app&auth=none" } } }
            """);

        var (exit, output, _) = await _cli.RunAsync("config", "check");

        Assert.True(exit == 0, output);
        Assert.Contains("valid", output, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task A_missing_section_fails_and_a_missing_or_malformed_file_is_exit_2()
    {
        var (exit, output, _) = await _cli.RunAsync("config", "check");
        Assert.Equal(1, exit);
        Assert.Contains("no 'Polycloud' section", output, StringComparison.Ordinal);

        (exit, output, var error) = await _cli.RunAsync("config", "check", "--config", Path.Combine(_cli.Path, "nope.json"));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_cli.Path, "broken.json"), "{ \"Polycloud\": ");
        (exit, output, error) = await _cli.RunAsync("config", "check", "--config", Path.Combine(_cli.Path, "broken.json"));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("could not be read", error, StringComparison.Ordinal);

        (exit, _, error) = await _cli.RunAsync("config", "check", "--colour");
        Assert.Equal(2, exit);
        Assert.Contains("polycloud --help", error, StringComparison.Ordinal);
    }
}
