namespace Polycloud.Blobs.Transfer;

/// <summary>CRC32C (Castagnoli), as Cloud Storage reports it.</summary>
internal sealed class Crc32c
{
    private static readonly uint[] Table = BuildTable();
    private uint _crc = 0xFFFFFFFFu;

    public uint Value => ~_crc;

    public void Append(ReadOnlySpan<byte> data)
    {
        uint crc = _crc;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}

internal static class Hex
{
    public static string? Of(ReadOnlyMemory<byte>? value) => value is { Length: 16 } v ? Convert.ToHexStringLower(v.Span) : null;

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    /// <summary>A Polycloud-recorded MD5 from metadata, when well-formed.</summary>
    public static string? Recorded(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue(BlobTransfer.Md5MetadataKey, out var v) && v.Length == 32 && v.All(char.IsAsciiHexDigit) ? v.ToLowerInvariant() : null;
}
