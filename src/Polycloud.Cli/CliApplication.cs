using System.CommandLine;
using Polycloud.Cli.Commands;

namespace Polycloud.Cli;

/// <summary>
/// The <c>polycloud</c> command tree. Each sub-command lives in its own class under <c>Commands/</c> and is added here.
/// </summary>
internal static class CliApplication
{
    /// <summary>Builds the root command with every sub-command.</summary>
    /// <param name="output">Where commands write their results (standard output when <see langword="null"/>).</param>
    public static RootCommand CreateRootCommand(TextWriter? output = null)
    {
        var root = new RootCommand("Polycloud: portable cloud APIs for .NET. Reports cloud lock-in in your code.");
        root.Add(LockInCommand.Create(output ?? Console.Out));
        return root;
    }

    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        return CreateRootCommand(output).Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
