namespace Polycloud;

/// <summary>The three states of one field of a <see cref="ResourceLocation"/>.</summary>
public enum LocationValueState
{
    /// <summary>The provider could not say, or the driver did not report it; <see cref="LocationValue.UnknownReason"/> says why.</summary>
    Unknown = 0,

    /// <summary>The provider reported the value.</summary>
    Known,

    /// <summary>The concept does not apply to this resource (for example replication of an in-process queue).</summary>
    NotApplicable,
}

/// <summary>
/// One field of a <see cref="ResourceLocation"/>: a known value, an unknown value with the reason, or not applicable.
/// An unknown value is never an empty string: <see cref="Value"/> is <see langword="null"/> and
/// <see cref="UnknownReason"/> says why. The default value is unknown ("not reported").
/// </summary>
public readonly struct LocationValue : IEquatable<LocationValue>
{
    private const string NotReported = "not reported";
    private readonly string? _value;
    private readonly string? _reason;
    private readonly bool _notApplicable;

    private LocationValue(string? value, string? reason, bool notApplicable)
    {
        _value = value;
        _reason = reason;
        _notApplicable = notApplicable;
    }

    /// <summary>A value that does not apply to the resource.</summary>
    public static LocationValue NotApplicable { get; } = new(null, null, notApplicable: true);

    /// <summary>The state.</summary>
    public LocationValueState State => _value is not null ? LocationValueState.Known : _notApplicable ? LocationValueState.NotApplicable : LocationValueState.Unknown;

    /// <summary><see langword="true"/> when the value is known.</summary>
    public bool IsKnown => _value is not null;

    /// <summary>The value when known, otherwise <see langword="null"/>.</summary>
    public string? Value => _value;

    /// <summary>Why the value is unknown, when it is; otherwise <see langword="null"/>.</summary>
    public string? UnknownReason => State == LocationValueState.Unknown ? _reason ?? NotReported : null;

    /// <summary>A known value.</summary>
    /// <param name="value">The value: not empty.</param>
    /// <returns>The field.</returns>
    public static LocationValue Known(string value)
        => string.IsNullOrWhiteSpace(value)
            ? throw CloudException.InvalidArgument(nameof(value), "a known location value must not be empty; use LocationValue.Unknown(reason) instead.")
            : new LocationValue(value, null, notApplicable: false);

    /// <summary>An unknown value and the reason.</summary>
    /// <param name="reason">Why the value is unknown, for people (for example "the data plane does not report it; set 'location'").</param>
    /// <returns>The field.</returns>
    public static LocationValue Unknown(string reason)
        => new(null, string.IsNullOrWhiteSpace(reason) ? NotReported : reason, notApplicable: false);

    /// <summary>A known value when <paramref name="value"/> is not empty, otherwise unknown with <paramref name="reasonIfMissing"/>.</summary>
    /// <param name="value">The value or <see langword="null"/>.</param>
    /// <param name="reasonIfMissing">The reason when it is missing.</param>
    /// <returns>The field.</returns>
    public static LocationValue KnownOrUnknown(string? value, string reasonIfMissing)
        => string.IsNullOrWhiteSpace(value) ? Unknown(reasonIfMissing) : Known(value);

    /// <inheritdoc/>
    public bool Equals(LocationValue other) => State == other.State && _value == other._value && UnknownReason == other.UnknownReason;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LocationValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(State, _value, UnknownReason);

    /// <summary>The value; <c>unknown (reason)</c> when unknown; <c>-</c> when not applicable.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => State switch
    {
        LocationValueState.Known => _value!,
        LocationValueState.NotApplicable => "-",
        _ => $"unknown ({UnknownReason})",
    };

    /// <summary>Compares two fields.</summary>
    /// <param name="left">The left field.</param>
    /// <param name="right">The right field.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(LocationValue left, LocationValue right) => left.Equals(right);

    /// <summary>Compares two fields.</summary>
    /// <param name="left">The left field.</param>
    /// <param name="right">The right field.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(LocationValue left, LocationValue right) => !left.Equals(right);
}
