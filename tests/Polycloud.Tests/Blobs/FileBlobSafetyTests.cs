using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Xunit;

namespace Polycloud.Tests.Blobs;

/// <summary>What the file system driver leaves behind after killed writers, stray files and deletes, and errors that
/// must stay inside the CloudException contract.</summary>
public sealed class FileBlobSafetyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-fs-safety-" + Guid.NewGuid().ToString("N"));

    public FileBlobSafetyTests() => Directory.CreateDirectory(_root);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TempDirectory => Path.Combine(_root, ".polycloud-tmp");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_temporary_file_of_a_killed_writer_is_removed_and_a_live_ones_is_kept()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock"), "needs flock(1) to hold a lock from another process");
        _ = new FileBlobDriver(_root);
        string id = Guid.NewGuid().ToString("N");
        string temp = Path.Combine(TempDirectory, id);
        await File.WriteAllBytesAsync(temp, new byte[1024 * 1024], Ct);

        // Another process owns the temporary file the way a writer does: an exclusive flock on "{temp}.lock".
        using var writer = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--exclusive", "--no-fork", temp + ".lock", "-c", "echo locked; exec sleep 600"]) { RedirectStandardOutput = true })!;
        try
        {
            Assert.Equal("locked", await writer.StandardOutput.ReadLineAsync(Ct));
            await using (var bucket = new BlobBucket(new FileBlobDriver(_root)))
            {
                Assert.True(File.Exists(temp), "a live writer's temporary file was deleted");
                await bucket.UploadAsync("other", BinaryData.FromString("x"), null, Ct);
                Assert.True(File.Exists(temp));
            }

            writer.Kill(entireProcessTree: true); // SIGKILL (one process: flock execs the shell, which execs sleep): the kernel releases the lock, the file stays
            await writer.WaitForExitAsync(Ct);
        }
        finally
        {
            if (!writer.HasExited)
            {
                writer.Kill(entireProcessTree: true);
            }
        }

        Assert.True(File.Exists(temp));
        _ = new FileBlobDriver(_root);
        Assert.False(File.Exists(temp), "the killed writer's temporary file was left behind");
        Assert.Equal(["write.lock"], Directory.GetFiles(TempDirectory).Select(Path.GetFileName).Where(n => n != "write.lock").Append("write.lock").Distinct());
    }

    [Fact]
    public async Task An_upload_in_progress_keeps_its_temporary_file_when_another_instance_opens_the_bucket()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        var content = new GatedStream(512 * 1024);
        var upload = bucket.UploadAsync("big", content, null, Ct);
        await content.HalfWritten.Task.WaitAsync(Ct);
        var during = Directory.GetFiles(TempDirectory).Where(f => !f.EndsWith("write.lock", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(during);

        var other = new FileBlobDriver(_root); // cleans on open
        Assert.Equal(0, other.CleanAbandonedTempFiles());
        Assert.All(during, f => Assert.True(File.Exists(f), $"{f} of a live upload was deleted"));

        content.Release.SetResult();
        await upload;
        Assert.Equal(1024 * 1024, (await bucket.ReadAllAsync("big", default, Ct)).ToArray().Length);
        Assert.All(during, f => Assert.False(File.Exists(f)));
    }

    [Theory]
    [InlineData("%41%4.blob")]
    [InlineData("%ZZ.blob")]
    [InlineData("%C3.blob")]
    [InlineData("%41.blob")]
    [InlineData("trailing%.blob")]
    public async Task A_stray_file_whose_name_is_not_a_key_is_skipped_and_reported(string name)
    {
        var logs = new ListLogger();
        await using var bucket = new BlobBucket(new FileBlobDriver(_root, logger: logs));
        await bucket.UploadAsync("good", BinaryData.FromString("g"), null, Ct);
        await File.WriteAllTextAsync(Path.Combine(_root, name), "not a blob", Ct);

        var keys = new List<string>();
        await foreach (var item in bucket.ListAsync(null, Ct))
        {
            keys.Add(item.Key);
        }

        Assert.Equal(["good"], keys);
        await foreach (var unused in bucket.ListAsync(null, Ct))
        {
        }

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(name, warning.Message, StringComparison.Ordinal);
        Assert.Contains("not listed", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_last_blob_under_a_prefix_removes_the_empty_directories()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync("a/b/c/one", BinaryData.FromString("1"), null, Ct);
        await bucket.UploadAsync("a/two", BinaryData.FromString("2"), null, Ct);
        await bucket.DeleteAsync("a/b/c/one", Ct);
        Assert.False(Directory.Exists(Path.Combine(_root, "a", "b")));
        Assert.True(Directory.Exists(Path.Combine(_root, "a")));
        await bucket.DeleteAsync("a/two", Ct);
        Assert.Equal([".polycloud-tmp"], Directory.GetDirectories(_root).Select(Path.GetFileName));

        // Writing under the removed directories again works.
        await bucket.UploadAsync("a/b/c/one", BinaryData.FromString("again"), null, Ct);
        Assert.Equal("again", (await bucket.ReadAllAsync("a/b/c/one", default, Ct)).ToString());
    }

    [Fact]
    public async Task Concurrent_writes_and_deletes_in_one_directory_lose_no_blob()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        var tasks = Enumerable.Range(0, 40).Select(async i =>
        {
            await bucket.UploadAsync($"d/x{i}", BinaryData.FromString("v"), null, Ct);
            if (i % 2 == 0)
            {
                await bucket.DeleteAsync($"d/x{i}", Ct);
            }
        });
        await Task.WhenAll(tasks);
        var keys = new List<string>();
        await foreach (var item in bucket.ListAsync(new BlobListOptions { Prefix = "d/" }, Ct))
        {
            keys.Add(item.Key);
        }

        Assert.Equal(Enumerable.Range(0, 40).Where(i => i % 2 == 1).Select(i => $"d/x{i}").Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void Opening_a_file_as_a_bucket_is_an_invalid_argument_not_an_io_error()
    {
        string file = Path.Combine(_root, "plain.txt");
        File.WriteAllText(file, "x");
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenBucket($"file://{file}?create=true"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("file", ex.Provider);
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
        var direct = Assert.Throws<CloudException>(() => new FileBlobDriver(file, createIfMissing: true));
        Assert.Equal(CloudErrorCode.InvalidArgument, direct.ErrorCode);
    }

    [Fact]
    public async Task Downloading_into_a_missing_directory_is_an_invalid_argument_before_any_read()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync("k", BinaryData.FromString("v"), null, Ct);
        string target = Path.Combine(_root, "no", "such", "dir", "k.txt");
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.DownloadToFileAsync("k", target, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("file", ex.Provider);
        Assert.Contains("'path'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Providers => ["file", "memory"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_disposed_bucket_fails_the_same_way_on_every_provider(string provider)
    {
        var bucket = provider == "file" ? new BlobBucket(new FileBlobDriver(_root)) : new BlobBucket(new MemoryBlobDriver());
        await bucket.UploadAsync("k", BinaryData.FromString("v"), null, Ct);
        await bucket.DisposeAsync();
        await bucket.DisposeAsync(); // twice is harmless

        var calls = new Func<Task>[]
        {
            () => bucket.UploadAsync("k", BinaryData.FromString("w"), null, Ct),
            () => bucket.ReadAllAsync("k", default, Ct),
            () => bucket.GetPropertiesAsync("k", Ct),
            () => bucket.ExistsAsync("k", Ct),
            () => bucket.DeleteAsync("k", Ct),
            () => bucket.ListPageAsync(null, null, Ct),
            () => bucket.DownloadToFileAsync("k", Path.Combine(_root, "out.txt"), Ct),
        };
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<CloudException>(call);
            Assert.Equal(CloudErrorCode.PreconditionFailed, ex.ErrorCode);
            Assert.Equal(provider, ex.Provider);
            Assert.IsType<ObjectDisposedException>(ex.InnerException);
            Assert.Contains("was disposed", ex.Message, StringComparison.Ordinal);
            Assert.False(ex.IsTransient);
        }
    }

    [Fact]
    public async Task Argument_errors_name_the_provider_of_the_resource()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("..", default, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("file", ex.Provider);
        Assert.Contains("'key'", ex.Message, StringComparison.Ordinal);
        var range = await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("k", new BlobRange(-1, null), Ct));
        Assert.Equal("file", range.Provider);
    }

    private sealed class ListLogger : ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => _entries.Enqueue((logLevel, formatter(state, exception)));
    }

    /// <summary>A 1 MiB stream that stops after half until released.</summary>
    private sealed class GatedStream(int half) : Stream
    {
        private long _position;

        public TaskCompletionSource HalfWritten { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == half)
            {
                HalfWritten.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            long end = _position < half ? half : 2L * half;
            int n = (int)Math.Min(buffer.Length, end - _position);
            buffer.Span[..n].Fill(7);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
