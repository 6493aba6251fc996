using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace Polycloud.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 for requests the AWS SDK has no client for (the Lambda Invoke API, RDS IAM <c>connect</c>
/// tokens): header signing (<c>Authorization</c>) and query presigning (<c>X-Amz-Signature</c> in the URL), with
/// credentials from AWSSDK.Core. Follows the published algorithm and is checked against AWS's SigV4 test-suite vectors
/// and the S3 documentation examples. Thread-safe; caches the derived signing key for the current day.
/// </summary>
internal sealed class AwsSigV4Signer
{
    /// <summary>The SHA-256 of an empty payload, in hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The payload hash S3 accepts in presigned URLs.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "connection", "transfer-encoding", "content-length", "x-amzn-trace-id", "keep-alive", "te", "upgrade",
    };

    private SigningKey? _key;

    /// <summary>Creates a signer for one region and service.</summary>
    /// <param name="region">The region, for example <c>us-east-1</c>.</param>
    /// <param name="service">The signing name of the service, for example <c>lambda</c>, <c>s3</c>, <c>rds-db</c>.</param>
    /// <param name="doubleEncodePath">Whether path segments are URI-encoded twice in the canonical request: true for every
    /// service except S3.</param>
    public AwsSigV4Signer(string region, string service, bool doubleEncodePath = true)
    {
        Region = region;
        Service = service;
        DoubleEncodePath = doubleEncodePath;
    }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The service signing name.</summary>
    public string Service { get; }

    /// <summary>Whether path segments are encoded twice.</summary>
    public bool DoubleEncodePath { get; }

    /// <summary>Hex SHA-256 of a payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The lower-case hex digest.</returns>
    public static string HashPayload(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Signs a request in place: sets <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (temporary credentials) and
    /// <c>Authorization</c>. Signed headers: <c>host</c>, <c>content-type</c>, every <c>x-amz-*</c> header, and every other
    /// header already on the request except hop-by-hop ones, <c>user-agent</c> and <c>content-length</c>.
    /// </summary>
    /// <param name="request">The request, with its final URI, headers and content.</param>
    /// <param name="payloadHash">The hex SHA-256 of the body (<see cref="HashPayload"/>), or <see cref="EmptyPayloadHash"/>.</param>
    /// <param name="credentials">The credentials.</param>
    /// <param name="now">The signing time.</param>
    /// <param name="addContentSha256Header">Also send the payload hash as <c>X-Amz-Content-SHA256</c> (S3 requires it).</param>
    public void Sign(HttpRequestMessage request, string payloadHash, ImmutableCredentials credentials, DateTimeOffset now, bool addContentSha256Header = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        Uri uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        string amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate[..8];

        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        if (addContentSha256Header)
        {
            request.Headers.Remove("X-Amz-Content-SHA256");
            request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);
        }

        var headers = new List<KeyValuePair<string, string>>(8) { new("host", HostHeader(request, uri)) };
        AddHeaders(headers, request.Headers);
        if (request.Content is not null)
        {
            AddHeaders(headers, request.Content.Headers);
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        string signedHeaders = JoinNames(headers);
        string canonicalRequest = CanonicalRequest(request.Method.Method, uri, CanonicalQuery(uri.Query, null), headers, signedHeaders, payloadHash);
        string scope = $"{date}/{Region}/{Service}/aws4_request";
        string signature = Signature(credentials.SecretKey, date, amzDate, scope, canonicalRequest);
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>
    /// Presigns a URL: adds <c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>, <c>X-Amz-Expires</c>,
    /// <c>X-Amz-SignedHeaders</c>, <c>X-Amz-Security-Token</c> (temporary credentials) and <c>X-Amz-Signature</c> to the
    /// query, the parameters in canonical order (as in AWS's examples).
    /// </summary>
    /// <param name="method">The HTTP method the URL is for.</param>
    /// <param name="uri">The URL, with any query parameters of its own (for example <c>?Action=connect&amp;DBUser=app</c>).</param>
    /// <param name="credentials">The credentials.</param>
    /// <param name="now">The signing time.</param>
    /// <param name="expires">How long the URL is valid: 1 second to 7 days.</param>
    /// <param name="payloadHash">The payload hash to sign: <see cref="UnsignedPayload"/> for S3, <see cref="EmptyPayloadHash"/> for RDS.</param>
    /// <param name="extraSignedHeaders">Headers besides <c>host</c> the user of the URL must send, or <see langword="null"/>.</param>
    /// <returns>The presigned URL.</returns>
    public Uri Presign(HttpMethod method, Uri uri, ImmutableCredentials credentials, DateTimeOffset now, TimeSpan expires, string payloadHash = UnsignedPayload, IEnumerable<KeyValuePair<string, string>>? extraSignedHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(credentials);
        if (expires < TimeSpan.FromSeconds(1) || expires > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "A presigned URL expires after 1 second to 7 days.");
        }

        string amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate[..8];
        string scope = $"{date}/{Region}/{Service}/aws4_request";
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.IsDefaultPort ? uri.IdnHost : uri.Authority) };
        if (extraSignedHeaders is not null)
        {
            foreach (var (name, value) in extraSignedHeaders)
            {
                headers.Add(new(name.ToLowerInvariant(), TrimValue(value)));
            }
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        string signedHeaders = JoinNames(headers);
        var auth = new List<KeyValuePair<string, string>>
        {
            new("X-Amz-Algorithm", Algorithm),
            new("X-Amz-Credential", $"{credentials.AccessKey}/{scope}"),
            new("X-Amz-Date", amzDate),
            new("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            new("X-Amz-SignedHeaders", signedHeaders),
        };
        if (credentials.UseToken)
        {
            auth.Add(new("X-Amz-Security-Token", credentials.Token));
        }

        string query = CanonicalQuery(uri.Query, auth);
        string canonicalRequest = CanonicalRequest(method.Method, uri, query, headers, signedHeaders, payloadHash);
        string signature = Signature(credentials.SecretKey, date, amzDate, scope, canonicalRequest);
        var builder = new UriBuilder(uri) { Query = query + "&X-Amz-Signature=" + signature };
        return builder.Uri;
    }

    /// <summary>The canonical request (exposed for tests against the published intermediate values).</summary>
    internal string CanonicalRequest(string method, Uri uri, string canonicalQuery, List<KeyValuePair<string, string>> sortedHeaders, string signedHeaders, string payloadHash)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append('\n');
        AppendCanonicalPath(sb, uri.AbsolutePath);
        sb.Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in sortedHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    private static string HostHeader(HttpRequestMessage request, Uri uri)
        => request.Headers.Host ?? (uri.IsDefaultPort ? uri.IdnHost : uri.Authority);

    private static void AddHeaders(List<KeyValuePair<string, string>> list, HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            if (UnsignedHeaders.Contains(header.Key) || string.Equals(header.Key, "host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string name = header.Key.ToLowerInvariant();
            string value = header.Value.Count == 1 ? TrimValue(header.Value.ToString()) : string.Join(',', header.Value.Select(TrimValue));
            int existing = list.FindIndex(kv => kv.Key == name);
            if (existing >= 0)
            {
                list[existing] = new(name, list[existing].Value + "," + value);
            }
            else
            {
                list.Add(new(name, value));
            }
        }
    }

    private static string TrimValue(string value)
    {
        value = value.Trim();
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    sb.Append(c);
                }

                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }

        return sb.ToString();
    }

    private static string JoinNames(List<KeyValuePair<string, string>> sortedHeaders)
    {
        var sb = new StringBuilder(64);
        foreach (var (name, _) in sortedHeaders)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(name);
        }

        return sb.ToString();
    }

    private void AppendCanonicalPath(StringBuilder sb, string absolutePath)
    {
        if (absolutePath.Length == 0 || absolutePath == "/")
        {
            sb.Append('/');
            return;
        }

        var segments = absolutePath.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('/');
            }

            string segment = UriEncode(Uri.UnescapeDataString(segments[i]));
            sb.Append(DoubleEncodePath ? UriEncode(segment) : segment);
        }
    }

    private static string CanonicalQuery(string query, List<KeyValuePair<string, string>>? extra)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (query.Length > 1)
        {
            foreach (string part in query[1..].Split('&'))
            {
                if (part.Length == 0)
                {
                    continue;
                }

                int eq = part.IndexOf('=', StringComparison.Ordinal);
                string name = eq >= 0 ? part[..eq] : part;
                string value = eq >= 0 ? part[(eq + 1)..] : string.Empty;
                pairs.Add(new(UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
            }
        }

        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                pairs.Add(new(UriEncode(name), UriEncode(value)));
            }
        }

        if (pairs.Count == 0)
        {
            return string.Empty;
        }

        pairs.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var sb = new StringBuilder(128);
        foreach (var (name, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(name).Append('=').Append(value);
        }

        return sb.ToString();
    }

    /// <summary>RFC 3986 encoding as SigV4 defines it: everything but A-Z, a-z, 0-9, '-', '_', '.', '~' is %XX (upper case).</summary>
    private static string UriEncode(string value)
    {
        bool clean = true;
        foreach (char c in value)
        {
            if (!IsUnreserved(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (IsUnreserved(c))
            {
                sb.Append(c);
                continue;
            }

            int n;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length)
            {
                n = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                n = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            }

            for (int b = 0; b < n; b++)
            {
                sb.Append('%').Append(utf8[b].ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private string Signature(string secretKey, string date, string amzDate, string scope, string canonicalRequest)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest), hash);
        string stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(hash)}";
        byte[] key = SigningKeyFor(secretKey, date);
        Span<byte> signature = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign), signature);
        return Convert.ToHexStringLower(signature);
    }

    private byte[] SigningKeyFor(string secretKey, string date)
    {
        var cached = Volatile.Read(ref _key);
        if (cached is not null && cached.Date == date && string.Equals(cached.Secret, secretKey, StringComparison.Ordinal))
        {
            return cached.Key;
        }

        byte[] k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(Region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(Service));
        k = HMACSHA256.HashData(k, "aws4_request"u8.ToArray());
        Volatile.Write(ref _key, new SigningKey(secretKey, date, k));
        return k;
    }

    private sealed record SigningKey(string Secret, string Date, byte[] Key);
}
