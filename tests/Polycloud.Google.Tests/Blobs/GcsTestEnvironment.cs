using System.Security.Cryptography;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>The GCS emulator endpoint, unique bucket names, and a locally generated service-account key for signing.</summary>
internal static class GcsTestEnvironment
{
    public const string ServiceAccountEmail = "polycloud-test@polycloud-test.iam.gserviceaccount.com";

    private static readonly Lazy<(ServiceAccountCredential Credential, string Pem)> Key = new(CreateKey);

    /// <summary>The emulator's JSON API base URI (POLYCLOUD_TEST_GCS, default http://127.0.0.1:9199/).</summary>
    public static Uri Endpoint { get; } = new(WithSlash(Environment.GetEnvironmentVariable("POLYCLOUD_TEST_GCS") is { Length: > 0 } e ? e : "http://127.0.0.1:9199/"));

    /// <summary>A service-account credential over a freshly generated RSA key (it can sign, it cannot call Google).</summary>
    public static ServiceAccountCredential Credential => Key.Value.Credential;

    /// <summary>The same key as PKCS#8 PEM.</summary>
    public static string PrivateKeyPem => Key.Value.Pem;

    /// <summary>A bucket name nobody else uses; the emulator creates buckets on first write.</summary>
    public static string NewBucketName(string purpose) => $"pc-{purpose}-{Guid.NewGuid():N}";

    /// <summary>An anonymous client for the emulator.</summary>
    public static StorageClient CreateEmulatorClient()
        => new StorageClientBuilder { BaseUri = Endpoint.AbsoluteUri, UnauthenticatedAccess = true }.Build();

    /// <summary>A gs:// URL for the emulator.</summary>
    public static string EmulatorUrl(string bucket) => $"gs://{bucket}?endpoint={Uri.EscapeDataString(Endpoint.AbsoluteUri)}&anonymous=true";

    /// <summary>Writes a service-account JSON key file for the generated key and returns its path.</summary>
    public static string WriteServiceAccountFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "polycloud-gcs-sa-" + Guid.NewGuid().ToString("N") + ".json");
        string json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "polycloud-test",
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = PrivateKeyPem,
            ["client_email"] = ServiceAccountEmail,
            ["client_id"] = "1234567890",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        });
        File.WriteAllText(path, json);
        return path;
    }

    private static (ServiceAccountCredential, string) CreateKey()
    {
        using var rsa = RSA.Create(2048);
        string pem = rsa.ExportPkcs8PrivateKeyPem();
        var credential = new ServiceAccountCredential(new ServiceAccountCredential.Initializer(ServiceAccountEmail) { ProjectId = "polycloud-test" }.FromPrivateKey(pem));
        return (credential, pem);
    }

    private static string WithSlash(string s) => s.EndsWith('/') ? s : s + "/";
}
