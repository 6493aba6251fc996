using System.Net;
using System.Text;

namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>
/// A response recorded once, in the shape the real service sends (status, headers, body), replayed as a fresh
/// <see cref="HttpResponseMessage"/> on every call. The body is a pre-built byte array wrapped without copying, and the
/// headers are added without validation, so replaying costs a few small allocations and no serialization.
/// </summary>
public sealed class CannedResponse
{
    private static readonly HashSet<string> ContentHeaderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Content-Range", "Content-MD5", "Content-Encoding", "Content-Language",
        "Content-Disposition", "Last-Modified", "Expires", "Allow", "Content-Location",
    };

    private readonly (string Name, string Value)[] _headers;
    private readonly (string Name, string Value)[] _contentHeaders;
    private readonly long? _declaredLength;

    /// <summary>Creates a canned response.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body bytes (kept, not copied); empty for none.</param>
    /// <param name="headers">Headers as name/value pairs. <c>Content-Length</c> overrides the body length, for HEAD.</param>
    public CannedResponse(HttpStatusCode status, byte[] body, params (string Name, string Value)[] headers)
    {
        Status = status;
        Body = body;
        _headers = headers.Where(h => !ContentHeaderNames.Contains(h.Name)).ToArray();
        _contentHeaders = headers.Where(h => ContentHeaderNames.Contains(h.Name) && !h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).ToArray();
        var length = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        _declaredLength = length is null ? null : long.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The body.</summary>
    public byte[] Body { get; }

    /// <summary>A canned response with a UTF-8 text body (XML or JSON), encoded once.</summary>
    public static CannedResponse Text(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
        => new(status, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>Builds a fresh response message for one request.</summary>
    public HttpResponseMessage Create(HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Body);
        foreach (var (name, value) in _contentHeaders)
        {
            content.Headers.TryAddWithoutValidation(name, value);
        }

        if (_declaredLength is { } length)
        {
            content.Headers.ContentLength = length;
        }

        var response = new HttpResponseMessage(Status) { Content = content, RequestMessage = request, Version = HttpVersion.Version11 };
        foreach (var (name, value) in _headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
