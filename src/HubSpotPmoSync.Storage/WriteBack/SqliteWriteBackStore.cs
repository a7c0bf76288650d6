using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Core.WriteBack;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage.WriteBack;

/// <summary>
/// The write-back state in the product's SQLite file (migrations 0003 and 0005): <c>wb_outbox</c>, <c>wb_observed</c>,
/// <c>wb_pushed</c>, <c>wb_audit</c>, <c>wb_dead_letters</c>, <c>wb_desired</c> and <c>wb_kept</c>. Each call is one
/// transaction.
/// </summary>
/// <remarks>
/// A store made by <see cref="ReadOnly"/> opens the file read-only and never creates or migrates it (a missing
/// file or a file without the write-back tables reads as empty, a file from before 0005 as having no desired values
/// and no kept conflicts); its write methods throw. Dry runs use it.
/// </remarks>
public sealed class SqliteWriteBackStore : IWriteBackStore
{
    private const int KeysPerQuery = 500;
    private readonly SqliteDatabase _database;
    private readonly bool _readOnly;

    public SqliteWriteBackStore(SqliteDatabase database)
        : this(database, readOnly: false)
    {
    }

    private SqliteWriteBackStore(SqliteDatabase database, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _readOnly = readOnly;
    }

    /// <summary>A store that only reads (for <c>--dry-run</c>): nothing is created, migrated or written.</summary>
    public static SqliteWriteBackStore ReadOnly(SqliteDatabase database) => new(database, readOnly: true);

    /// <summary>Whether this store only reads.</summary>
    public bool IsReadOnly => _readOnly;

    public Task EnqueueAsync(IReadOnlyList<OutboundChange> changes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        if (changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        using var connection = OpenWrite();
        using var tx = connection.BeginTransaction();
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO wb_outbox (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, enqueued_at)
            VALUES ($type, $key, $id, $idProperty, $property, $value, $source, $policy, $changedAt, $at)
            ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                revision    = wb_outbox.revision + (wb_outbox.value IS NOT excluded.value),
                attempts    = CASE WHEN wb_outbox.value IS excluded.value THEN wb_outbox.attempts ELSE 0 END,
                value       = excluded.value,
                source      = excluded.source,
                policy      = excluded.policy,
                changed_at  = excluded.changed_at,
                enqueued_at = excluded.enqueued_at;
            """;
        var type = cmd.Parameters.Add("$type", SqliteType.Text);
        var key = cmd.Parameters.Add("$key", SqliteType.Text);
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var idProperty = cmd.Parameters.Add("$idProperty", SqliteType.Text);
        var property = cmd.Parameters.Add("$property", SqliteType.Text);
        var value = cmd.Parameters.Add("$value", SqliteType.Text);
        var source = cmd.Parameters.Add("$source", SqliteType.Text);
        var policy = cmd.Parameters.Add("$policy", SqliteType.Text);
        var changedAt = cmd.Parameters.Add("$changedAt", SqliteType.Text);
        cmd.Parameters.AddWithValue("$at", Time(at));
        cmd.Prepare();

        // The desired value and since when the local value holds it (written only when either differs), for the
        // policies that can keep HubSpot's value: under local-wins the local change time decides nothing.
        using var desired = new Prepared(connection, tx, """
            INSERT INTO wb_desired (object_type, record_key, property, value, since)
            VALUES ($type, $key, $property, $value, $since)
            ON CONFLICT (object_type, record_key, property) DO UPDATE SET value = excluded.value, since = excluded.since
            WHERE wb_desired.value IS NOT excluded.value OR wb_desired.since IS NOT excluded.since;
            """, "$type", "$key", "$property", "$value", "$since");
        foreach (var change in changes)
        {
            type.Value = change.ObjectType;
            key.Value = change.Record.RecordKey;
            id.Value = change.RecordId;
            idProperty.Value = (object?)change.IdProperty ?? DBNull.Value;
            property.Value = change.Property;
            value.Value = Db(change.Value);
            source.Value = change.Source;
            policy.Value = change.Policy.Name();
            changedAt.Value = Time(change.ChangedAt);
            cmd.ExecuteNonQuery();
            if (change.Policy != ConflictPolicy.LocalWins)
            {
                desired.Run(change.ObjectType, change.Record.RecordKey, change.Property, change.Value, Time(change.ChangedAt));
            }
        }

        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxEntry>> GetPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenRead();
        var entries = new List<OutboxEntry>();
        if (connection is null)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(entries);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT id, revision, object_type, record_id, id_property, property, value, source, policy, changed_at, enqueued_at, attempts, last_error
            FROM wb_outbox ORDER BY id;
            """;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var change = new OutboundChange(
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(5),
                NullableString(reader, 6),
                reader.GetString(7),
                ConflictPolicies.Parse(reader.GetString(8)),
                ParseTime(reader.GetString(9)),
                NullableString(reader, 4));
            entries.Add(new OutboxEntry(
                reader.GetInt64(0), reader.GetInt32(1), change, ParseTime(reader.GetString(10)), reader.GetInt32(11), NullableString(reader, 12)));
        }

        return Task.FromResult<IReadOnlyList<OutboxEntry>>(entries);
    }

    public Task RecordObservedAsync(IReadOnlyList<ObservedRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        using var connection = OpenWrite();
        using var tx = connection.BeginTransaction();
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;

        // An older observation than the one stored (a stale page of the settle pass) changes nothing; an unchanged
        // value keeps the time it last changed.
        cmd.CommandText = """
            INSERT INTO wb_observed (object_type, record_key, property, value, changed_at, seen_updated_at)
            VALUES ($type, $key, $property, $value, $changedAt, $updatedAt)
            ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                changed_at = CASE WHEN wb_observed.value IS excluded.value THEN wb_observed.changed_at ELSE excluded.changed_at END,
                value = excluded.value,
                seen_updated_at = excluded.seen_updated_at
            WHERE excluded.seen_updated_at >= wb_observed.seen_updated_at;
            """;
        var type = cmd.Parameters.Add("$type", SqliteType.Text);
        var key = cmd.Parameters.Add("$key", SqliteType.Text);
        var property = cmd.Parameters.Add("$property", SqliteType.Text);
        var value = cmd.Parameters.Add("$value", SqliteType.Text);
        var changedAt = cmd.Parameters.Add("$changedAt", SqliteType.Text);
        var updatedAt = cmd.Parameters.Add("$updatedAt", SqliteType.Text);
        cmd.Prepare();
        foreach (var record in records)
        {
            foreach (var (name, observed) in record.Values)
            {
                type.Value = record.ObjectType;
                key.Value = record.RecordId;
                property.Value = name;
                value.Value = Db(observed);
                var changed = record.ChangedAt is not null && record.ChangedAt.TryGetValue(name, out var at) ? at : record.UpdatedAt;
                changedAt.Value = Time(changed);
                updatedAt.Value = Time(record.UpdatedAt);
                cmd.ExecuteNonQuery();
            }
        }

        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<PropertyKey, PropertyState>> GetPropertyStatesAsync(
        IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        var states = new Dictionary<PropertyKey, PropertyState>();
        using var connection = OpenRead();
        if (connection is null || records.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<PropertyKey, PropertyState>>(states);
        }

        // A read-only store may see a file from before migration 0005 or 0009.
        var hasDesired = !_readOnly || HasTable(connection, "wb_desired");
        var hasRejected = HasRejectedColumn(connection);
        foreach (var byType in records.Distinct().GroupBy(r => r.ObjectType, StringComparer.Ordinal))
        {
            foreach (var chunk in byType.Select(r => r.RecordKey).Chunk(KeysPerQuery))
            {
                var keys = JsonSerializer.Serialize(chunk, WriteBackJsonContext.Default.StringArray);
                UpdateStates(
                    connection,
                    "SELECT record_key, property, value, changed_at FROM wb_observed",
                    byType.Key,
                    keys,
                    states,
                    (reader, s) => s with { HasObserved = true, ObservedValue = NullableString(reader, 2), ObservedChangedAt = ParseTime(reader.GetString(3)) });
                UpdateStates(
                    connection,
                    "SELECT record_key, property, value, pushed_at FROM wb_pushed",
                    byType.Key,
                    keys,
                    states,
                    (reader, s) => s with { HasPushed = true, PushedValue = NullableString(reader, 2), PushedAt = ParseTime(reader.GetString(3)) });

                if (hasDesired)
                {
                    ReadDesired(connection, byType.Key, keys, states);
                }

                if (hasRejected)
                {
                    // One dead letter per property since 0009 (a new one supersedes the earlier ones).
                    UpdateStates(
                        connection,
                        "SELECT record_key, property, value FROM wb_dead_letters",
                        byType.Key,
                        keys,
                        states,
                        (reader, s) => s with { HasRejected = true, RejectedValue = NullableString(reader, 2) },
                        also: "rejected = 1");
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<PropertyKey, PropertyState>>(states);
    }

    public Task CommitFlushAsync(FlushCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        cancellationToken.ThrowIfCancellationRequested();
        if (commit.IsEmpty)
        {
            return Task.CompletedTask;
        }

        using var connection = OpenWrite();
        using var tx = connection.BeginTransaction();
        using var upsertPushed = new Prepared(connection, tx, """
            INSERT INTO wb_pushed (object_type, record_key, property, value, pushed_at, source)
            VALUES ($type, $key, $property, $value, $at, $source)
            ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                value = excluded.value, pushed_at = excluded.pushed_at, source = excluded.source;
            """, "$type", "$key", "$property", "$value", "$at", "$source");
        using var resolveDeadLetters = new Prepared(connection, tx, """
            DELETE FROM wb_dead_letters WHERE object_type = $type AND record_key = $key AND property = $property;
            """, "$type", "$key", "$property");
        using var retire = new Prepared(connection, tx, "DELETE FROM wb_outbox WHERE id = $id AND revision = $revision;", "$id", "$revision");
        using var forgetKept = new Prepared(connection, tx, """
            DELETE FROM wb_kept WHERE object_type = $type AND record_key = $key AND property = $property;
            """, "$type", "$key", "$property");
        foreach (var pushed in commit.Pushed)
        {
            upsertPushed.Run(pushed.Key.ObjectType, pushed.Key.RecordKey, pushed.Key.Property, pushed.Value, Time(pushed.PushedAt), pushed.Source);
            resolveDeadLetters.Run(pushed.Key.ObjectType, pushed.Key.RecordKey, pushed.Key.Property);
            forgetKept.Run(pushed.Key.ObjectType, pushed.Key.RecordKey, pushed.Key.Property);
            if (pushed.EntryId > 0)
            {
                retire.Run(pushed.EntryId, pushed.Revision);
            }
        }

        foreach (var retired in commit.Retired)
        {
            retire.Run(retired.EntryId, retired.Revision);
        }

        using var keep = new Prepared(connection, tx, """
            INSERT INTO wb_kept (object_type, record_key, property, hubspot_value, hubspot_changed_at, local_value, local_changed_at, policy, kept_at)
            VALUES ($type, $key, $property, $hubspot, $hubspotAt, $local, $localAt, $policy, $at)
            ON CONFLICT (object_type, record_key, property) DO UPDATE SET
                hubspot_value = excluded.hubspot_value, hubspot_changed_at = excluded.hubspot_changed_at, local_value = excluded.local_value,
                local_changed_at = excluded.local_changed_at, policy = excluded.policy, kept_at = excluded.kept_at;
            """, "$type", "$key", "$property", "$hubspot", "$hubspotAt", "$local", "$localAt", "$policy", "$at");
        foreach (var kept in commit.Kept)
        {
            keep.Run(
                kept.Key.ObjectType, kept.Key.RecordKey, kept.Key.Property, kept.HubSpotValue, kept.HubSpotChangedAt is { } h ? Time(h) : null,
                kept.LocalValue, Time(kept.LocalChangedAt), kept.Policy.Name(), Time(commit.At));
        }

        foreach (var dead in commit.DeadLettered)
        {
            // The outbox held the property's latest value: its dead letter supersedes the earlier ones (the audit keeps them).
            var change = dead.Entry.Change;
            resolveDeadLetters.Run(change.ObjectType, change.Record.RecordKey, change.Property);
            Execute(connection, tx, """
                INSERT INTO wb_dead_letters (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, category, message, attempts, failed_at, rejected)
                VALUES ($type, $key, $id, $idProperty, $property, $value, $source, $policy, $changedAt, $category, $message, $attempts, $at, $rejected);
                """,
                ("$type", change.ObjectType), ("$key", change.Record.RecordKey), ("$id", change.RecordId), ("$idProperty", change.IdProperty),
                ("$property", change.Property), ("$value", change.Value), ("$source", change.Source), ("$policy", change.Policy.Name()),
                ("$changedAt", Time(change.ChangedAt)), ("$category", dead.Category), ("$message", dead.Message),
                ("$attempts", dead.Entry.Attempts), ("$at", Time(commit.At)), ("$rejected", dead.Rejected ? 1 : 0));
            retire.Run(dead.Entry.Id, dead.Entry.Revision);
        }

        using var fail = new Prepared(connection, tx, """
            UPDATE wb_outbox SET attempts = attempts + 1, last_error = $error, last_attempt_at = $at WHERE id = $id;
            """, "$error", "$at", "$id");
        foreach (var failed in commit.Failed)
        {
            fail.Run(failed.Error, Time(commit.At), failed.EntryId);
        }

        InsertAudit(connection, tx, commit.Audit);
        tx.Commit();
        return Task.CompletedTask;
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        using var connection = OpenWrite();
        using var tx = connection.BeginTransaction();
        InsertAudit(connection, tx, entries);
        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = new List<AuditEntry>();
        using var connection = OpenRead();
        if (connection is null)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>(entries);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = AuditSql(query);
        cmd.Parameters.AddWithValue("$type", (object?)query.ObjectType ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$key", (object?)query.RecordKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$source", (object?)query.Source ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$limit", query.Limit);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), ParseTime(reader.GetString(1)), reader.GetString(2), reader.GetString(3), NullableString(reader, 4),
                NullableString(reader, 5), NullableString(reader, 6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                NullableString(reader, 10)));
        }

        return Task.FromResult<IReadOnlyList<AuditEntry>>(entries);
    }

    /// <summary>
    /// The audit query with only the filters given: "($x IS NULL OR column = $x)" would read the whole log, as SQLite
    /// plans a statement before its values are bound; a record's lines come from <c>ix_wb_audit_record</c>.
    /// </summary>
    internal static string AuditSql(AuditQuery query)
    {
        var filters = new List<string>();
        if (query.ObjectType is not null)
        {
            filters.Add("object_type = $type");
        }

        if (query.RecordKey is not null)
        {
            filters.Add("record_key = $key");
        }

        if (query.Source is not null)
        {
            filters.Add("source = $source");
        }

        return "SELECT id, at, object_type, record_key, property, before_value, after_value, policy, decision, source, detail FROM wb_audit"
            + (filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters))
            + " ORDER BY id DESC LIMIT $limit;";
    }

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenRead();
        var letters = connection is null ? [] : ReadDeadLetters(connection, null, null, HasRejectedColumn(connection));
        return Task.FromResult<IReadOnlyList<DeadLetter>>(letters);
    }

    public Task<int> ReplayDeadLettersAsync(long? id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenWrite();
        using var tx = connection.BeginTransaction();
        var letters = ReadDeadLetters(connection, tx, id, hasRejected: true);
        var audit = new List<AuditEntry>();
        foreach (var letter in letters)
        {
            var change = letter.Change;

            // A newer pending value for the same property wins over the replayed one.
            Execute(connection, tx, """
                INSERT INTO wb_outbox (object_type, record_key, record_id, id_property, property, value, source, policy, changed_at, enqueued_at)
                VALUES ($type, $key, $id, $idProperty, $property, $value, $source, $policy, $changedAt, $at)
                ON CONFLICT (object_type, record_key, property) DO NOTHING;
                DELETE FROM wb_dead_letters WHERE id = $letter;
                """,
                ("$type", change.ObjectType), ("$key", change.Record.RecordKey), ("$id", change.RecordId), ("$idProperty", change.IdProperty),
                ("$property", change.Property), ("$value", change.Value), ("$source", change.Source), ("$policy", change.Policy.Name()),
                ("$changedAt", Time(change.ChangedAt)), ("$at", Time(at)), ("$letter", letter.Id));
            audit.Add(new AuditEntry(
                0, at, change.ObjectType, change.Record.RecordKey, change.Property, null, change.Value, change.Policy.Name(),
                AuditDecisions.Replayed, change.Source, $"dead letter {letter.Id.ToString(CultureInfo.InvariantCulture)} ({letter.Category}: {letter.Message})"));
        }

        InsertAudit(connection, tx, audit);
        tx.Commit();
        return Task.FromResult(letters.Count);
    }

    /// <summary>Adds the desired values (<c>wb_desired</c>) and kept conflicts (<c>wb_kept</c>) of one chunk of records to <paramref name="states"/>.</summary>
    private static void ReadDesired(SqliteConnection connection, string objectType, string keys, Dictionary<PropertyKey, PropertyState> states)
    {
        UpdateStates(
            connection,
            "SELECT record_key, property, value, since FROM wb_desired",
            objectType,
            keys,
            states,
            (reader, s) => s with { HasDesired = true, DesiredValue = NullableString(reader, 2), DesiredSince = ParseTime(reader.GetString(3)) });
        UpdateStates(
            connection,
            "SELECT record_key, property, hubspot_value, hubspot_changed_at, local_value, local_changed_at, policy FROM wb_kept",
            objectType,
            keys,
            states,
            (reader, s) => s with
            {
                Kept = new KeptConflict(
                    new PropertyKey(objectType, reader.GetString(0), reader.GetString(1)),
                    NullableString(reader, 2),
                    reader.IsDBNull(3) ? null : ParseTime(reader.GetString(3)),
                    NullableString(reader, 4),
                    ParseTime(reader.GetString(5)),
                    ConflictPolicies.Parse(reader.GetString(6))),
            });
    }

    /// <summary>
    /// Runs <paramref name="select"/> (its first two columns the record key and property) for one chunk of records
    /// and folds each row into the state of its property. <paramref name="also"/> adds a condition on the rows.
    /// </summary>
    private static void UpdateStates(
        SqliteConnection connection,
        string select,
        string objectType,
        string keys,
        Dictionary<PropertyKey, PropertyState> states,
        Func<SqliteDataReader, PropertyState, PropertyState> update,
        string? also = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = select + " WHERE object_type = $type AND record_key IN (SELECT value FROM json_each($keys))" + (also is null ? ";" : " AND " + also + ";");
        cmd.Parameters.AddWithValue("$type", objectType);
        cmd.Parameters.AddWithValue("$keys", keys);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var k = new PropertyKey(objectType, reader.GetString(0), reader.GetString(1));
            states[k] = update(reader, states.TryGetValue(k, out var existing) ? existing : PropertyState.Unknown);
        }
    }

    private bool HasRejectedColumn(SqliteConnection connection)
    {
        if (!_readOnly)
        {
            return true;
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM pragma_table_info('wb_dead_letters') WHERE name = 'rejected';";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static bool HasTable(SqliteConnection connection, string name)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        cmd.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <param name="hasRejected">Whether the file has <c>wb_dead_letters.rejected</c> (migration 0009; a read-only store may see an older file).</param>
    private static List<DeadLetter> ReadDeadLetters(SqliteConnection connection, SqliteTransaction? tx, long? id, bool hasRejected)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            SELECT id, object_type, record_id, id_property, property, value, source, policy, changed_at, category, message, attempts, failed_at, {(hasRejected ? "rejected" : "0")}
            FROM wb_dead_letters WHERE ($id IS NULL OR id = $id) ORDER BY id;
            """;
        cmd.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var letters = new List<DeadLetter>();
        while (reader.Read())
        {
            var change = new OutboundChange(
                reader.GetString(1), reader.GetString(2), reader.GetString(4), NullableString(reader, 5), reader.GetString(6),
                ConflictPolicies.Parse(reader.GetString(7)), ParseTime(reader.GetString(8)), NullableString(reader, 3));
            letters.Add(new DeadLetter(
                reader.GetInt64(0), change, reader.GetString(9), reader.GetString(10), reader.GetInt32(11), ParseTime(reader.GetString(12)), reader.GetInt64(13) == 1));
        }

        return letters;
    }

    private static void InsertAudit(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO wb_audit (at, object_type, record_key, property, before_value, after_value, policy, decision, source, detail)
            VALUES ($at, $type, $key, $property, $before, $after, $policy, $decision, $source, $detail);
            """;
        var at = cmd.Parameters.Add("$at", SqliteType.Text);
        var type = cmd.Parameters.Add("$type", SqliteType.Text);
        var key = cmd.Parameters.Add("$key", SqliteType.Text);
        var property = cmd.Parameters.Add("$property", SqliteType.Text);
        var before = cmd.Parameters.Add("$before", SqliteType.Text);
        var after = cmd.Parameters.Add("$after", SqliteType.Text);
        var policy = cmd.Parameters.Add("$policy", SqliteType.Text);
        var decision = cmd.Parameters.Add("$decision", SqliteType.Text);
        var source = cmd.Parameters.Add("$source", SqliteType.Text);
        var detail = cmd.Parameters.Add("$detail", SqliteType.Text);
        cmd.Prepare();
        foreach (var entry in entries)
        {
            at.Value = Time(entry.At);
            type.Value = entry.ObjectType;
            key.Value = entry.RecordKey;
            property.Value = (object?)entry.Property ?? DBNull.Value;
            before.Value = Db(entry.Before);
            after.Value = Db(entry.After);
            policy.Value = entry.Policy;
            decision.Value = entry.Decision;
            source.Value = entry.Source;
            detail.Value = (object?)entry.Detail ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value is string s ? Db(s) : value ?? DBNull.Value);
        }

        cmd.ExecuteNonQuery();
    }

    private SqliteConnection OpenWrite() =>
        _readOnly
            ? throw new InvalidOperationException("This write-back store is read-only (a dry run writes nothing).")
            : _database.Open();

    /// <summary>A connection to read from, or null when there is nothing to read (read-only store before the first real run).</summary>
    private SqliteConnection? OpenRead()
    {
        if (!_readOnly)
        {
            return _database.Open();
        }

        var connection = _database.OpenReadOnlyIfExists();
        if (connection is null)
        {
            return null;
        }

        if (!HasTable(connection, "wb_outbox"))
        {
            connection.Dispose();
            return null;
        }

        return connection;
    }

    private static object Db(string? value) => string.IsNullOrEmpty(value) ? DBNull.Value : value;

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>A statement prepared once and run for many rows of one transaction.</summary>
    private sealed class Prepared : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;

        public Prepared(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
        {
            _command = connection.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = sql;
            _parameters = names.Select(n => _command.Parameters.Add(n, SqliteType.Text)).ToArray();
            _command.Prepare();
        }

        public void Run(params object?[] values)
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                var value = values[i];
                _parameters[i].SqliteType = value is long or int ? SqliteType.Integer : SqliteType.Text;
                _parameters[i].Value = value is string s ? Db(s) : value ?? DBNull.Value;
            }

            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
