using System.Diagnostics.CodeAnalysis;

namespace Polycloud.Blobs.Drivers;

/// <summary>
/// The contract a blob provider implements: a thin translation of each call to the native SDK. Arguments arrive
/// already validated by <see cref="BlobBucket"/>, which also does telemetry and error wrapping, so a driver only
/// builds the native request, calls, and maps the result. A driver must be thread-safe. Exceptions a driver throws are
/// classified by <see cref="ClassifyError"/> and wrapped in a <see cref="CloudException"/> by the portable layer, unless
/// the driver already threw a <see cref="CloudException"/> or an <see cref="OperationCanceledException"/>.
/// Every driver must pass the blob conformance suite.
/// </summary>
public interface IBlobDriver : IAsyncDisposable
{
    /// <summary>The provider name used in errors and telemetry, for example <c>aws-s3</c>.</summary>
    string ProviderName { get; }

    /// <summary>The bucket or container name.</summary>
    string BucketName { get; }

    /// <summary>What this provider supports.</summary>
    BlobCapabilities Capabilities { get; }

    /// <summary>Writes a blob from a stream, streaming (large content is split into parts or blocks).</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="content">The content, read to its end. It is not disposed.</param>
    /// <param name="options">The options (never <see langword="null"/>; metadata keys validated and lower-cased).</param>
    /// <param name="cancellationToken">Cancels the upload; a cancelled upload must leave no blob behind.</param>
    /// <returns>The write result.</returns>
    Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken);

    /// <summary>Writes a blob from bytes already in memory.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="content">The content.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The write result.</returns>
    Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken);

    /// <summary>Opens a read of the whole blob or a range. A range that starts past the end yields an empty stream.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="range">The validated range.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The open download.</returns>
    Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken);

    /// <summary>Reads the properties of a blob; a missing blob is an error the driver classifies as NotFound.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The properties.</returns>
    Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken);

    /// <summary>Tells whether a blob exists.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists one page, in ascending key order.</summary>
    /// <param name="prefix">The prefix, or empty.</param>
    /// <param name="delimiter">The delimiter, or <see langword="null"/>.</param>
    /// <param name="pageSize">The page size, 1 to 1000.</param>
    /// <param name="continuationToken">The token from the previous page, or <see langword="null"/> for the first.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The page.</returns>
    Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>Copies a blob inside the bucket, server-side, with its properties and metadata.</summary>
    /// <param name="sourceKey">The validated source key.</param>
    /// <param name="destinationKey">The validated destination key.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The write result for the destination.</returns>
    Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken);

    /// <summary>Deletes a blob.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="throwIfMissing">When <see langword="true"/>, a missing blob is an error classified as NotFound;
    /// otherwise it returns <see langword="false"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when a blob was deleted.</returns>
    Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken);

    /// <summary>Creates a signed URL; drivers without signing throw <see cref="CloudException.NotSupported"/>.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The URL.</returns>
    Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken);

    /// <summary>Maps a native exception to the portable error code: the service's native error code where it overrides the
    /// status, else the status by the one table every driver uses (<see cref="Polycloud.Drivers.CloudErrors.FromHttpStatus(int)"/>),
    /// and transport failures by <see cref="Polycloud.Drivers.CloudErrors.TryClassifyTransport"/> (docs/errors.md).</summary>
    /// <param name="exception">The exception the driver's SDK threw.</param>
    /// <returns>The code.</returns>
    CloudErrorCode ClassifyError(Exception exception);

    /// <summary>The escape hatch: gives the native client (or another native object) of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type, for example <c>Amazon.S3.IAmazonS3</c>.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when this driver has an object of that type.</returns>
    bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class;
}
