using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using global::Azure.Storage.Blobs;
using Xunit;

namespace Polycloud.Cli.Tests.Interop;

/// <summary>
/// rclone (the Debian package; <c>eng/emulators.sh start</c> installs it) as an independent S3, Azure Blob and Cloud
/// Storage client, configured only through <c>RCLONE_CONFIG_&lt;REMOTE&gt;_*</c> environment variables for the local
/// emulators. Tests that need it skip with the reason when it is not installed.
/// </summary>
internal static class Rclone
{
    public const string AzuriteAccount = "devstoreaccount1";
    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string FauxqsEndpoint { get; } = Env("POLYCLOUD_TEST_FAUXQS", "http://127.0.0.1:4566");

    public static string AzuriteEndpoint { get; } = Env("POLYCLOUD_TEST_AZURITE_BLOB", "http://127.0.0.1:10000/devstoreaccount1");

    public static string GcsEndpoint { get; } = Env("POLYCLOUD_TEST_GCS", "http://127.0.0.1:9199");

    private static readonly Lazy<string?> ExecutablePath = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "rclone"))
            .FirstOrDefault(File.Exists));

    /// <summary>Skips the test when rclone is not installed.</summary>
    public static void SkipUnlessInstalled()
        => Assert.SkipWhen(ExecutablePath.Value is null, "rclone is not installed: the Debian package rclone (eng/emulators.sh start installs it when apt can) is needed for the interop tests.");

    private static string Env(string name, string fallback)
        => (Environment.GetEnvironmentVariable(name) is { Length: > 0 } e ? e : fallback).TrimEnd('/');

    /// <summary>A side of the interop tests: a provider, its Polycloud URL and the rclone remote for the same bucket.</summary>
    public sealed record Side(string Provider, string Bucket, string PolycloudUrl, IReadOnlyDictionary<string, string> RemoteConfig)
    {
        /// <summary>The rclone path of <paramref name="key"/> in the bucket.</summary>
        public string RemotePath(string key = "") => $"pc:{Bucket}/{key}";
    }

    /// <summary>Creates a bucket or container on the provider's emulator and describes both clients' view of it.</summary>
    public static async Task<Side> CreateAsync(string provider, CancellationToken cancellationToken)
    {
        string bucket = $"pc-rc-{Guid.NewGuid():N}"[..30];
        switch (provider)
        {
            case "s3":
                using (var s3 = new AmazonS3Client(new BasicAWSCredentials("polycloud-test", "polycloud-test-secret"), new AmazonS3Config { ServiceURL = FauxqsEndpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
                {
                    await s3.PutBucketAsync(bucket, cancellationToken);
                }

                return new Side(provider, bucket,
                    $"s3://{bucket}?endpoint={Uri.EscapeDataString(FauxqsEndpoint)}&forcePathStyle=true&region=us-east-1&accessKeyId=polycloud-test&secretAccessKey=polycloud-test-secret",
                    new Dictionary<string, string>
                    {
                        ["TYPE"] = "s3",
                        ["PROVIDER"] = "Other",
                        ["ENDPOINT"] = FauxqsEndpoint,
                        ["FORCE_PATH_STYLE"] = "true",
                        ["REGION"] = "us-east-1",
                        ["ACCESS_KEY_ID"] = "polycloud-test",
                        ["SECRET_ACCESS_KEY"] = "polycloud-test-secret",
                    });
            case "azure":
                var service = new BlobServiceClient(new Uri(AzuriteEndpoint), new global::Azure.Storage.StorageSharedKeyCredential(AzuriteAccount, AzuriteKey));
                await service.GetBlobContainerClient(bucket).CreateAsync(cancellationToken: cancellationToken);

                // rclone 1.60's azureblob backend takes no endpoint for an account key (it builds https://{account}.{suffix}),
                // and its use_emulator option is broken in the Debian build (an empty URL scheme): a SAS URL works with any endpoint.
                return new Side(provider, bucket,
                    $"azblob://{bucket}?endpoint={Uri.EscapeDataString(AzuriteEndpoint)}&account={AzuriteAccount}&accountKey={Uri.EscapeDataString(AzuriteKey)}",
                    new Dictionary<string, string>
                    {
                        ["TYPE"] = "azureblob",
                        ["SAS_URL"] = $"{AzuriteEndpoint}?{AccountSas()}",
                    });
            case "gcs":
                // The Cloud Storage emulator creates a bucket on its first write.
                return new Side(provider, bucket,
                    $"gs://{bucket}?endpoint={Uri.EscapeDataString(GcsEndpoint + "/")}&anonymous=true",
                    new Dictionary<string, string>
                    {
                        ["TYPE"] = "gcs",
                        ["ENDPOINT"] = GcsEndpoint + "/storage/v1/",
                        ["ANONYMOUS"] = "true",
                    });
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "s3, azure or gcs");
        }
    }

    /// <summary>
    /// An account SAS for Azurite (blob service; service, container and object; read, write, delete, list, add, create),
    /// signed with the well-known key. The expiry is a date without a time: rclone lower-cases the query it is given, and
    /// a <c>T</c> or <c>Z</c> would no longer match the signature.
    /// </summary>
    private static string AccountSas()
    {
        const string version = "2020-10-02", permissions = "rwdlac", expiry = "2099-01-01";
        string toSign = string.Join('\n', AzuriteAccount, permissions, "b", "sco", string.Empty, expiry, string.Empty, string.Empty, version, string.Empty);
        string signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(AzuriteKey), Encoding.UTF8.GetBytes(toSign)));
        return $"sv={version}&ss=b&srt=sco&sp={permissions}&se={expiry}&sig={Uri.EscapeDataString(signature)}";
    }

    /// <summary>Runs rclone with the remote <c>pc</c> configured for <paramref name="side"/>; returns the exit code, standard output bytes and standard error.</summary>
    public static async Task<(int ExitCode, byte[] Output, string Error)> RunAsync(Side side, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo(ExecutablePath.Value ?? "rclone")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // A CA bundle set for other tools makes rclone's S3 client refuse its own HTTP transport ("unable to load custom CA bundle").
        start.Environment.Remove("AWS_CA_BUNDLE");
        start.Environment["RCLONE_CONFIG"] = "/dev/null";
        foreach (var (name, value) in side.RemoteConfig)
        {
            start.Environment[$"RCLONE_CONFIG_PC_{name}"] = value;
        }

        foreach (string a in args.Concat(["--retries", "1", "--low-level-retries", "2", "--contimeout", "10s", "--timeout", "60s"]))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("rclone did not start");
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await copy;
        return (process.ExitCode, output.ToArray(), await error);
    }

    /// <summary>Deletes the bucket's objects and, where the emulator allows it, the bucket (a failure here must not hide the test's result).</summary>
    public static async Task PurgeQuietlyAsync(Side side)
    {
        try
        {
            await RunAsync(side, CancellationToken.None, "purge", side.RemotePath());
        }
        catch (Exception)
        {
            // Cleanup of a shared emulator only.
        }
    }

    /// <summary>Runs rclone and fails the test, with rclone's message, when it fails.</summary>
    public static async Task<byte[]> RunCheckedAsync(Side side, CancellationToken cancellationToken, params string[] args)
    {
        var (exit, output, error) = await RunAsync(side, cancellationToken, args);
        Assert.True(exit == 0, $"rclone {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    /// <summary>One entry of <c>rclone lsjson</c>.</summary>
    public sealed record Entry(string Path, long Size, string? MimeType, bool IsDir, string? Md5)
    {
        /// <summary>The metadata rclone reports with <c>--metadata</c> (user metadata and system keys), or <see langword="null"/> when its backend reports none.</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    }

    public static IReadOnlyList<Entry> ParseLsJson(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => new Entry(
            e.GetProperty("Path").GetString()!,
            e.GetProperty("Size").GetInt64(),
            e.TryGetProperty("MimeType", out var m) ? m.GetString() : null,
            e.GetProperty("IsDir").GetBoolean(),
            e.TryGetProperty("Hashes", out var h) && h.TryGetProperty("md5", out var md5) && md5.GetString() is { Length: > 0 } s ? s : null)
        {
            Metadata = e.TryGetProperty("Metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                ? meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
                : null,
        }).ToArray();
    }
}
