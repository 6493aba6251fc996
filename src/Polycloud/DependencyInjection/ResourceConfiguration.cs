using Microsoft.Extensions.Configuration;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Reads named resources from a configuration section such as <c>Polycloud:Blobs</c>. Each child is either a URL
/// string (<c>"Polycloud:Blobs:images": "s3://bucket?region=eu-west-1"</c>) or an object with <c>Url</c> and further
/// settings that do not belong in a URL, such as secrets (<c>"Polycloud:Blobs:images:ConnectionString"</c>).
/// </summary>
internal static class ResourceConfiguration
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
            throw CloudException.InvalidArgument($"{child.Path}:Url", $"the resource '{name}' in '{(section as IConfigurationSection)?.Path}' has settings but no 'Url'; set '{child.Path}:Url' (for example 's3://bucket?region=us-east-1').");
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
}
