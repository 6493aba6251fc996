using System.Globalization;
using System.Text;

namespace Polycloud.FaultProxy;

/// <summary>One HTTP/1.1 message read off the wire: start line, headers, whole body.</summary>
internal sealed class HttpMessage
{
    public required string StartLine { get; init; }

    public required List<KeyValuePair<string, string>> Headers { get; init; }

    public string Method => StartLine.Split(' ')[0];

    public byte[] Body { get; set; } = [];

    /// <summary>Raw chunked framing (request bodies are forwarded as they came).</summary>
    public bool Chunked { get; set; }

    public bool Close { get; set; }

    public bool ExpectsContinue => Header("Expect") is { } e && e.Equals("100-continue", StringComparison.OrdinalIgnoreCase);

    /// <summary>Method, target and a hash of the body: what a retry of the same request repeats.</summary>
    public string Identity() => $"{StartLine} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Body))}";

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A request as it is forwarded: without <c>Expect</c> (the proxy answered 100 itself).</summary>
    public byte[] Serialize()
    {
        var head = new StringBuilder(StartLine).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            if (!name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. Body];
    }

    /// <summary>A response's head, its body length given by Content-Length (chunked answers are sent de-chunked).</summary>
    public byte[] SerializeHead()
    {
        var head = new StringBuilder(StartLine).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        if (Header("Content-Length") is { } declared && Body.Length == 0)
        {
            head.Append("Content-Length: ").Append(declared).Append("\r\n"); // HEAD answers keep theirs
        }
        else
        {
            head.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }
}

/// <summary>Reads HTTP/1.1 messages from a stream, buffered.</summary>
internal sealed class HttpReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<HttpMessage?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        string? line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            return null;
        }

        return new HttpMessage { StartLine = line, Headers = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false) };
    }

    public async Task ReadBodyAsync(HttpMessage request, CancellationToken cancellationToken)
    {
        if (request.Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            request.Chunked = true;
            request.Body = await ReadChunkedAsync(raw: true, cancellationToken).ConfigureAwait(false);
        }
        else if (request.Header("Content-Length") is { } cl)
        {
            request.Body = await ReadExactAsync(long.Parse(cl, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<HttpMessage?> ReadResponseAsync(string method, CancellationToken cancellationToken)
    {
        while (true)
        {
            string? line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            var response = new HttpMessage { StartLine = line, Headers = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false) };
            int status = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            if (status is >= 100 and < 200)
            {
                continue;
            }

            response.Close = response.Header("Connection") is { } c && c.Equals("close", StringComparison.OrdinalIgnoreCase);
            if (method == "HEAD" || status is 204 or 304)
            {
                return response;
            }

            if (response.Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                response.Body = await ReadChunkedAsync(raw: false, cancellationToken).ConfigureAwait(false);
            }
            else if (response.Header("Content-Length") is { } cl)
            {
                response.Body = await ReadExactAsync(long.Parse(cl, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                response.Body = await ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                response.Close = true;
            }

            return response;
        }
    }

    private async Task<List<KeyValuePair<string, string>>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException("the message ended inside its headers");
            if (line.Length == 0)
            {
                return headers;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
    }

    private async Task<byte[]> ReadChunkedAsync(bool raw, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            string sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException("the chunked body ended early");
            int semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
            long size = long.Parse(semicolon < 0 ? sizeLine : sizeLine[..semicolon], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (raw)
            {
                body.Write(Encoding.ASCII.GetBytes(sizeLine + "\r\n"));
            }

            if (size == 0)
            {
                while (true)
                {
                    string trailer = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException("the chunked body ended early");
                    if (raw)
                    {
                        body.Write(Encoding.ASCII.GetBytes(trailer + "\r\n"));
                    }

                    if (trailer.Length == 0)
                    {
                        return body.ToArray();
                    }
                }
            }

            body.Write(await ReadExactAsync(size, cancellationToken).ConfigureAwait(false));
            await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (raw)
            {
                body.Write("\r\n"u8);
            }
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Count == 0 ? null : throw new InvalidDataException("the connection closed inside a line");
            }

            byte b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.Latin1.GetString(line.ToArray());
            }

            line.Add(b);
        }
    }

    private async Task<byte[]> ReadExactAsync(long count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        int done = 0;
        while (done < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDataException("the connection closed inside a body");
            }

            int n = (int)Math.Min(count - done, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, done, n);
            _start += n;
            done += n;
        }

        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (_start < _end || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
        }

        return body.ToArray();
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}

/// <summary>Error answers in each provider's wire format.</summary>
internal static class ErrorAnswers
{
    public static byte[] Build(ErrorDialect dialect, FaultKind fault, bool isHead)
    {
        (int status, string reason) = fault switch
        {
            FaultKind.InternalServerError => (500, "Internal Server Error"),
            FaultKind.TooManyRequests or FaultKind.TooManyRequestsRetryAfter => (429, "Too Many Requests"),
            _ => (503, "Service Unavailable"),
        };
        bool retryAfter = fault is FaultKind.ServiceUnavailableRetryAfter or FaultKind.TooManyRequestsRetryAfter;
        var headers = new List<string>();
        string body;
        string contentType;
        switch (dialect)
        {
            case ErrorDialect.S3Xml:
                string s3Code = status switch { 500 => "InternalError", 429 => "SlowDown", _ => "ServiceUnavailable" };
                contentType = "application/xml";
                body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{s3Code}</Code><Message>injected fault</Message><RequestId>FAULT0001</RequestId><HostId>fault</HostId></Error>";
                headers.Add("x-amz-request-id: FAULT0001");
                break;
            case ErrorDialect.SqsJson:
                string sqsCode = status switch { 500 => "InternalError", 429 => "RequestThrottled", _ => "ServiceUnavailable" };
                contentType = "application/x-amz-json-1.0";
                body = $"{{\"__type\":\"com.amazonaws.sqs#{sqsCode}\",\"message\":\"injected fault\"}}";
                headers.Add($"x-amzn-query-error: {sqsCode};Receiver");
                headers.Add("x-amzn-RequestId: fault-0001");
                break;
            case ErrorDialect.AzureXml:
                string azureCode = status switch { 500 => "InternalError", 429 => "TooManyRequests", _ => "ServerBusy" };
                contentType = "application/xml";
                body = $"\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{azureCode}</Code><Message>injected fault\nRequestId:fault-0001\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>";
                headers.Add($"x-ms-error-code: {azureCode}");
                headers.Add("x-ms-request-id: fault-0001");
                headers.Add("x-ms-version: 2025-11-05");
                break;
            default:
                string status2 = status switch { 500 => "INTERNAL", 429 => "RESOURCE_EXHAUSTED", _ => "UNAVAILABLE" };
                string gcsReason = status switch { 500 => "backendError", 429 => "rateLimitExceeded", _ => "backendError" };
                contentType = "application/json; charset=UTF-8";
                body = $"{{\"error\":{{\"code\":{status},\"message\":\"injected fault\",\"status\":\"{status2}\",\"errors\":[{{\"message\":\"injected fault\",\"domain\":\"global\",\"reason\":\"{gcsReason}\"}}]}}}}";
                break;
        }

        if (retryAfter)
        {
            headers.Add("Retry-After: 1");
        }

        byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        foreach (string h in headers)
        {
            head.Append(h).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(bodyBytes.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        byte[] prefix = Encoding.ASCII.GetBytes(head.ToString());
        return isHead ? prefix : [.. prefix, .. bodyBytes];
    }
}
