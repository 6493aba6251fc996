using System.Data.Common;
using DuckDB.NET.Data;

namespace Polycloud.Billing;

/// <summary>
/// Optional SQL engine for FOCUS data too large to stream comfortably: DuckDB (in-process) queries Parquet or CSV
/// files in place, in parallel and out of core. The files are exposed as a view named <c>focus</c>.
/// </summary>
/// <example>
/// <code>
/// await using var engine = await DuckDbFocusEngine.OpenAsync("exports/*.parquet");
/// var table = await engine.QueryAsync("SELECT ProviderName, SUM(EffectiveCost) AS cost FROM focus GROUP BY 1");
/// </code>
/// </example>
public sealed class DuckDbFocusEngine : IAsyncDisposable
{
    private readonly DuckDBConnection _connection;

    private DuckDbFocusEngine(DuckDBConnection connection) => _connection = connection;

    /// <summary>Opens an in-memory DuckDB database with a <c>focus</c> view over the given FOCUS files.</summary>
    /// <param name="pathOrGlob">A Parquet or CSV file, or a glob such as <c>exports/*.parquet</c> (gzip CSV is read too).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The engine.</returns>
    public static async Task<DuckDbFocusEngine> OpenAsync(string pathOrGlob, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(pathOrGlob))
        {
            throw CloudException.InvalidArgument(nameof(pathOrGlob), "A file path or glob is required.");
        }

        if (pathOrGlob.Contains('\'', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument(nameof(pathOrGlob), "The path must not contain a single quote.");
        }

        var connection = new DuckDBConnection("Data Source=:memory:");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var reader = pathOrGlob.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? $"read_parquet('{pathOrGlob}', union_by_name = true)"
            : $"read_csv('{pathOrGlob}', header = true, union_by_name = true, nullstr = ['', 'NULL', 'null'])";
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = $"CREATE VIEW focus AS SELECT * FROM {reader}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new DuckDbFocusEngine(connection);
    }

    /// <summary>Runs SQL against the <c>focus</c> view and returns the whole result.</summary>
    /// <param name="sql">A DuckDB SQL query.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The result as a table.</returns>
    public async Task<SqlResultTable> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw CloudException.InvalidArgument(nameof(sql), "A SQL query is required.");
        }

        var command = _connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var headers = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
                var rows = new List<IReadOnlyList<object?>>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(ReadRow(reader));
                }

                return new SqlResultTable(headers, rows);
            }
        }
    }

    /// <summary>Total effective cost per provider (the same figure the streaming <see cref="CostQuery"/> gives).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Provider, currency and cost.</returns>
    public Task<SqlResultTable> TotalsByProviderAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT ProviderName, BillingCurrency, SUM(CAST(EffectiveCost AS DECIMAL(38, 18))) AS EffectiveCost, COUNT(*) AS \"Rows\" " +
                   "FROM focus GROUP BY ALL ORDER BY EffectiveCost DESC", cancellationToken);

    private static object?[] ReadRow(DbDataReader reader)
    {
        var values = new object?[reader.FieldCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
            {
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                var v => v,
            };
        }

        return values;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);
}

/// <summary>Result of a SQL query.</summary>
/// <param name="Headers">Column names.</param>
/// <param name="Items">Rows of values (decimals, numbers, strings, timestamps, nulls).</param>
public sealed record SqlResultTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Items) : ITabularReport
{
    /// <inheritdoc />
    IEnumerable<IReadOnlyList<object?>> ITabularReport.Rows => Items;
}
