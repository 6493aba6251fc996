using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Polycloud.Azure.Tests.Functions;

/// <summary>
/// An in-test HTTP server on 127.0.0.1 (random free port) that follows the documented Azure Functions HTTP trigger contract,
/// because no Functions host emulator runs here: <c>POST /api/{function}</c>; function-level authorization (401 without a
/// valid <c>x-functions-key</c> header or <c>code</c> query parameter); 404 for an unknown function; 500 when a function
/// throws; 429 when the host throttles. Functions: <c>echo</c>, <c>fail</c> (answers 500 with the exception message, as a
/// function that reports its error does), <c>crash</c> (an unhandled exception: 500 with an empty body, as the host answers),
/// <c>slow</c> (waits <c>ms</c>), <c>busy</c> (429 for the first two calls of each test, then echoes), <c>anon</c>
/// (anonymous: no key needed).
/// </summary>
internal sealed class FunctionsHostStub : IAsyncDisposable
{
    public const string Key = "test-function-key";
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _busyCalls;

    public FunctionsHostStub()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/api";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public List<(string Path, string? Key, string? Authorization, string? ContentType)> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the loop this way.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            string path = request.Url!.AbsolutePath;
            string? key = request.Headers["x-functions-key"] ?? request.QueryString["code"];
            lock (Requests)
            {
                Requests.Add((path, request.Headers["x-functions-key"], request.Headers["Authorization"], request.ContentType));
            }

            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            if (request.HttpMethod != "POST" || !path.StartsWith("/api/", StringComparison.Ordinal))
            {
                response.StatusCode = 404;
                return;
            }

            string function = path["/api/".Length..];
            if (function is not ("echo" or "fail" or "crash" or "slow" or "busy" or "anon"))
            {
                response.StatusCode = 404;
                return;
            }

            if (function != "anon" && key != Key)
            {
                response.StatusCode = 401;
                return;
            }

            switch (function)
            {
                case "echo" or "anon":
                    await WriteAsync(response, 200, request.ContentType ?? "application/octet-stream", body.ToArray());
                    break;
                case "busy":
                    if (Interlocked.Increment(ref _busyCalls) <= 2)
                    {
                        response.StatusCode = 429;
                        response.AddHeader("Retry-After", "1");
                        return;
                    }

                    await WriteAsync(response, 200, request.ContentType ?? "application/octet-stream", body.ToArray());
                    break;
                case "fail":
                    string message = ReadProperty(body.ToArray(), "message") ?? "function failed on purpose";
                    await WriteAsync(response, 500, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(message));
                    break;
                case "crash":
                    response.StatusCode = 500;
                    break;
                case "slow":
                    int ms = int.TryParse(ReadProperty(body.ToArray(), "ms"), out int m) ? m : 5000;
                    try
                    {
                        await Task.Delay(ms, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    await WriteAsync(response, 200, "application/json", System.Text.Encoding.UTF8.GetBytes($"{{\"slept\":{ms}}}"));
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away (cancellation, timeout tests).
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Already closed.
            }
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    private static string? ReadProperty(byte[] json, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
