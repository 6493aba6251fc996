using System.Data.Common;

namespace Polycloud.Databases;

/// <summary>The database engines Polycloud opens.</summary>
public enum DatabaseEngine
{
    /// <summary>PostgreSQL through Npgsql.</summary>
    PostgreSql,

    /// <summary>MySQL or MariaDB through MySqlConnector.</summary>
    MySql,

    /// <summary>SQLite through Microsoft.Data.Sqlite: the local embedded default.</summary>
    Sqlite,
}

/// <summary>
/// An opened database: the <see cref="DbDataSource"/> for the primary, and one for read replicas when a reader is
/// configured. Use the data sources with ADO.NET, Dapper or EF Core as usual.
/// </summary>
public sealed class CloudDatabase : IAsyncDisposable, IDisposable
{
    private int _disposed;

    internal CloudDatabase(string name, DatabaseEngine engine, string authMode, DbDataSource primary, DbDataSource? reader, string description)
    {
        Name = name;
        Engine = engine;
        AuthMode = authMode;
        DataSource = primary;
        ReaderDataSource = reader;
        Description = description;
    }

    /// <summary>The configured name (or the database name when opened by URL).</summary>
    public string Name { get; }

    /// <summary>The engine.</summary>
    public DatabaseEngine Engine { get; }

    /// <summary>The authentication mode (<c>password</c>, <c>aws-iam</c>, <c>azure-entra</c>, <c>gcp-iam</c>, <c>none</c>).</summary>
    public string AuthMode { get; }

    /// <summary>The primary's data source: an <c>NpgsqlDataSource</c>, <c>MySqlDataSource</c> or SQLite data source.</summary>
    public DbDataSource DataSource { get; }

    /// <summary>The read replicas' data source when a <c>reader</c> host is configured, else <see langword="null"/>.</summary>
    public DbDataSource? ReaderDataSource { get; }

    /// <summary>The data source for read-only work: the reader when configured, else the primary.</summary>
    public DbDataSource ReadOnlyDataSource => ReaderDataSource ?? DataSource;

    /// <summary>A description safe to log (no password or token).</summary>
    public string Description { get; }

    /// <summary>
    /// Opens a connection to the primary (or the reader), reporting failures as <see cref="CloudException"/> with a
    /// portable code: a rejected password or token is <see cref="CloudErrorCode.Unauthenticated"/>, an unreachable
    /// server <see cref="CloudErrorCode.Unavailable"/>, a missing database <see cref="CloudErrorCode.NotFound"/>.
    /// </summary>
    /// <param name="readOnly">Open on the reader when one is configured.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The open connection.</returns>
    public async Task<DbConnection> OpenConnectionAsync(bool readOnly = false, CancellationToken cancellationToken = default)
    {
        var source = readOnly ? ReadOnlyDataSource : DataSource;
        try
        {
            return await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var code = DatabaseErrors.Classify(ex);
            throw new CloudException(code, $"{EngineName}: could not connect to '{Name}' ({Description}): {code}: {DatabaseErrors.SafeMessage(ex)}", EngineName, ex);
        }
    }

    /// <summary>The escape hatch: the native data source (for example <c>NpgsqlDataSource</c> for EF Core's <c>UseNpgsql</c>).</summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <returns>The primary's data source as <typeparamref name="T"/>.</returns>
    public T As<T>()
        where T : DbDataSource
        => DataSource as T ?? throw CloudException.NotSupported(EngineName, $"the native type {typeof(T).FullName}");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
        if (ReaderDataSource is not null)
        {
            await ReaderDataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Description}";

    private string EngineName => Engine switch
    {
        DatabaseEngine.PostgreSql => "postgresql",
        DatabaseEngine.MySql => "mysql",
        _ => "sqlite",
    };
}
