namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>The payloads every benchmark uses, built once with deterministic content.</summary>
public static class Payloads
{
    /// <summary>1 KiB.</summary>
    public static readonly byte[] OneKilobyte = Create(1024);

    /// <summary>1 MiB.</summary>
    public static readonly byte[] OneMegabyte = Create(1024 * 1024);

    /// <summary>The range read: 4 KiB from offset 64 KiB of the 1 MiB blob.</summary>
    public const long RangeOffset = 64 * 1024;

    /// <summary>The range length.</summary>
    public const int RangeLength = 4096;

    /// <summary>The number of items in the listed page.</summary>
    public const int ListPageSize = 100;

    /// <summary>The range's bytes.</summary>
    public static readonly byte[] Range = OneMegabyte.AsSpan((int)RangeOffset, RangeLength).ToArray();

    /// <summary>Fixed "last modified" time used by the canned responses.</summary>
    public static readonly DateTimeOffset LastModified = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    /// <summary>Lower-case hex MD5 of a payload, as S3 and GCS ETags carry it.</summary>
    public static string Md5Hex(byte[] data)
#pragma warning disable CA5351 // the services' content checksum, not security
        => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data));

    /// <summary>Base64 MD5 of a payload, as Azure's Content-MD5 and GCS's md5Hash carry it.</summary>
    public static string Md5Base64(byte[] data) => Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(data));
#pragma warning restore CA5351

    private static byte[] Create(int size)
    {
        var data = new byte[size];
        new Random(42).NextBytes(data);
        return data;
    }
}
