using System.Net;

namespace Polycloud.Benchmarks.Functions;

/// <summary>
/// An in-process transport that answers every request with the same recorded-shape response (status, headers, body), after
/// reading the request body as a socket would. Both sides of a raw-vs-portable pair use the same handler and client.
/// </summary>
internal sealed class CannedFunctionHandler(HttpStatusCode status, byte[] body, string contentType, params (string Name, string Value)[] headers) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = new HttpResponseMessage(status) { Content = content, RequestMessage = request };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
