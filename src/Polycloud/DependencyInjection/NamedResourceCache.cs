using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Polycloud.DependencyInjection;

/// <summary>
/// The resources of one kind named in a configuration section (<c>Polycloud:Blobs</c>, <c>Polycloud:Queues</c>,
/// <c>Polycloud:Functions</c>, <c>Polycloud:Databases</c>), opened on first use and cached: each name is opened once
/// however many callers ask at the same time, a failed open is reported as a <see cref="CloudException"/> naming the
/// configuration path (and tried again on the next call), and what was opened is disposed exactly once when the cache
/// is disposed with the container.
/// </summary>
/// <remarks>The bucket, queue, function and database factories are built on it; a package that adds a resource kind of
/// its own under the <c>Polycloud</c> section uses it the same way.</remarks>
/// <typeparam name="T">The portable resource type.</typeparam>
public sealed partial class NamedResourceCache<T> : IAsyncDisposable, IDisposable
    where T : class, IAsyncDisposable
{
    private readonly IConfiguration? _section;
    private readonly string _sectionPath;
    private readonly string _singular;
    private readonly Func<string, string> _example;
    private readonly Func<string, IReadOnlyList<KeyValuePair<string, string>>, string, T> _open;
    private readonly Func<T, string> _describe;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _opened = new(StringComparer.OrdinalIgnoreCase);
    private int _disposed;

    /// <summary>Creates the cache over one section of the <c>Polycloud</c> configuration.</summary>
    /// <param name="polycloudSection">The <c>Polycloud</c> section, or <see langword="null"/> when nothing is configured.</param>
    /// <param name="sectionName">The section under <c>Polycloud</c> that names the resources, for example <c>Databases</c>.</param>
    /// <param name="resourceDescription">The resource in a sentence, for example <c>database</c>.</param>
    /// <param name="exampleUrls">Example URLs for a name, quoted, for the "not configured" message.</param>
    /// <param name="open">Opens a resource from its URL, its further settings and its configured name (no network call).</param>
    /// <param name="describe">Describes an opened resource for the log.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    public NamedResourceCache(
        IConfiguration? polycloudSection,
        string sectionName,
        string resourceDescription,
        Func<string, string> exampleUrls,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string, T> open,
        Func<T, string> describe,
        ILoggerFactory? loggerFactory)
    {
        if (string.IsNullOrEmpty(sectionName))
        {
            throw CloudException.InvalidArgument(nameof(sectionName), "a section name such as 'Databases' is required.");
        }

        _singular = string.IsNullOrEmpty(resourceDescription) ? throw CloudException.InvalidArgument(nameof(resourceDescription), "a description such as 'database' is required.") : resourceDescription;
        _example = exampleUrls ?? throw CloudException.InvalidArgument(nameof(exampleUrls), "a function that gives example URLs is required.");
        _open = open ?? throw CloudException.InvalidArgument(nameof(open), "a function that opens a resource is required.");
        _describe = describe ?? throw CloudException.InvalidArgument(nameof(describe), "a function that describes a resource is required.");
        _section = polycloudSection?.GetSection(sectionName);
        _sectionPath = polycloudSection is IConfigurationSection s ? $"{s.Path}:{sectionName}" : $"Polycloud:{sectionName}";
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud." + sectionName) ?? NullLogger.Instance;
    }

    /// <summary>Creates the cache for one of the core's resource kinds.</summary>
    internal NamedResourceCache(
        PolycloudConfigurationRoot root,
        ResourceKind kind,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string, T> open,
        Func<T, string> describe,
        ILoggerFactory? loggerFactory)
        : this(root.Section, kind.Section, kind.Singular, kind.Example, open, describe, loggerFactory)
    {
    }

    /// <summary>The configured names.</summary>
    public IReadOnlyCollection<string> Names => ResourceConfiguration.Names(_section).ToArray();

    /// <summary>Gets the resource configured under <paramref name="name"/>, opening it on the first call.</summary>
    /// <param name="name">The configured name.</param>
    /// <returns>The resource, owned by the cache.</returns>
    public T Get(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), $"a {_singular} name is required.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entry = _opened.GetOrAdd(name, static n => new Entry(n));
        try
        {
            return entry.GetOrOpen(this);
        }
        catch
        {
            // A failed open is not cached: the next call tries again (and reports the same error if nothing changed).
            _opened.TryRemove(new KeyValuePair<string, Entry>(name, entry));
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<Exception>? failures = null;
        foreach (var pair in _opened.ToArray())
        {
            if (!_opened.TryRemove(pair) || pair.Value.Opened is not { } resource)
            {
                continue;
            }

            try
            {
                await resource.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (failures ??= []).Add(e);
            }
        }

        _opened.Clear();
        if (failures is not null)
        {
            throw new AggregateException($"Disposing the resources opened from '{_sectionPath}' failed.", failures);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private T Open(string name)
    {
        string path = $"{_sectionPath}:{name}";
        var entry = ResourceConfiguration.Find(_section, name)
            ?? throw CloudException.InvalidArgument(
                nameof(name),
                $"no {_singular} named '{name}' is configured. Configured: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Add '{path}' with a URL such as {_example(name)}.");
        T resource;
        try
        {
            resource = _open(entry.Url, entry.Settings, name);
        }
        catch (CloudException e)
        {
            throw Wrap(e.ErrorCode, path, e.Message, e.Provider, e);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or UriFormatException)
        {
            throw Wrap(CloudErrorCode.InvalidArgument, path, e.Message, null, e);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            string description = _describe(resource);
            LogOpened(_logger, _singular, name, description);
        }

        return resource;
    }

    private static CloudException Wrap(CloudErrorCode code, string path, string message, string? provider, Exception inner)
    {
        var wrapped = new CloudException(code, $"'{path}' could not be opened: {message}", provider, inner);
        wrapped.Data["ConfigurationPath"] = path;
        if (inner.Data["ArgumentName"] is { } argument)
        {
            wrapped.Data["ArgumentName"] = argument;
        }

        return wrapped;
    }

    /// <summary>One name's resource: opened by the first caller, under a lock, while the others wait for it.</summary>
    private sealed class Entry(string name)
    {
        private readonly Lock _lock = new();
        private T? _resource;

        public T? Opened => Volatile.Read(ref _resource);

        public T GetOrOpen(NamedResourceCache<T> cache)
        {
            if (Volatile.Read(ref _resource) is { } opened)
            {
                return opened;
            }

            lock (_lock)
            {
                if (_resource is null)
                {
                    Volatile.Write(ref _resource, cache.Open(name));
                }

                return _resource!;
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened {Kind} '{Name}': {Description}")]
    private static partial void LogOpened(ILogger logger, string kind, string name, string description);
}

/// <summary>A kind of named resource the core opens: its configuration section, its name in messages, and an example URL.</summary>
/// <param name="Section">The section under <c>Polycloud</c>, for example <c>Blobs</c>.</param>
/// <param name="Singular">The resource in a sentence, for example <c>blob bucket</c>.</param>
/// <param name="Example">Example URLs for a name, quoted, for the "not configured" message.</param>
internal sealed record ResourceKind(string Section, string Singular, Func<string, string> Example)
{
    public static readonly ResourceKind Blobs = new("Blobs", "blob bucket", static _ => "'file:///data?create=true' or 's3://bucket?region=us-east-1'");

    public static readonly ResourceKind Queues = new("Queues", "queue", static n => $"'sqlite:///var/data/queues.db?queue={n}' or 'sqs://{n}?region=us-east-1'");

    public static readonly ResourceKind Functions = new("Functions", "function", static n => $"'local://{n}' or 'lambda://{n}?region=us-east-1'");
}
