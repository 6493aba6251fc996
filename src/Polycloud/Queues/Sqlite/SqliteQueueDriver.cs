using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Polycloud.Queues.Drivers;

namespace Polycloud.Queues.Sqlite;

/// <summary>
/// A durable local queue in a SQLite database file: messages survive a process restart, and several processes on the
/// same machine can share the file (SQLite locking; write-ahead log). One file holds any number of named queues.
/// Opened as <c>sqlite:///var/data/queues.db?queue=orders</c>; <c>create=false</c> makes a missing queue an error
/// (NotFound) instead of creating it.
/// </summary>
public sealed partial class SqliteQueueDriver : IQueueDriver, Polycloud.Drivers.IResourceLocationProvider
{
    internal static readonly QueueCapabilities SqliteCapabilities = new()
    {
        MaxMessageSize = 1024 * 1024,
        MaxAttributes = 100,
        MaxLease = TimeSpan.FromDays(7),
        MaxDelay = TimeSpan.FromDays(7),
        MaxReceiveBatch = 32,
        MaxSendBatch = 500,
        MaxNativeWait = TimeSpan.Zero,
        NativeDeadLetter = false,
        DetectsStaleLease = true,
        Ordering = "first-in-first-out (best effort: redelivered messages keep their place)",
    };

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS polycloud_queues (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS polycloud_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            id TEXT NOT NULL UNIQUE,
            body BLOB NOT NULL,
            attributes TEXT NULL,
            group_id TEXT NULL,
            enqueued_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL DEFAULT 0,
            lease_token TEXT NULL);
        CREATE INDEX IF NOT EXISTS polycloud_messages_visible ON polycloud_messages (queue, visible_at, seq);
        """;

    private readonly string _connectionString;
    private readonly bool _create;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Opens a queue in a SQLite database file. No file is touched until the first operation.</summary>
    /// <param name="databasePath">The database file; created (with its directory) when <paramref name="create"/> is set.</param>
    /// <param name="queueName">The queue name inside the file.</param>
    /// <param name="create">Create the file and the queue when missing (default); otherwise a missing queue is NotFound.</param>
    public SqliteQueueDriver(string databasePath, string queueName = "default", bool create = true)
        : this(databasePath, queueName, create, TimeProvider.System)
    {
    }

    /// <summary>Opens a queue in a SQLite database file on the given clock. No file is touched until the first operation.</summary>
    /// <param name="databasePath">The database file; created (with its directory) when <paramref name="create"/> is set.</param>
    /// <param name="queueName">The queue name inside the file.</param>
    /// <param name="create">Create the file and the queue when missing; otherwise a missing queue is NotFound.</param>
    /// <param name="timeProvider">The clock that times leases and delays (tests pass a fake one).</param>
    public SqliteQueueDriver(string databasePath, string queueName, bool create, TimeProvider timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        if (string.IsNullOrEmpty(databasePath))
        {
            throw CloudException.InvalidArgument(nameof(databasePath), "a database file path is required.");
        }

        if (string.IsNullOrEmpty(queueName) || queueName.Length > 256)
        {
            throw CloudException.InvalidArgument(nameof(queueName), "a queue name of 1 to 256 characters is required.");
        }

        DatabasePath = Path.GetFullPath(databasePath);
        QueueName = queueName;
        _create = create;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc/>
    public string ProviderName => "sqlite";

    /// <inheritdoc/>
    public string QueueName { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc/>
    public QueueCapabilities Capabilities => SqliteCapabilities;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO polycloud_messages (queue, id, body, attributes, group_id, enqueued_at, visible_at) VALUES ($q, $id, $body, $attrs, $group, $now, $visible)";
        var pQueue = cmd.Parameters.Add("$q", SqliteType.Text);
        var pId = cmd.Parameters.Add("$id", SqliteType.Text);
        var pBody = cmd.Parameters.Add("$body", SqliteType.Blob);
        var pAttrs = cmd.Parameters.Add("$attrs", SqliteType.Text);
        var pGroup = cmd.Parameters.Add("$group", SqliteType.Text);
        var pNow = cmd.Parameters.Add("$now", SqliteType.Integer);
        var pVisible = cmd.Parameters.Add("$visible", SqliteType.Integer);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        pQueue.Value = QueueName;
        pNow.Value = now;
        var ids = new string[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            ids[i] = Guid.NewGuid().ToString("N");
            pId.Value = ids[i];
            pBody.Value = m.Body.ToMemory().ToArray();
            pAttrs.Value = m.Attributes.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(m.Attributes as Dictionary<string, string> ?? new Dictionary<string, string>(m.Attributes), SqliteQueueJsonContext.Default.DictionaryStringString);
            pGroup.Value = (object?)m.GroupId ?? DBNull.Value;
            pVisible.Value = now + (long)(m.Delay ?? TimeSpan.Zero).TotalMilliseconds;
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            UPDATE polycloud_messages
            SET visible_at = $until, delivery_count = delivery_count + 1, lease_token = lower(hex(randomblob(16)))
            WHERE seq IN (SELECT seq FROM polycloud_messages WHERE queue = $q AND visible_at <= $now ORDER BY seq LIMIT $n)
            RETURNING seq, id, body, attributes, group_id, enqueued_at, delivery_count, lease_token
            """;
        var now = _time.GetUtcNow();
        long until = (now + leaseDuration).ToUnixTimeMilliseconds();
        cmd.Parameters.AddWithValue("$until", until);
        cmd.Parameters.AddWithValue("$q", QueueName);
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$n", maxMessages);
        var rows = new List<(long Seq, ReceivedMessage Message)>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                IReadOnlyDictionary<string, string> attributes = reader.IsDBNull(3)
                    ? EmptyAttributes
                    : JsonSerializer.Deserialize(reader.GetString(3), SqliteQueueJsonContext.Default.DictionaryStringString)!.AsReadOnly();
                var message = new ReceivedMessage(
                    reader.GetString(1),
                    reader.GetString(7),
                    new BinaryData((byte[])reader.GetValue(2)),
                    attributes,
                    reader.GetInt32(6),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                    DateTimeOffset.FromUnixTimeMilliseconds(until))
                {
                    GroupId = reader.IsDBNull(4) ? null : reader.GetString(4),
                };
                rows.Add((reader.GetInt64(0), message));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        rows.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        var result = new ReceivedMessage[rows.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = rows[i].Message;
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM polycloud_messages WHERE queue = $q AND id = $id AND lease_token = $t";
        cmd.Parameters.AddWithValue("$q", QueueName);
        cmd.Parameters.AddWithValue("$id", message.MessageId);
        cmd.Parameters.AddWithValue("$t", message.LeaseToken);
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0
            && await ExistsAsync(connection, message.MessageId, cancellationToken).ConfigureAwait(false))
        {
            throw StaleLease(message, "complete");
        }
    }

    /// <inheritdoc/>
    public async Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = visibleAfter == TimeSpan.Zero
            ? "UPDATE polycloud_messages SET visible_at = $v, lease_token = NULL WHERE queue = $q AND id = $id AND lease_token = $t"
            : "UPDATE polycloud_messages SET visible_at = $v WHERE queue = $q AND id = $id AND lease_token = $t";
        cmd.Parameters.AddWithValue("$v", (_time.GetUtcNow() + visibleAfter).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$q", QueueName);
        cmd.Parameters.AddWithValue("$id", message.MessageId);
        cmd.Parameters.AddWithValue("$t", message.LeaseToken);
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            if (await ExistsAsync(connection, message.MessageId, cancellationToken).ConfigureAwait(false))
            {
                throw StaleLease(message, "change the lease of");
            }

            throw new CloudException(CloudErrorCode.NotFound, $"sqlite: message '{message.MessageId}' is no longer in '{QueueName}' (it was completed).", ProviderName);
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM polycloud_queues WHERE name = $q), (SELECT COUNT(*) FROM polycloud_messages WHERE queue = $q)";
        cmd.Parameters.AddWithValue("$q", QueueName);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reader.GetInt64(0) == 0)
        {
            throw MissingQueue();
        }

        return new QueueProperties { ApproximateMessageCount = reader.GetInt64(1) };
    }

    /// <inheritdoc/>
    public bool IsSameQueue(IQueueDriver other)
        => ReferenceEquals(this, other)
            || (other is SqliteQueueDriver s
                && string.Equals(DatabasePath, s.DatabasePath, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
                && string.Equals(QueueName, s.QueueName, StringComparison.Ordinal));

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception)
        => exception switch
        {
            SqliteException { SqliteErrorCode: 5 or 6 } => CloudErrorCode.Unavailable, // SQLITE_BUSY, SQLITE_LOCKED
            SqliteException { SqliteErrorCode: 8 or 23 } => CloudErrorCode.PermissionDenied, // SQLITE_READONLY, SQLITE_AUTH
            SqliteException { SqliteErrorCode: 14 } => CloudErrorCode.NotFound, // SQLITE_CANTOPEN
            SqliteException { SqliteErrorCode: 13 or 10 } => CloudErrorCode.Unavailable, // SQLITE_FULL, SQLITE_IOERR
            SqliteException => CloudErrorCode.Internal,
            UnauthorizedAccessException => CloudErrorCode.PermissionDenied,
            IOException => CloudErrorCode.Unavailable,
            _ => CloudErrorCode.Unknown,
        };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _initGate.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>().AsReadOnly();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            if (!_create && !File.Exists(DatabasePath))
            {
                throw MissingQueue();
            }

            if (_create && Path.GetDirectoryName(DatabasePath) is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Schema;
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            cmd.Parameters.AddWithValue("$q", QueueName);
            cmd.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            if (_create)
            {
                cmd.CommandText = "INSERT OR IGNORE INTO polycloud_queues (name, created_at) VALUES ($q, $now)";
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                cmd.CommandText = "SELECT COUNT(*) FROM polycloud_queues WHERE name = $q";
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    throw MissingQueue();
                }
            }

            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    private async Task<bool> ExistsAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM polycloud_messages WHERE queue = $q AND id = $id";
        cmd.Parameters.AddWithValue("$q", QueueName);
        cmd.Parameters.AddWithValue("$id", id);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private CloudException MissingQueue()
        => new(CloudErrorCode.NotFound, $"sqlite: the queue '{QueueName}' does not exist in '{DatabasePath}' (opened with create=false).", ProviderName);

    private CloudException StaleLease(ReceivedMessage message, string operation)
        => new(CloudErrorCode.PreconditionFailed, $"sqlite: cannot {operation} message '{message.MessageId}' in '{QueueName}': its lease expired and it was delivered again (or abandoned); this receipt is stale and the message will be processed again.", ProviderName);
}

/// <summary>Source-generated JSON for the SQLite queue's attribute column.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqliteQueueJsonContext : JsonSerializerContext;

/// <summary>Opens <c>sqlite:///path/to/file.db?queue=name</c> queues (<c>queue</c> defaults to <c>default</c>;
/// <c>create=false</c> requires the file and queue to exist).</summary>
public sealed class SqliteQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["sqlite"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        string queue = url.Get("queue") ?? "default";
        bool create = url.GetBoolean("create", true);
        url.ThrowIfUnknownSettings("sqlite");
        if (url.Host.Length > 0 && url.Host != "localhost")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' names the host '{url.Host}'; a SQLite queue URL needs an absolute file path, as in 'sqlite:///var/data/queues.db?queue=orders' (three slashes).");
        }

        if (url.Path.Length <= 1)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no database file path; write 'sqlite:///absolute/path/queues.db?queue=orders'.");
        }

        return new SqliteQueueDriver(url.Path, queue, create, services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System);
    }
}
