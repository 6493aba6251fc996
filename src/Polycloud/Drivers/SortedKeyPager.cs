using System.Buffers.Text;
using System.Text;

using Polycloud.Blobs;

namespace Polycloud.Drivers;

/// <summary>
/// Pages over keys held in ascending ordinal order, with prefix and any delimiter, the way S3, Azure and GCS list:
/// keys that contain the delimiter after the prefix collapse into one prefix item. Used by the local drivers.
/// The continuation token is opaque (the last item returned, encoded). For a driver whose store has no listing of its
/// own (a key-value store, memory, a folder): keep the keys sorted with <see cref="StringComparer.Ordinal"/> and let
/// this class answer <c>IBlobDriver.ListPageAsync</c>.
/// </summary>
public static class SortedKeyPager
{
    /// <summary>Returns one page of the keys under <paramref name="prefix"/>, in ascending ordinal order.</summary>
    /// <param name="sortedKeys">Every key of the bucket, sorted with <see cref="StringComparer.Ordinal"/>. Read only
    /// during the call; hold the store's lock around it.</param>
    /// <param name="prefix">The prefix, or empty for every key.</param>
    /// <param name="delimiter">The delimiter (usually <c>/</c>), or <see langword="null"/> for a flat listing.</param>
    /// <param name="pageSize">The most items to return, 1 or more.</param>
    /// <param name="continuationToken">The token of the previous page, or <see langword="null"/> for the first.</param>
    /// <param name="makeItem">Builds the item of a key (size, ETag, last modified); prefix items are built here.</param>
    /// <returns>The page; its token is <see langword="null"/> on the last page.</returns>
    /// <exception cref="CloudException">InvalidArgument when an argument is missing or out of range, or the token was
    /// not issued by this class.</exception>
    public static BlobPage Page(
        IList<string> sortedKeys,
        string prefix,
        string? delimiter,
        int pageSize,
        string? continuationToken,
        Func<string, BlobItem> makeItem)
    {
        if (sortedKeys is null)
        {
            throw CloudException.InvalidArgument(nameof(sortedKeys), "the sorted keys are required.");
        }

        if (prefix is null)
        {
            throw CloudException.InvalidArgument(nameof(prefix), "the prefix is required; pass an empty string to list every key.");
        }

        if (delimiter is { Length: 0 })
        {
            throw CloudException.InvalidArgument(nameof(delimiter), "the delimiter must not be empty; pass null for a flat listing.");
        }

        if (pageSize < 1)
        {
            throw CloudException.InvalidArgument(nameof(pageSize), $"the page size must be 1 or more, not {pageSize}.");
        }

        if (makeItem is null)
        {
            throw CloudException.InvalidArgument(nameof(makeItem), "a function that builds the item of a key is required.");
        }

        string? after = null;
        bool afterIsPrefix = false;
        if (continuationToken is not null)
        {
            (after, afterIsPrefix) = DecodeToken(continuationToken);
        }

        int i = after is null ? LowerBound(sortedKeys, prefix) : UpperBound(sortedKeys, after);
        string? skipPrefix = afterIsPrefix ? after : null;
        var items = new List<BlobItem>(Math.Min(pageSize, 64));
        for (; i < sortedKeys.Count; i++)
        {
            string key = sortedKeys[i];
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            if (skipPrefix is not null && key.StartsWith(skipPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string? common = null;
            if (delimiter is not null)
            {
                int d = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (d >= 0)
                {
                    common = key[..(d + delimiter.Length)];
                }
            }

            if (items.Count == pageSize)
            {
                // There is at least one more item: hand out a token for what was returned last.
                var last = items[^1];
                return new BlobPage(items, EncodeToken(last.Key, last.IsPrefix));
            }

            if (common is not null)
            {
                items.Add(new BlobItem { Key = common, IsPrefix = true });
                skipPrefix = common;
            }
            else
            {
                items.Add(makeItem(key));
            }
        }

        return new BlobPage(items, null);
    }

    private static int LowerBound(IList<string> keys, string value)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(keys[mid], value) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(IList<string> keys, string value)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(keys[mid], value) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static string EncodeToken(string key, bool isPrefix)
        => (isPrefix ? "p" : "k") + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static (string Key, bool IsPrefix) DecodeToken(string token)
    {
        if (token.Length >= 1 && token[0] is 'p' or 'k')
        {
            try
            {
                return (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(1))), token[0] == 'p');
            }
            catch (FormatException)
            {
                // Reported below.
            }
        }

        throw CloudException.InvalidArgument("continuationToken", "the continuation token is not one this provider issued; pass the token from the previous page unchanged.");
    }
}
