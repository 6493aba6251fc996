using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Polycloud.Google.Blobs;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>The blob conformance suite on the GCS emulator (firebase-tools storage emulator), one new bucket per test.</summary>
public sealed class GcsBlobConformanceTests : BlobConformanceTests
{
    private readonly StorageClient _client = GcsTestEnvironment.CreateEmulatorClient();

    // The emulator keeps only the first chunk of a chunked resumable upload: send the large blob as one chunk.
    protected override int? LargeUploadPartSize => 21 * 1024 * 1024;

    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new BlobBucket(new GcsBlobDriver(_client, GcsTestEnvironment.NewBucketName("conf"), UrlSigner.FromCredential(GcsTestEnvironment.Credential))));

    protected override string? GapReason(BlobGap gap) => gap switch
    {
        BlobGap.CreateOnlyNotEnforced => "the GCS emulator ignores ifGenerationMatch=0 on an existing object; the request is checked at the wire in GcsBlobWireTests.Upload_IfNotExists_SendsIfGenerationMatchZero_And412IsAlreadyExists",
        BlobGap.IfMatchNotEnforced => "the GCS emulator ignores ifGenerationMatch=<generation> on an existing object; the request is checked at the wire in GcsBlobWireTests.Upload_IfMatch_SendsIfGenerationMatch_And412IsPreconditionFailed",
        BlobGap.ContentMd5NotVerified => "the GCS emulator stores a supplied md5Hash without checking it; the request is checked at the wire in GcsBlobWireTests.Upload_ContentMd5_SendsMd5Hash_And400IsInvalidArgument",
        BlobGap.SignedUrlsNotServed => "the GCS emulator answers 501 to PUT on the XML API path that signed URLs use (signed GET works: GcsSignedUrlTests.SignedGet_ServedByEmulator); the URL shape is checked in GcsSignedUrlTests",
        BlobGap.SignedUrlExpiryNotEnforced => "the GCS emulator does not check signed URL signatures or expiry",
        BlobGap.ContinuationTokenNotStable => "the GCS emulator's page token is the next object's name; when that object is deleted the listing restarts from the beginning (real GCS seeks by name)",
        BlobGap.LeadingSlashKeysAltered => "the GCS emulator drops a leading '/' from object names in resumable uploads (its media upload keeps it); the name sent is checked at the wire in GcsBlobWireTests.Upload_KeyWithLeadingSlash_IsSentUnchanged",
        _ => null,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _client.Dispose();
    }
}
