using System.Text;
using System.Text.Json;

namespace Polycloud.Billing.Internal;

/// <summary>
/// Newline-delimited JSON rows (BigQuery's JSON export). Nested objects are flattened to dotted names
/// (<c>service.description</c>); arrays (labels, credits) are kept as their JSON text.
/// </summary>
internal sealed class JsonLinesRawTable : RawTable
{
    private readonly StreamReader _reader;
    private readonly List<string> _columns;
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private string?[] _values;
    private readonly StringPool _pool = new();
    private string? _pendingLine;

    private JsonLinesRawTable(StreamReader reader, IEnumerable<string> knownColumns)
    {
        _reader = reader;
        _columns = [];
        foreach (var c in knownColumns)
        {
            AddColumn(c);
        }

        _values = new string?[_columns.Count];
    }

    public static async ValueTask<JsonLinesRawTable> OpenAsync(Stream stream, IEnumerable<string> knownColumns, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: false);
        var table = new JsonLinesRawTable(reader, knownColumns);

        // The first object defines any columns beyond the known schema (for example custom export fields).
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        while (line is not null && string.IsNullOrWhiteSpace(line));

        if (line is not null)
        {
            using var doc = JsonDocument.Parse(line);
            foreach (var (name, _) in Flatten(doc.RootElement))
            {
                table.AddColumn(name);
            }

            table._values = new string?[table._columns.Count];
            table._pendingLine = line;
        }

        return table;
    }

    private void AddColumn(string name)
    {
        if (_index.TryAdd(name, _columns.Count))
        {
            _columns.Add(name);
        }
    }

    public override IReadOnlyList<string> Columns => _columns;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        string? line = _pendingLine;
        _pendingLine = null;
        while (line is null || string.IsNullOrWhiteSpace(line))
        {
            line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return false;
            }
        }

        RowNumber++;
        Array.Clear(_values);
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                Fill(doc.RootElement, string.Empty);
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Line {RowNumber}: not a JSON object ({ex.Message}).", ex);
        }

        return true;
    }

    private bool[]? _requested;

    public override void Project(IEnumerable<int> columns)
    {
        _requested = new bool[_columns.Count];
        foreach (var c in columns)
        {
            if (c >= 0 && c < _requested.Length)
            {
                _requested[c] = true;
            }
        }
    }

    /// <summary>Stores the values of the current object's known (and requested) columns; others are not decoded.</summary>
    private void Fill(JsonElement element, string prefix)
    {
        foreach (var p in element.EnumerateObject())
        {
            var name = prefix.Length == 0 ? p.Name : prefix + "." + p.Name;
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Fill(p.Value, name);
            }
            else if (_index.TryGetValue(name, out int i) && (_requested is null || _requested[i]))
            {
                _values[i] = ValueText(p.Value);
            }
        }
    }

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    internal static IEnumerable<(string Name, string? Value)> Flatten(JsonElement element, string prefix = "")
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var p in element.EnumerateObject())
        {
            var name = prefix.Length == 0 ? p.Name : prefix + "." + p.Name;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var nested in Flatten(p.Value, name))
                    {
                        yield return nested;
                    }

                    break;
                case JsonValueKind.Array:
                    yield return (name, p.Value.GetRawText());
                    break;
                case JsonValueKind.Null:
                    yield return (name, null);
                    break;
                case JsonValueKind.String:
                    yield return (name, p.Value.GetString());
                    break;
                default:
                    yield return (name, p.Value.GetRawText());
                    break;
            }
        }
    }

    public override string? GetRawText(int column) => _values[column];

    public override bool IsNull(int column) => _values[column] is null || ValueParser.IsNull(_values[column].AsSpan().Trim());

    public override string? GetString(int column) => IsNull(column) ? null : _pool.Get(_values[column].AsSpan().Trim());

    public override decimal? GetDecimal(int column)
    {
        try
        {
            return ValueParser.ParseDecimal(_values[column]);
        }
        catch (FormatException ex)
        {
            throw Bad(column, ex);
        }
    }

    public override DateTimeOffset? GetDateTime(int column)
    {
        try
        {
            return ValueParser.ParseDateTime(_values[column]);
        }
        catch (FormatException ex)
        {
            throw Bad(column, ex);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
