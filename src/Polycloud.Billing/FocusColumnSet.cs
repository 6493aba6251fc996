using System.Collections;
using System.Collections.Frozen;
using System.Numerics;

namespace Polycloud.Billing;

/// <summary>
/// An immutable set of FOCUS 1.2 column names (those of <see cref="FocusColumns.All"/>), used to read only some
/// columns of a file (<see cref="FocusReadOptions.Columns"/>) and to say which columns a <see cref="FocusRecord"/>
/// carries (<see cref="FocusRecord.Columns"/>). Names are matched ignoring case and enumerate in the order of
/// <see cref="FocusColumns.All"/>. Instances are thread-safe.
/// </summary>
/// <example>
/// <code>
/// var columns = FocusColumnSet.Of("ProviderName", "ServiceName", "ChargePeriodStart", "BillingCurrency", "EffectiveCost");
/// await foreach (var row in FocusReader.ReadAsync("focus.csv", new FocusReadOptions { Columns = columns }))
/// {
///     total += row.EffectiveCost; // row.ResourceId, row.Tags, ... were not read: null (empty for Tags)
/// }
/// </code>
/// </example>
public sealed class FocusColumnSet : IReadOnlyCollection<string>, IEquatable<FocusColumnSet>
{
    private static readonly FrozenDictionary<string, int> Positions =
        FocusColumns.All.Select((c, i) => (c.Name, i)).ToFrozenDictionary(p => p.Name, p => p.i, StringComparer.OrdinalIgnoreCase);

    private static readonly ulong AllBits = FocusColumns.All.Count == 64 ? ulong.MaxValue : (1UL << FocusColumns.All.Count) - 1;

    private readonly ulong _bits;

    private FocusColumnSet(ulong bits) => _bits = bits;

    /// <summary>Every FOCUS 1.2 column: what a read without <see cref="FocusReadOptions.Columns"/> produces.</summary>
    public static FocusColumnSet All { get; } = new(AllBits);

    /// <summary>No column.</summary>
    public static FocusColumnSet Empty { get; } = new(0);

    /// <summary>A set of FOCUS 1.2 columns, by name (ignoring case).</summary>
    /// <param name="columnNames">Names from <see cref="FocusColumns.All"/>, for example <c>EffectiveCost</c> or <c>Tags</c>.</param>
    /// <returns>The set.</returns>
    /// <exception cref="CloudException">
    /// <see cref="CloudErrorCode.InvalidArgument"/> when a name is null, empty or not a FOCUS 1.2 column.
    /// </exception>
    public static FocusColumnSet Of(params IEnumerable<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ulong bits = 0;
        foreach (var name in columnNames)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw CloudException.InvalidArgument(nameof(columnNames), "Column names must not be null or empty.");
            }

            if (!Positions.TryGetValue(name, out int position))
            {
                throw CloudException.InvalidArgument(
                    nameof(columnNames),
                    $"'{name}' is not a FOCUS 1.2 column: use the names of FocusColumns.All (for example 'EffectiveCost', 'ProviderName' or 'Tags').");
            }

            bits |= 1UL << position;
        }

        return FromBits(bits);
    }

    /// <summary>Number of columns in the set.</summary>
    public int Count => BitOperations.PopCount(_bits);

    /// <summary>True when the set holds every FOCUS 1.2 column.</summary>
    public bool IsAll => _bits == AllBits;

    /// <summary>True when the set holds the column (ignoring case); false for names FOCUS does not define.</summary>
    /// <param name="columnName">Column name.</param>
    /// <returns>Whether the column is in the set.</returns>
    public bool Contains(string columnName) =>
        columnName is not null && Positions.TryGetValue(columnName, out int position) && (_bits & (1UL << position)) != 0;

    /// <summary>True when every column of <paramref name="other"/> is in this set.</summary>
    /// <param name="other">Another set.</param>
    /// <returns>Whether this set contains <paramref name="other"/>.</returns>
    public bool IsSupersetOf(FocusColumnSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (other._bits & ~_bits) == 0;
    }

    /// <summary>The columns of both sets.</summary>
    /// <param name="other">Another set.</param>
    /// <returns>The union.</returns>
    public FocusColumnSet Union(FocusColumnSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FromBits(_bits | other._bits);
    }

    /// <summary>The columns of both sets.</summary>
    /// <param name="columnNames">More column names (validated as in <see cref="Of"/>).</param>
    /// <returns>The union.</returns>
    public FocusColumnSet Union(params IEnumerable<string> columnNames) => Union(Of(columnNames));

    /// <summary>The columns of this set that are not in <paramref name="other"/>.</summary>
    /// <param name="other">Another set.</param>
    /// <returns>The difference.</returns>
    public FocusColumnSet Except(FocusColumnSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FromBits(_bits & ~other._bits);
    }

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < FocusColumns.All.Count; i++)
        {
            if ((_bits & (1UL << i)) != 0)
            {
                yield return FocusColumns.All[i].Name;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(FocusColumnSet? other) => other is not null && other._bits == _bits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FocusColumnSet);

    /// <inheritdoc />
    public override int GetHashCode() => _bits.GetHashCode();

    /// <summary>The column names, comma-separated (or <c>(all FOCUS columns)</c>).</summary>
    /// <returns>A description of the set.</returns>
    public override string ToString() => IsAll ? "(all FOCUS columns)" : string.Join(", ", this);

    private static FocusColumnSet FromBits(ulong bits) => bits == AllBits ? All : bits == 0 ? Empty : new FocusColumnSet(bits);
}
