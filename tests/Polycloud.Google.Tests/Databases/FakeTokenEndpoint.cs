using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Polycloud.Google.Tests.Databases;

/// <summary>
/// An OAuth 2.0 token endpoint on 127.0.0.1 that answers every JWT-bearer grant with
/// <c>{"access_token": "{prefix}{n}", "expires_in": …}</c>, and a service-account key file whose <c>token_uri</c> points
/// at it (with a fresh RSA key), so that a real <c>GoogleCredential</c> fetches tokens from here.
/// </summary>
internal sealed class FakeTokenEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _prefix;
    private readonly Task _loop;
    private int _requests;

    public FakeTokenEndpoint(string tokenPrefix, int expiresInSeconds)
    {
        _prefix = tokenPrefix;
        ExpiresInSeconds = expiresInSeconds;
        int port = FreePort();
        Uri = new Uri($"http://127.0.0.1:{port}/token");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        KeyFile = Path.Combine(Path.GetTempPath(), $"polycloud-sa-{Guid.NewGuid():N}.json");
        using var rsa = RSA.Create(2048);
        File.WriteAllText(KeyFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "polycloud-test",
            ["private_key_id"] = "test-key",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "db-user@polycloud-test.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = Uri.ToString(),
        }));
        _loop = Task.Run(ServeAsync);
    }

    public Uri Uri { get; }

    /// <summary>The service-account JSON key file whose token_uri is this endpoint.</summary>
    public string KeyFile { get; }

    public int ExpiresInSeconds { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The <c>scope</c> claim of the last JWT assertion received.</summary>
    public string? LastScope { get; private set; }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        File.Delete(KeyFile);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var form = System.Web.HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
            string? assertion = form["assertion"];
            if (context.Request.HttpMethod != "POST" || form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || assertion is null)
            {
                context.Response.StatusCode = 400;
                context.Response.Close();
                continue;
            }

            string payload = assertion.Split('.')[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using (var claims = JsonDocument.Parse(Convert.FromBase64String(payload)))
            {
                LastScope = claims.RootElement.TryGetProperty("scope", out var scope) ? scope.GetString() : null;
            }

            int n = Interlocked.Increment(ref _requests);
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { access_token = _prefix + n, expires_in = ExpiresInSeconds, token_type = "Bearer" });
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
