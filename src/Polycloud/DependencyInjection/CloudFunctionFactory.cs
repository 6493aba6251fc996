using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polycloud.Functions;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the functions named under <c>Polycloud:Functions</c>.</summary>
internal sealed partial class CloudFunctionFactory : ICloudFunctionFactory, IAsyncDisposable, IDisposable
{
    private readonly PolycloudOpener _opener;
    private readonly IConfiguration? _section;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<CloudFunction>> _functions = new(StringComparer.OrdinalIgnoreCase);

    public CloudFunctionFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    {
        _opener = opener;
        _section = root.Section?.GetSection("Functions");
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Functions") ?? NullLogger.Instance;
    }

    public IReadOnlyCollection<string> Names => ResourceConfiguration.Names(_section).ToArray();

    public CloudFunction GetFunction(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), "a function name is required.");
        }

        return _functions.GetOrAdd(name, n => new Lazy<CloudFunction>(() => Open(n))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _functions.Values)
        {
            if (lazy.IsValueCreated)
            {
                await lazy.Value.DisposeAsync().ConfigureAwait(false);
            }
        }

        _functions.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private CloudFunction Open(string name)
    {
        var entry = ResourceConfiguration.Find(_section, name)
            ?? throw CloudException.InvalidArgument(
                nameof(name),
                $"no function named '{name}' is configured. Configured: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Add 'Polycloud:Functions:{name}' with a URL such as 'local://{name}' or 'lambda://{name}?region=us-east-1'.");
        var function = _opener.OpenFunction(entry.Url, entry.Settings);
        LogOpened(_logger, name, function.Provider, function.Name);
        return function;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Opened function '{Name}': provider {Provider}, function {Function}")]
    private static partial void LogOpened(ILogger logger, string name, string provider, string function);
}
