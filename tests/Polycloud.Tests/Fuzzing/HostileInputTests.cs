using CsCheck;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.FileSystem;
using Polycloud.TestSupport.Logging;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Xunit;

namespace Polycloud.Tests.Fuzzing;

/// <summary>
/// Random and mutated input against the URL parser, the blob key rules, the <c>file://</c> driver's paths and the
/// queue attribute rules: nothing but a <see cref="CloudException"/> with <see cref="CloudErrorCode.InvalidArgument"/>
/// comes out, and no key resolves outside the bucket's root. Seeds are fixed, so every run checks the same cases.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly string[] Schemes = ["mem", "sqlite", "file", "s3", "azblob", "gs", "sqs", "azqueue", "gcppubsub", "", "MEM", "x y", "1abc", "mem+x", "%6dem"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "polycloud-fuzz-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Gen<string> Url { get; } =
        Gen.Select(Gen.OneOf(Schemes), Gen.OneOf("://", ":", ":/", ":///", "", "//"), Fuzz.HostileText(), Gen.OneOf("", "?", "?a=b&", "?create=false&", "?queue=", "#frag", "?a=%zz", "?=x", "?a&a=1&a=2"), Fuzz.HostileText(6))
            .Select((scheme, separator, body, query, tail) => scheme + separator + body + query + tail);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Urls_parse_or_fail_with_InvalidArgument()
    {
        var settings = Gen.Select(Fuzz.HostileText(4), Fuzz.HostileText(4)).Array[0, 3];
        await Fuzz.RunAsync(Gen.Select(Url, settings), c =>
        {
            var (url, extra) = c;
            try
            {
                var parsed = CloudUrl.Parse(url, extra.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
                Assert.False(string.IsNullOrEmpty(parsed.Scheme));
                _ = parsed.ToString();
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
            }
        }, seed: 0x5EED_0001);
    }

    [Fact]
    public async Task Opening_a_random_url_fails_only_with_InvalidArgument()
    {
        var opener = new PolycloudOpener();
        var local = Url.Where(u => !u.StartsWith("file", StringComparison.OrdinalIgnoreCase)); // file:// may create directories
        await Fuzz.RunAsync(local, async url =>
        {
            try
            {
                await using var queue = opener.OpenQueue(url);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
            }

            try
            {
                await using var bucket = opener.OpenBucket(url);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
            }
        }, seed: 0x5EED_0002);
    }

    [Fact]
    public async Task Errors_about_a_url_never_repeat_its_secrets()
    {
        const string Secret = "S3cretVALUE-9f8e7d";
        using var scanner = new SecretScanner().Add(Secret);
        var opener = new PolycloudOpener();
        var secretSetting = Gen.OneOf("password", "sig", "accountKey", "secretAccessKey", "sessionToken", "sasToken", "connectionString", "key", "Password", "SIG");
        var urls = Gen.Select(Url, Gen.Bool, secretSetting, Gen.Bool).Select((url, userInfo, name, inQuery) =>
        {
            int at = url.IndexOf("://", StringComparison.Ordinal);
            if (userInfo && at >= 0)
            {
                url = url.Insert(at + 3, "user:" + Secret + "@");
            }

            return inQuery || !userInfo ? url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + name + "=" + Secret : url;
        }).Where(u => !u.StartsWith("file", StringComparison.OrdinalIgnoreCase));
        await Fuzz.RunAsync(urls, url =>
        {
            try
            {
                scanner.Scan("CloudUrl.ToString()", CloudUrl.Parse(url).ToString());
            }
            catch (CloudException ex)
            {
                scanner.ScanException(ex);
            }

            try
            {
                using var queue = opener.OpenQueue(url);
                scanner.Scan("MessageQueue.ToString()", queue.ToString());
            }
            catch (CloudException ex)
            {
                scanner.ScanException(ex);
            }
        }, seed: 0x5EED_0006);
        scanner.AssertNoLeaks();
    }

    [Fact]
    public async Task Blob_keys_are_valid_or_rejected_and_never_resolve_outside_the_root()
    {
        string root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(root);
        var driver = new FileBlobDriver(root);
        string prefix = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        await Fuzz.RunAsync(Fuzz.HostileText(40), key =>
        {
            try
            {
                BlobKeyRules.ValidateKey(key);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
                return;
            }

            string path;
            try
            {
                path = driver.PathFor(key);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
                return;
            }

            Assert.DoesNotContain('\0', path);
            Assert.StartsWith(prefix, Path.GetFullPath(path), StringComparison.Ordinal);
            Assert.Equal(Path.GetFullPath(path), path);
        }, seed: 0x5EED_0003, iterations: Fuzz.Iterations * 4);
    }

    [Fact]
    public async Task Blobs_written_under_hostile_keys_stay_under_the_root_and_read_back()
    {
        string root = Path.Combine(_dir, "bucket");
        Directory.CreateDirectory(root);
        await using var bucket = new BlobBucket(new FileBlobDriver(root));
        var written = new HashSet<string>(StringComparer.Ordinal);
        await Fuzz.RunAsync(Fuzz.HostileText(10), async key =>
        {
            try
            {
                await bucket.UploadAsync(key, BinaryData.FromString(key), cancellationToken: Ct);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
                return;
            }

            lock (written)
            {
                written.Add(key);
            }

            Assert.Equal(key, (await bucket.ReadAllAsync(key, default, Ct)).ToString());
        }, seed: 0x5EED_0004, iterations: Fuzz.Iterations / 2);

        // Nothing was created next to the root, and the listing gives back exactly the keys written.
        Assert.Equal([root], Directory.GetFileSystemEntries(_dir));
        var listed = new List<string>();
        await foreach (var item in bucket.ListAsync(cancellationToken: Ct))
        {
            listed.Add(item.Key);
        }

        Assert.Equal(written.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Queue_attributes_are_valid_or_rejected_and_round_trip()
    {
        await using var queue = new MessageQueue(new MemoryQueueDriver("fuzz"));
        var attributes = Gen.Select(Fuzz.HostileText(6), Fuzz.HostileText(6)).Array[0, 6];
        await Fuzz.RunAsync(Gen.Select(Fuzz.HostileText(8), attributes), async c =>
        {
            var (body, pairs) = c;
            var message = new QueueMessage(body);
            foreach (var (name, value) in pairs)
            {
                message.Attributes[name] = value;
            }

            string id;
            try
            {
                id = await queue.SendAsync(message, Ct);
            }
            catch (CloudException ex)
            {
                AssertInvalidArgument(ex);
                return;
            }

            var received = Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct));
            Assert.Equal(id, received.MessageId);
            Assert.Equal(message.Body.ToArray(), received.Body.ToArray());
            Assert.Equal(message.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), received.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal));
            await queue.CompleteAsync(received, Ct);
        }, seed: 0x5EED_0005);
    }

    private static void AssertInvalidArgument(CloudException ex)
        => Assert.True(ex.ErrorCode == CloudErrorCode.InvalidArgument, $"expected InvalidArgument, got {ex.ErrorCode}: {ex}");
}
