using System.Net;
using System.Text;
using Polycloud.Drivers;

namespace Polycloud.Functions.Drivers;

/// <summary>
/// The shared reading of HTTP-triggered functions' answers (Azure Functions HTTP triggers, Google Cloud Functions HTTP
/// functions), for drivers that invoke a function by URL.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>2xx: success; the body is the payload.</item>
/// <item>401, 403, 404, 408, 413, 429, 502, 503, 504: answered by the platform in front of the function (credentials,
/// missing function, limits, throttling, gateway failures); thrown as <see cref="HttpRequestException"/> with the status
/// and classified by <see cref="ClassifyStatus"/>. A function that itself answers one of these is indistinguishable from
/// the platform and is reported the same way.</item>
/// <item>Any other status (500 for a thrown exception, or a 4xx/5xx the function chose): a function error, type
/// <c>HTTP {status}</c> (or the platform's crash marker when present), message: the body text.</item>
/// </list>
/// </remarks>
public static class HttpFunctionProtocol
{
    private const int MaxMessageChars = 4096;
    private static ParsedMediaType? s_lastMediaType;

    /// <summary>
    /// Sends a function invocation request (the response read to its end) and reads the answer into a result, or throws
    /// for a platform error. Takes ownership of the request and disposes it.
    /// </summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="request">The request, with its payload and credentials.</param>
    /// <param name="errorTypeHeader">A response header that names the error type on a function error (for example
    /// <c>X-Google-Status</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result.</returns>
    /// <exception cref="HttpRequestException">A platform error, with <see cref="HttpRequestException.StatusCode"/> set.</exception>
    public static async ValueTask<FunctionResult> SendAsync(HttpClient http, HttpRequestMessage request, string? errorTypeHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using (request)
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return await ReadResultAsync(response, errorTypeHeader, cancellationToken).ConfigureAwait(false);
            }

            // The common case, read here rather than through ReadResultAsync: one async layer less per call.
            string? mediaType = MediaType(response);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new FunctionResult(new BinaryData(body, mediaType), (int)response.StatusCode, null, null, mediaType);
        }
    }

    /// <summary>Reads a response into a result, or throws for a platform error.</summary>
    /// <param name="response">The response.</param>
    /// <param name="errorTypeHeader">A response header that names the error type on a function error (for example
    /// <c>X-Google-Status</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result.</returns>
    /// <exception cref="HttpRequestException">A platform error, with <see cref="HttpRequestException.StatusCode"/> set.</exception>
    public static async ValueTask<FunctionResult> ReadResultAsync(HttpResponseMessage response, string? errorTypeHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        int status = (int)response.StatusCode;
        string? mediaType = MediaType(response);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (status is >= 200 and < 300)
        {
            return new FunctionResult(new BinaryData(body, mediaType), status, null, null, mediaType);
        }

        string text = BodyText(body);
        if (IsPlatformStatus(response.StatusCode))
        {
            var platform = new HttpRequestException($"The function endpoint answered {status} {response.ReasonPhrase}: {text}", null, response.StatusCode);
            if (response.Headers.RetryAfter is { } retryAfter)
            {
                if (retryAfter.Delta is { } delay && delay > TimeSpan.Zero)
                {
                    platform.Data[FunctionRetryOptions.RetryAfterDataKey] = delay;
                }
                else if (retryAfter.Date is { } date)
                {
                    // Turned into a delay by the caller, on its clock.
                    platform.Data[FunctionRetryOptions.RetryAtDataKey] = date;
                }
            }

            throw platform;
        }

        string type = "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (errorTypeHeader is not null && response.Headers.TryGetValues(errorTypeHeader, out var values) && values.FirstOrDefault() is { Length: > 0 } marker)
        {
            type = marker;
        }

        return new FunctionResult(new BinaryData(body, mediaType), status, new FunctionError(type, text), null, mediaType);
    }

    /// <summary>
    /// Reads a response header's value as sent, without parsing it (parsing <c>Content-Type</c> into a
    /// <c>MediaTypeHeaderValue</c> costs allocations on every call).
    /// </summary>
    /// <param name="headers">The headers.</param>
    /// <param name="name">The header name.</param>
    /// <returns>The value (several values joined by commas), or <see langword="null"/>.</returns>
    public static string? RawHeader(System.Net.Http.Headers.HttpHeaders headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
    }

    /// <summary>The media type of a response (its <c>Content-Type</c> without parameters), read without parsing the header.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The media type, or <see langword="null"/>.</returns>
    public static string? MediaType(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // Content headers are few (Content-Type, Content-Length): walking them is cheaper than a lookup by name, which
        // validates and resolves the name on every call.
        string? value = null;
        foreach (var header in response.Content.Headers.NonValidated)
        {
            if (string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                value = header.Value.ToString();
                break;
            }
        }

        if (value is null)
        {
            return null;
        }

        // A function answers with the same Content-Type on almost every call: keep the last one parsed, so the media
        // type is not cut out of the header (a new string) on every call.
        var last = Volatile.Read(ref s_lastMediaType);
        if (last is not null && string.Equals(last.Header, value, StringComparison.Ordinal))
        {
            return last.MediaType;
        }

        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        string mediaType = semicolon < 0 ? value.Trim() : value[..semicolon].Trim();
        Volatile.Write(ref s_lastMediaType, new ParsedMediaType(value, mediaType));
        return mediaType;
    }

    /// <summary>Tells whether a status comes from the platform in front of the function rather than from the function.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for a platform status.</returns>
    public static bool IsPlatformStatus(HttpStatusCode status)
        => (int)status is 401 or 403 or 404 or 408 or 413 or 429 or 502 or 503 or 504;

    /// <summary>Classifies the failures of an HTTP function call: platform statuses by the core table
    /// (<see cref="CloudErrors.FromHttpStatus(int)"/>), and transport errors.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable code.</returns>
    public static CloudErrorCode ClassifyError(Exception exception) => exception switch
    {
        CloudException cloud => cloud.ErrorCode,
        _ when CloudErrors.TryClassifyTransport(exception, out var code) => code,
        _ => CloudErrorCode.Unknown,
    };

    /// <summary>Maps a platform status to the portable code: the core table, <see cref="CloudErrors.FromHttpStatus(int)"/>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The portable code.</returns>
    public static CloudErrorCode ClassifyStatus(HttpStatusCode status) => CloudErrors.FromHttpStatus(status);

    private static string BodyText(byte[] body)
    {
        string text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxMessageChars)).Trim();
        return text;
    }

    private sealed record ParsedMediaType(string Header, string MediaType);
}
