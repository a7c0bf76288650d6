using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync.Completeness;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>The completeness check's part of the store: stored ids in numeric order, and the rolling positions (migration 0004).</summary>
internal sealed partial class PostgresDeliveryStore : ICompletenessStore
{
    public Task<KindSize> GetSizeAsync(EntityKind kind, CancellationToken cancellationToken) =>
        ReadAsync(
            async c =>
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT COUNT(*), COALESCE(SUM(archived), 0)::bigint FROM crm_records WHERE object_type = @type;", c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                return new KindSize(kind, reader.GetInt64(0), reader.GetInt64(1));
            },
            new KindSize(kind, 0, 0),
            cancellationToken);

    public Task<IReadOnlyList<StoredId>> GetIdsAsync(EntityKind kind, string? afterId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredId>>(
            async c =>
            {
                // Numeric order of HubSpot's numeric ids: by length, then as text (as the export sorts them).
                await using var cmd = new NpgsqlCommand("""
                    SELECT id, archived FROM crm_records
                    WHERE object_type = @type
                      AND (@after::text IS NULL OR length(id) > length(@after::text)
                           OR (length(id) = length(@after::text) AND id COLLATE "C" > @after::text COLLATE "C"))
                    ORDER BY length(id), id COLLATE "C"
                    LIMIT @limit;
                    """, c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                cmd.Parameters.Add(new NpgsqlParameter("after", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)afterId ?? DBNull.Value });
                cmd.Parameters.AddWithValue("limit", (long)Math.Max(0, limit));
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                var ids = new List<StoredId>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(new StoredId(reader.GetString(0), reader.GetInt64(1) == 1));
                }

                return ids;
            },
            [],
            cancellationToken);

    public Task<CompletenessPosition?> GetPositionAsync(EntityKind kind, CancellationToken cancellationToken) =>
        ReadAsync(
            async c =>
            {
                // A schema read before its migration 0004 (a read-only status) has no positions yet.
                await using (var exists = new NpgsqlCommand("SELECT to_regclass('completeness_positions') IS NOT NULL;", c))
                {
                    if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                    {
                        return null;
                    }
                }

                await using var cmd = new NpgsqlCommand("""
                    SELECT after_id, checked, total, pass_started_at, last_check_at, last_pass_completed_at, last_calls, pass_every_ms
                    FROM completeness_positions WHERE object_type = @type;
                    """, c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null;
                }

                DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : PgValues.Instant(reader.GetString(i));
                return new CompletenessPosition(
                    kind,
                    PgValues.String(reader, 0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    At(3),
                    At(4),
                    At(5),
                    reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(7)));
            },
            (CompletenessPosition?)null,
            cancellationToken);

    public async Task SavePositionAsync(CompletenessPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        await using var connection = await database.OpenAsync(cancellationToken);
        await PostgresDatabase.Execute(connection, null, """
            INSERT INTO completeness_positions
                (object_type, after_id, checked, total, pass_started_at, last_check_at, last_pass_completed_at, last_calls, pass_every_ms)
            VALUES (@type, @after, @checked, @total, @started, @check, @completed, @calls, @every::bigint)
            ON CONFLICT (object_type) DO UPDATE SET
                after_id = excluded.after_id, checked = excluded.checked, total = excluded.total,
                pass_started_at = excluded.pass_started_at, last_check_at = excluded.last_check_at,
                last_pass_completed_at = excluded.last_pass_completed_at, last_calls = excluded.last_calls,
                pass_every_ms = excluded.pass_every_ms;
            """,
            cancellationToken,
            ("type", position.Kind.Plural()), ("after", position.AfterId), ("checked", position.Checked), ("total", position.Total),
            ("started", PgValues.Text(position.PassStartedAt)), ("check", PgValues.Text(position.LastCheckAt)),
            ("completed", PgValues.Text(position.LastPassCompletedAt)), ("calls", position.LastCalls),
            ("every", position.PassEvery is { } e ? (long)e.TotalMilliseconds : null));
    }
}
