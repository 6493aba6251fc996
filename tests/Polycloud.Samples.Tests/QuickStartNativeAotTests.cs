using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Polycloud.Samples.Tests;

/// <summary>
/// The quick start published with Native AOT prints what <c>dotnet run</c> of the same sample prints. The native
/// publish takes minutes, so this is a single test, in its own class so it runs in parallel with the others.
/// </summary>
[Trait("Category", "NativeAot")]
public sealed partial class QuickStartNativeAotTests
{
    private const string Linker = "clang-14";

    [Fact(Timeout = 30 * 60 * 1000)]
    public async Task PublishedWithNativeAot_PrintsWhatDotnetRunPrints()
    {
        var ct = TestContext.Current.CancellationToken;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            Assert.Skip("The Native AOT publish test targets linux-x64 and this machine is " + RuntimeInformation.RuntimeIdentifier + ".");
        }

        if (FindOnPath(Linker) is null)
        {
            Assert.Skip($"'{Linker}' is not on PATH; Native AOT needs it as the native compiler and linker (apt-get install {Linker}).");
        }

        string root = RepositoryRoot();
        string project = Path.Combine(root, "samples", "QuickStart");
        string configuration = typeof(QuickStartNativeAotTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string output = Path.Combine(Path.GetTempPath(), "polycloud-quickstart-aot-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var publish = await RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", $"-p:CppCompilerAndLinker={Linker}", "-o", output, "-nologo"], root, ct);
            if (publish.ExitCode != 0 && publish.Output.Contains("ILCompiler", StringComparison.OrdinalIgnoreCase)
                && (publish.Output.Contains("NU1101", StringComparison.Ordinal) || publish.Output.Contains("NU1102", StringComparison.Ordinal)))
            {
                Assert.Skip("The ILCompiler package for Native AOT is not available from the package source: " + FirstLineWith(publish.Output, "ILCompiler"));
            }

            Assert.True(publish.ExitCode == 0, "dotnet publish with PublishAot=true failed:\n" + publish.Output);
            string binary = Path.Combine(output, "QuickStart");
            Assert.True(File.Exists(binary), $"the native executable {binary} was not produced");

            var native = await RunAsync(binary, [], output, ct);
            Assert.True(native.ExitCode == 0, "the native QuickStart failed:\n" + native.Output);

            var jit = await RunAsync("dotnet", ["run", "--project", project, "-c", configuration, "--no-build"], root, ct);
            Assert.True(jit.ExitCode == 0, "dotnet run of QuickStart failed:\n" + jit.Output);

            Assert.Contains("Range [5, 15) of data/digits.txt: 5678901234", native.Output, StringComparison.Ordinal);
            var (jitLines, jitLog) = Split(Normalise(jit.Output));
            var (nativeLines, nativeLog) = Split(Normalise(native.Output));
            Assert.Equal(jitLines, nativeLines);
            Assert.Equal(jitLog, nativeLog);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    /// <summary>Replaces what differs between two runs of the sample: the ETag of the uploaded blob and the run's
    /// time-stamped key prefix.</summary>
    private static string Normalise(string text)
    {
        text = EtagPattern().Replace(text, "ETag <etag>");
        text = RunPrefixPattern().Replace(text, "quickstart/<run>/");
        return text.ReplaceLineEndings("\n").Trim();
    }

    /// <summary>Separates the sample's own lines (in order) from the console logger's entries (sorted): the logger
    /// writes from a background thread, so where its entries fall between the sample's lines varies from run to run.</summary>
    private static (List<string> Lines, List<string> LogEntries) Split(string text)
    {
        var lines = new List<string>();
        var log = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (LogEntryStart().IsMatch(line))
            {
                log.Add(line);
            }
            else if (line.StartsWith("      ", StringComparison.Ordinal) && log.Count > 0)
            {
                log[^1] += "\n" + line;
            }
            else
            {
                lines.Add(line);
            }
        }

        log.Sort(StringComparer.Ordinal);
        return (lines, log);
    }

    [GeneratedRegex("^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LogEntryStart();

    [GeneratedRegex("ETag \\S+")]
    private static partial Regex EtagPattern();

    [GeneratedRegex("quickstart/[0-9]{8}-[0-9]{6}-[0-9]{3}/")]
    private static partial Regex RunPrefixPattern();

    private static string FirstLineWith(string text, string value)
        => text.Split('\n').FirstOrDefault(l => l.Contains(value, StringComparison.OrdinalIgnoreCase))?.Trim() ?? value;

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sdk.sln was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The child builds and runs on its own terms, not as part of this test host.
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        string output = stdout.ToString();
        string errors = stderr.ToString();
        return (process.ExitCode, errors.Length == 0 ? output : output + errors);
    }
}
