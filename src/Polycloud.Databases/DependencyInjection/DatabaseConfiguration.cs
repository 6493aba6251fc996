using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Reads the named databases of <c>Polycloud:Databases</c> the way the core reads <c>Polycloud:Blobs</c>. Each child is either a URL
/// string (<c>"Polycloud:Blobs:images": "s3://bucket?region=eu-west-1"</c>) or an object with <c>Url</c> and further
/// settings that do not belong in a URL, such as secrets (<c>"Polycloud:Blobs:images:ConnectionString"</c>).
/// </summary>
internal static class DatabaseConfiguration
{
    public static IEnumerable<string> Names(IConfiguration? section)
        => section is null ? [] : section.GetChildren().Select(c => c.Key);

    public static (string Url, List<KeyValuePair<string, string>> Settings)? Find(IConfiguration? section, string name)
    {
        if (section is null)
        {
            return null;
        }

        var child = section.GetSection(name);
        if (child.Value is { Length: > 0 } url)
        {
            return (url, []);
        }

        if (!child.GetChildren().Any())
        {
            return null;
        }

        string? fromUrl = child["Url"];
        if (string.IsNullOrEmpty(fromUrl))
        {
            throw CloudException.InvalidArgument($"{child.Path}:Url", $"the resource '{name}' in '{(section as IConfigurationSection)?.Path}' has settings but no 'Url'; set '{child.Path}:Url' (for example 'postgresql://host/orders?user=app').");
        }

        var settings = new List<KeyValuePair<string, string>>();
        foreach (var setting in child.GetChildren())
        {
            if (!string.Equals(setting.Key, "Url", StringComparison.OrdinalIgnoreCase) && setting.Value is not null)
            {
                settings.Add(new(setting.Key, setting.Value));
            }
        }

        return (fromUrl, settings);
    }

    /// <summary>
    /// Registers a keyed singleton for any string key, so that <c>[FromKeyedServices("name")]</c> resolves every
    /// configured database, and asking for an unconfigured name fails with a message that lists the configured ones.
    /// </summary>
    public static void AddKeyed<T>(IServiceCollection services, Func<IServiceProvider, string, T> open)
        where T : class
    {
        if (services.Any(d => d.ServiceType == typeof(T) && Equals(d.ServiceKey, KeyedService.AnyKey)))
        {
            return;
        }

        services.AddKeyedSingleton(KeyedService.AnyKey, (sp, key) => key is string name
            ? open(sp, name)
            : throw CloudException.InvalidArgument("serviceKey", $"Polycloud resources are keyed by their configured name (a string), not by {key?.GetType().Name ?? "null"}."));
    }
}
