using Azure.Storage;
using Azure.Storage.Blobs;
using Xunit;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>The shared Azurite blob endpoint (POLYCLOUD_TEST_AZURITE_BLOB overrides the default) and its well-known account.</summary>
internal static class Azurite
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static Uri Endpoint { get; } = new((Environment.GetEnvironmentVariable("POLYCLOUD_TEST_AZURITE_BLOB") is { Length: > 0 } e ? e : "http://127.0.0.1:10000/devstoreaccount1").TrimEnd('/'));

    public static StorageSharedKeyCredential Credential { get; } = new(AccountName, AccountKey);

    public static bool IsDefaultEndpoint => Endpoint.ToString().TrimEnd('/') == "http://127.0.0.1:10000/devstoreaccount1";

    /// <summary>A connection string for the endpoint: the development-storage shortcut when it is the default one.</summary>
    public static string ConnectionString => IsDefaultEndpoint
        ? "UseDevelopmentStorage=true"
        : $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={Endpoint};";

    public static BlobServiceClient Service(BlobClientOptions? options = null) => new(Endpoint, Credential, options ?? new BlobClientOptions());

    public static string NewContainerName(string hint = "t")
    {
        string name = $"pc-{hint}-{Guid.NewGuid():N}";
        return name.Length <= 63 ? name : name[..63];
    }

    /// <summary>Creates a uniquely named container and returns its client (shared-key authenticated).</summary>
    public static async Task<BlobContainerClient> CreateContainerAsync(string hint = "t", BlobClientOptions? options = null)
    {
        var container = Service(options).GetBlobContainerClient(NewContainerName(hint));
        await container.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        return container;
    }

    public static async Task DeleteQuietlyAsync(BlobContainerClient container)
    {
        try
        {
            await container.DeleteIfExistsAsync();
        }
        catch (Exception)
        {
            // Cleanup of a shared emulator: a failure here must not hide the test's own result.
        }
    }
}
