namespace Polycloud.Testing.Conformance.Blobs;

/// <summary>
/// Behaviours a real service has that a local emulator lacks. A test fixture names the gaps of the server it runs
/// against, with the reason; the tests that need the behaviour are then reported as skipped with that reason, and the
/// driver's request is checked at the wire by a separate test in the provider's test project.
/// </summary>
public enum BlobGap
{
    /// <summary>The server does not reject a create-only write (If-None-Match: *) of an existing blob.</summary>
    CreateOnlyNotEnforced,

    /// <summary>The server does not reject an if-match write with a stale ETag.</summary>
    IfMatchNotEnforced,

    /// <summary>The server accepts signed URLs after they expire.</summary>
    SignedUrlExpiryNotEnforced,

    /// <summary>The server does not serve signed URLs at all.</summary>
    SignedUrlsNotServed,

    /// <summary>The server does not verify a supplied Content-MD5.</summary>
    ContentMd5NotVerified,

    /// <summary>The server truncates or rejects uploads of the size the large-blob test uses.</summary>
    LargeUploadsBroken,

    /// <summary>The server's continuation token does not survive changes to the listing (a deleted key restarts it).</summary>
    ContinuationTokenNotStable,

    /// <summary>The server alters keys that start with '/' on some write path.</summary>
    LeadingSlashKeysAltered,

    /// <summary>The server accepts a multipart upload whose parts before the last are below the provider's minimum size.</summary>
    MultipartMinPartSizeNotEnforced,

    /// <summary>The server cannot fetch the URL a copy-from-URL names (for example a loopback address of another emulator).</summary>
    CopyFromUrlNotServed,

    /// <summary>The server does not list the parts of a multipart upload (S3 ListParts).</summary>
    MultipartPartsNotListed,

    /// <summary>The server does not list multipart uploads in progress (S3 ListMultipartUploads).</summary>
    MultipartUploadsNotListed,
}
