using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.DependencyInjection;

namespace Polycloud.Cli.Conventions;

/// <summary>
/// The configuration story every command shares with the library: <c>appsettings.json</c> in the current folder, then
/// environment variables (<c>Polycloud__Blobs__docs=…</c>), then <c>--config FILE</c>; the <c>Polycloud</c> section is
/// read by <c>services.AddPolycloud(configuration)</c> with every provider registered.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>The <c>--config</c> option.</summary>
    public static Option<FileInfo?> ConfigOption() => new("--config", "-c")
    {
        Description = "A JSON configuration file with a 'Polycloud' section (read after appsettings.json and environment variables).",
    };

    /// <summary>Builds the configuration; throws <see cref="CliUsageException"/> when a file is missing or malformed.</summary>
    public static IConfiguration Build(FileInfo? configFile, string currentDirectory)
    {
        if (configFile is not null && !configFile.Exists)
        {
            throw new CliUsageException($"the configuration file '{configFile.FullName}' does not exist.");
        }

        var builder = new ConfigurationBuilder()
            .SetBasePath(currentDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        if (configFile is not null)
        {
            builder.AddJsonFile(configFile.FullName, optional: false, reloadOnChange: false);
        }

        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new CliUsageException($"the configuration could not be read: {e.Message}");
        }
    }

    /// <summary>Builds the services: Polycloud with the local, AWS, Azure and Google providers and the databases, from the configuration.</summary>
    public static ServiceProvider BuildServices(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddAws().AddAzure().AddGoogle().AddDatabases();
        return services.BuildServiceProvider();
    }
}

/// <summary>Bad usage or configuration: exit code 2 with this message.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
