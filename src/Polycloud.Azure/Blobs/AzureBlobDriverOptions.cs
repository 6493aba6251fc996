namespace Polycloud.Azure.Blobs;

/// <summary>Options for <see cref="AzureBlobDriver"/>. All are optional.</summary>
public sealed class AzureBlobDriverOptions
{
    /// <summary>
    /// When the container client cannot sign with a shared key (it was built with a <c>TokenCredential</c>), sign URLs
    /// with a user delegation key fetched from the service (the identity needs the
    /// <c>Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action</c> permission, part of
    /// Storage Blob Data Contributor/Reader). Set to <see langword="false"/> for clients that authenticate with a SAS
    /// or anonymously: signed URLs are then reported as not supported. Default: <see langword="true"/>.
    /// </summary>
    public bool SignWithUserDelegationKey { get; init; } = true;

    /// <summary>
    /// The number of blocks uploaded in parallel when a large upload is split. Default: the Azure SDK's default, and 4
    /// for stream uploads with an expected MD5 (which the driver stages itself). Each concurrent transfer buffers one
    /// block of <see cref="Polycloud.Blobs.BlobUploadOptions.PartSize"/> bytes.
    /// </summary>
    public int? MaximumConcurrency { get; init; }

    /// <summary>
    /// The clock that dates signed URLs and decides when a cached user delegation key has expired. Default:
    /// <see cref="TimeProvider.System"/>; <see cref="AzureBlobDriverFactory"/> uses the <see cref="TimeProvider"/>
    /// registered in the application's services, when there is one.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }
}
