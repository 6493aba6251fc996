namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>
/// The in-process transport: an <see cref="HttpMessageHandler"/> plugged into an SDK's own HTTP pipeline (AWS
/// <c>ClientConfig.HttpClientFactory</c>, Azure <c>ClientOptions.Transport</c>, Google's <c>HttpClientFactory</c>) that
/// answers every request with a <see cref="CannedResponse"/> chosen by <see cref="Route"/>. The request body, when
/// there is one, is read to its end first, as a socket handler would, so the SDK's content serialization (signing,
/// checksums, chunk framing) runs exactly as on the wire. Nothing leaves the process: what is measured is the CPU and
/// allocation cost of the layers above the transport.
/// </summary>
/// <remarks>Subclass per provider (see the provider folders) and keep routing cheap: method, a path suffix, a query flag.</remarks>
public abstract class CannedHandler : HttpMessageHandler
{
    private long _requests;

    /// <summary>When set, every request and the status answered are written to the console (the <c>trace</c> command).</summary>
    public static bool Trace { get; set; }

    /// <summary>The number of requests answered, to check that a benchmark did the calls it claims.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Chooses the canned response for a request.</summary>
    /// <param name="request">The request the SDK sent.</param>
    /// <returns>The response to replay.</returns>
    protected abstract CannedResponse Route(HttpRequestMessage request);

    /// <summary>Wraps the handler in an <see cref="HttpClient"/> that never disposes it.</summary>
    public HttpClient CreateClient() => new(this, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc/>
    protected sealed override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        if (Trace)
        {
            return TraceAsync(request, cancellationToken);
        }

        if (request.Content is { } body)
        {
            return DrainThenRespondAsync(request, body, cancellationToken);
        }

        return Task.FromResult(Route(request).Create(request));
    }

    /// <inheritdoc/>
    protected sealed override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        request.Content?.CopyTo(Stream.Null, null, cancellationToken);
        return Route(request).Create(request);
    }

    private async Task<HttpResponseMessage> TraceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long sent = 0;
        if (request.Content is { } body)
        {
            var counter = new MemoryStream();
            await body.CopyToAsync(counter, cancellationToken).ConfigureAwait(false);
            sent = counter.Length;
        }

        var canned = Route(request);
        string range = request.Headers.Range is { } r ? $" Range: {r}" : string.Empty;
        Console.WriteLine($"    {request.Method} {request.RequestUri}{range} ({sent} bytes sent) -> {(int)canned.Status} ({canned.Body.Length} bytes)");
        return canned.Create(request);
    }

    private async Task<HttpResponseMessage> DrainThenRespondAsync(HttpRequestMessage request, HttpContent body, CancellationToken cancellationToken)
    {
        await body.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return Route(request).Create(request);
    }
}
