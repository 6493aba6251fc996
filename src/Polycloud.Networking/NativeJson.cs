using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Polycloud.Networking;

/// <summary>Small helpers the provider translators share to read provider JSON with precise error paths.</summary>
internal static class NativeJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonDocument Parse(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument 'json': the {what} JSON is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", null, ex);
        }
        catch (ArgumentException ex) when (ex.InnerException is System.Text.EncoderFallbackException)
        {
            // Text that is not well-formed UTF-16 (an unpaired surrogate) cannot be read as JSON at all.
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument 'json': the {what} JSON is not well-formed Unicode text (it has an unpaired surrogate).", null, ex);
        }
    }

    public static bool TryGet(this JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string? GetStringOrNull(this JsonElement element, string name, string path)
    {
        if (!element.TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw CloudException.InvalidArgument(Join(path, name), $"expected a string, found {value.ValueKind}."),
        };
    }

    public static int? GetIntOrNull(this JsonElement element, string name, string path)
    {
        if (!element.TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw CloudException.InvalidArgument(Join(path, name), $"expected an integer, found {value.GetRawText()}.");
    }

    public static bool GetBool(this JsonElement element, string name, string path)
    {
        if (!element.TryGet(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw CloudException.InvalidArgument(Join(path, name), $"expected true or false, found {value.GetRawText()}."),
        };
    }

    public static IEnumerable<(JsonElement Item, string Path)> Items(this JsonElement element, string name, string path)
    {
        if (!element.TryGet(name, out var value))
        {
            yield break;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw CloudException.InvalidArgument(Join(path, name), $"expected an array, found {value.ValueKind}.");
        }

        var i = 0;
        var prefix = Join(path, name);
        foreach (var item in value.EnumerateArray())
        {
            yield return (item, string.Create(CultureInfo.InvariantCulture, $"{prefix}[{i++}]"));
        }
    }

    public static string Join(string path, string name) => path is "" or "$" ? name : $"{path}.{name}";

    public static List<string> Strings(this JsonElement element, string name, string path)
    {
        var list = new List<string>();
        foreach (var (item, itemPath) in element.Items(name, path))
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw CloudException.InvalidArgument(itemPath, $"expected a string, found {item.ValueKind}.");
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    public static IpCidr Cidr(string? text, string path)
    {
        if (!IpCidr.TryParse(text, out var cidr, out var error))
        {
            throw CloudException.InvalidArgument(path, error);
        }

        return cidr;
    }

    public static JsonArray ToJsonArray(this IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add((JsonNode?)JsonValue.Create(item));
        }

        return array;
    }

    public static string RulePath(NetworkPolicy policy, NetworkRule rule)
    {
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            if (ReferenceEquals(policy.Rules[i], rule))
            {
                return string.Create(CultureInfo.InvariantCulture, $"rules[{i}] ({rule.Name})");
            }
        }

        return rule.Name;
    }

    /// <summary>Numbers for rules in evaluation order: a step of 10 from <paramref name="first"/> when that fits below <paramref name="last"/>, else a step of 1.</summary>
    public static int Step(int count, int first, int last) => count <= 1 || first + ((count - 1) * 10) <= last ? 10 : 1;
}
