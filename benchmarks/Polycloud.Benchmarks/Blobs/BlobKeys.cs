namespace Polycloud.Benchmarks.Blobs;

/// <summary>The keys every blob suite uses; the canned handlers route on them.</summary>
public static class BlobKeys
{
    /// <summary>The bucket or container.</summary>
    public const string Bucket = "bench";

    /// <summary>The 1 KiB blob read by the download pairs.</summary>
    public const string Small = "bench/small.bin";

    /// <summary>The 1 MiB blob read by the download and range pairs.</summary>
    public const string Large = "bench/large.bin";

    /// <summary>Where the upload pairs write.</summary>
    public const string Upload = "bench/upload.bin";

    /// <summary>The blob the delete pairs remove.</summary>
    public const string Delete = "bench/delete.bin";

    /// <summary>The prefix of the listed page.</summary>
    public const string ListPrefix = "list/";

    /// <summary>The key of the i-th listed blob.</summary>
    public static string ListItem(int i) => $"list/item-{i:D4}.bin";
}
