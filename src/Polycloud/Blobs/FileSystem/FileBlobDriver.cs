using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Polycloud.Blobs.Drivers;
using Polycloud.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use (Content-MD5), not a security primitive.

namespace Polycloud.Blobs.FileSystem;

/// <summary>
/// Blobs as files under a root directory: the embedded, durable default. Opened as <c>file:///path</c>
/// (add <c>?create=true</c> to create the directory).
/// </summary>
/// <remarks>
/// <para>Keys never escape the root: each '/'-separated segment is percent-encoded (so "..", "\", NUL-free control
/// characters and leading dots cannot name anything outside), and each blob is one file ending in <c>.blob</c>.</para>
/// <para>Writes are atomic: content goes to a temporary file under <c>.polycloud-tmp</c>, is flushed to disk, and is
/// renamed over the destination, so a reader sees the old blob or the new one, never a torn one. Properties, metadata
/// and the ETag are stored inside the same file (a trailer after the content), so they survive restarts and can never
/// disagree with the content. Writers are serialized with an exclusive lock file, which makes conditional writes
/// correct across processes too.</para>
/// <para>A temporary file is held open with an exclusive lock by its writer until it is renamed. Temporary files no
/// process holds any more (a writer was killed mid-upload) are deleted when the bucket is opened and then at most every
/// <see cref="TempCleanupInterval"/> by the next write; a live writer's file is never touched. Directories left empty
/// by a delete are removed. A file in the bucket whose name is not the encoding of a key (put there by hand) is not
/// listed, and is reported once as a warning.</para>
/// </remarks>
public sealed partial class FileBlobDriver : IBlobDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private const string BlobSuffix = ".blob";
    private const string TempDirectoryName = ".polycloud-tmp";
    private const string LockSuffix = ".lock";
    private const int TrailerFooterLength = 12; // int32 trailer length + 8-byte magic
    private static readonly byte[] Magic = "PCBLOB1\n"u8.ToArray();
    private static readonly BlobCapabilities FileCapabilities = new() { SignedUrls = false, ConditionalWrites = true, ContentMD5 = true };

    private readonly string _root;
    private readonly string _tempDirectory;
    private readonly string _lockPath;
    private static readonly ConcurrentDictionary<string, byte> LiveTempFiles = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ILogger? _logger;
    private readonly ConcurrentDictionary<string, byte> _reportedNames = new(StringComparer.Ordinal);
    private long _nextTempCleanup;

    /// <summary>Opens a directory as a bucket.</summary>
    /// <param name="rootDirectory">The directory that holds the blobs.</param>
    /// <param name="createIfMissing">Create the directory when it does not exist; otherwise a missing directory is an error.</param>
    /// <param name="logger">Where warnings go (a stray file that is not a blob), or <see langword="null"/>.</param>
    /// <exception cref="CloudException">InvalidArgument when the path is a file; NotFound when the directory is missing
    /// and <paramref name="createIfMissing"/> is not set; PermissionDenied or Unavailable when the file system refuses.</exception>
    public FileBlobDriver(string rootDirectory, bool createIfMissing = false, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(rootDirectory))
        {
            throw CloudException.InvalidArgument(nameof(rootDirectory), "a root directory is required.", "file");
        }

        _logger = logger;
        _root = Path.GetFullPath(rootDirectory);
        if (File.Exists(_root))
        {
            throw CloudException.InvalidArgument(nameof(rootDirectory), $"'{_root}' is a file, not a directory; a file:// bucket is a directory.", "file");
        }

        try
        {
            if (!Directory.Exists(_root))
            {
                if (!createIfMissing)
                {
                    throw new CloudException(CloudErrorCode.NotFound, $"file: the directory '{_root}' does not exist; create it, or open 'file://{_root}?create=true'.", "file");
                }

                Directory.CreateDirectory(_root);
            }

            _tempDirectory = Path.Combine(_root, TempDirectoryName);
            Directory.CreateDirectory(_tempDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CloudException(ClassifyError(ex), $"file: cannot open '{_root}' as a bucket: {ex.Message}", "file", ex);
        }

        _lockPath = Path.Combine(_tempDirectory, "write.lock");
        BucketName = Path.GetFileName(_root.TrimEnd(Path.DirectorySeparatorChar)) is { Length: > 0 } n ? n : _root;
        CleanAbandonedTempFiles();
    }

    /// <summary>How often writes look for temporary files left by killed writers (besides once when the bucket is opened).</summary>
    public static TimeSpan TempCleanupInterval { get; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc/>
    public string ProviderName => "file";

    /// <inheritdoc/>
    public string BucketName { get; }

    /// <summary>The root directory.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc/>
    public BlobCapabilities Capabilities => FileCapabilities;

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        string path = PathFor(key);
        string temp = NewTempPath();
        try
        {
            var trailer = new Trailer();
            using var owner = TakeTempOwnership(temp);
            await using var file = CreateTempFile(temp);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            byte[] buffer = new byte[81920];
            long size = 0;
            int n;
            while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                size += n;
            }

            byte[] md5 = hash.GetHashAndReset();
            CheckMd5(key, options, md5);
            Fill(trailer, options, md5, size);
            await WriteTrailerAsync(file, trailer, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            await file.DisposeAsync().ConfigureAwait(false);

            // The ownership lock is held until the file has been renamed: no cleanup can take it.
            return await CommitAsync(temp, path, key, options.Condition, trailer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        string path = PathFor(key);
        string temp = NewTempPath();
        try
        {
            byte[] md5 = MD5.HashData(content.ToMemory().Span);
            CheckMd5(key, options, md5);
            var trailer = new Trailer();
            Fill(trailer, options, md5, content.Length);
            using var owner = TakeTempOwnership(temp);
            await using (var file = CreateTempFile(temp))
            {
                await file.WriteAsync(content.ToMemory(), cancellationToken).ConfigureAwait(false);
                await WriteTrailerAsync(file, trailer, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return await CommitAsync(temp, path, key, options.Condition, trailer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        var file = OpenBlobFile(key);
        try
        {
            var (trailer, size) = await ReadTrailerAsync(file, key, cancellationToken).ConfigureAwait(false);
            long offset = Math.Min(range.Offset, size);
            long length = Math.Min(range.Length ?? long.MaxValue, size - offset);
            file.Position = offset;
            var lastModified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            return new BlobDownload(new BoundedReadStream(file, length), length, size, trailer.ETag, trailer.ContentType, new DateTimeOffset(lastModified, TimeSpan.Zero));
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        await using var file = OpenBlobFile(key);
        var (t, size) = await ReadTrailerAsync(file, key, cancellationToken).ConfigureAwait(false);
        return new BlobProperties
        {
            Key = key,
            Size = size,
            ETag = t.ETag,
            LastModified = new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero),
            ContentType = t.ContentType,
            CacheControl = t.CacheControl,
            ContentDisposition = t.ContentDisposition,
            ContentEncoding = t.ContentEncoding,
            ContentLanguage = t.ContentLanguage,
            ContentMD5 = t.Md5 is { Length: 16 } md5 ? new ReadOnlyMemory<byte>(md5) : (ReadOnlyMemory<byte>?)null,
            Metadata = t.Metadata is null ? BlobProperties.EmptyMetadata : new Dictionary<string, string>(t.Metadata),
        };
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        => Task.FromResult(File.Exists(PathFor(key)));

    /// <inheritdoc/>
    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        // Walk only the directory the prefix's complete segments name; keys are compared after decoding.
        int lastSlash = prefix.LastIndexOf('/');
        string start = _root;
        if (lastSlash > 0)
        {
            start = Path.Combine(_root, EncodeDirectory(prefix[..lastSlash]));
        }

        var keys = new List<string>();
        if (Directory.Exists(start))
        {
            foreach (string file in Directory.EnumerateFiles(start, "*" + BlobSuffix, SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string relative = Path.GetRelativePath(_root, file);
                if (relative.StartsWith(TempDirectoryName, StringComparison.Ordinal) || relative.StartsWith(UploadsDirectoryName, StringComparison.Ordinal))
                {
                    continue;
                }

                string? key = DecodeRelativePath(relative);
                if (key is null)
                {
                    ReportStray(relative);
                    continue;
                }

                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    keys.Add(key);
                }
            }
        }

        keys.Sort(StringComparer.Ordinal);
        var page = SortedKeyPager.Page(keys, prefix, delimiter, pageSize, continuationToken, k => new BlobItem { Key = k });

        // Fill sizes, ETags and times for the blobs on this page only.
        var items = new List<BlobItem>(page.Items.Count);
        foreach (var item in page.Items)
        {
            if (item.IsPrefix)
            {
                items.Add(item);
                continue;
            }

            try
            {
                await using var file = OpenBlobFile(item.Key);
                var (t, size) = await ReadTrailerAsync(file, item.Key, cancellationToken).ConfigureAwait(false);
                items.Add(new BlobItem
                {
                    Key = item.Key,
                    Size = size,
                    ETag = t.ETag,
                    LastModified = new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero),
                    ContentMD5 = t.Md5 is { Length: 16 } md5 ? new ReadOnlyMemory<byte>(md5) : (ReadOnlyMemory<byte>?)null,
                });
            }
            catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
            {
                // Deleted between the directory walk and now: it is not part of the listing.
            }
        }

        return new BlobPage(items, page.ContinuationToken);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        string destination = PathFor(destinationKey);
        string temp = NewTempPath();
        try
        {
            Trailer trailer;
            using var owner = TakeTempOwnership(temp);
            await using (var file = CreateTempFile(temp))
            await using (var source = OpenBlobFile(sourceKey))
            {
                (trailer, long size) = await ReadTrailerAsync(source, sourceKey, cancellationToken).ConfigureAwait(false);
                source.Position = 0;
                trailer.ETag = NewETag();
                await new BoundedReadStream(source, size).CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await WriteTrailerAsync(file, trailer, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return await CommitAsync(temp, destination, destinationKey, options.Condition, trailer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        string path = PathFor(key);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                RemoveEmptyDirectories(Path.GetDirectoryName(path)!);
                return true;
            }
        }

        return throwIfMissing ? throw NotFound(key) : false;
    }

    /// <inheritdoc/>
    public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported(ProviderName, "signed URLs");

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => CloudErrorCode.NotFound,
        UnauthorizedAccessException => CloudErrorCode.PermissionDenied,
        PathTooLongException => CloudErrorCode.InvalidArgument,
        IOException => CloudErrorCode.Unavailable,
        _ => CloudErrorCode.Unknown,
    };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = this as T ?? new DirectoryInfo(_root) as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    internal string PathFor(string key)
    {
        var sb = new StringBuilder(_root.Length + key.Length + 16).Append(_root);
        foreach (string segment in key.Split('/'))
        {
            sb.Append(Path.DirectorySeparatorChar);
            int before = sb.Length;
            EncodeSegment(segment, sb);
            if (sb.Length - before + BlobSuffix.Length > 255)
            {
                throw CloudException.InvalidArgument("key", $"a segment of the key '{key}' is too long for a file name once encoded (the file system provider allows 255 bytes per '/'-separated segment).");
            }
        }

        return sb.Append(BlobSuffix).ToString();
    }

    private static string EncodeDirectory(string keyPrefix)
    {
        var sb = new StringBuilder();
        foreach (string segment in keyPrefix.Split('/'))
        {
            if (sb.Length > 0)
            {
                sb.Append(Path.DirectorySeparatorChar);
            }

            EncodeSegment(segment, sb);
        }

        return sb.ToString();
    }

    private static void EncodeSegment(string segment, StringBuilder sb)
    {
        if (segment.Length == 0)
        {
            sb.Append('%'); // an empty segment ("a//b"); '%' alone is never produced otherwise
            return;
        }

        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            bool safe = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '~' or ' ' or '(' or ')' or ',' or '=' or '+' or '@' || (c == '.' && i > 0);
            if (safe)
            {
                sb.Append(c);
                continue;
            }

            int count = char.IsHighSurrogate(c) && i + 1 < segment.Length
                ? Encoding.UTF8.GetBytes(segment.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(segment.AsSpan(i, 1), utf8);
            for (int b = 0; b < count; b++)
            {
                sb.Append('%').Append(utf8[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The key a file under the root stands for, or <see langword="null"/> when its name is not exactly the
    /// encoding of a valid key (a file put there by hand, such as <c>%41%4.blob</c>).</summary>
    internal static string? DecodeRelativePath(string relative)
    {
        if (!relative.EndsWith(BlobSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        string[] segments = relative[..^BlobSuffix.Length].Split(Path.DirectorySeparatorChar);
        var sb = new StringBuilder(relative.Length);
        var bytes = new List<byte>();
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (int s = 0; s < segments.Length; s++)
        {
            if (s > 0)
            {
                sb.Append('/');
            }

            string seg = segments[s];
            if (seg == "%")
            {
                continue;
            }

            int i = 0;
            while (i < seg.Length)
            {
                if (seg[i] != '%')
                {
                    sb.Append(seg[i]);
                    i++;
                    continue;
                }

                bytes.Clear();
                while (i < seg.Length && seg[i] == '%')
                {
                    if (i + 3 > seg.Length || !byte.TryParse(seg.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out byte b))
                    {
                        return null;
                    }

                    bytes.Add(b);
                    i += 3;
                }

                try
                {
                    sb.Append(strict.GetString(bytes.ToArray()));
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }
            }
        }

        string key = sb.ToString();
        try
        {
            BlobKeyRules.ValidateKey(key);
        }
        catch (CloudException)
        {
            return null;
        }

        // Only the one encoding of a key names it: "%41" is not "A".
        return string.Equals(EncodeRelativePath(key), relative, StringComparison.Ordinal) ? key : null;
    }

    private static string EncodeRelativePath(string key) => EncodeDirectory(key) + BlobSuffix;

    private void ReportStray(string relative)
    {
        if (_logger is null || !_reportedNames.TryAdd(relative, 0))
        {
            return;
        }

        LogStrayFile(_logger, relative, _root);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "The file '{File}' in the bucket directory '{Root}' is not the encoding of a blob key; it is not listed. Move it out of the bucket or rename it.")]
    private static partial void LogStrayFile(ILogger logger, string file, string root);

    /// <summary>Takes the lock that says a live writer owns the temporary file <paramref name="temp"/>: an exclusive
    /// lock on <c>{temp}.lock</c>, held until the file has been renamed into place (or the writer dies, when the
    /// operating system releases it), and deleted when released.</summary>
    private static FileStream TakeTempOwnership(string temp)
    {
        // Registered before the lock exists, so that a cleanup in this process never sees it unlocked.
        LiveTempFiles.TryAdd(temp, 0);
        return new FileStream(temp + LockSuffix, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    private static FileStream CreateTempFile(string temp)
        => new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);

    /// <summary>Deletes temporary files whose writer is gone: the ownership lock of a live writer cannot be taken; the
    /// lock of a dead one can (the operating system released it when the process died).</summary>
    /// <returns>How many temporary files were deleted.</returns>
    internal int CleanAbandonedTempFiles()
    {
        Interlocked.Exchange(ref _nextTempCleanup, Environment.TickCount64 + (long)TempCleanupInterval.TotalMilliseconds);
        int deleted = 0;
        HashSet<string> ids;
        try
        {
            ids = Directory.EnumerateFiles(_tempDirectory)
                .Select(f => Path.GetFileName(f) is var n && n.EndsWith(LockSuffix, StringComparison.Ordinal) ? n[..^LockSuffix.Length] : n)
                .Where(IsTempName)
                .ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (string id in ids)
        {
            string temp = Path.Combine(_tempDirectory, id);
            if (LiveTempFiles.ContainsKey(temp))
            {
                continue;
            }

            try
            {
                using var owner = new FileStream(temp + LockSuffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                    deleted++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A live writer holds it: leave it.
            }
        }

        return deleted;
    }

    private static bool IsTempName(string name) => name.Length == 32 && name.All(char.IsAsciiHexDigitLower);

    private void CleanTempFilesWhenDue()
    {
        if (Environment.TickCount64 >= Interlocked.Read(ref _nextTempCleanup))
        {
            CleanAbandonedTempFiles();
        }
    }

    /// <summary>Removes <paramref name="directory"/> and its parents while they are empty, up to the root. Called under
    /// the write lock, which every commit also holds, so no writer is between creating a directory and renaming into it.</summary>
    private void RemoveEmptyDirectories(string directory)
    {
        string root = _root.TrimEnd(Path.DirectorySeparatorChar);
        while (directory.Length > root.Length && directory.StartsWith(root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    return;
                }

                Directory.Delete(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            directory = Path.GetDirectoryName(directory)!;
        }
    }

    private static void CheckMd5(string key, BlobUploadOptions options, byte[] md5)
    {
        if (options.ContentMD5 is { } expected && !expected.Span.SequenceEqual(md5))
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"file: the content of '{key}' does not match the expected MD5; nothing was written.", "file");
        }
    }

    private static void Fill(Trailer t, BlobUploadOptions options, byte[] md5, long size)
    {
        t.ETag = NewETag();
        t.Size = size;
        t.Md5 = md5;
        t.ContentType = options.ContentType ?? "application/octet-stream";
        t.CacheControl = options.CacheControl;
        t.ContentDisposition = options.ContentDisposition;
        t.ContentEncoding = options.ContentEncoding;
        t.ContentLanguage = options.ContentLanguage;
        t.Metadata = options.Metadata is null ? null : new Dictionary<string, string>(options.Metadata);
    }

    private static string NewETag() => "\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "\"";

    private static async Task WriteTrailerAsync(FileStream file, Trailer trailer, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(trailer, FileBlobJsonContext.Default.Trailer);
        byte[] footer = new byte[TrailerFooterLength];
        BinaryPrimitives.WriteInt32LittleEndian(footer, json.Length);
        Magic.CopyTo(footer, 4);
        await file.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        await file.WriteAsync(footer, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(Trailer Trailer, long Size)> ReadTrailerAsync(FileStream file, string key, CancellationToken cancellationToken)
    {
        long length = file.Length;
        if (length < TrailerFooterLength)
        {
            throw Corrupt(key);
        }

        byte[] footer = new byte[TrailerFooterLength];
        file.Position = length - TrailerFooterLength;
        await file.ReadExactlyAsync(footer, cancellationToken).ConfigureAwait(false);
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(footer);
        if (!footer.AsSpan(4).SequenceEqual(Magic) || jsonLength <= 0 || jsonLength > length - TrailerFooterLength)
        {
            throw Corrupt(key);
        }

        byte[] json = new byte[jsonLength];
        file.Position = length - TrailerFooterLength - jsonLength;
        await file.ReadExactlyAsync(json, cancellationToken).ConfigureAwait(false);
        var trailer = JsonSerializer.Deserialize(json, FileBlobJsonContext.Default.Trailer) ?? throw Corrupt(key);
        long size = length - TrailerFooterLength - jsonLength;
        file.Position = 0;
        return (trailer, size);
    }

    private static CloudException Corrupt(string key)
        => new(CloudErrorCode.Internal, $"file: the file for '{key}' is not a Polycloud blob file (it was changed outside Polycloud).", "file");

    private static void TryDelete(string path)
    {
        LiveTempFiles.TryRemove(path, out _);
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temporary file is under .polycloud-tmp and never listed.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private async Task<BlobWriteResult> CommitAsync(string temp, string path, string key, BlobCondition condition, Trailer trailer, CancellationToken cancellationToken)
    {
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (condition.Kind)
            {
                case BlobConditionKind.IfNotExists when File.Exists(path):
                    throw new CloudException(CloudErrorCode.AlreadyExists, $"file: '{key}' already exists in '{BucketName}'.", ProviderName);
                case BlobConditionKind.IfMatch:
                    string? current = null;
                    if (File.Exists(path))
                    {
                        await using var existing = OpenBlobFile(key);
                        current = (await ReadTrailerAsync(existing, key, cancellationToken).ConfigureAwait(false)).Trailer.ETag;
                    }

                    if (current != condition.ETag)
                    {
                        throw new CloudException(CloudErrorCode.PreconditionFailed, $"file: the ETag of '{key}' in '{BucketName}' does not match '{condition.ETag}'.", ProviderName);
                    }

                    break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.Move(temp, path, overwrite: true);
                    break;
                }
                catch (DirectoryNotFoundException) when (attempt < 10)
                {
                    // The directory was removed as empty between creating it and the rename (by a process that does
                    // not share the write lock, for example an older version): create it again.
                }
            }
        }

        return new BlobWriteResult(trailer.ETag, new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    var stream = new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
                    return new Releaser(stream, _writeGate);
                }
                catch (IOException) when (attempt < 2000)
                {
                    // Another process holds the write lock.
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    private FileStream OpenBlobFile(string key)
    {
        try
        {
            return new FileStream(PathFor(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CloudException(CloudErrorCode.NotFound, $"file: '{key}' does not exist in '{BucketName}'.", ProviderName, e);
        }
    }

    private CloudException NotFound(string key)
        => new(CloudErrorCode.NotFound, $"file: '{key}' does not exist in '{BucketName}'.", ProviderName);

    private string NewTempPath()
    {
        CleanTempFilesWhenDue();
        return Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N"));
    }

    private sealed class Releaser(FileStream lockFile, SemaphoreSlim gate) : IDisposable
    {
        public void Dispose()
        {
            lockFile.Dispose();
            gate.Release();
        }
    }

    internal sealed class Trailer
    {
        public string ETag { get; set; } = string.Empty;

        public long Size { get; set; }

        public byte[]? Md5 { get; set; }

        public string? ContentType { get; set; }

        public string? CacheControl { get; set; }

        public string? ContentDisposition { get; set; }

        public string? ContentEncoding { get; set; }

        public string? ContentLanguage { get; set; }

        public Dictionary<string, string>? Metadata { get; set; }
    }
}

/// <summary>Source-generated JSON for the file driver's trailer.</summary>
[JsonSerializable(typeof(FileBlobDriver.Trailer))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class FileBlobJsonContext : JsonSerializerContext;

/// <summary>Opens <c>file:///path</c> buckets; <c>?create=true</c> creates the directory.</summary>
public sealed class FileBlobDriverFactory : IBlobDriverFactory
{
    private static readonly string[] SchemeList = ["file"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool create = url.GetBoolean("create", false);
        url.ThrowIfUnknownSettings("file");
        if (url.Host.Length > 0 && url.Host != "localhost")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' names the host '{url.Host}'; a file URL needs an absolute path, as in 'file:///var/data' (three slashes).");
        }

        if (url.Path.Length == 0)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no directory path; write 'file:///absolute/path'.");
        }

        string path = Path.GetFullPath(url.Path);
        if (File.Exists(path))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' names the file '{path}'; a file:// bucket is a directory.", "file");
        }

        var logger = (services?.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger("Polycloud.Blobs.FileSystem");
        return new FileBlobDriver(path, create, logger);
    }
}
