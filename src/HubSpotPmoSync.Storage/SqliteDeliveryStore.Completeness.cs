using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Storage;

/// <summary>The completeness check's part of the store: stored ids in numeric order, and the rolling positions (migration 0013).</summary>
public sealed partial class SqliteDeliveryStore : ICompletenessStore
{
    public Task<KindSize> GetSizeAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT COUNT(*), COALESCE(SUM(archived), 0) FROM crm_records WHERE object_type = $type;";
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                using var reader = cmd.ExecuteReader();
                reader.Read();
                return new KindSize(kind, reader.GetInt64(0), reader.GetInt64(1));
            },
            new KindSize(kind, 0, 0)));
    }

    public Task<IReadOnlyList<StoredId>> GetIdsAsync(EntityKind kind, string? afterId, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<StoredId> empty = [];
        return Task.FromResult(Read(
            c =>
            {
                // Numeric order of HubSpot's numeric ids: by length, then as text (as the export sorts them).
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT id, archived FROM crm_records
                    WHERE object_type = $type
                      AND ($after IS NULL OR length(id) > length($after) OR (length(id) = length($after) AND id > $after))
                    ORDER BY length(id), id
                    LIMIT $limit;
                    """;
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                cmd.Parameters.AddWithValue("$after", (object?)afterId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$limit", Math.Max(0, limit));
                using var reader = cmd.ExecuteReader();
                var ids = new List<StoredId>();
                while (reader.Read())
                {
                    ids.Add(new StoredId(reader.GetString(0), reader.GetInt64(1) == 1));
                }

                return (IReadOnlyList<StoredId>)ids;
            },
            empty));
    }

    public Task<CompletenessPosition?> GetPositionAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(
            c =>
            {
                if (!HasPositions(c))
                {
                    return null;
                }

                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT after_id, checked, total, pass_started_at, last_check_at, last_pass_completed_at, last_calls, pass_every_ms
                    FROM completeness_positions WHERE object_type = $type;
                    """;
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                using var reader = cmd.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                return new CompletenessPosition(
                    kind,
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : Instant(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : Instant(reader.GetString(4)),
                    reader.IsDBNull(5) ? null : Instant(reader.GetString(5)),
                    reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(7)));
            },
            (CompletenessPosition?)null));
    }

    public Task SavePositionAsync(CompletenessPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Writer();
            using var cmd = _writer!.CreateCommand();
            cmd.CommandText = """
                INSERT INTO completeness_positions
                    (object_type, after_id, checked, total, pass_started_at, last_check_at, last_pass_completed_at, last_calls, pass_every_ms)
                VALUES ($type, $after, $checked, $total, $started, $check, $completed, $calls, $every)
                ON CONFLICT (object_type) DO UPDATE SET
                    after_id = excluded.after_id, checked = excluded.checked, total = excluded.total,
                    pass_started_at = excluded.pass_started_at, last_check_at = excluded.last_check_at,
                    last_pass_completed_at = excluded.last_pass_completed_at, last_calls = excluded.last_calls,
                    pass_every_ms = excluded.pass_every_ms;
                """;
            cmd.Parameters.AddWithValue("$type", position.Kind.Plural());
            cmd.Parameters.AddWithValue("$after", (object?)position.AfterId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$checked", position.Checked);
            cmd.Parameters.AddWithValue("$total", position.Total);
            cmd.Parameters.AddWithValue("$started", position.PassStartedAt is { } s ? Text(s) : DBNull.Value);
            cmd.Parameters.AddWithValue("$check", position.LastCheckAt is { } k ? Text(k) : DBNull.Value);
            cmd.Parameters.AddWithValue("$completed", position.LastPassCompletedAt is { } d ? Text(d) : DBNull.Value);
            cmd.Parameters.AddWithValue("$calls", position.LastCalls);
            cmd.Parameters.AddWithValue("$every", position.PassEvery is { } e ? (long)e.TotalMilliseconds : DBNull.Value);
            cmd.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    // A database read before its migration to 0013 (a read-only status against an older file) has no positions yet.
    private static bool HasPositions(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'completeness_positions';";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
