using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polycloud.Cli.Conventions;

namespace Polycloud.Cli.Commands;

/// <summary><c>polycloud config check [--config file] [--json | --format table|plain|markdown|json]</c>.</summary>
internal static class ConfigCommand
{
    public static Command Create(TextWriter output, bool interactive, string currentDirectory)
    {
        var command = new Command("config", "Work with the Polycloud configuration.");
        command.Add(CreateCheck(output, interactive, currentDirectory));
        return command;
    }

    private static Command CreateCheck(TextWriter output, bool interactive, string currentDirectory)
    {
        var config = CliConfiguration.ConfigOption();
        var json = CliOutput.JsonOption();
        var format = CliOutput.FormatOption();
        var command = new Command(
            "check",
            "Check the Polycloud section the way an application checks it at start-up (unknown or misspelt keys, unknown schemes, missing or invalid settings), without connecting to any cloud; list every problem with its configuration path.")
        {
            config,
            json,
            format,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var cli = CliOutput.From(parseResult, json, format, output, interactive);
            IConfiguration configuration;
            try
            {
                configuration = CliConfiguration.Build(parseResult.GetValue(config), currentDirectory);
            }
            catch (CliUsageException e)
            {
                await cli.Error.WriteLineAsync($"polycloud config check: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfiguration;
            }

            var problems = await CheckAsync(configuration).ConfigureAwait(false);
            Write(cli, problems);
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.ResourceFailed;
        });
        return command;
    }

    /// <summary>Runs the start-up validation (<c>ValidatePolycloudConfiguration</c>) over the configuration.</summary>
    internal static async Task<IReadOnlyList<ConfigurationProblem>> CheckAsync(IConfiguration configuration)
    {
        var section = configuration.GetSection("Polycloud");
        if (!section.Exists())
        {
            return [new ConfigurationProblem(section.Path, "there is no 'Polycloud' section: nothing configures a bucket, queue, function or database. Add one to appsettings.json or give --config.")];
        }

        await using var services = CliConfiguration.BuildServices(configuration);
        try
        {
            services.ValidatePolycloudConfiguration();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.Select(ConfigurationProblem.Parse).ToArray();
        }
    }

    private static void Write(CliOutput cli, IReadOnlyList<ConfigurationProblem> problems)
    {
        if (cli.Mode == OutputMode.Json)
        {
            var list = new JsonArray();
            foreach (var p in problems)
            {
                list.Add(new JsonObject { ["path"] = p.Path, ["message"] = p.Message });
            }

            cli.WriteJson(new JsonObject { ["valid"] = problems.Count == 0, ["problems"] = list });
            return;
        }

        if (problems.Count == 0)
        {
            cli.Writer.WriteLine("The Polycloud configuration is valid.");
            return;
        }

        cli.WriteTable(["Path", "Problem"], problems.Select(p => (IReadOnlyList<string>)[p.Path, CliOutput.OneLine(p.Message)]).ToArray(), []);
    }
}

/// <summary>One problem the start-up validation found: the configuration path and what is wrong there.</summary>
/// <param name="Path">The configuration path, for example <c>Polycloud:Blobs:docs</c>.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record ConfigurationProblem(string Path, string Message)
{
    /// <summary>Splits a validation failure (<c>"{path}: {message}"</c>) into its path and message.</summary>
    public static ConfigurationProblem Parse(string failure)
    {
        int colon = failure.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !failure.AsSpan(0, colon).Contains(' ')
            ? new ConfigurationProblem(failure[..colon], failure[(colon + 2)..])
            : new ConfigurationProblem("Polycloud", failure);
    }
}
