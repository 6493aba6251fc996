using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.TestSupport.Logging;

namespace Polycloud.Google.Tests;

/// <summary>
/// Runs Pub/Sub operations against the emulator with a service-account key whose tokens come from a local token
/// endpoint, with every log at Trace, succeeding and failing (missing topic, a token endpoint that refuses, a broken
/// key file), and looks for the access tokens and the private key in everything logged and in every error.
/// </summary>
public sealed class SecretsInLogsTests
{
    private const string TokenPrefix = "ya29.pc-secret-token-";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PubSubEndpoint => Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PUBSUB") is { Length: > 0 } e ? e : "http://127.0.0.1:8681";

    [Fact]
    public async Task No_access_token_or_private_key_appears_in_logs_or_errors()
    {
        using var tokens = new FakeTokenEndpoint(TokenPrefix, 3600);
        string privateKey = JsonDocument.Parse(await File.ReadAllTextAsync(tokens.KeyFile, Ct)).RootElement.GetProperty("private_key").GetString()!;
        using var scanner = new SecretScanner().Add(TokenPrefix).ListenToSpans();
        foreach (string line in privateKey.Split('\n').Where(l => l.Length > 40))
        {
            scanner.Add(line.Trim());
        }

        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddPolycloud().AddGoogle();
        await using var provider = services.BuildServiceProvider();
        var opener = provider.GetRequiredService<PolycloudOpener>();
        string Url(string keyFile) => $"gcppubsub://projects/test/topics/pc-missing-{Guid.NewGuid():N}?subscription=pc-secrets&endpoint={Uri.EscapeDataString(PubSubEndpoint)}&credentialsFile={Uri.EscapeDataString(keyFile)}";

        // A token is fetched and sent; the topic does not exist.
        await using (var queue = opener.OpenQueue(Url(tokens.KeyFile)))
        {
            scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct)));
            scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(cancellationToken: Ct)));
        }

        Assert.True(tokens.Requests > 0, "no token was requested");

        // The token endpoint refuses.
        tokens.FailWith = HttpStatusCode.Forbidden;
        await using (var queue = opener.OpenQueue(Url(tokens.KeyFile)))
        {
            scanner.ScanException(await Assert.ThrowsAnyAsync<Exception>(() => queue.SendAsync("x", Ct)));
        }

        // A key file that is not valid JSON but carries the key.
        string broken = Path.Combine(Path.GetTempPath(), $"polycloud-broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, "{\"type\":\"service_account\",\"private_key\":" + JsonSerializer.Serialize(privateKey) + ",", Ct);
        try
        {
            try
            {
                await using var queue = opener.OpenQueue(Url(broken));
                await queue.SendAsync("x", Ct);
            }
            catch (CloudException ex)
            {
                scanner.ScanException(ex);
            }
        }
        finally
        {
            File.Delete(broken);
        }

        scanner.ScanLogs(logs.Logs);
        scanner.AssertNoLeaks();
    }
}
