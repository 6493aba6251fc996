using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Polycloud.Billing.Internal;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BillingJsonContext : JsonSerializerContext;

/// <summary>Parses the tag encodings found in exports into a dictionary.</summary>
internal static class TagParser
{
    public static readonly IReadOnlyDictionary<string, string> Empty = FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// Parses a FOCUS / Azure / CUR 2.0 tag object. Accepts a JSON object, the brace-less form of Azure EA exports
    /// (<c>"a": "b","c": "d"</c>) and the Athena/Hive map form (<c>{a=b, c=d}</c>). Non-string values are kept as their JSON text.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || ValueParser.IsNull(text.AsSpan().Trim()))
        {
            return Empty;
        }

        var trimmed = text.Trim();
        if (trimmed[0] != '{' && trimmed[0] != '[')
        {
            trimmed = "{" + trimmed + "}";
        }

        try
        {
            using var doc = JsonDocument.Parse(trimmed);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    result[p.Name] = ValueText(p.Value);
                }
            }
            else if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                // BigQuery label arrays: [{"key":"env","value":"prod"}]
                foreach (var item in doc.RootElement.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String)
                    {
                        result[k.GetString()!] = item.TryGetProperty("value", out var v) ? ValueText(v) : string.Empty;
                    }
                }
            }

            return result;
        }
        catch (JsonException)
        {
            return ParseHiveMap(trimmed);
        }
    }

    private static string ValueText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Null => string.Empty,
        _ => v.GetRawText(),
    };

    private static Dictionary<string, string> ParseHiveMap(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = text.Trim().TrimStart('{').TrimEnd('}');
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
            else
            {
                result[part] = string.Empty;
            }
        }

        return result;
    }
}
