using System.Text;

namespace Polycloud.Blobs.Drivers;

/// <summary>
/// The portable rules for keys, metadata and ranges, checked once by <see cref="BlobBucket"/> before any network
/// call, so every provider accepts exactly the same inputs. Public so that drivers can reuse the metadata encoding.
/// </summary>
public static class BlobKeyRules
{
    /// <summary>The longest key in UTF-8 bytes (the strictest of S3, Azure and GCS).</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The most metadata, in bytes of keys plus values (S3's limit, the strictest).</summary>
    public const int MaxMetadataBytes = 2048;

    private const string EncodedPrefix = "=?UTF-8?B?";
    private const string EncodedSuffix = "?=";

    /// <summary>Checks a key: 1 to 1024 UTF-8 bytes, well-formed Unicode, no control characters, not "." or "..".</summary>
    /// <param name="key">The key.</param>
    /// <param name="argumentName">The parameter name for the error message.</param>
    public static void ValidateKey(string key, string argumentName = "key")
    {
        if (key is null)
        {
            throw CloudException.InvalidArgument(argumentName, "a blob key is required.");
        }

        if (key.Length == 0)
        {
            throw CloudException.InvalidArgument(argumentName, "a blob key must not be empty.");
        }

        if (key is "." or "..")
        {
            throw CloudException.InvalidArgument(argumentName, $"the blob key '{key}' is not allowed: '.' and '..' are reserved.");
        }

        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c < 0x20 || c == 0x7F)
            {
                throw CloudException.InvalidArgument(argumentName, $"the blob key contains the control character U+{(int)c:X4} at index {i}; keys must be printable text.");
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
                {
                    i++;
                    continue;
                }

                throw CloudException.InvalidArgument(argumentName, $"the blob key contains an unpaired surrogate at index {i}; keys must be well-formed Unicode.");
            }
        }

        if (key.Length > MaxKeyBytes / 3 && Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw CloudException.InvalidArgument(argumentName, $"the blob key is {Encoding.UTF8.GetByteCount(key)} UTF-8 bytes long; the limit is {MaxKeyBytes}.");
        }
    }

    /// <summary>
    /// Checks metadata and returns it with lower-case keys: keys start with an ASCII letter followed by letters,
    /// digits, '-' or '_', are unique ignoring case, and keys plus values fit in 2 KiB of UTF-8.
    /// </summary>
    /// <param name="metadata">The metadata, or <see langword="null"/>.</param>
    /// <returns>The normalized metadata, or <see langword="null"/> when there is none.</returns>
    public static Dictionary<string, string>? NormalizeMetadata(IEnumerable<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(metadata.TryGetNonEnumeratedCount(out int count) ? count : 0, StringComparer.Ordinal);
        int total = 0;
        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrEmpty(key) || !char.IsAsciiLetter(key[0]))
            {
                throw CloudException.InvalidArgument("options.Metadata", $"the metadata key '{key}' must start with an ASCII letter.");
            }

            foreach (char c in key)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
                {
                    throw CloudException.InvalidArgument("options.Metadata", $"the metadata key '{key}' contains '{c}'; keys may contain only ASCII letters, digits, '-' and '_'.");
                }
            }

            if (value is null)
            {
                throw CloudException.InvalidArgument("options.Metadata", $"the value of metadata key '{key}' is null; use an empty string or leave the key out.");
            }

            foreach (char c in value)
            {
                if (c < 0x20 && c != '\t' || c == 0x7F)
                {
                    throw CloudException.InvalidArgument("options.Metadata", $"the value of metadata key '{key}' contains the control character U+{(int)c:X4}.");
                }
            }

            string lower = key.ToLowerInvariant();
            if (!result.TryAdd(lower, value))
            {
                throw CloudException.InvalidArgument("options.Metadata", $"the metadata key '{key}' appears twice (keys are case-insensitive).");
            }

            total += lower.Length + Encoding.UTF8.GetByteCount(value);
        }

        if (total > MaxMetadataBytes)
        {
            throw CloudException.InvalidArgument("options.Metadata", $"metadata keys and values take {total} UTF-8 bytes; the limit is {MaxMetadataBytes}.");
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// Encodes a metadata value for providers whose headers are ASCII-only: values that are printable ASCII and do not
    /// start with "=?" pass unchanged; others become an RFC 2047 encoded word (<c>=?UTF-8?B?…?=</c>).
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The header-safe value.</returns>
    public static string EncodeMetadataValue(string value)
    {
        bool plain = !value.StartsWith("=?", StringComparison.Ordinal) && (value.Length == 0 || (value[0] != ' ' && value[^1] != ' '));
        if (plain)
        {
            foreach (char c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    plain = false;
                    break;
                }
            }
        }

        return plain ? value : EncodedPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + EncodedSuffix;
    }

    /// <summary>Decodes a value produced by <see cref="EncodeMetadataValue"/>.</summary>
    /// <param name="value">The stored value.</param>
    /// <returns>The original value.</returns>
    public static string DecodeMetadataValue(string value)
    {
        if (value.Length >= EncodedPrefix.Length + EncodedSuffix.Length
            && value.StartsWith(EncodedPrefix, StringComparison.OrdinalIgnoreCase)
            && value.EndsWith(EncodedSuffix, StringComparison.Ordinal))
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(value[EncodedPrefix.Length..^EncodedSuffix.Length]));
            }
            catch (FormatException)
            {
                return value;
            }
        }

        return value;
    }

    /// <summary>
    /// Encodes a portable metadata key (letters, digits, '-', '_') as a C# identifier for Azure:
    /// '_' becomes "__" and '-' becomes "_h".
    /// </summary>
    /// <param name="key">The portable key.</param>
    /// <returns>The identifier.</returns>
    public static string EncodeMetadataKeyAsIdentifier(string key)
    {
        if (key.AsSpan().IndexOfAny('-', '_') < 0)
        {
            return key;
        }

        var sb = new StringBuilder(key.Length + 4);
        foreach (char c in key)
        {
            _ = c switch
            {
                '_' => sb.Append("__"),
                '-' => sb.Append("_h"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>Decodes a key produced by <see cref="EncodeMetadataKeyAsIdentifier"/>.</summary>
    /// <param name="identifier">The stored identifier.</param>
    /// <returns>The portable key, lower case.</returns>
    public static string DecodeMetadataKeyFromIdentifier(string identifier)
    {
        if (identifier.IndexOf('_', StringComparison.Ordinal) < 0)
        {
            return identifier.ToLowerInvariant();
        }

        var sb = new StringBuilder(identifier.Length);
        for (int i = 0; i < identifier.Length; i++)
        {
            char c = identifier[i];
            if (c == '_' && i + 1 < identifier.Length)
            {
                char n = identifier[++i];
                sb.Append(n switch { '_' => '_', 'h' or 'H' => '-', _ => n });
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }
}
