using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polycloud.Databases;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the databases named under <c>Polycloud:Databases</c>.</summary>
internal sealed partial class CloudDatabaseFactory : ICloudDatabaseFactory, IAsyncDisposable, IDisposable
{
    private readonly PolycloudOpener _opener;
    private readonly IConfiguration? _section;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<CloudDatabase>> _databases = new(StringComparer.OrdinalIgnoreCase);

    public CloudDatabaseFactory(PolycloudOpener opener, IConfiguration? section, ILoggerFactory? loggerFactory = null)
    {
        _opener = opener;
        _section = section;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Databases") ?? NullLogger.Instance;
    }

    public IReadOnlyCollection<string> Names => DatabaseConfiguration.Names(_section).ToArray();

    public CloudDatabase GetDatabase(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), "a database name is required.");
        }

        return _databases.GetOrAdd(name, n => new Lazy<CloudDatabase>(() => Open(n))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _databases.Values)
        {
            if (lazy.IsValueCreated)
            {
                await lazy.Value.DisposeAsync().ConfigureAwait(false);
            }
        }

        _databases.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private CloudDatabase Open(string name)
    {
        var entry = DatabaseConfiguration.Find(_section, name)
            ?? throw CloudException.InvalidArgument(
                nameof(name),
                $"no database named '{name}' is configured. Configured: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Add 'Polycloud:Databases:{name}' with a URL such as 'sqlite:///var/data/{name}.db' or 'postgresql://host:5432/{name}?user=app&auth=aws-iam&region=eu-west-1'.");
        var database = _opener.OpenDatabase(entry.Url, entry.Settings, name);
        LogOpened(_logger, name, database.Description);
        return database;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened database '{Name}': {Description}")]
    private static partial void LogOpened(ILogger logger, string name, string description);
}
