using System.Data.Common;

namespace Polycloud.Databases;

/// <summary>A database endpoint: where to connect and as whom (never the password).</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Database">The database name.</param>
/// <param name="User">The user name.</param>
public sealed record DatabaseEndpoint(string Host, int Port, string Database, string User)
{
    /// <inheritdoc/>
    public override string ToString() => $"{User}@{Host}:{Port}/{Database}";
}

/// <summary>
/// Gives passwords (static, or short-lived IAM tokens) for a database. Token sources are asked again before the
/// token expires, without dropping the connection pool; passwords never appear in logs or exception messages.
/// </summary>
public interface IDatabasePasswordSource
{
    /// <summary>How often to fetch a new password, or <see langword="null"/> when the password never changes.</summary>
    TimeSpan? RefreshInterval { get; }

    /// <summary>Returns the password (or token) to connect to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint being connected to (the primary or a reader).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The password.</returns>
    ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken);
}

/// <summary>
/// An authentication mode for databases (<c>auth=password</c>, <c>auth=aws-iam</c>, <c>auth=azure-entra</c>,
/// <c>auth=gcp-iam</c>). Provider packages register theirs with <c>AddAws()</c>, <c>AddAzure()</c>, <c>AddGoogle()</c>.
/// </summary>
public interface IDatabaseAuthProvider
{
    /// <summary>The value of the <c>auth</c> setting this provider handles, lower case.</summary>
    string Mode { get; }

    /// <summary>Whether connections with this mode must use TLS with full certificate verification by default.</summary>
    bool RequiresVerifiedTls { get; }

    /// <summary>Creates the password source for one database. Reads its settings from <paramref name="url"/>
    /// (for example <c>region</c>) and makes no network call.</summary>
    /// <param name="url">The database URL with its settings.</param>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <returns>The password source.</returns>
    IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services);
}

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
