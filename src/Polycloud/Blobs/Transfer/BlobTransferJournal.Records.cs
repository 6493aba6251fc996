using Microsoft.Data.Sqlite;
using Polycloud.Blobs.Drivers;

namespace Polycloud.Blobs.Transfer;

/// <content>The records the transfer engine reads and writes.</content>
public sealed partial class BlobTransferJournal
{
    internal sealed record Upload(string DestinationKey, string UploadId, string? SourceETag, long PartSize, IReadOnlyList<(BlobUploadedPart Part, byte[]? Md5)> Parts);

    /// <summary>Ties the journal to a plan. When it held another plan, that plan's records are dropped and its uploads returned (to abort).</summary>
    internal async Task<IReadOnlyList<Upload>> BeginAsync(string planId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string? current = await ScalarAsync("SELECT plan_id FROM plan WHERE id = 1", null, cancellationToken).ConfigureAwait(false) as string;
            if (string.Equals(current, planId, StringComparison.Ordinal))
            {
                return [];
            }

            var stale = current is null ? [] : await ReadUploadsAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("DELETE FROM done; DELETE FROM uploads; DELETE FROM parts; INSERT OR REPLACE INTO plan (id, plan_id, started) VALUES (1, $p, $t);",
                c =>
                {
                    c.Parameters.AddWithValue("$p", planId);
                    c.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                }, cancellationToken).ConfigureAwait(false);
            return stale;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task<HashSet<string>> DoneAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            await using var c = _connection.CreateCommand();
            c.CommandText = "SELECT item FROM done";
            await using var r = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                done.Add(r.GetString(0));
            }

            return done;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal Task MarkDoneAsync(string item, string outcome, CancellationToken cancellationToken)
        => LockedAsync("INSERT OR REPLACE INTO done (item, outcome) VALUES ($i, $o)", c =>
        {
            c.Parameters.AddWithValue("$i", item);
            c.Parameters.AddWithValue("$o", outcome);
        }, cancellationToken);

    internal Task SaveUploadAsync(string destinationKey, string uploadId, string? sourceETag, long partSize, CancellationToken cancellationToken)
        => LockedAsync("DELETE FROM parts WHERE destination_key = $k; INSERT OR REPLACE INTO uploads (destination_key, upload_id, source_etag, part_size) VALUES ($k, $u, $e, $s)", c =>
        {
            c.Parameters.AddWithValue("$k", destinationKey);
            c.Parameters.AddWithValue("$u", uploadId);
            c.Parameters.AddWithValue("$e", (object?)sourceETag ?? DBNull.Value);
            c.Parameters.AddWithValue("$s", partSize);
        }, cancellationToken);

    internal Task SavePartAsync(string destinationKey, BlobUploadedPart part, byte[] md5, CancellationToken cancellationToken)
        => LockedAsync("INSERT OR REPLACE INTO parts (destination_key, part_number, size, etag, md5) VALUES ($k, $n, $s, $e, $m)", c =>
        {
            c.Parameters.AddWithValue("$k", destinationKey);
            c.Parameters.AddWithValue("$n", part.PartNumber);
            c.Parameters.AddWithValue("$s", part.Size);
            c.Parameters.AddWithValue("$e", part.ETag);
            c.Parameters.AddWithValue("$m", md5);
        }, cancellationToken);

    internal Task RemoveUploadAsync(string destinationKey, CancellationToken cancellationToken)
        => LockedAsync("DELETE FROM parts WHERE destination_key = $k; DELETE FROM uploads WHERE destination_key = $k", c => c.Parameters.AddWithValue("$k", destinationKey), cancellationToken);

    internal async Task<IReadOnlyList<Upload>> UploadsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadUploadsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<Upload>> ReadUploadsAsync(CancellationToken cancellationToken)
    {
        var uploads = new List<(string Key, string Id, string? ETag, long PartSize)>();
        await using (var c = _connection.CreateCommand())
        {
            c.CommandText = "SELECT destination_key, upload_id, source_etag, part_size FROM uploads ORDER BY destination_key";
            await using var r = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                uploads.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3)));
            }
        }

        var result = new List<Upload>(uploads.Count);
        foreach (var u in uploads)
        {
            var parts = new List<(BlobUploadedPart, byte[]?)>();
            await using var c = _connection.CreateCommand();
            c.CommandText = "SELECT part_number, size, etag, md5 FROM parts WHERE destination_key = $k ORDER BY part_number";
            c.Parameters.AddWithValue("$k", u.Key);
            await using var r = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                parts.Add((new BlobUploadedPart(r.GetInt32(0), r.GetInt64(1), r.GetString(2)), r.IsDBNull(3) ? null : (byte[])r.GetValue(3)));
            }

            result.Add(new Upload(u.Key, u.Id, u.ETag, u.PartSize, parts));
        }

        return result;
    }

    private async Task LockedAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(sql, bind, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ExecuteAsync(string sql, Action<SqliteCommand>? bind, CancellationToken cancellationToken)
    {
        await using var c = _connection.CreateCommand();
        c.CommandText = sql;
        bind?.Invoke(c);
        await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(string sql, Action<SqliteCommand>? bind, CancellationToken cancellationToken)
    {
        await using var c = _connection.CreateCommand();
        c.CommandText = sql;
        bind?.Invoke(c);
        return await c.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
