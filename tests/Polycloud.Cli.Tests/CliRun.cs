namespace Polycloud.Cli.Tests;

/// <summary>Runs the CLI in process, as <c>polycloud</c> would run, and gives its exit code and what it wrote.</summary>
internal static class CliRun
{
    /// <summary>Runs the CLI in the current directory.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApplication.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the CLI with <paramref name="directory"/> as its working directory (where it reads appsettings.json).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunInAsync(string directory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApplication.RunAsync(args, output, error, directory, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}

/// <summary>A directory of its own for one test, deleted afterwards: the CLI's working directory, with its settings.</summary>
/// <param name="prefix">The start of the directory's name, for example <c>pc-inventory-</c>.</param>
internal sealed class CliDirectory(string prefix) : IDisposable
{
    /// <summary>The directory (created).</summary>
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Writes appsettings.json; <c>DIR</c> in the text stands for this directory.</summary>
    public void WriteSettings(string json)
        => File.WriteAllText(System.IO.Path.Combine(Path, "appsettings.json"), json.Replace("DIR", Path, StringComparison.Ordinal));

    /// <summary>Runs the CLI in this directory.</summary>
    public Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRun.RunInAsync(Path, args);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
