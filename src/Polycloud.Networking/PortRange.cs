using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Polycloud.Networking;

/// <summary>
/// An inclusive range of TCP or UDP ports, from 1 to 65535 (for example <c>443</c> or <c>8000-8080</c>).
/// </summary>
public readonly record struct PortRange
{
    /// <summary>The lowest valid port.</summary>
    public const int MinPort = 1;

    /// <summary>The highest valid port.</summary>
    public const int MaxPort = 65535;

    /// <summary>Creates a range, throwing <see cref="CloudException"/> (InvalidArgument) when it is not valid.</summary>
    /// <param name="from">The first port (1–65535).</param>
    /// <param name="to">The last port (1–65535, not below <paramref name="from"/>).</param>
    public PortRange(int from, int to)
    {
        var error = Check(from, to);
        if (error is not null)
        {
            throw CloudException.InvalidArgument("ports", error);
        }

        From = from;
        To = to;
    }

    /// <summary>Every port, 1–65535.</summary>
    public static PortRange All { get; } = new(MinPort, MaxPort);

    /// <summary>The ephemeral ports that return traffic uses in stateless filters, 1024–65535 (the range AWS recommends for network ACLs).</summary>
    public static PortRange Ephemeral { get; } = new(1024, MaxPort);

    /// <summary>The first port.</summary>
    public int From { get; }

    /// <summary>The last port (inclusive).</summary>
    public int To { get; }

    /// <summary><see langword="true"/> when the range covers every port.</summary>
    public bool IsAll => From == MinPort && To == MaxPort;

    /// <summary>A range holding one port.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The range.</returns>
    public static PortRange OnePort(int port) => new(port, port);

    /// <summary>Whether the port is in the range.</summary>
    /// <param name="port">The port.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(int port) => port >= From && port <= To;

    /// <summary>Whether every port of <paramref name="other"/> is in this range.</summary>
    /// <param name="other">The other range.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(PortRange other) => other.From >= From && other.To <= To;

    /// <summary>Whether the ranges share a port.</summary>
    /// <param name="other">The other range.</param>
    /// <returns><see langword="true"/> when they do.</returns>
    public bool Overlaps(PortRange other) => From <= other.To && other.From <= To;

    /// <summary>Parses <c>443</c>, <c>8000-8080</c> or <c>*</c>, throwing <see cref="CloudException"/> (InvalidArgument) naming <paramref name="path"/> on bad input.</summary>
    /// <param name="text">The text.</param>
    /// <param name="path">The field path to name in the error.</param>
    /// <returns>The range.</returns>
    public static PortRange Parse(string text, string path = "ports")
    {
        if (!TryParse(text, out var range, out var error))
        {
            throw CloudException.InvalidArgument(path, error);
        }

        return range;
    }

    /// <summary>Parses <c>443</c>, <c>8000-8080</c> or <c>*</c> and says what is wrong when it is not valid.</summary>
    /// <param name="text">The text.</param>
    /// <param name="range">The range.</param>
    /// <param name="error">Why it is not valid, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(string? text, out PortRange range, [NotNullWhen(false)] out string? error)
    {
        range = default;
        var span = (text ?? string.Empty).AsSpan().Trim();
        if (span is "*")
        {
            range = All;
            error = null;
            return true;
        }

        var dash = span.IndexOf('-');
        var fromText = dash < 0 ? span : span[..dash];
        var toText = dash < 0 ? span : span[(dash + 1)..];
        if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
            !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
        {
            error = $"'{text}' is not a port or port range: use a number (443), a range (8000-8080) or * for all ports.";
            return false;
        }

        error = Check(from, to);
        if (error is not null)
        {
            return false;
        }

        range = new PortRange(from, to);
        return true;
    }

    /// <summary>Says what is wrong with a range, or returns <see langword="null"/> when it is valid.</summary>
    /// <param name="from">The first port.</param>
    /// <param name="to">The last port.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public static string? Check(int from, int to)
    {
        if (from < MinPort || from > MaxPort)
        {
            return $"port {from} is out of range: ports go from {MinPort} to {MaxPort}.";
        }

        if (to < MinPort || to > MaxPort)
        {
            return $"port {to} is out of range: ports go from {MinPort} to {MaxPort}.";
        }

        return from > to ? $"the port range {from}-{to} is reversed: the first port must not be greater than the last." : null;
    }

    /// <inheritdoc/>
    public override string ToString() => IsAll ? "*" : From == To ? From.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
}
