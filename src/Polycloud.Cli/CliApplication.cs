using System.CommandLine;
using Polycloud.Cli.Commands;
using Polycloud.Cli.Conventions;

namespace Polycloud.Cli;

/// <summary>
/// The <c>polycloud</c> command tree. Each sub-command lives in its own class under <c>Commands/</c> and is added here.
/// </summary>
internal static class CliApplication
{
    /// <summary>Builds the root command with every sub-command.</summary>
    /// <param name="output">Where commands write their results (standard output when <see langword="null"/>).</param>
    /// <param name="interactive">Whether the output is a terminal (tables and live progress); default: standard output that is not redirected.</param>
    /// <param name="currentDirectory">Where <c>appsettings.json</c> is looked for; default: the current directory.</param>
    public static RootCommand CreateRootCommand(TextWriter? output = null, bool? interactive = null, string? currentDirectory = null)
    {
        var root = new RootCommand("Polycloud: portable cloud APIs for .NET. Reports cloud lock-in in your code and where your resources live.");
        root.Add(LockInCommand.Create(output ?? Console.Out));
        bool isTerminal = interactive ?? (output is null && !Console.IsOutputRedirected);
        root.Add(InventoryCommand.Create(output ?? Console.Out, isTerminal, currentDirectory ?? Directory.GetCurrentDirectory()));
        root.Add(ConfigCommand.Create(output ?? Console.Out, isTerminal, currentDirectory ?? Directory.GetCurrentDirectory()));
        root.Add(BlobCommand.Create(output ?? Console.Out, isTerminal, currentDirectory ?? Directory.GetCurrentDirectory()));
        return root;
    }

    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    /// <remarks>Usage errors (an unknown option, a missing argument) exit with <see cref="ExitCodes.UsageOrConfiguration"/>.</remarks>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
        => RunAsync(args, output, error, null, cancellationToken);

    /// <summary>Parses and runs a command line with <c>appsettings.json</c> looked for in <paramref name="currentDirectory"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output, TextWriter? error, string? currentDirectory, CancellationToken cancellationToken)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        var parseResult = CreateRootCommand(output, currentDirectory: currentDirectory).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await configuration.Error.WriteLineAsync($"polycloud: {parseError.Message}").ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync("Run 'polycloud --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageOrConfiguration;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
