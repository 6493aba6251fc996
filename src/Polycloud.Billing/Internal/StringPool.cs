namespace Polycloud.Billing.Internal;

/// <summary>
/// Deduplicates the short, highly repetitive strings of cost exports (provider, service, region, unit, ...)
/// so a stream of millions of rows does not allocate the same text millions of times. Bounded in size.
/// </summary>
internal sealed class StringPool
{
    private const int MaxEntries = 65_536;
    private const int MaxLength = 96;
    private readonly Dictionary<string, string> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxLength)
        {
            return value.ToString();
        }

        if (_lookup.TryGetValue(value, out var existing))
        {
            return existing;
        }

        var created = value.ToString();
        if (_entries.Count < MaxEntries)
        {
            _entries[created] = created;
        }

        return created;
    }
}
