using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Polycloud.Cli.Tests;

/// <summary>Restores the LockInPort sample once, so MSBuild can load it with its SDK packages.</summary>
public sealed class LockInPortSample : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(FindRepositoryRoot(), "samples", "LockInPort");

    public string Solution => Path.Combine(Directory, "LockInPort.sln");

    public string Before => Path.Combine(Directory, "Before", "LockInPort.Before.csproj");

    public string After => Path.Combine(Directory, "After", "LockInPort.After.csproj");

    public async ValueTask InitializeAsync()
    {
        using var restore = Process.Start(new ProcessStartInfo("dotnet", ["restore", Solution, "--verbosity", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = restore.StandardOutput.ReadToEndAsync();
        var error = restore.StandardError.ReadToEndAsync();
        await restore.WaitForExitAsync();
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet restore of the sample failed: {await output}{await error}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sdk.sln not found above the test binaries.");
    }
}

/// <summary><c>polycloud lockin</c> end to end on the sample: MSBuild loading, analyzers, formats, exit codes.</summary>
public class LockInCommandTests(LockInPortSample sample) : IClassFixture<LockInPortSample>
{
    [Fact]
    public async Task Report_on_the_solution_shows_the_port_before_and_after()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lockin-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output, error) = await CliRun.RunAsync("lockin", sample.Solution, "--format", "json", "--output", file);
            Assert.True(exit == 0, error);
            Assert.Contains("report written to", output, StringComparison.Ordinal);

            var json = JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken))!;
            var projects = json["projects"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>());
            Assert.Equal(["LockInPort.After", "LockInPort.Before"], projects.Keys.Order());

            var before = projects["LockInPort.Before"]!;
            Assert.True(before["sites"]!.GetValue<int>() >= 40, before.ToJsonString());
            Assert.True(before["score"]!.GetValue<int>() >= 50);
            var providers = before["services"]!.AsArray().Select(s => s!["provider"]!.GetValue<string>()).Distinct().Order();
            Assert.Equal(["AWS", "Azure", "Google"], providers);

            var after = projects["LockInPort.After"]!;
            Assert.Equal(0, after["sites"]!.GetValue<int>());
            Assert.Equal(0, after["score"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sarif_output_locates_results_in_the_sample_sources()
    {
        var (exit, output, error) = await CliRun.RunAsync("lockin", sample.Before, "--format", "sarif");
        Assert.True(exit == 0, error);
        var sarif = JsonNode.Parse(output)!;
        var results = sarif["runs"]![0]!["results"]!.AsArray();
        Assert.NotEmpty(results);
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "PC0004"
                                      && r["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>() == "Receipts/ReceiptService.cs");
    }

    [Fact]
    public async Task Max_score_fails_the_run_when_lock_in_is_too_high()
    {
        var (exit, output, _) = await CliRun.RunAsync("lockin", sample.Before, "--max-score", "10");
        Assert.Equal(2, exit);
        Assert.Contains("LockInPort.Before", output, StringComparison.Ordinal);

        var (afterExit, _, _) = await CliRun.RunAsync("lockin", sample.After, "--max-score", "10");
        Assert.Equal(0, afterExit);
    }

    [Fact]
    public async Task A_missing_target_is_a_clear_error()
    {
        var (exit, _, error) = await CliRun.RunAsync("lockin", Path.Combine(sample.Directory, "does-not-exist.sln"));
        Assert.Equal(3, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_command_lists_lockin()
    {
        var (exit, output, _) = await CliRun.RunAsync("--help");
        Assert.Equal(0, exit);
        Assert.Contains("lockin", output, StringComparison.Ordinal);
    }
}
