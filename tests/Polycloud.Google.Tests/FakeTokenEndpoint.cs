using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Polycloud.Google.Tests;

/// <summary>
/// An OAuth 2.0 token endpoint on 127.0.0.1 following Google's service-account flow, and a service-account key file
/// whose <c>token_uri</c> points at it (with a fresh RSA key), so that a real <c>GoogleCredential</c> fetches tokens from
/// here. It accepts only JWT-bearer grants whose assertion is signed (RS256) by that key. An assertion with a
/// <c>scope</c> claim gets <c>{"access_token": "{prefix}{n}", "expires_in": …}</c>; one with a <c>target_audience</c>
/// claim (an ID token request) gets <c>{"id_token": "…"}</c>, an RS256 JWT whose <c>aud</c> is that audience and whose
/// <c>exp</c> is <see cref="ExpiresInSeconds"/> away, as Google's token service answers.
/// </summary>
internal sealed class FakeTokenEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _prefix;
    private readonly Task _loop;
    private readonly RSA _rsa;
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
        _rsa = RSA.Create(2048);
        var rsa = _rsa;
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

    /// <summary>The <c>target_audience</c> claim of the last ID token request received.</summary>
    public string? LastTargetAudience { get; private set; }

    /// <summary>Answers every request with this status instead of a token, when set.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Reads the claims of a JWT (without checking its signature).</summary>
    /// <param name="jwt">The token.</param>
    /// <returns>The claims.</returns>
    public static JsonElement Claims(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[1])).RootElement.Clone();

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
        _rsa.Dispose();
    }

    private static byte[] Base64Url(string text)
    {
        text = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private bool IsSignedByKey(string assertion)
    {
        string[] parts = assertion.Split('.');
        return parts.Length == 3
            && _rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private string IdToken(string audience, int serial)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = "test-key" }));
        string claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = "https://accounts.google.com",
            aud = audience,
            azp = "db-user@polycloud-test.iam.gserviceaccount.com",
            sub = "1234567890",
            email = "db-user@polycloud-test.iam.gserviceaccount.com",
            iat = now,
            exp = now + ExpiresInSeconds,
            serial,
        }));
        string signature = Base64Url(_rsa.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return header + "." + claims + "." + signature;
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

            if (FailWith is { } failure || !IsSignedByKey(assertion))
            {
                context.Response.StatusCode = (int)(FailWith ?? HttpStatusCode.BadRequest);
                byte[] error = JsonSerializer.SerializeToUtf8Bytes(new { error = "invalid_grant", error_description = "Invalid JWT Signature." });
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(error);
                context.Response.Close();
                continue;
            }

            string? targetAudience;
            using (var claims = JsonDocument.Parse(Base64Url(assertion.Split('.')[1])))
            {
                LastScope = claims.RootElement.TryGetProperty("scope", out var scope) ? scope.GetString() : null;
                targetAudience = claims.RootElement.TryGetProperty("target_audience", out var audience) ? audience.GetString() : null;
                LastTargetAudience = targetAudience ?? LastTargetAudience;
            }

            int n = Interlocked.Increment(ref _requests);
            byte[] body = targetAudience is null
                ? JsonSerializer.SerializeToUtf8Bytes(new { access_token = _prefix + n, expires_in = ExpiresInSeconds, token_type = "Bearer" })
                : JsonSerializer.SerializeToUtf8Bytes(new { id_token = IdToken(targetAudience, n) });
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
