using System.Net;
using System.Security.Cryptography;
using System.Text;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>Signed URLs: their V4 shape and signature (checked locally with the public key), and a signed GET on the emulator.</summary>
public sealed class GcsSignedUrlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedGet_HasTheV4ShapeAndAValidSignature_OnTheDefaultHost()
    {
        using var client = new StorageClientBuilder { UnauthenticatedAccess = true }.Build();
        await using var bucket = new BlobBucket(new GcsBlobDriver(client, "my-bucket", UrlSigner.FromCredential(GcsTestEnvironment.Credential)));
        Assert.True(bucket.Capabilities.SignedUrls);

        var url = await bucket.GetSignedUrlAsync("dir/a b.txt", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(10) }, Ct);
        Assert.Equal("https", url.Scheme);
        Assert.Equal("storage.googleapis.com", url.Host);
        Assert.Equal("/my-bucket/dir/a%20b.txt", url.AbsolutePath);
        var q = Query(url);
        Assert.Equal("GOOG4-RSA-SHA256", q["X-Goog-Algorithm"]);
        Assert.Equal("600", q["X-Goog-Expires"]);
        Assert.StartsWith(GcsTestEnvironment.ServiceAccountEmail + "/", q["X-Goog-Credential"], StringComparison.Ordinal);
        Assert.EndsWith("/auto/storage/goog4_request", q["X-Goog-Credential"], StringComparison.Ordinal);
        Assert.Equal("host", q["X-Goog-SignedHeaders"]);
        Assert.Matches("^[0-9a-f]{512}$", q["X-Goog-Signature"]);
        Assert.True(SignatureVerifies(url, "GET", signedHeaders: [("host", "storage.googleapis.com")]), "the signature does not verify with the service account's public key");
    }

    [Fact]
    public async Task SignedPut_PinsTheContentType_AndPointsAtTheConfiguredEndpoint()
    {
        using var client = new StorageClientBuilder { BaseUri = "http://127.0.0.1:9199/", UnauthenticatedAccess = true }.Build();
        await using var bucket = new BlobBucket(new GcsBlobDriver(client, "my-bucket", UrlSigner.FromCredential(GcsTestEnvironment.Credential)));
        var url = await bucket.GetSignedUrlAsync("k", new BlobSignedUrlOptions { Method = SignedUrlMethod.Put, ContentType = "text/plain", ExpiresIn = TimeSpan.FromHours(1) }, Ct);
        Assert.Equal("http://127.0.0.1:9199/my-bucket/k", url.GetLeftPart(UriPartial.Path));
        var q = Query(url);
        Assert.Equal("3600", q["X-Goog-Expires"]);
        Assert.Equal("content-type;host", q["X-Goog-SignedHeaders"]);
        Assert.True(SignatureVerifies(url, "PUT", signedHeaders: [("content-type", "text/plain"), ("host", "127.0.0.1")]), "the signature does not verify with the service account's public key");
    }

    [Fact]
    public async Task WithoutASigner_SignedUrlsAreNotSupported()
    {
        using var client = new StorageClientBuilder { UnauthenticatedAccess = true }.Build();
        await using var bucket = new BlobBucket(new GcsBlobDriver(client, "my-bucket"));
        Assert.False(bucket.Capabilities.SignedUrls);
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.GetSignedUrlAsync("k", null, Ct));
        Assert.Equal(CloudErrorCode.NotSupported, ex.ErrorCode);
    }

    [Fact]
    public async Task SignedGet_ServedByEmulator()
    {
        string name = GcsTestEnvironment.NewBucketName("sign");
        using var client = GcsTestEnvironment.CreateEmulatorClient();
        await using var bucket = new BlobBucket(new GcsBlobDriver(client, name, UrlSigner.FromCredential(GcsTestEnvironment.Credential)));
        await bucket.UploadAsync("signed/get me", BinaryData.FromString("downloadable"), null, Ct);
        var url = await bucket.GetSignedUrlAsync("signed/get me", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
        Assert.Equal(GcsTestEnvironment.Endpoint.Authority, url.Authority);
        using var http = new HttpClient();
        Assert.Equal("downloadable", await http.GetStringAsync(url, Ct));
    }

    private static Dictionary<string, string> Query(Uri url)
        => url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);

    // Rebuilds the V4 string-to-sign (canonical request hash) and verifies the RSA signature with the public key.
    private static bool SignatureVerifies(Uri url, string method, (string Name, string Value)[] signedHeaders)
    {
        var q = Query(url);
        string canonicalQuery = string.Join("&", url.Query.TrimStart('?').Split('&')
            .Where(p => !p.StartsWith("X-Goog-Signature=", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal));
        string canonicalHeaders = string.Concat(signedHeaders.Select(h => h.Name + ":" + h.Value + "\n"));
        string canonicalRequest = string.Join("\n", method, url.AbsolutePath, canonicalQuery, canonicalHeaders, q["X-Goog-SignedHeaders"], "UNSIGNED-PAYLOAD");
        string scope = q["X-Goog-Credential"][(q["X-Goog-Credential"].IndexOf('/', StringComparison.Ordinal) + 1)..];
        string stringToSign = string.Join("\n", "GOOG4-RSA-SHA256", q["X-Goog-Date"], scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(GcsTestEnvironment.PrivateKeyPem);
        return rsa.VerifyData(Encoding.UTF8.GetBytes(stringToSign), Convert.FromHexString(q["X-Goog-Signature"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
