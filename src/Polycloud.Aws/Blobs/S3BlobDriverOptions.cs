namespace Polycloud.Aws.Blobs;

/// <summary>Options for <see cref="S3BlobDriver"/>.</summary>
public sealed class S3BlobDriverOptions
{
    /// <summary>The default part size: 8 MiB.</summary>
    public const int DefaultPartSize = 8 * 1024 * 1024;

    /// <summary>
    /// The part size used when an upload does not set <see cref="Polycloud.Blobs.BlobUploadOptions.PartSize"/>: content
    /// of at most this many bytes (a seekable stream or bytes in memory) is sent in one PutObject; larger content, and
    /// streams of unknown length, go as a multipart upload with parts of this size (one pooled buffer per upload).
    /// From 5 MiB (S3's smallest part) to 2000 MiB. Default: 8 MiB.
    /// </summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>
    /// Whether disposing the driver disposes the <see cref="Amazon.S3.IAmazonS3"/> client. Default:
    /// <see langword="false"/> (the caller owns a client it passes in); drivers opened by URL own theirs.
    /// </summary>
    public bool DisposeClient { get; init; }

    /// <summary>
    /// Whether single-request uploads use the SDK's <c>aws-chunked</c> content encoding (default <see langword="null"/>:
    /// the SDK's default). Set <see langword="false"/> for S3-compatible servers that do not understand it.
    /// </summary>
    public bool? UseChunkEncoding { get; init; }
}
