using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>The shared fauxqs S3 emulator: endpoint, clients, and throwaway buckets.</summary>
internal static class Fauxqs
{
    public static string Endpoint { get; } =
        Environment.GetEnvironmentVariable("POLYCLOUD_TEST_FAUXQS") is { Length: > 0 } e ? e.TrimEnd('/') : "http://127.0.0.1:4566";

    private static readonly Lazy<AmazonS3Client> SharedClient = new(() => CreateClient());
    private static readonly Lazy<AmazonS3Client> SharedVirtualHostedClient = new(() => CreateVirtualHostedClient());

    /// <summary>A path-style client (<c>http://127.0.0.1:4566/{bucket}/{key}</c>).</summary>
    public static AmazonS3Client Client => SharedClient.Value;

    /// <summary>A virtual-hosted-style client, shared.</summary>
    public static AmazonS3Client VirtualHostedClient => SharedVirtualHostedClient.Value;

    public static AmazonS3Config CreateConfig() => new()
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    };

    public static AmazonS3Client CreateClient() => new(new BasicAWSCredentials("polycloud-test", "polycloud-test-secret"), CreateConfig());

    /// <summary>
    /// A client that addresses buckets virtual-hosted style, as the SDK does against AWS by default:
    /// <c>http://{bucket}.s3.localhost:{port}/{key}</c>. fauxqs takes the bucket from the Host header; the connection
    /// goes to the emulator's address whatever the host name.
    /// </summary>
    public static AmazonS3Client CreateVirtualHostedClient()
    {
        var emulator = new Uri(Endpoint);
        var config = new AmazonS3Config
        {
            ServiceURL = $"http://s3.localhost:{emulator.Port}",
            ForcePathStyle = false,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new LoopbackHttpClientFactory(emulator.Host, emulator.Port),
        };
        return new AmazonS3Client(new BasicAWSCredentials("polycloud-test", "polycloud-test-secret"), config);
    }

    private sealed class LoopbackHttpClientFactory(string host, int port) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
            => new(new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(host, port, cancellationToken);
                        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => $"polycloud-loopback-{host}-{port}";
    }

    public static string NewBucketName(string purpose) => $"pc-{purpose}-{Guid.NewGuid():N}";

    public static async Task<string> CreateBucketAsync(string purpose, CancellationToken cancellationToken = default)
    {
        string name = NewBucketName(purpose);
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken);
        return name;
    }

    /// <summary>Deletes every object, aborts every multipart upload, then deletes the bucket.</summary>
    public static async Task DeleteBucketAsync(string name)
    {
        string? token = null;
        do
        {
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name, ContinuationToken = token });
            foreach (var o in page.S3Objects ?? [])
            {
                await Client.DeleteObjectAsync(name, o.Key);
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var uploads = await ListUploadsAsync(name);
        foreach (var u in uploads)
        {
            await Client.AbortMultipartUploadAsync(name, u.Key, u.UploadId);
        }

        await Client.DeleteBucketAsync(name);
    }

    public static async Task<List<MultipartUpload>> ListUploadsAsync(string name)
    {
        var response = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = name });
        return response.MultipartUploads ?? [];
    }
}
