namespace LockInPort.Receipts;

/// <summary>Where receipts are kept. Implementations throw <see cref="Polycloud.CloudException"/>.</summary>
public interface IReceiptStore
{
    Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default);

    /// <summary>Loads a receipt; throws <see cref="Polycloud.CloudException"/> with <see cref="Polycloud.CloudErrorCode.NotFound"/> when it does not exist.</summary>
    Task<byte[]> LoadAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    Task DeleteAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>Announces archived receipts.</summary>
public interface IReceiptNotifier
{
    Task AnnounceAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>Receipt storage settings, bound from configuration (never hard-coded).</summary>
public sealed class ReceiptOptions
{
    public string Provider { get; set; } = "aws";

    public string Bucket { get; set; } = "";

    public string KmsKeyId { get; set; } = "";

    public string QueueUrl { get; set; } = "";

    public string AzureContainerUri { get; set; } = "";

    public string GoogleBucket { get; set; } = "";
}
