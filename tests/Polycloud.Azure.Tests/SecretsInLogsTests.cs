using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Azure.Tests.Queues;
using Polycloud.Blobs;
using Polycloud.TestSupport.Logging;
using Xunit;

namespace Polycloud.Azure.Tests;

/// <summary>
/// Runs blob and queue operations against Azurite with every log at Trace and the Azure SDK's own event source at
/// Verbose, succeeding and failing (wrong account key, forged SAS, malformed connection string), and looks for the
/// account key and SAS signatures in everything logged and in every error.
/// </summary>
public sealed class SecretsInLogsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_account_key_or_SAS_signature_appears_in_logs_or_errors()
    {
        string wrongKey = Convert.ToBase64String(Enumerable.Range(1, 64).Select(i => (byte)i).ToArray());
        using var scanner = new SecretScanner().Add(wrongKey).ListenToSpans();
        var sdk = new List<string>();
        using var listener = new AzureEventSourceListener((e, message) => { lock (sdk) { sdk.Add(message); } }, EventLevel.Verbose);
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddPolycloud().AddAzure();
        await using var provider = services.BuildServiceProvider();
        var opener = provider.GetRequiredService<PolycloudOpener>();
        var container = await Azurite.CreateContainerAsync("secrets");
        string endpoint = Uri.EscapeDataString(Azurite.Endpoint.ToString());
        try
        {
            // Succeeding calls, with the key as a setting.
            await using (var bucket = opener.OpenBucket($"azblob://{container.Name}?endpoint={endpoint}&account={Azurite.AccountName}", [new("accountKey", Azurite.AccountKey)]))
            {
                await bucket.UploadAsync("a/b.txt", BinaryData.FromString("hello"), cancellationToken: Ct);
                Assert.Equal("hello", (await bucket.ReadAllAsync("a/b.txt", default, Ct)).ToString());
                await foreach (var _ in bucket.ListAsync(cancellationToken: Ct))
                {
                }

                var signed = await bucket.GetSignedUrlAsync("a/b.txt", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
                scanner.Add(System.Web.HttpUtility.ParseQueryString(signed.Query)["sig"]!);
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("missing", default, Ct)));
            }

            // A wrong key: 403 from the service.
            await using (var wrong = opener.OpenBucket($"azblob://{container.Name}?endpoint={endpoint}&account={Azurite.AccountName}", [new("accountKey", wrongKey)]))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => wrong.UploadAsync("x", BinaryData.FromString("x"), cancellationToken: Ct)));
            }

            // A SAS whose signature was made with the wrong key.
            var forged = new BlobSasBuilder(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1)) { BlobContainerName = container.Name, Resource = "c" }
                .ToSasQueryParameters(new global::Azure.Storage.StorageSharedKeyCredential(Azurite.AccountName, wrongKey));
            scanner.Add(forged.Signature);
            await using (var sas = opener.OpenBucket($"azblob://{container.Name}?endpoint={endpoint}", [new("sas", forged.ToString())]))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => sas.ReadAllAsync("a/b.txt", default, Ct)));
            }

            // Malformed connection strings that carry the key.
            foreach (string broken in new[]
            {
                $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};BlobEndpoint=not a url;",
                $"AccountKey={Azurite.AccountKey};;;=;",
                $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey}",
            })
            {
                try
                {
                    await using var bucket = opener.OpenBucket($"azblob://{container.Name}", [new("connectionString", broken)]);
                    await bucket.ExistsAsync("a/b.txt", Ct);
                }
                catch (CloudException ex)
                {
                    scanner.ScanException(ex);
                }
            }

            // A queue with the wrong key, and one with the right key.
            string queueEndpoint = Uri.EscapeDataString(AzureQueueConformanceTests.QueueEndpoint);
            await using (var queue = opener.OpenQueue($"azqueue://pc-secrets-missing?endpoint={queueEndpoint}&account={Azurite.AccountName}", [new("accountKey", wrongKey)]))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct)));
            }

            await using (var queue = opener.OpenQueue($"azqueue://pc-secrets-missing-{Guid.NewGuid():N}?endpoint={queueEndpoint}&account={Azurite.AccountName}", [new("accountKey", Azurite.AccountKey)]))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct)));
            }
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
        }

        scanner.ScanLogs(logs.Logs);
        lock (sdk)
        {
            Assert.NotEmpty(sdk); // the SDK's verbose log was captured
            foreach (string line in sdk)
            {
                scanner.Scan("Azure SDK event", line);
            }
        }

        scanner.AssertNoLeaks();
    }
}
