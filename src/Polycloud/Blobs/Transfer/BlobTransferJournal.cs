using Microsoft.Data.Sqlite;

namespace Polycloud.Blobs.Transfer;

/// <summary>
/// A SQLite file that records a transfer's progress: the plan's identity, the items finished, and every multipart upload
/// in flight with its completed parts. Apply the same plan again with the same journal and finished objects are skipped,
/// uploads resume without sending a finished part again (the parts are confirmed with the provider first), and uploads the
/// plan no longer needs are aborted so that no orphan remains. Open it for another plan and the earlier plan's records
/// are dropped after its uploads are aborted. Safe to use from the concurrent workers of one apply.
/// </summary>
public sealed partial class BlobTransferJournal : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private BlobTransferJournal(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The journal file's path.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates) a journal file.</summary>
    /// <param name="sqlitePath">The SQLite file's path; its directory must exist.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The journal; dispose it.</returns>
    /// <exception cref="CloudException">InvalidArgument for an empty path; Internal when the file is not a journal.</exception>
    public static async Task<BlobTransferJournal> OpenAsync(string sqlitePath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sqlitePath))
        {
            throw CloudException.InvalidArgument(nameof(sqlitePath), "a journal file path is required.");
        }

        var full = System.IO.Path.GetFullPath(sqlitePath);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS plan (id INTEGER PRIMARY KEY CHECK (id = 1), plan_id TEXT NOT NULL, started TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS done (item TEXT PRIMARY KEY, outcome TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS uploads (destination_key TEXT PRIMARY KEY, upload_id TEXT NOT NULL, source_etag TEXT, part_size INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS parts (destination_key TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, md5 BLOB,
                    PRIMARY KEY (destination_key, part_number));
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new CloudException(CloudErrorCode.Internal, $"journal: '{full}' could not be opened as a transfer journal ({e.Message}).", null, e);
        }

        return new BlobTransferJournal(full, connection);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
