using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Google.Apis.Requests;
using Google.Apis.Util;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Drivers;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Polycloud.Google.Blobs;

/// <summary>
/// The Google Cloud Storage blob driver: a thin translation of the portable blob calls to
/// <see cref="StorageClient"/> (Google.Cloud.Storage.V1). Open it as <c>gs://bucket</c> through
/// <see cref="GcsBlobDriverFactory"/>, or wrap an existing client: <c>new BlobBucket(new GcsBlobDriver(client, "bucket"))</c>.
/// </summary>
/// <remarks>
/// The portable ETag is the object generation (a decimal string): create-only writes send
/// <c>ifGenerationMatch=0</c> and if-match writes send <c>ifGenerationMatch=&lt;generation&gt;</c>. Uploads are resumable
/// uploads streamed in chunks of the part size. Reads issue the JSON API media GET (<c>alt=media</c>) on the client's
/// authenticated HTTP client and return the response stream without buffering it. Metadata values are stored as given
/// (the JSON API carries any Unicode text).
/// </remarks>
public sealed partial class GcsBlobDriver : IBlobDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The provider name used in errors and telemetry.</summary>
    public const string Provider = "gcp-storage";

    private const int ChunkGranularity = UploadObjectOptions.MinimumChunkSize;
    private const int DefaultChunkSize = 8 * 1024 * 1024;
    private const string DefaultHost = "storage.googleapis.com";

    private static readonly GetObjectOptions NoAclOptions = new() { Projection = Projection.NoAcl };

    private readonly StorageClient _client;
    private readonly HttpClient _mediaClient;
    private readonly bool _ownsMediaClient;
    private readonly UrlSigner? _signer;
    private readonly bool _ownsClient;
    private readonly BlobCapabilities _capabilities;
    private readonly string _mediaUrlPrefix;
    private readonly Uri _serviceUri;

    /// <summary>Wraps a storage client. The caller keeps ownership of <paramref name="client"/>.</summary>
    /// <param name="client">The client, for example from <c>StorageClient.Create()</c> or a <see cref="StorageClientBuilder"/>.</param>
    /// <param name="bucketName">The bucket.</param>
    /// <param name="urlSigner">Signs URLs for <see cref="BlobBucket.GetSignedUrlAsync"/>, for example
    /// <c>UrlSigner.FromCredential(serviceAccountCredential)</c>; without one, signed URLs are not supported.</param>
    public GcsBlobDriver(StorageClient client, string bucketName, UrlSigner? urlSigner = null)
        : this(client, bucketName, urlSigner, ownsClient: false)
    {
    }

    internal GcsBlobDriver(StorageClient client, string bucketName, UrlSigner? urlSigner, bool ownsClient)
    {
        _client = client ?? throw CloudException.InvalidArgument(nameof(client), "a StorageClient is required.");
        if (string.IsNullOrEmpty(bucketName))
        {
            throw CloudException.InvalidArgument(nameof(bucketName), "a bucket name is required.");
        }

        BucketName = bucketName;
        _signer = urlSigner;
        _ownsClient = ownsClient;
        _capabilities = new BlobCapabilities
        {
            SignedUrls = urlSigner is not null,
            ConditionalWrites = true,
            ContentMD5 = true,
            MaxBlobSize = 5L * 1024 * 1024 * 1024 * 1024,
        };

        string baseUri = client.Service.BaseUri;
        if (!baseUri.EndsWith('/'))
        {
            baseUri += "/";
        }

        _serviceUri = new Uri(baseUri, UriKind.Absolute);
        (_mediaClient, _ownsMediaClient) = CreateMediaClient(client);
        _mediaUrlPrefix = baseUri + "b/" + Uri.EscapeDataString(bucketName) + "/o/";
    }

    /// <inheritdoc/>
    public string ProviderName => Provider;

    /// <inheritdoc/>
    public string BucketName { get; }

    /// <inheritdoc/>
    public BlobCapabilities Capabilities => _capabilities;

    /// <inheritdoc/>
    public Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
        => UploadCoreAsync(key, content, options, cancellationToken);

    /// <inheritdoc/>
    public Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
        => UploadCoreAsync(key, content.ToStream(), options, cancellationToken);

    /// <inheritdoc/>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        bool ranged = range.Offset != 0 || range.Length is not null;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_mediaUrlPrefix + Uri.EscapeDataString(key) + "?alt=media", UriKind.Absolute));

        // Ask for the stored bytes: without this GCS decompresses objects stored with Content-Encoding: gzip.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        if (ranged)
        {
            request.Headers.Range = new RangeHeaderValue(range.Offset, range.Length is { } n ? range.Offset + n - 1 : null);
        }

        var response = await _mediaClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The range starts at or past the end: an empty read, with the object's properties.
                response.Dispose();
                var p = await GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
                return new BlobDownload(Stream.Null, 0, p.Size, p.ETag, p.ContentType, p.LastModified);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await ToApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var headers = response.Headers;
            var contentHeaders = response.Content.Headers;
            long? size = contentHeaders.ContentRange?.Length ?? ParseInt64(headers, "x-goog-stored-content-length");
            long? length = contentHeaders.ContentLength;
            string? generation = First(headers, "x-goog-generation");
            DateTimeOffset? lastModified = contentHeaders.LastModified;
            string? contentType = contentHeaders.ContentType?.ToString();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                size ??= length;
            }

            if (size is null || generation is null || lastModified is null)
            {
                // Not every server sends every header (the emulator sends no Last-Modified): read the rest from metadata.
                var p = await GetObjectAsync(key, generation, cancellationToken).ConfigureAwait(false);
                size ??= (long)(p.Size ?? 0);
                generation ??= FormatGeneration(p.Generation);
                lastModified ??= GcsTimestamp.Updated(p) ?? default;
                contentType ??= p.ContentType;
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.PartialContent && ranged)
            {
                // The server ignored the range and sent the whole object: skip to the offset and stop at the end of the range.
                long start = Math.Min(range.Offset, size.Value);
                long count = Math.Min(range.Length ?? long.MaxValue, size.Value - start);
                if (count == 0)
                {
                    response.Dispose();
                    return new BlobDownload(Stream.Null, 0, size.Value, generation, contentType, lastModified.Value);
                }

                return new BlobDownload(new BoundedReadStream(stream, count, start, response), count, size.Value, generation, contentType, lastModified.Value);
            }

            length ??= response.StatusCode == HttpStatusCode.OK ? size : null;
            if (length is null)
            {
                var r = contentHeaders.ContentRange;
                length = r is { From: { } from, To: { } to } ? to - from + 1 : size.Value - range.Offset;
            }

            return new BlobDownload(stream, length.Value, size.Value, generation, contentType, lastModified.Value);
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
        var o = await GetObjectAsync(key, null, cancellationToken).ConfigureAwait(false);
        return ToProperties(key, o);
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectAsync(BucketName, key, NoAclOptions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var options = new ListObjectsOptions
        {
            Delimiter = delimiter,
            PageSize = pageSize,
            PageToken = continuationToken,
        };
        var pages = _client.ListObjectsAsync(BucketName, prefix.Length == 0 ? null : prefix, options).AsRawResponses();
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            int objectCount = page.Items?.Count ?? 0;
            int prefixCount = page.Prefixes?.Count ?? 0;
            var items = new List<BlobItem>(objectCount + prefixCount);
            if (objectCount > 0)
            {
                foreach (var o in page.Items!)
                {
                    if (IsHiddenKey(o.Name))
                    {
                        continue; // a multipart upload's temporary object
                    }

                    items.Add(new BlobItem
                    {
                        Key = o.Name,
                        Size = (long)(o.Size ?? 0),
                        ETag = FormatGeneration(o.Generation),
                        LastModified = GcsTimestamp.Updated(o),
                        ContentMD5 = string.IsNullOrEmpty(o.Md5Hash) ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(Convert.FromBase64String(o.Md5Hash)),
                        Crc32c = ParseCrc32c(o.Crc32c),
                    });
                }
            }

            if (prefixCount > 0)
            {
                foreach (string p in page.Prefixes!)
                {
                    if (!IsHiddenKey(p))
                    {
                        items.Add(new BlobItem { Key = p, IsPrefix = true });
                    }
                }

                // GCS returns objects and prefixes in two lists, each sorted; the portable page is one sorted list.
                items.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            }

            string? next = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
            if (items.Count == 0 && next is not null)
            {
                continue; // a page of hidden objects only: an empty page must be the last, so read on
            }

            return new BlobPage(items, next);
        }

        return new BlobPage([], null);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        RefuseHiddenKey(destinationKey);
        var copyOptions = new CopyObjectOptions { IfGenerationMatch = ToGenerationCondition(destinationKey, options.Condition) };
        try
        {
            var o = await _client.CopyObjectAsync(BucketName, sourceKey, BucketName, destinationKey, copyOptions, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(FormatGeneration(o.Generation), GcsTimestamp.Updated(o));
        }
        catch (GoogleApiException ex) when (options.Condition.Kind == BlobConditionKind.IfNotExists && ex.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw AlreadyExists(destinationKey, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteObjectAsync(BucketName, key, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException ex) when (!throwIfMissing && ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
    {
        if (_signer is null)
        {
            throw CloudException.NotSupported(Provider, "signed URLs without a signing credential", "Open the bucket with a service-account credential (credentialsFile, or a ServiceAccountCredential) or pass a UrlSigner to GcsBlobDriver.");
        }

        var template = UrlSigner.RequestTemplate.FromBucket(BucketName)
            .WithObjectName(key)
            .WithHttpMethod(options.Method == SignedUrlMethod.Put ? HttpMethod.Put : HttpMethod.Get);
        if (options.Method == SignedUrlMethod.Put && !string.IsNullOrEmpty(options.ContentType))
        {
            template = template.WithContentHeaders([new("Content-Type", [options.ContentType])]);
        }

        var signOptions = UrlSigner.Options.FromDuration(options.ExpiresIn).WithSigningVersion(SigningVersion.V4);
        if (!string.Equals(_serviceUri.Host, DefaultHost, StringComparison.OrdinalIgnoreCase))
        {
            // A custom endpoint (an emulator, a private endpoint): the URL points there.
            signOptions = signOptions.WithScheme(_serviceUri.Scheme).WithHost(_serviceUri.Host).WithPort(_serviceUri.IsDefaultPort ? null : _serviceUri.Port);
        }

        string url = await _signer.SignAsync(template, signOptions, cancellationToken).ConfigureAwait(false);
        return new Uri(url, UriKind.Absolute);
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => Classify(exception);

    /// <summary>Maps a Google API, Google auth, Polycloud or transport exception to the portable code.</summary>
    internal static CloudErrorCode Classify(Exception exception)
        => exception switch
        {
            CloudException cloud => cloud.ErrorCode,
            GoogleApiException api => ClassifyApiError(api),
            TokenResponseException => CloudErrorCode.Unauthenticated,
            _ when CloudErrors.TryClassifyTransport(exception, out var transport) => transport,
            _ => CloudErrorCode.Unknown,
        };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _client as T ?? _signer as T ?? this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_ownsMediaClient)
        {
            _mediaClient.Dispose();
        }

        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Classifies a Cloud Storage error answer: its first <c>reason</c> that means more than the status, else
    /// its status (docs/errors.md).</summary>
    private static CloudErrorCode ClassifyApiError(GoogleApiException exception)
    {
        if (exception.Error?.Errors is { } errors)
        {
            foreach (var error in errors)
            {
                if (GoogleErrors.FromStorageReason(error?.Reason) is { } byReason)
                {
                    return byReason;
                }
            }
        }

        if ((int)exception.HttpStatusCode >= 100)
        {
            return CloudErrors.FromHttpStatus(exception.HttpStatusCode);
        }

        return exception.InnerException is { } inner ? Classify(inner) : CloudErrorCode.Unknown;
    }

    /// <summary>
    /// Media reads must return the stored bytes. The client library's default transport decompresses gzip responses,
    /// which would hand back different bytes (and length) for objects stored with Content-Encoding: gzip, so reads then
    /// go through a transport without automatic decompression, authenticated by the same credential.
    /// </summary>
    private static (HttpClient Client, bool Owned) CreateMediaClient(StorageClient client)
    {
        var service = client.Service;
        HttpMessageHandler? handler = service.HttpClient.MessageHandler;
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        bool decompresses = handler switch
        {
            HttpClientHandler h => h.AutomaticDecompression != DecompressionMethods.None,
            SocketsHttpHandler h => h.AutomaticDecompression != DecompressionMethods.None,
            _ => false,
        };
        if (!decompresses)
        {
            return (service.HttpClient, false);
        }

        var args = new CreateHttpClientArgs { GZipEnabled = false, ApplicationName = service.ApplicationName };
        if (service.HttpClientInitializer is { } initializer)
        {
            args.Initializers.Add(initializer);
        }

        return (new global::Google.Apis.Http.HttpClientFactory().CreateHttpClient(args), true);
    }

    private async Task<BlobWriteResult> UploadCoreAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        RefuseHiddenKey(key);
        var obj = new GcsObject
        {
            Bucket = BucketName,
            Name = key,
            ContentType = options.ContentType ?? "application/octet-stream",
            CacheControl = options.CacheControl,
            ContentDisposition = options.ContentDisposition,
            ContentEncoding = options.ContentEncoding,
            ContentLanguage = options.ContentLanguage,
            Metadata = options.Metadata is null ? null : new Dictionary<string, string>(options.Metadata),
            Md5Hash = options.ContentMD5 is { } md5 ? Convert.ToBase64String(md5.Span) : null,
        };
        int partSize = options.PartSize ?? DefaultChunkSize;
        var uploadOptions = new UploadObjectOptions
        {
            // GCS wants chunks in multiples of 256 KiB: round the part size up.
            ChunkSize = (int)Math.Min((partSize + (long)ChunkGranularity - 1) / ChunkGranularity * ChunkGranularity, int.MaxValue / ChunkGranularity * ChunkGranularity),
            IfGenerationMatch = ToGenerationCondition(key, options.Condition),
        };
        try
        {
            long? sent = content.CanSeek ? content.Length - content.Position : null;
            var result = await _client.UploadObjectAsync(obj, content, uploadOptions, cancellationToken).ConfigureAwait(false);
            if (sent is { } expected && result.Size is { } stored && (long)stored != expected)
            {
                // A resumable upload interrupted and resumed can end with the service holding less than was sent (the
                // client's status query is answered as if the upload were complete). Never report that as a success:
                // remove the short object (only that generation) and fail with a code a retry can fix.
                await DeleteShortObjectAsync(key, result.Generation).ConfigureAwait(false);
                throw new CloudException(
                    CloudErrorCode.Unavailable,
                    $"{Provider}: the upload of '{key}' to '{BucketName}' ended with {stored} of {expected} bytes stored; the short object was removed.",
                    Provider);
            }

            return new BlobWriteResult(FormatGeneration(result.Generation), GcsTimestamp.Updated(result));
        }
        catch (GoogleApiException ex) when (options.Condition.Kind == BlobConditionKind.IfNotExists && ex.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw AlreadyExists(key, ex);
        }
    }

    private async Task DeleteShortObjectAsync(string key, long? generation)
    {
        try
        {
            await _client.DeleteObjectAsync(BucketName, key, new DeleteObjectOptions { IfGenerationMatch = generation }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GoogleApiException)
        {
            // Already replaced or gone: nothing short is left under this generation.
        }
        catch (HttpRequestException)
        {
            // The failure reported next says the upload did not succeed; the short object stays for the caller's retry to replace.
        }
    }

    private Task<GcsObject> GetObjectAsync(string key, string? generation, CancellationToken cancellationToken)
    {
        var options = new GetObjectOptions { Projection = Projection.NoAcl };
        if (generation is not null && long.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out long g))
        {
            options.Generation = g;
        }

        return _client.GetObjectAsync(BucketName, key, options, cancellationToken);
    }

    private long? ToGenerationCondition(string key, BlobCondition condition)
        => condition.Kind switch
        {
            BlobConditionKind.IfNotExists => 0,
            BlobConditionKind.IfMatch when long.TryParse(condition.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out long generation) && generation > 0 => generation,
            BlobConditionKind.IfMatch => throw new CloudException(
                CloudErrorCode.PreconditionFailed,
                $"{Provider}: the ETag '{condition.ETag}' cannot match '{key}' in '{BucketName}': Google Cloud Storage ETags are object generations (decimal numbers) returned by UploadAsync, CopyAsync or GetPropertiesAsync.",
                Provider),
            _ => null,
        };

    private CloudException AlreadyExists(string key, Exception inner)
        => new(CloudErrorCode.AlreadyExists, $"{Provider}: '{key}' already exists in '{BucketName}'.", Provider, inner);

    private async Task<GoogleApiException> ToApiExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        RequestError? error = null;
        if (body.Length > 0 && body[0] == '{')
        {
            try
            {
                error = _client.Service.Serializer.Deserialize<StandardResponse<object>>(body)?.Error;
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or Newtonsoft.Json.JsonException)
            {
                error = null;
            }
        }

        string message = error?.Message ?? (body.Length is > 0 and <= 512 ? body.Trim() : response.ReasonPhrase ?? response.StatusCode.ToString());
        return new GoogleApiException(_client.Service.Name, message)
        {
            HttpStatusCode = response.StatusCode,
            Error = error ?? new RequestError { Code = (int)response.StatusCode, Message = message },
        };
    }

    private static BlobProperties ToProperties(string key, GcsObject o)
    {
        Dictionary<string, string>? metadata = null;
        if (o.Metadata is { Count: > 0 } source)
        {
            metadata = new Dictionary<string, string>(source.Count, StringComparer.Ordinal);
            foreach (var (name, value) in source)
            {
                metadata[name.ToLowerInvariant()] = value;
            }
        }

        return new BlobProperties
        {
            Key = key,
            Size = (long)(o.Size ?? 0),
            ETag = FormatGeneration(o.Generation),
            LastModified = GcsTimestamp.Updated(o) ?? default,
            ContentType = o.ContentType,
            CacheControl = o.CacheControl,
            ContentDisposition = o.ContentDisposition,
            ContentEncoding = o.ContentEncoding,
            ContentLanguage = o.ContentLanguage,
            ContentMD5 = string.IsNullOrEmpty(o.Md5Hash) ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(Convert.FromBase64String(o.Md5Hash)), // never an empty array
            Crc32c = ParseCrc32c(o.Crc32c),
            Metadata = metadata ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
        };
    }

    private static string FormatGeneration(long? generation)
        => (generation ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static long? ParseInt64(HttpResponseHeaders headers, string name)
        => First(headers, name) is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
}
