using System.Globalization;
using HubSpotPmoSync.Core.WriteBack;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// <see cref="IWriteBackStore"/> on PostgreSQL: the outbox, observed and pushed values, audit log, dead letters, desired
/// values and kept conflicts. Each call is one transaction. A read-only store (<see cref="ReadOnly"/>) creates and
/// migrates nothing (a schema without the tables reads as empty) and its writes throw; dry runs use it.
/// </summary>
internal sealed class PostgresWriteBackStore : IWriteBackStore
{
    private readonly PostgresDatabase _database;
    private readonly bool _readOnly;

    public PostgresWriteBackStore(PostgresDatabase database)
        : this(database, readOnly: false)
    {
    }

    private PostgresWriteBackStore(PostgresDatabase database, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _readOnly = readOnly;
    }

    /// <summary>A store that only reads (for <c>--dry-run</c> and <c>status</c>).</summary>
    public static PostgresWriteBackStore ReadOnly(PostgresDatabase database) => new(database, readOnly: true);

    public async Task EnqueueAsync(IReadOnlyList<OutboundChange> changes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        await using var connection = await OpenWriteAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var change in changes)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_outbox (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, enqueued_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                    revision    = wb_outbox.revision + CASE WHEN wb_outbox.value IS DISTINCT FROM excluded.value THEN 1 ELSE 0 END,
                    attempts    = CASE WHEN wb_outbox.value IS NOT DISTINCT FROM excluded.value THEN wb_outbox.attempts ELSE 0 END,
                    value       = excluded.value,
                    source      = excluded.source,
                    policy      = excluded.policy,
                    changed_at  = excluded.changed_at,
                    enqueued_at = excluded.enqueued_at;
                """,
                change.ObjectType, change.Record.RecordKey, change.RecordId, PgValues.Nullable(change.IdProperty), change.Property, PgValues.Db(change.Value),
                change.Source, change.Policy.Name(), PgValues.Time(change.ChangedAt), PgValues.Time(at)));
            if (change.Policy != ConflictPolicy.LocalWins)
            {
                batch.BatchCommands.Add(Command("""
                    INSERT INTO wb_desired (object_type, record_key, property, value, since)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (object_type, record_key, property) DO UPDATE SET value = excluded.value, since = excluded.since
                    WHERE wb_desired.value IS DISTINCT FROM excluded.value OR wb_desired.since IS DISTINCT FROM excluded.since;
                    """,
                    change.ObjectType, change.Record.RecordKey, change.Property, PgValues.Db(change.Value), PgValues.Time(change.ChangedAt)));
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxEntry>> GetPendingAsync(CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        await using var connection = await OpenReadAsync(cancellationToken);
        if (connection is null)
        {
            return entries;
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT id, revision, object_type, record_id, id_property, property, value, source, policy, changed_at, enqueued_at, attempts, last_error
            FROM wb_outbox ORDER BY id;
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var change = new OutboundChange(
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(5),
                PgValues.String(reader, 6),
                reader.GetString(7),
                ConflictPolicies.Parse(reader.GetString(8)),
                PgValues.ParseTime(reader.GetString(9)),
                PgValues.String(reader, 4));
            entries.Add(new OutboxEntry(
                reader.GetInt64(0), (int)reader.GetInt64(1), change, PgValues.ParseTime(reader.GetString(10)), (int)reader.GetInt64(11), PgValues.String(reader, 12)));
        }

        return entries;
    }

    public async Task RecordObservedAsync(IReadOnlyList<ObservedRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await OpenWriteAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        // One statement for all values: arrays bound once, unnested in order. An older observation than the one stored
        // (a stale page of the settle pass) changes nothing; an unchanged value keeps the time it last changed. A
        // property given twice is applied in the order given, as one statement per value would.
        var rows = records
            .SelectMany(r => r.Values.Select(v => (r.ObjectType, Key: r.RecordId, Property: v.Key, Value: string.IsNullOrEmpty(v.Value) ? null : v.Value,
                ChangedAt: PgValues.Time(r.ChangedAt is not null && r.ChangedAt.TryGetValue(v.Key, out var at) ? at : r.UpdatedAt),
                UpdatedAt: PgValues.Time(r.UpdatedAt))))
            .ToList();
        foreach (var chunk in Unique(rows, r => (r.ObjectType, r.Key, r.Property)))
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO wb_observed (object_type, record_key, property, value, changed_at, seen_updated_at)
                SELECT * FROM unnest(@types, @keys, @properties, @values, @changed, @updated)
                ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                    changed_at = CASE WHEN wb_observed.value IS NOT DISTINCT FROM excluded.value THEN wb_observed.changed_at ELSE excluded.changed_at END,
                    value = excluded.value,
                    seen_updated_at = excluded.seen_updated_at
                WHERE excluded.seen_updated_at >= wb_observed.seen_updated_at;
                """, connection, tx);
            cmd.Parameters.AddWithValue("types", chunk.Select(r => r.ObjectType).ToArray());
            cmd.Parameters.AddWithValue("keys", chunk.Select(r => r.Key).ToArray());
            cmd.Parameters.AddWithValue("properties", chunk.Select(r => r.Property).ToArray());
            cmd.Parameters.AddWithValue("values", chunk.Select(r => r.Value).ToArray());
            cmd.Parameters.AddWithValue("changed", chunk.Select(r => r.ChangedAt).ToArray());
            cmd.Parameters.AddWithValue("updated", chunk.Select(r => r.UpdatedAt).ToArray());
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Splits rows into runs without a repeated key (an upsert statement may not touch one row twice), keeping their order:
    /// a key seen again starts the next run.
    /// </summary>
    private static IEnumerable<List<T>> Unique<T, TKey>(List<T> rows, Func<T, TKey> key)
    {
        var run = new List<T>();
        var seen = new HashSet<TKey>();
        foreach (var row in rows)
        {
            if (!seen.Add(key(row)))
            {
                yield return run;
                run = [];
                seen.Clear();
                seen.Add(key(row));
            }

            run.Add(row);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    public async Task<IReadOnlyDictionary<PropertyKey, PropertyState>> GetPropertyStatesAsync(
        IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var states = new Dictionary<PropertyKey, PropertyState>();
        if (records.Count == 0)
        {
            return states;
        }

        await using var connection = await OpenReadAsync(cancellationToken);
        if (connection is null)
        {
            return states;
        }

        foreach (var byType in records.Distinct().GroupBy(r => r.ObjectType, StringComparer.Ordinal))
        {
            var keys = byType.Select(r => r.RecordKey).ToArray();
            var type = byType.Key;
            await UpdateStatesAsync(connection, "SELECT record_key, property, value, changed_at FROM wb_observed", type, keys, states,
                (reader, s) => s with { HasObserved = true, ObservedValue = PgValues.String(reader, 2), ObservedChangedAt = PgValues.ParseTime(reader.GetString(3)) },
                cancellationToken);
            await UpdateStatesAsync(connection, "SELECT record_key, property, value, pushed_at FROM wb_pushed", type, keys, states,
                (reader, s) => s with { HasPushed = true, PushedValue = PgValues.String(reader, 2), PushedAt = PgValues.ParseTime(reader.GetString(3)) },
                cancellationToken);
            await UpdateStatesAsync(connection, "SELECT record_key, property, value, since FROM wb_desired", type, keys, states,
                (reader, s) => s with { HasDesired = true, DesiredValue = PgValues.String(reader, 2), DesiredSince = PgValues.ParseTime(reader.GetString(3)) },
                cancellationToken);
            await UpdateStatesAsync(
                connection,
                "SELECT record_key, property, hubspot_value, hubspot_changed_at, local_value, local_changed_at, policy FROM wb_kept",
                type,
                keys,
                states,
                (reader, s) => s with
                {
                    Kept = new KeptConflict(
                        new PropertyKey(type, reader.GetString(0), reader.GetString(1)),
                        PgValues.String(reader, 2),
                        reader.IsDBNull(3) ? null : PgValues.ParseTime(reader.GetString(3)),
                        PgValues.String(reader, 4),
                        PgValues.ParseTime(reader.GetString(5)),
                        ConflictPolicies.Parse(reader.GetString(6))),
                },
                cancellationToken);
            await UpdateStatesAsync(connection, "SELECT record_key, property, value FROM wb_dead_letters", type, keys, states,
                (reader, s) => s with { HasRejected = true, RejectedValue = PgValues.String(reader, 2) },
                cancellationToken,
                also: "rejected = 1");
        }

        return states;
    }

    public async Task CommitFlushAsync(FlushCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.IsEmpty)
        {
            return;
        }

        await using var connection = await OpenWriteAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, tx);
        const string ResolveDeadLetters = "DELETE FROM wb_dead_letters WHERE object_type = $1 AND record_key = $2 AND property = $3;";
        const string Retire = "DELETE FROM wb_outbox WHERE id = $1 AND revision = $2;";
        foreach (var pushed in commit.Pushed)
        {
            var k = pushed.Key;
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_pushed (object_type, record_key, property, value, pushed_at, source)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                    value = excluded.value, pushed_at = excluded.pushed_at, source = excluded.source;
                """, k.ObjectType, k.RecordKey, k.Property, PgValues.Db(pushed.Value), PgValues.Time(pushed.PushedAt), pushed.Source));
            batch.BatchCommands.Add(Command(ResolveDeadLetters, k.ObjectType, k.RecordKey, k.Property));
            batch.BatchCommands.Add(Command("DELETE FROM wb_kept WHERE object_type = $1 AND record_key = $2 AND property = $3;", k.ObjectType, k.RecordKey, k.Property));
            if (pushed.EntryId > 0)
            {
                batch.BatchCommands.Add(Command(Retire, pushed.EntryId, (long)pushed.Revision));
            }
        }

        foreach (var retired in commit.Retired)
        {
            batch.BatchCommands.Add(Command(Retire, retired.EntryId, (long)retired.Revision));
        }

        foreach (var kept in commit.Kept)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_kept (object_type, record_key, property, hubspot_value, hubspot_changed_at, local_value, local_changed_at, policy, kept_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                    hubspot_value = excluded.hubspot_value, hubspot_changed_at = excluded.hubspot_changed_at, local_value = excluded.local_value,
                    local_changed_at = excluded.local_changed_at, policy = excluded.policy, kept_at = excluded.kept_at;
                """,
                kept.Key.ObjectType, kept.Key.RecordKey, kept.Key.Property, PgValues.Db(kept.HubSpotValue),
                kept.HubSpotChangedAt is { } h ? PgValues.Time(h) : DBNull.Value, PgValues.Db(kept.LocalValue), PgValues.Time(kept.LocalChangedAt),
                kept.Policy.Name(), PgValues.Time(commit.At)));
        }

        foreach (var dead in commit.DeadLettered)
        {
            // The outbox held the property's latest value: its dead letter supersedes the earlier ones (the audit keeps them).
            var change = dead.Entry.Change;
            batch.BatchCommands.Add(Command(ResolveDeadLetters, change.ObjectType, change.Record.RecordKey, change.Property));
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_dead_letters (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, category, message, attempts, failed_at, rejected)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);
                """,
                change.ObjectType, change.Record.RecordKey, change.RecordId, PgValues.Nullable(change.IdProperty), change.Property, PgValues.Db(change.Value),
                change.Source, change.Policy.Name(), PgValues.Time(change.ChangedAt), dead.Category, dead.Message, (long)dead.Entry.Attempts,
                PgValues.Time(commit.At), dead.Rejected ? 1L : 0L));
            batch.BatchCommands.Add(Command(Retire, dead.Entry.Id, (long)dead.Entry.Revision));
        }

        foreach (var failed in commit.Failed)
        {
            batch.BatchCommands.Add(Command(
                "UPDATE wb_outbox SET attempts = attempts + 1, last_error = $1, last_attempt_at = $2 WHERE id = $3;",
                PgValues.Db(failed.Error), PgValues.Time(commit.At), failed.EntryId));
        }

        AddAudit(batch, commit.Audit);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await OpenWriteAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, tx);
        AddAudit(batch, entries);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = new List<AuditEntry>();
        await using var connection = await OpenReadAsync(cancellationToken);
        if (connection is null)
        {
            return entries;
        }

        var filters = new List<string>();
        await using var cmd = new NpgsqlCommand { Connection = connection };
        if (query.ObjectType is not null)
        {
            filters.Add("object_type = @type");
            cmd.Parameters.AddWithValue("type", query.ObjectType);
        }

        if (query.RecordKey is not null)
        {
            filters.Add("record_key = @key");
            cmd.Parameters.AddWithValue("key", query.RecordKey);
        }

        if (query.Source is not null)
        {
            filters.Add("source = @source");
            cmd.Parameters.AddWithValue("source", query.Source);
        }

        cmd.Parameters.AddWithValue("limit", (long)query.Limit);
        cmd.CommandText = "SELECT id, at, object_type, record_key, property, before_value, after_value, policy, decision, source, detail FROM wb_audit"
            + (filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters))
            + " ORDER BY id DESC LIMIT @limit;";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), PgValues.ParseTime(reader.GetString(1)), reader.GetString(2), reader.GetString(3), PgValues.String(reader, 4),
                PgValues.String(reader, 5), PgValues.String(reader, 6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                PgValues.String(reader, 10)));
        }

        return entries;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return connection is null ? [] : await ReadDeadLettersAsync(connection, null, null, cancellationToken);
    }

    public async Task<int> ReplayDeadLettersAsync(long? id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenWriteAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var letters = await ReadDeadLettersAsync(connection, tx, id, cancellationToken);
        if (letters.Count == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        var audit = new List<AuditEntry>();
        foreach (var letter in letters)
        {
            var change = letter.Change;

            // A newer pending value for the same property wins over the replayed one.
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_outbox (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, enqueued_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (object_type, record_key, property) DO NOTHING;
                """,
                change.ObjectType, change.Record.RecordKey, change.RecordId, PgValues.Nullable(change.IdProperty), change.Property, PgValues.Db(change.Value),
                change.Source, change.Policy.Name(), PgValues.Time(change.ChangedAt), PgValues.Time(at)));
            batch.BatchCommands.Add(Command("DELETE FROM wb_dead_letters WHERE id = $1;", letter.Id));
            audit.Add(new AuditEntry(
                0, at, change.ObjectType, change.Record.RecordKey, change.Property, null, change.Value, change.Policy.Name(),
                AuditDecisions.Replayed, change.Source, $"dead letter {letter.Id.ToString(CultureInfo.InvariantCulture)} ({letter.Category}: {letter.Message})"));
        }

        AddAudit(batch, audit);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return letters.Count;
    }

    private static async Task UpdateStatesAsync(
        NpgsqlConnection connection,
        string select,
        string objectType,
        string[] keys,
        Dictionary<PropertyKey, PropertyState> states,
        Func<NpgsqlDataReader, PropertyState, PropertyState> update,
        CancellationToken cancellationToken,
        string? also = null)
    {
        await using var cmd = new NpgsqlCommand(
            select + " WHERE object_type = @type AND record_key = ANY(@keys)" + (also is null ? ";" : " AND " + also + ";"), connection);
        cmd.Parameters.AddWithValue("type", objectType);
        cmd.Parameters.AddWithValue("keys", keys);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var k = new PropertyKey(objectType, reader.GetString(0), reader.GetString(1));
            states[k] = update(reader, states.TryGetValue(k, out var existing) ? existing : PropertyState.Unknown);
        }
    }

    private static async Task<List<DeadLetter>> ReadDeadLettersAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long? id, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, object_type, record_id, id_property, property, value, source, policy, changed_at, category, message, attempts, failed_at, rejected
            FROM wb_dead_letters WHERE (@id::bigint IS NULL OR id = @id::bigint) ORDER BY id;
            """, connection, tx);
        cmd.Parameters.AddWithValue("id", (object?)id ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var change = new OutboundChange(
                reader.GetString(1), reader.GetString(2), reader.GetString(4), PgValues.String(reader, 5), reader.GetString(6),
                ConflictPolicies.Parse(reader.GetString(7)), PgValues.ParseTime(reader.GetString(8)), PgValues.String(reader, 3));
            letters.Add(new DeadLetter(
                reader.GetInt64(0), change, reader.GetString(9), reader.GetString(10), (int)reader.GetInt64(11), PgValues.ParseTime(reader.GetString(12)),
                reader.GetInt64(13) == 1));
        }

        return letters;
    }

    private static void AddAudit(NpgsqlBatch batch, IReadOnlyList<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO wb_audit (at, object_type, record_key, property, before_value, after_value, policy, decision, source, detail)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
                """,
                PgValues.Time(entry.At), entry.ObjectType, entry.RecordKey, PgValues.Nullable(entry.Property), PgValues.Db(entry.Before), PgValues.Db(entry.After),
                entry.Policy, entry.Decision, entry.Source, PgValues.Nullable(entry.Detail)));
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null or DBNull
                ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private Task<NpgsqlConnection> OpenWriteAsync(CancellationToken cancellationToken) =>
        _readOnly
            ? throw new InvalidOperationException("This write-back store is read-only (a dry run writes nothing).")
            : _database.OpenAsync(cancellationToken);

    private async Task<NpgsqlConnection?> OpenReadAsync(CancellationToken cancellationToken) =>
        _readOnly ? await _database.OpenIfExistsAsync(cancellationToken) : await _database.OpenAsync(cancellationToken);
}
