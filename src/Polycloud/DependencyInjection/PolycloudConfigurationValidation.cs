using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Checks one part of the <c>Polycloud</c> configuration section when the host starts. Register implementations as
/// singletons; each names the top-level keys of the section it owns (so that any other key is reported as unknown) and
/// adds a failure, naming the configuration path, for each problem it finds. A check makes no network call.
/// </summary>
public interface IPolycloudConfigurationCheck
{
    /// <summary>The top-level keys of the <c>Polycloud</c> section this check owns, for example <c>Blobs</c>.</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>Checks the section and adds a failure per problem, each naming its configuration path.</summary>
    /// <param name="section">The <c>Polycloud</c> section.</param>
    /// <param name="failures">Where to add the failures.</param>
    void Check(IConfigurationSection section, ICollection<string> failures);
}

/// <summary>The options object whose validation at start-up runs every <see cref="IPolycloudConfigurationCheck"/>.</summary>
public sealed class PolycloudConfigurationStatus
{
}

/// <summary>
/// Runs every <see cref="IPolycloudConfigurationCheck"/> over the <c>Polycloud</c> section and reports all failures
/// together (the host's <c>ValidateOnStart</c> throws one <see cref="OptionsValidationException"/> listing them), plus
/// every top-level key that no check owns, with the closest known key.
/// </summary>
internal sealed class PolycloudConfigurationValidator(PolycloudConfigurationRoot root, IEnumerable<IPolycloudConfigurationCheck> checks)
    : IValidateOptions<PolycloudConfigurationStatus>
{
    public ValidateOptionsResult Validate(string? name, PolycloudConfigurationStatus options)
    {
        var failures = Run(root.Section, checks);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Runs the checks over a section and returns every failure.</summary>
    public static List<string> Run(IConfigurationSection? section, IEnumerable<IPolycloudConfigurationCheck> checks)
    {
        var failures = new List<string>();
        if (section is null || !section.Exists())
        {
            return failures;
        }

        var known = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = checks.ToList();
        foreach (var check in list)
        {
            known.UnionWith(check.Keys);
        }

        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                string? closest = Closest(child.Key, known);
                failures.Add($"{child.Path}: '{child.Key}' is not a Polycloud configuration section{(closest is null ? string.Empty : $"; did you mean '{closest}'?")} Known: {string.Join(", ", known)}.");
            }
        }

        foreach (var check in list)
        {
            // A placeholder for a section whose package is not registered steps aside once that package's check is there.
            if (check is UnregisteredSectionCheck placeholder && list.Any(other => other is not UnregisteredSectionCheck && other.Keys.Contains(placeholder.Key, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            check.Check(section, failures);
        }

        return failures;
    }

    /// <summary>The known key nearest to a misspelt one (edit distance at most 2, or a case-insensitive prefix), or <see langword="null"/>.</summary>
    internal static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int d = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 4) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

/// <summary>
/// Checks the resources of one capability (<c>Blobs</c>, <c>Queues</c>, <c>Functions</c>, …): each entry has a URL,
/// and opening it succeeds (the URL parses, its scheme is registered, every setting is known and valid, required
/// settings are present). Opening makes no network call; the resource is disposed at once.
/// </summary>
public sealed class PolycloudResourceCheck : IPolycloudConfigurationCheck
{
    private readonly string _key;
    private readonly Func<string, IEnumerable<KeyValuePair<string, string>>, string, IAsyncDisposable> _open;

    /// <summary>Creates a check for the resources under one key.</summary>
    /// <param name="key">The key under <c>Polycloud</c>, for example <c>Blobs</c>.</param>
    /// <param name="open">Opens a resource from its URL, settings and configured name (for example
    /// <c>(url, settings, name) =&gt; opener.OpenBucket(url, settings)</c>).</param>
    public PolycloudResourceCheck(string key, Func<string, IEnumerable<KeyValuePair<string, string>>, string, IAsyncDisposable> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = key;
        _open = open ?? throw new ArgumentNullException(nameof(open));
        Keys = [key];
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Keys { get; }

    /// <inheritdoc/>
    public void Check(IConfigurationSection section, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(failures);
        var resources = section.GetSection(_key);
        foreach (var resource in resources.GetChildren())
        {
            try
            {
                var entry = ResourceConfiguration.Find(resources, resource.Key);
                if (entry is null)
                {
                    failures.Add($"{resource.Path}: the resource '{resource.Key}' has no value; set it to a URL, or to an object with 'Url' and settings.");
                    continue;
                }

                var opened = _open(entry.Value.Url, entry.Value.Settings, resource.Key);
                opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (CloudException ex)
            {
                failures.Add($"{resource.Path}: {ex.Message}");
            }
        }
    }
}

/// <summary>Accepts top-level keys that hold plain values or sections checked elsewhere, such as <c>DisableHealthChecks</c>.</summary>
/// <param name="keys">The keys.</param>
public sealed class PolycloudKnownKeys(params string[] keys) : IPolycloudConfigurationCheck
{
    /// <inheritdoc/>
    public IReadOnlyCollection<string> Keys { get; } = keys;

    /// <inheritdoc/>
    public void Check(IConfigurationSection section, ICollection<string> failures)
    {
    }
}

/// <summary>
/// Owns a key whose support lives in a package that may not be registered (for example <c>Databases</c>): when the
/// section has entries and no other check owns the key, it reports how to register that support.
/// </summary>
internal sealed class UnregisteredSectionCheck(string key, string message) : IPolycloudConfigurationCheck
{
    public string Key { get; } = key;

    public IReadOnlyCollection<string> Keys { get; } = [key];

    public void Check(IConfigurationSection section, ICollection<string> failures)
    {
        var child = section.GetSection(Key);
        if (child.GetChildren().Any())
        {
            failures.Add($"{child.Path}: {message}");
        }
    }
}

/// <summary>Checks <c>Polycloud:Workers</c>: each worker names a queue configured under <c>Polycloud:Queues</c>.</summary>
internal sealed class QueueWorkerConfigurationCheck : IPolycloudConfigurationCheck
{
    public IReadOnlyCollection<string> Keys { get; } = ["Workers"];

    public void Check(IConfigurationSection section, ICollection<string> failures)
    {
        var queues = section.GetSection("Queues").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var worker in section.GetSection("Workers").GetChildren())
        {
            if (!queues.Contains(worker.Key))
            {
                failures.Add($"{worker.Path}: there is no queue '{worker.Key}' under '{section.Path}:Queues' for this worker. Configured queues: {(queues.Count == 0 ? "none" : string.Join(", ", queues.Order(StringComparer.Ordinal)))}.");
            }
        }
    }
}
