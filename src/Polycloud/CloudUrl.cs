using System.Globalization;
using System.Text;

namespace Polycloud;

/// <summary>
/// A parsed resource URL such as <c>s3://bucket?region=eu-west-1</c>, <c>azblob://container?account=acct</c>,
/// <c>gs://bucket</c>, <c>mem://name</c> or <c>file:///var/data</c>, plus any settings that came from configuration
/// next to it. Providers read their settings through the typed getters, which fail with a message that names the
/// setting and the rule it broke. <see cref="ToString"/> never prints secret values.
/// </summary>
public sealed class CloudUrl
{
    private static readonly string[] SecretNames =
        ["sig", "key", "secret", "password", "token", "accountkey", "sas", "connectionstring", "credential", "credentials"];

    private readonly Dictionary<string, string> _settings;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _obsoleteNames = new(StringComparer.OrdinalIgnoreCase);
    private List<ObsoleteSetting>? _obsolete;

    private CloudUrl(string scheme, string host, string path, Dictionary<string, string> settings)
    {
        Scheme = scheme;
        Host = host;
        Path = path;
        _settings = settings;
    }

    /// <summary>The scheme in lower case, without the colon (for example <c>s3</c>).</summary>
    public string Scheme { get; }

    /// <summary>The authority part: the bucket, container, queue or resource name (may be empty, as in <c>file:///data</c>).</summary>
    public string Host { get; }

    /// <summary>The path, percent-decoded, including its leading slash, or empty.</summary>
    public string Path { get; }

    /// <summary>All settings: the URL's query parameters and any extra settings, keys compared case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    /// <summary>Parses a resource URL.</summary>
    /// <param name="url">The URL, for example <c>s3://bucket?region=us-east-1</c>.</param>
    /// <param name="extraSettings">Settings from configuration that apply to this resource but do not belong in the URL
    /// (for example a connection string). They override query parameters of the same name.</param>
    /// <returns>The parsed URL.</returns>
    /// <exception cref="CloudException">With <see cref="CloudErrorCode.InvalidArgument"/> when the URL is malformed.</exception>
    public static CloudUrl Parse(string url, IEnumerable<KeyValuePair<string, string>>? extraSettings = null)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw CloudException.InvalidArgument(nameof(url), "a resource URL is required, for example 'mem://name', 'file:///path', 's3://bucket?region=us-east-1'.");
        }

        int colon = url.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw CloudException.InvalidArgument(nameof(url), $"'{Redact(url)}' is not a resource URL: it must start with a scheme followed by '://', for example 's3://bucket'.");
        }

        string scheme = url[..colon];
        foreach (char c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') || !char.IsAsciiLetter(scheme[0]))
            {
                throw CloudException.InvalidArgument(nameof(url), $"the scheme '{scheme}' of '{Redact(url)}' is not valid: it must start with a letter and contain only letters, digits, '+', '-' or '.'.");
            }
        }

        string rest = url[(colon + 3)..];
        if (rest.Contains('#', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument(nameof(url), $"'{Redact(url)}' has a fragment ('#...'); resource URLs do not use fragments.");
        }

        string query = string.Empty;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string host = slash >= 0 ? rest[..slash] : rest;
        string path = slash >= 0 ? rest[slash..] : string.Empty;
        if (host.Contains('@', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument(nameof(url), $"'{Redact(url)}' has credentials before the host ('user:password@host'); URLs end up in logs, so give credentials as settings (from configuration or a secret store), never in the URL.");
        }


        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (query.Length > 0)
        {
            foreach (string pair in query.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string name = Unescape(eq >= 0 ? pair[..eq] : pair, url, plusIsSpace: true);
                string value = eq >= 0 ? Unescape(pair[(eq + 1)..], url, plusIsSpace: true) : string.Empty;
                if (name.Length == 0)
                {
                    throw CloudException.InvalidArgument(nameof(url), $"'{Redact(url)}' has a query parameter with an empty name.");
                }

                if (!settings.TryAdd(name, value))
                {
                    throw CloudException.InvalidArgument(nameof(url), $"'{Redact(url)}' sets the query parameter '{name}' more than once.");
                }
            }
        }

        if (extraSettings is not null)
        {
            foreach (var (name, value) in extraSettings)
            {
                settings[name] = value;
            }
        }

        return new CloudUrl(scheme.ToLowerInvariant(), Unescape(host, url, plusIsSpace: false), Unescape(path, url, plusIsSpace: false), settings);
    }

    /// <summary>Returns the setting's value, or <see langword="null"/> when it is absent.</summary>
    /// <param name="name">The setting (query parameter) name, case-insensitive.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public string? Get(string name)
    {
        _read.Add(name);
        return _settings.TryGetValue(name, out string? value) ? value : null;
    }

    /// <summary>
    /// Returns a setting that was renamed: its value under <paramref name="name"/>, else under
    /// <paramref name="obsoleteName"/> (recorded in <see cref="ObsoleteSettings"/>, so that the opener logs a warning
    /// once), or <see langword="null"/>. Setting both names is an error.
    /// </summary>
    /// <param name="name">The current setting name.</param>
    /// <param name="obsoleteName">The name it had before, still accepted for one release.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public string? Get(string name, string obsoleteName)
    {
        ArgumentNullException.ThrowIfNull(obsoleteName);
        string? value = Get(name);
        _obsoleteNames.Add(obsoleteName);
        if (!_settings.TryGetValue(obsoleteName, out string? old))
        {
            return value;
        }

        if (value is not null)
        {
            throw CloudException.InvalidArgument(obsoleteName, $"'{this}' sets both '{name}' and '{obsoleteName}', its old name; keep '{name}' only.");
        }

        ReportObsolete(obsoleteName, name);
        return old;
    }

    /// <summary>
    /// Records that the URL uses an obsolete form of a setting that still works (for example a renamed setting, or a
    /// value that has a new spelling), so that the opener logs a warning once per process.
    /// </summary>
    /// <param name="obsolete">What the URL says, for example <c>auth=none</c>.</param>
    /// <param name="replacement">What to write instead, for example <c>anonymous=true</c>.</param>
    public void ReportObsolete(string obsolete, string replacement)
    {
        ArgumentException.ThrowIfNullOrEmpty(obsolete);
        ArgumentException.ThrowIfNullOrEmpty(replacement);
        (_obsolete ??= []).Add(new ObsoleteSetting(Scheme, obsolete, replacement));
    }

    /// <summary>The obsolete settings this URL used, recorded by <see cref="Get(string, string)"/> and <see cref="ReportObsolete"/>.</summary>
    public IReadOnlyList<ObsoleteSetting> ObsoleteSettings => (IReadOnlyList<ObsoleteSetting>?)_obsolete ?? [];

    /// <summary>Returns the setting's value, failing with a clear message when it is absent or empty.</summary>
    /// <param name="name">The setting name.</param>
    /// <param name="help">What the setting is, for the error message (for example "the AWS region, e.g. us-east-1").</param>
    /// <returns>The value.</returns>
    public string GetRequired(string name, string help)
    {
        string? value = Get(name);
        if (string.IsNullOrEmpty(value))
        {
            throw CloudException.InvalidArgument(name, $"the setting '{name}' ({help}) is required for '{this}'.");
        }

        return value;
    }

    /// <summary>Returns a boolean setting (<c>true</c>/<c>false</c>/<c>1</c>/<c>0</c>), or <paramref name="defaultValue"/>.</summary>
    /// <param name="name">The setting name.</param>
    /// <param name="defaultValue">The value when the setting is absent.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string name, bool defaultValue) => ToBoolean(name, Get(name), defaultValue);

    /// <summary>Returns a renamed boolean setting (see <see cref="Get(string, string)"/>), or <paramref name="defaultValue"/>.</summary>
    /// <param name="name">The current setting name.</param>
    /// <param name="obsoleteName">The name it had before.</param>
    /// <param name="defaultValue">The value when neither is set.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string name, string obsoleteName, bool defaultValue) => ToBoolean(name, Get(name, obsoleteName), defaultValue);

    private bool ToBoolean(string name, string? value, bool defaultValue)
        => value switch
        {
            null => defaultValue,
            "" or "1" => true,
            "0" => false,
            _ when bool.TryParse(value, out bool b) => b,
            _ => throw CloudException.InvalidArgument(name, $"the setting '{name}' must be true or false, not '{value}' (in '{this}')."),
        };

    /// <summary>Returns an integer setting within a range, or <see langword="null"/> when absent.</summary>
    /// <param name="name">The setting name.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public long? GetInt64(string name, long min = long.MinValue, long max = long.MaxValue)
    {
        string? value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
        {
            throw CloudException.InvalidArgument(name, $"the setting '{name}' must be an integer from {min} to {max}, not '{value}' (in '{this}').");
        }

        return n;
    }

    /// <summary>Returns a URI setting (absolute http or https), or <see langword="null"/> when absent.</summary>
    /// <param name="name">The setting name.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public Uri? GetUri(string name) => ToUri(name, Get(name));

    /// <summary>Returns a renamed URI setting (see <see cref="Get(string, string)"/>), or <see langword="null"/> when absent.</summary>
    /// <param name="name">The current setting name.</param>
    /// <param name="obsoleteName">The name it had before.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public Uri? GetUri(string name, string obsoleteName) => ToUri(name, Get(name, obsoleteName));

    private static Uri? ToUri(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CloudException.InvalidArgument(name, $"the setting '{name}' must be an absolute http or https URL, not '{value}'.");
        }

        return uri;
    }

    /// <summary>
    /// Fails when the URL carries a setting that no getter has read: a misspelt parameter is an error, never silently
    /// ignored. Providers call this after reading everything they understand.
    /// </summary>
    /// <param name="provider">The provider name, for the message.</param>
    public void ThrowIfUnknownSettings(string provider)
    {
        List<string>? unknown = null;
        foreach (string name in _settings.Keys)
        {
            if (!_read.Contains(name) && !_obsoleteNames.Contains(name))
            {
                (unknown ??= []).Add(name);
            }
        }

        if (unknown is not null)
        {
            unknown.Sort(StringComparer.Ordinal);
            var known = _read.Order(StringComparer.Ordinal).ToArray();
            throw CloudException.InvalidArgument(
                "url",
                $"'{this}' has setting(s) the {provider} provider does not know: {string.Join(", ", unknown)}. Known settings: {(known.Length == 0 ? "none" : string.Join(", ", known))}.");
        }
    }

    /// <summary>The URL with secret setting values and any credentials before the host replaced by <c>***</c>, safe to
    /// log. Extra settings are listed by name only.</summary>
    /// <returns>The redacted URL.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(Scheme).Append("://").Append(MaskUserInfo(Host)).Append(Path);
        char sep = '?';
        foreach (var (name, value) in _settings)
        {
            sb.Append(sep).Append(name).Append('=').Append(IsSecret(name) ? "***" : Uri.EscapeDataString(value));
            sep = '&';
        }

        return sb.ToString();
    }

    /// <summary>Tells whether a setting's value is a secret (an account key, a SAS signature, a password, a token, a
    /// connection string…) that <see cref="ToString"/> hides and that must never be written to a log or a message.</summary>
    /// <param name="name">The setting name, for example <c>accountKey</c>.</param>
    /// <returns><see langword="true"/> for a secret setting.</returns>
    public static bool IsSecretSetting(string name) => IsSecret(name);

    internal static bool IsSecret(string name)
    {
        foreach (string s in SecretNames)
        {
            if (name.Contains(s, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Redact(string url)
    {
        int q = url.IndexOf('?', StringComparison.Ordinal);
        string head = q < 0 ? url : url[..q];
        int s = head.IndexOf("://", StringComparison.Ordinal);
        if (s >= 0)
        {
            int start = s + 3;
            int end = head.IndexOf('/', start);
            head = head[..start] + MaskUserInfo(head[start..(end < 0 ? head.Length : end)]) + (end < 0 ? string.Empty : head[end..]);
        }

        return q < 0 ? head : head + "?…";
    }

    /// <summary>Hides credentials written before the host ('user:password@host' becomes '***@host').</summary>
    private static string MaskUserInfo(string authority)
    {
        int at = authority.LastIndexOf('@');
        return at < 0 ? authority : "***" + authority[at..];
    }

    private static string Unescape(string value, string url, bool plusIsSpace)
    {
        if (plusIsSpace)
        {
            value = value.Replace('+', ' ');
        }

        if (value.IndexOf('%', StringComparison.Ordinal) < 0)
        {
            return value;
        }

        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException ex)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument 'url': '{Redact(url)}' has a malformed percent-escape.", null, ex);
        }
    }
}

/// <summary>An obsolete setting that a resource URL used and that still works for now.</summary>
/// <param name="Scheme">The URL scheme, for example <c>azqueue</c>.</param>
/// <param name="Obsolete">What the URL says, for example <c>serviceUri=…</c>.</param>
/// <param name="Replacement">What to write instead, for example <c>endpoint=…</c>.</param>
public sealed record ObsoleteSetting(string Scheme, string Obsolete, string Replacement);
