using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Polycloud.Networking;

/// <summary>
/// An IPv4 or IPv6 address block in CIDR notation (for example <c>10.0.0.0/16</c> or <c>2001:db8::/32</c>).
/// Host bits must be zero, as every cloud provider requires. A bare address (<c>10.0.0.5</c>) is read as a /32 (or /128).
/// </summary>
public readonly struct IpCidr : IEquatable<IpCidr>
{
    private readonly UInt128 _first;
    private readonly UInt128 _networkMask;
    private readonly byte _prefixLength;
    private readonly bool _isIPv6;

    private IpCidr(UInt128 first, byte prefixLength, bool isIPv6)
    {
        _first = first;
        _prefixLength = prefixLength;
        _isIPv6 = isIPv6;
        _networkMask = ~HostMask((isIPv6 ? 128 : 32) - prefixLength);
    }

    /// <summary>Every IPv4 address: <c>0.0.0.0/0</c>.</summary>
    public static IpCidr AnyIPv4 { get; } = new(UInt128.Zero, 0, false);

    /// <summary>Every IPv6 address: <c>::/0</c>.</summary>
    public static IpCidr AnyIPv6 { get; } = new(UInt128.Zero, 0, true);

    /// <summary>The address family of the block.</summary>
    public AddressFamily AddressFamily => _isIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    /// <summary><see langword="true"/> for an IPv6 block.</summary>
    public bool IsIPv6 => _isIPv6;

    /// <summary>The prefix length (0–32 for IPv4, 0–128 for IPv6).</summary>
    public int PrefixLength => _prefixLength;

    /// <summary><see langword="true"/> when the block is <c>0.0.0.0/0</c> or <c>::/0</c>.</summary>
    public bool IsAll => _prefixLength == 0;

    /// <summary>The first address of the block.</summary>
    public IPAddress NetworkAddress => ToAddress(_first, _isIPv6);

    private int Bits => _isIPv6 ? 128 : 32;

    private UInt128 Last => _first | HostMask(Bits - _prefixLength);

    /// <summary>Parses a CIDR block, throwing <see cref="CloudException"/> (InvalidArgument) on bad input.</summary>
    /// <param name="text">The text, for example <c>10.0.0.0/16</c>.</param>
    /// <param name="path">The field path to name in the error (for example <c>endpoints.office.cidrs[0]</c>).</param>
    /// <returns>The parsed block.</returns>
    public static IpCidr Parse(string text, string path = "cidr")
    {
        if (!TryParse(text, out var cidr, out var error))
        {
            throw CloudException.InvalidArgument(path, error);
        }

        return cidr;
    }

    /// <summary>Parses a CIDR block.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cidr">The parsed block.</param>
    /// <returns><see langword="true"/> when the text is a valid block.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpCidr cidr) => TryParse(text, out cidr, out _);

    /// <summary>Parses a CIDR block and says what is wrong when it is not valid.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cidr">The parsed block.</param>
    /// <param name="error">Why the text is not a valid CIDR block, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the text is a valid block.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpCidr cidr, [NotNullWhen(false)] out string? error)
    {
        cidr = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a CIDR block is required (for example 10.0.0.0/16 or 2001:db8::/32), but the value is empty.";
            return false;
        }

        var span = text.AsSpan().Trim();
        var slash = span.IndexOf('/');
        var addressPart = slash < 0 ? span : span[..slash];
        if (!IPAddress.TryParse(addressPart, out var address) || addressPart.Contains('%') ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressPart.Count('.') != 3))
        {
            error = $"'{text}' is not a valid CIDR block: '{addressPart}' is not an IPv4 or IPv6 address.";
            return false;
        }

        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isIPv6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixPart = span[(slash + 1)..];
            if (prefixPart.Length == 0 || prefixPart.Length > 3 || !int.TryParse(prefixPart, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits)
            {
                error = $"'{text}' is not a valid CIDR block: the prefix length must be a number from 0 to {bits} for {(isIPv6 ? "IPv6" : "IPv4")}.";
                return false;
            }
        }

        var value = ToUInt128(address);
        var hostMask = HostMask(bits - prefix);
        if ((value & hostMask) != UInt128.Zero)
        {
            var network = ToAddress(value & ~hostMask, isIPv6);
            error = $"'{text}' is not a valid CIDR block: host bits are set after the /{prefix} prefix (did you mean {network}/{prefix}?).";
            return false;
        }

        cidr = new IpCidr(value, (byte)prefix, isIPv6);
        error = null;
        return true;
    }

    /// <summary>Creates the single-address block (/32 or /128) for an address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The block.</returns>
    public static IpCidr FromAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        return new IpCidr(ToUInt128(address), (byte)(isIPv6 ? 128 : 32), isIPv6);
    }

    /// <summary>Whether the address is inside the block.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when the block contains the address.</returns>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Contains(new IpAddressKey(address));
    }

    internal bool Contains(in IpAddressKey address)
        => address.IsIPv6 == _isIPv6 && (address.Value & _networkMask) == _first;

    /// <summary>Whether every address of <paramref name="other"/> is inside this block.</summary>
    /// <param name="other">The other block.</param>
    /// <returns><see langword="true"/> when this block contains the other.</returns>
    public bool Contains(IpCidr other) => other._isIPv6 == _isIPv6 && other._prefixLength >= _prefixLength && (other._first & ~HostMask(Bits - _prefixLength)) == _first;

    /// <summary>Whether the two blocks share at least one address.</summary>
    /// <param name="other">The other block.</param>
    /// <returns><see langword="true"/> when they overlap.</returns>
    public bool Overlaps(IpCidr other) => other._isIPv6 == _isIPv6 && _first <= other.Last && other._first <= Last;

    /// <summary>Converts to <see cref="IPNetwork"/>.</summary>
    /// <returns>The equivalent network.</returns>
    public IPNetwork ToIPNetwork() => new(NetworkAddress, _prefixLength);

    /// <inheritdoc/>
    public override string ToString() => $"{NetworkAddress}/{_prefixLength}";

    /// <inheritdoc/>
    public bool Equals(IpCidr other) => _first == other._first && _prefixLength == other._prefixLength && _isIPv6 == other._isIPv6;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IpCidr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_first, _prefixLength, _isIPv6);

    /// <summary>Equality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether equal.</returns>
    public static bool operator ==(IpCidr left, IpCidr right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether different.</returns>
    public static bool operator !=(IpCidr left, IpCidr right) => !left.Equals(right);

    private static UInt128 HostMask(int hostBits) => hostBits == 0 ? UInt128.Zero : hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;

    internal static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static IPAddress ToAddress(UInt128 value, bool isIPv6)
    {
        if (!isIPv6)
        {
            return new IPAddress(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((uint)value) : (uint)value);
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}

/// <summary>An address in the numeric form used for fast matching.</summary>
internal readonly struct IpAddressKey
{
    public IpAddressKey(IPAddress address)
    {
        IsIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        Value = IpCidr.ToUInt128(address);
    }

    public bool IsIPv6 { get; }

    public UInt128 Value { get; }
}
