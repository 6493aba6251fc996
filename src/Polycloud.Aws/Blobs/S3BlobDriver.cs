using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;

#pragma warning disable CA5351 // MD5 is S3's content checksum (Content-MD5), not a security primitive.

namespace Polycloud.Aws.Blobs;

/// <summary>
/// The Amazon S3 blob driver (and S3-compatible servers): a thin translation of <see cref="BlobBucket"/> calls to
/// AWSSDK.S3. Open it by URL (<c>s3://bucket?region=eu-west-1</c>) after <c>AddAws()</c>, or wrap your own client:
/// <c>new BlobBucket(new S3BlobDriver(s3Client, "my-bucket"))</c>.
/// </summary>
/// <remarks>
/// <para>Uploads of at most <see cref="S3BlobDriverOptions.PartSize"/> bytes with a known length are one PutObject
/// that streams from the caller's stream; larger or unknown-length content is a multipart upload that reads one part
/// at a time into a pooled buffer and is aborted on any failure or cancellation, so nothing partial is left.</para>
/// <para>Conditional writes use S3's <c>If-None-Match: *</c> and <c>If-Match</c> headers on PutObject,
/// CompleteMultipartUpload and CopyObject. User metadata travels as <c>x-amz-meta-*</c> headers; values that are not
/// plain printable ASCII are stored RFC 2047-encoded and decoded on read.</para>
/// </remarks>
public sealed partial class S3BlobDriver : IBlobDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The provider name, <c>aws-s3</c>.</summary>
    public const string Provider = "aws-s3";

    private const string MetadataPrefix = "x-amz-meta-";
    private const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024; // 5 TiB
    private static readonly BlobCapabilities S3Capabilities = new()
    {
        SignedUrls = true,
        ConditionalWrites = true,
        ContentMD5 = true,
        MaxBlobSize = MaxObjectSize,
    };

    private readonly IAmazonS3 _client;
    private readonly int _partSize;
    private readonly bool _disposeClient;
    private readonly bool? _useChunkEncoding;
    private readonly Amazon.S3.Protocol _signingProtocol;
    private readonly bool _pathStyle;

    /// <summary>Creates a driver over an S3 client and a bucket.</summary>
    /// <param name="client">The S3 client. Configure region, endpoint and credentials on it.</param>
    /// <param name="bucketName">The bucket name.</param>
    /// <param name="options">Part size, client ownership; <see langword="null"/> for the defaults.</param>
    public S3BlobDriver(IAmazonS3 client, string bucketName, S3BlobDriverOptions? options = null)
    {
        if (client is null)
        {
            throw CloudException.InvalidArgument(nameof(client), "an S3 client (IAmazonS3) is required.");
        }

        if (string.IsNullOrWhiteSpace(bucketName))
        {
            throw CloudException.InvalidArgument(nameof(bucketName), "a bucket name is required.");
        }

        options ??= new S3BlobDriverOptions();
        if (options.PartSize is < 5 * 1024 * 1024 or > 2000 * 1024 * 1024)
        {
            throw CloudException.InvalidArgument("options.PartSize", $"the part size must be from 5 MiB to 2000 MiB, not {options.PartSize} bytes.");
        }

        _client = client;
        BucketName = bucketName;
        _partSize = options.PartSize;
        _disposeClient = options.DisposeClient;
        _useChunkEncoding = options.UseChunkEncoding;
        string? serviceUrl = client.Config?.ServiceURL;
        _pathStyle = client.Config is AmazonS3Config { ForcePathStyle: true }
            || bucketName.Contains('.', StringComparison.Ordinal)
            || (serviceUrl is not null && Uri.TryCreate(serviceUrl, UriKind.Absolute, out Uri? service) && service.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6);
        _signingProtocol = serviceUrl is not null && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Amazon.S3.Protocol.HTTP
            : Amazon.S3.Protocol.HTTPS;
    }

    /// <inheritdoc/>
    public string ProviderName => Provider;

    /// <inheritdoc/>
    public string BucketName { get; }

    /// <inheritdoc/>
    public BlobCapabilities Capabilities => S3Capabilities;

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        CheckKey(key);
        int partSize = options.PartSize ?? _partSize;
        if (content.CanSeek)
        {
            long remaining = Math.Max(content.Length - content.Position, 0);
            if (remaining <= partSize)
            {
                if (options.ContentMD5 is { } expected)
                {
                    await VerifyMd5OfSeekableAsync(key, content, expected, cancellationToken).ConfigureAwait(false);
                }

                return await PutAsync(key, content, remaining, options, cancellationToken).ConfigureAwait(false);
            }
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            int first = await FillAsync(content, buffer, partSize, cancellationToken).ConfigureAwait(false);
            if (first < partSize)
            {
                // The whole content fitted in one part: one request, no multipart bookkeeping.
                if (options.ContentMD5 is { } expected)
                {
                    VerifyMd5(key, buffer.AsSpan(0, first), expected.Span);
                }

                using var single = new MemoryStream(buffer, 0, first, writable: false);
                return await PutAsync(key, single, first, options, cancellationToken).ConfigureAwait(false);
            }

            return await MultipartUploadAsync(key, new StreamParts(content, buffer, first, partSize), options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        CheckKey(key);
        ReadOnlyMemory<byte> memory = content.ToMemory();
        if (options.ContentMD5 is { } expected)
        {
            VerifyMd5(key, memory.Span, expected.Span);
        }

        int partSize = options.PartSize ?? _partSize;
        var segment = MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> array) ? array : new ArraySegment<byte>(memory.ToArray());
        if (segment.Count <= partSize)
        {
            using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            return await PutAsync(key, stream, segment.Count, options, cancellationToken).ConfigureAwait(false);
        }

        // Large in-memory content goes in parts sliced from the same array (no copy); the MD5 was checked above.
        return await MultipartUploadAsync(key, new MemoryParts(segment, partSize), options.ContentMD5 is null ? options : WithoutMd5(options), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var request = new GetObjectRequest { BucketName = BucketName, Key = key };
        if (range.Offset != 0 || range.Length is not null)
        {
            request.ByteRange = range.Length is { } length
                ? new ByteRange(range.Offset, range.Offset + length - 1)
                : new ByteRange(string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-"));
        }

        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts at or past the end: S3 answers 416. The portable contract is an empty read of an
            // existing blob, so confirm the blob exists (NotFound otherwise) and return nothing.
            var head = await HeadAsync(key, cancellationToken).ConfigureAwait(false);
            return new BlobDownload(Stream.Null, 0, head.ContentLength, head.ETag, head.Headers.ContentType, ToOffset(head.LastModified));
        }

        try
        {
            long contentLength = response.ContentLength;
            long size = ParseTotalSize(response.ContentRange) ?? contentLength;
            return new BlobDownload(new S3ReadStream(response), contentLength, size, response.ETag, response.Headers.ContentType, ToOffset(response.LastModified));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var head = await HeadAsync(key, cancellationToken).ConfigureAwait(false);
        return new BlobProperties
        {
            Key = key,
            Size = head.ContentLength,
            ETag = head.ETag,
            LastModified = ToOffset(head.LastModified),
            ContentType = head.Headers.ContentType,
            CacheControl = head.Headers.CacheControl,
            ContentDisposition = head.Headers.ContentDisposition,
            ContentEncoding = head.Headers.ContentEncoding,
            ContentLanguage = head.Headers.ContentLanguage,
            ContentMD5 = Md5FromETag(head.ETag),
            Metadata = ReadMetadata(head.Metadata),
        };
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        try
        {
            await HeadAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (IsMissingObject(ex))
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request
        {
            BucketName = BucketName,
            Prefix = prefix.Length == 0 ? null : prefix,
            Delimiter = delimiter,
            MaxKeys = pageSize,
            ContinuationToken = continuationToken,
        };
        var response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
        var objects = response.S3Objects;
        var prefixes = response.CommonPrefixes;
        int objectCount = objects?.Count ?? 0;
        int prefixCount = prefixes?.Count ?? 0;
        var items = new List<BlobItem>(objectCount + prefixCount);

        // S3 returns objects and common prefixes in two sorted lists; the portable page is one list in key order.
        int o = 0, p = 0;
        while (o < objectCount || p < prefixCount)
        {
            if (p >= prefixCount || (o < objectCount && string.CompareOrdinal(objects![o].Key, prefixes![p]) < 0))
            {
                var s3Object = objects![o++];
                items.Add(new BlobItem
                {
                    Key = s3Object.Key,
                    Size = s3Object.Size ?? 0,
                    ETag = s3Object.ETag,
                    LastModified = s3Object.LastModified is { } modified ? ToOffset(modified) : null,
                    ContentMD5 = Md5FromETag(s3Object.ETag),
                });
            }
            else
            {
                items.Add(new BlobItem { Key = prefixes![p++], IsPrefix = true });
            }
        }

        string? next = response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken) ? response.NextContinuationToken : null;
        return new BlobPage(items, next);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        CheckKey(sourceKey);
        CheckKey(destinationKey);
        var request = new CopyObjectRequest
        {
            SourceBucket = BucketName,
            SourceKey = sourceKey,
            DestinationBucket = BucketName,
            DestinationKey = destinationKey,
            MetadataDirective = S3MetadataDirective.COPY,
        };
        ApplyCondition(options.Condition, out string? ifNoneMatch, out string? ifMatch);
        request.IfNoneMatch = ifNoneMatch;
        request.IfMatch = ifMatch;
        try
        {
            var response = await _client.CopyObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.ETag, DateTimeOffset.TryParse(response.LastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified.ToUniversalTime() : null);
        }
        catch (AmazonS3Exception ex) when (options.Condition.Kind == BlobConditionKind.IfMatch && IsMissingObject(ex))
        {
            // S3 answers 404 both for a missing source and for a missing destination under If-Match: tell them apart.
            await HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false);
            throw ConditionFailed(destinationKey, options.Condition, ex);
        }
        catch (AmazonS3Exception ex) when (IsConditionFailure(ex, options.Condition))
        {
            throw ConditionFailed(destinationKey, options.Condition, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        CheckKey(key);
        // S3's DeleteObject succeeds for a missing key; HEAD first so that the result and NotFound are honest.
        try
        {
            await HeadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (!throwIfMissing && IsMissingObject(ex))
        {
            return false;
        }

        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = BucketName, Key = key }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = BucketName,
            Key = key,
            Verb = options.Method == SignedUrlMethod.Put ? HttpVerb.PUT : HttpVerb.GET,
            Expires = DateTime.UtcNow.Add(options.ExpiresIn),
            Protocol = _signingProtocol,
        };
        if (options.Method == SignedUrlMethod.Put && !string.IsNullOrEmpty(options.ContentType))
        {
            request.ContentType = options.ContentType;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string url = await _client.GetPreSignedURLAsync(request).ConfigureAwait(false);
        return new Uri(url);
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => Classify(exception);

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _client as T ?? this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_disposeClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Maps an AWS SDK or transport exception to the portable code (see <see cref="IBlobDriver.ClassifyError"/>):
    /// the S3 codes below, then the codes all AWS services share, then the HTTP status (docs/errors.md).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable code.</returns>
    internal static CloudErrorCode Classify(Exception exception) => AwsErrors.Classify(exception, FromErrorCode);

    /// <summary>The S3 error codes whose meaning the status alone does not carry.</summary>
    private static CloudErrorCode? FromErrorCode(string errorCode) => errorCode switch
    {
        "NoSuchKey" or "NoSuchBucket" or "NotFound" or "NoSuchUpload" or "NoSuchVersion" => CloudErrorCode.NotFound,
        "BucketAlreadyExists" or "BucketAlreadyOwnedByYou" => CloudErrorCode.AlreadyExists,
        "PreconditionFailed" or "ConditionalRequestConflict" => CloudErrorCode.PreconditionFailed,
        _ => null,
    };

    private async Task<BlobWriteResult> PutAsync(string key, Stream content, long length, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = BucketName,
            Key = key,
            InputStream = content,
            AutoCloseStream = false,
            AutoResetStreamPosition = false,
            ContentType = options.ContentType ?? "application/octet-stream",
        };
        request.Headers.ContentLength = length;
        if (_useChunkEncoding is { } chunked)
        {
            request.UseChunkEncoding = chunked;
        }

        ApplyHeaders(request.Headers, options);
        ApplyMetadata(request.Metadata, options.Metadata);
        if (options.ContentMD5 is { } md5)
        {
            request.MD5Digest = Convert.ToBase64String(md5.Span);
        }

        ApplyCondition(options.Condition, out string? ifNoneMatch, out string? ifMatch);
        request.IfNoneMatch = ifNoneMatch;
        request.IfMatch = ifMatch;
        try
        {
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.ETag, null);
        }
        catch (AmazonS3Exception ex) when (IsConditionFailure(ex, options.Condition))
        {
            throw ConditionFailed(key, options.Condition, ex);
        }
    }

    private async Task<BlobWriteResult> MultipartUploadAsync(string key, PartSource parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = BucketName,
            Key = key,
            ContentType = options.ContentType ?? "application/octet-stream",
        };
        ApplyHeaders(initiate.Headers, options);
        ApplyMetadata(initiate.Metadata, options.Metadata);
        var started = await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false);
        string uploadId = started.UploadId;
        try
        {
            using var md5 = options.ContentMD5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var partETags = new List<PartETag>();
            int partNumber = 1;
            ArraySegment<byte> part;
            while ((part = await parts.NextAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                md5?.AppendData(part);
                using var body = new MemoryStream(part.Array!, part.Offset, part.Count, writable: false);
                var request = new UploadPartRequest
                {
                    BucketName = BucketName,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = partNumber,
                    PartSize = part.Count,
                    InputStream = body,
                };
                if (_useChunkEncoding is { } chunked)
                {
                    request.UseChunkEncoding = chunked;
                }

                var uploaded = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
                partETags.Add(new PartETag(partNumber, uploaded.ETag));
                partNumber++;
            }

            if (md5 is not null)
            {
                VerifyMd5(key, md5.GetHashAndReset(), options.ContentMD5!.Value.Span);
            }

            var complete = new CompleteMultipartUploadRequest
            {
                BucketName = BucketName,
                Key = key,
                UploadId = uploadId,
                PartETags = partETags,
            };
            ApplyCondition(options.Condition, out string? ifNoneMatch, out string? ifMatch);
            complete.IfNoneMatch = ifNoneMatch;
            complete.IfMatch = ifMatch;
            try
            {
                var response = await _client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
                return new BlobWriteResult(response.ETag, null);
            }
            catch (AmazonS3Exception ex) when (IsConditionFailure(ex, options.Condition))
            {
                throw ConditionFailed(key, options.Condition, ex);
            }
        }
        catch
        {
            await AbortAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = BucketName, Key = key, UploadId = uploadId },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (AmazonServiceException)
        {
            // Best effort: the original failure is what the caller needs. An upload that could not be aborted is
            // never visible as an object; a bucket lifecycle rule (AbortIncompleteMultipartUpload) reclaims its parts.
        }
        catch (HttpRequestException)
        {
            // As above.
        }
    }

    private void CheckKey(string key)
    {
        if (_pathStyle && key.StartsWith('/'))
        {
            // AWSSDK.S3 joins the bucket path and a key that begins with '/' without the '/' between them, so a
            // path-style request for "/a" would address "a" (and its signature would not match). Refuse rather than
            // touch another blob.
            throw CloudException.NotSupported(
                Provider,
                $"the key '{key}', which begins with '/', on a path-style S3 client",
                "Use virtual-hosted-style addressing (forcePathStyle=false, the default for AWS) or a key without a leading '/'.");
        }
    }

    private Task<GetObjectMetadataResponse> HeadAsync(string key, CancellationToken cancellationToken)
        => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = BucketName, Key = key }, cancellationToken);

    /// <summary>Where a multipart upload's parts come from; an empty segment means there are no more.</summary>
    private abstract class PartSource
    {
        public abstract ValueTask<ArraySegment<byte>> NextAsync(CancellationToken cancellationToken);
    }

    /// <summary>Parts read from a stream, one at a time, into one (pooled) buffer that is reused for every part.</summary>
    private sealed class StreamParts(Stream content, byte[] buffer, int firstPartLength, int partSize) : PartSource
    {
        private int _last = -1;

        public override async ValueTask<ArraySegment<byte>> NextAsync(CancellationToken cancellationToken)
        {
            // The first part is already in the buffer; a part shorter than the part size was the last one.
            int n = _last < 0 ? firstPartLength
                : _last < partSize ? 0
                : await FillAsync(content, buffer, partSize, cancellationToken).ConfigureAwait(false);
            _last = n;
            return new ArraySegment<byte>(buffer, 0, n);
        }
    }

    /// <summary>Parts sliced from bytes already in memory.</summary>
    private sealed class MemoryParts(ArraySegment<byte> content, int partSize) : PartSource
    {
        private int _offset;

        public override ValueTask<ArraySegment<byte>> NextAsync(CancellationToken cancellationToken)
        {
            int n = Math.Min(partSize, content.Count - _offset);
            var part = content.Slice(_offset, n);
            _offset += n;
            return ValueTask.FromResult(part);
        }
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < count)
        {
            int n = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    private static async Task VerifyMd5OfSeekableAsync(string key, Stream content, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken)
    {
        long start = content.Position;
        byte[] hash = await MD5.HashDataAsync(content, cancellationToken).ConfigureAwait(false);
        content.Position = start;
        VerifyMd5(key, hash, expected.Span);
    }

    private static void VerifyMd5(string key, ReadOnlySpan<byte> content, ReadOnlySpan<byte> expected, bool contentIsHash)
    {
        Span<byte> hash = stackalloc byte[16];
        if (contentIsHash)
        {
            content.CopyTo(hash);
        }
        else
        {
            MD5.HashData(content, hash);
        }

        if (!hash.SequenceEqual(expected))
        {
            throw new CloudException(
                CloudErrorCode.InvalidArgument,
                $"{Provider}: the content of '{key}' does not match the expected MD5 (options.ContentMD5); nothing was written.",
                Provider);
        }
    }

    private static void VerifyMd5(string key, ReadOnlySpan<byte> content, ReadOnlySpan<byte> expected)
        => VerifyMd5(key, content, expected, contentIsHash: false);

    private static void VerifyMd5(string key, byte[] hash, ReadOnlySpan<byte> expected)
        => VerifyMd5(key, hash, expected, contentIsHash: true);

    private static BlobUploadOptions WithoutMd5(BlobUploadOptions options) => new()
    {
        ContentType = options.ContentType,
        CacheControl = options.CacheControl,
        ContentDisposition = options.ContentDisposition,
        ContentEncoding = options.ContentEncoding,
        ContentLanguage = options.ContentLanguage,
        Metadata = options.Metadata,
        Condition = options.Condition,
        PartSize = options.PartSize,
    };

    private static void ApplyHeaders(HeadersCollection headers, BlobUploadOptions options)
    {
        if (options.CacheControl is not null)
        {
            headers.CacheControl = options.CacheControl;
        }

        if (options.ContentDisposition is not null)
        {
            headers.ContentDisposition = options.ContentDisposition;
        }

        if (options.ContentEncoding is not null)
        {
            headers.ContentEncoding = options.ContentEncoding;
        }

        if (options.ContentLanguage is not null)
        {
            headers.ContentLanguage = options.ContentLanguage;
        }
    }

    private static void ApplyMetadata(MetadataCollection target, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            target.Add(MetadataPrefix + name, BlobKeyRules.EncodeMetadataValue(value));
        }
    }

    private static Dictionary<string, string> ReadMetadata(MetadataCollection? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var result = new Dictionary<string, string>(metadata.Count, StringComparer.Ordinal);
        foreach (string name in metadata.Keys)
        {
            string portable = name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) ? name[MetadataPrefix.Length..] : name;
            result[portable.ToLowerInvariant()] = BlobKeyRules.DecodeMetadataValue(metadata[name]);
        }

        return result;
    }

    private static void ApplyCondition(BlobCondition condition, out string? ifNoneMatch, out string? ifMatch)
    {
        ifNoneMatch = condition.Kind == BlobConditionKind.IfNotExists ? "*" : null;
        ifMatch = condition.Kind == BlobConditionKind.IfMatch ? condition.ETag : null;
    }

    private static bool IsConditionFailure(AmazonS3Exception ex, BlobCondition condition) => condition.Kind switch
    {
        // 412 PreconditionFailed when the key exists; 409 ConditionalRequestConflict when a concurrent write won.
        BlobConditionKind.IfNotExists => ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict,

        // 412 when the ETag differs; 404 NoSuchKey when there is no object to match; 409 on a concurrent write.
        BlobConditionKind.IfMatch => ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict || IsMissingObject(ex),
        _ => false,
    };

    private CloudException ConditionFailed(string key, BlobCondition condition, AmazonS3Exception ex)
        => condition.Kind == BlobConditionKind.IfNotExists
            ? new CloudException(CloudErrorCode.AlreadyExists, $"{Provider}: '{key}' already exists in '{BucketName}'.", Provider, ex)
            : new CloudException(CloudErrorCode.PreconditionFailed, $"{Provider}: the ETag of '{key}' in '{BucketName}' does not match '{condition.ETag}'.", Provider, ex);

    private static bool IsMissingObject(AmazonS3Exception ex)
        => ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket";

    private static long? ParseTotalSize(string? contentRange)
    {
        // "bytes 0-9/100"
        if (string.IsNullOrEmpty(contentRange))
        {
            return null;
        }

        int slash = contentRange.LastIndexOf('/');
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long total) ? total : null;
    }

    private static ReadOnlyMemory<byte>? Md5FromETag(string? etag)
    {
        // A single-request upload's ETag is the hex MD5 of the content; a multipart ETag ends in "-N" and is not.
        if (etag is null)
        {
            return null;
        }

        var span = etag.AsSpan().Trim('"');
        if (span.Length != 32)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(span);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static DateTimeOffset ToOffset(DateTime? value)
    {
        if (value is not { } time)
        {
            return default;
        }

        return time.Kind switch
        {
            DateTimeKind.Utc => new DateTimeOffset(time, TimeSpan.Zero),
            DateTimeKind.Local => new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero),
            _ => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc), TimeSpan.Zero),
        };
    }
}
