using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using Npgsql;
using NpgsqlTypes;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// <see cref="IDeliveryStore"/> on PostgreSQL. Reads never create anything (a schema without the product's tables reads
/// as empty); writes migrate first. Each page is one transaction; a page of many records goes in by binary COPY into a
/// temporary table and one upsert from it, a small page as one batch of statements (one round trip either way).
/// </summary>
internal sealed partial class PostgresDeliveryStore(PostgresDatabase database, TimeProvider? clock = null) : IDeliveryStore
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>From this many records a page is copied in (binary COPY + one upsert) rather than upserted row by row.</summary>
    internal const int CopyThreshold = 20;

    private const string RecordColumns = "object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, local_changed_at";

    public Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken) =>
        ReadAsync(c => ReadCursorAsync(c, kind, cancellationToken), new SyncCursorState(kind), cancellationToken);

    public async Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var states = new Dictionary<string, StoredState>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return states;
        }

        return await ReadAsync<IReadOnlyDictionary<string, StoredState>>(
            async c =>
            {
                await using var cmd = new NpgsqlCommand("""
                    SELECT l.id, l.content_hash, l.status, r.id IS NOT NULL, COALESCE(r.archived, 0), r.properties
                    FROM sync_ledger l
                    LEFT JOIN crm_records r ON r.object_type = l.object_type AND r.id = l.id
                    WHERE l.object_type = @type AND l.id = ANY(@ids);
                    """, c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                cmd.Parameters.AddWithValue("ids", ids.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetString(0);
                    states[id] = new StoredState(
                        id,
                        reader.GetString(1),
                        LedgerStatuses.Parse(reader.GetString(2)),
                        reader.GetBoolean(3),
                        reader.GetInt64(4) == 1,
                        reader.IsDBNull(5) ? new SortedDictionary<string, string?>() : PgValues.ReadMap(reader.GetString(5)));
                }

                return states;
            },
            states,
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromIds);
        IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>> empty = new Dictionary<string, IReadOnlyList<DeliveryLink>>();
        if (fromIds.Count == 0)
        {
            return empty;
        }

        return await ReadAsync(
            async c =>
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT from_id, to_id, kinds FROM crm_associations WHERE from_type = @from AND to_type = @to AND from_id = ANY(@ids);", c);
                cmd.Parameters.AddWithValue("from", from.Plural());
                cmd.Parameters.AddWithValue("to", to.Plural());
                cmd.Parameters.AddWithValue("ids", fromIds.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                var links = new Dictionary<string, List<DeliveryLink>>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var fromId = reader.GetString(0);
                    if (!links.TryGetValue(fromId, out var list))
                    {
                        links[fromId] = list = [];
                    }

                    list.Add(new DeliveryLink(from, fromId, to, reader.GetString(1), PgValues.ReadKinds(reader.GetString(2))));
                }

                return (IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>)links.ToDictionary(p => p.Key, p => (IReadOnlyList<DeliveryLink>)p.Value, StringComparer.Ordinal);
            },
            empty,
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(toIds);
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> empty = new Dictionary<string, IReadOnlyCollection<string>>();
        if (toIds.Count == 0)
        {
            return empty;
        }

        return await ReadAsync(
            async c =>
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT to_id, from_id FROM crm_associations WHERE to_type = @to AND from_type = @from AND to_id = ANY(@ids);", c);
                cmd.Parameters.AddWithValue("from", from.Plural());
                cmd.Parameters.AddWithValue("to", to.Plural());
                cmd.Parameters.AddWithValue("ids", toIds.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var toId = reader.GetString(0);
                    if (!result.TryGetValue(toId, out var set))
                    {
                        result[toId] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(reader.GetString(1));
                }

                return (IReadOnlyDictionary<string, IReadOnlyCollection<string>>)result.ToDictionary(p => p.Key, p => (IReadOnlyCollection<string>)p.Value, StringComparer.Ordinal);
            },
            empty,
            cancellationToken);
    }

    public async Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var write in page.Records)
        {
            // Checked before anything is sent, as the SQLite store's write path does within its transaction.
            ArgumentNullException.ThrowIfNull(write.Ledger.ContentHash);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var distinct = page.Records.Select(w => (w.Ledger.Kind, w.Ledger.Id)).Distinct().Count() == page.Records.Count;
        if (page.Records.Count >= CopyThreshold && distinct)
        {
            await CopyRecordsAsync(connection, tx, page, cancellationToken);
        }
        else
        {
            await WriteRecordsAsync(connection, tx, page, cancellationToken);
        }

        await WriteLinksAsync(connection, tx, page, cancellationToken);
        if (page.InboxEvents.Count > 0)
        {
            // Webhook events this page answers: processed together with what they produced.
            await PostgresDatabase.Execute(
                connection, tx, "UPDATE webhook_inbox SET processed_at = @at WHERE id = ANY(@ids) AND processed_at IS NULL;", cancellationToken,
                ("at", PgValues.Text(_clock.GetUtcNow())), ("ids", page.InboxEvents.ToArray()));
        }

        await UpsertCursorAsync(connection, tx, page.Cursor, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await UpsertCursorAsync(connection, tx, cursor, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, tx);
        var delete = new NpgsqlBatchCommand("DELETE FROM crm_pipeline_stages WHERE object_type = $1;");
        delete.Parameters.Add(new NpgsqlParameter { Value = kind.Plural() });
        batch.BatchCommands.Add(delete);
        foreach (var pipeline in pipelines)
        {
            foreach (var stage in pipeline.Stages)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO crm_pipeline_stages (object_type, pipeline_id, pipeline_label, stage_id, stage_label, display_order, is_closed, probability)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
                    """);
                Add(insert, kind.Plural(), pipeline.Id, pipeline.Label, stage.Id, stage.Label, (long)stage.DisplayOrder, stage.IsClosed ? 1L : 0L,
                    (object?)stage.Probability?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value);
                batch.BatchCommands.Add(insert);
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<CrmPipeline>>(async c => await ReadPipelinesAsync(c, kind, cancellationToken), [], cancellationToken);

    public Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken) =>
        ReadAsync<LedgerEntry?>(
            async c =>
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT updated_at, content_hash, status, reason, last_changed_at FROM sync_ledger WHERE object_type = @type AND id = @id;", c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                cmd.Parameters.AddWithValue("id", id);
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                return await reader.ReadAsync(cancellationToken)
                    ? new LedgerEntry(kind, id, PgValues.Instant(reader.GetString(0)), reader.GetString(1), LedgerStatuses.Parse(reader.GetString(2)),
                        PgValues.String(reader, 3), PgValues.Instant(reader.GetString(4)))
                    : null;
            },
            null,
            cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredRecord>>(
            async c =>
            {
                await using var cmd = new NpgsqlCommand(
                    $"SELECT {RecordColumns} FROM crm_records WHERE object_type = @type" + (ids is null ? ";" : " AND id = ANY(@ids);"), c);
                cmd.Parameters.AddWithValue("type", kind.Plural());
                if (ids is not null)
                {
                    cmd.Parameters.AddWithValue("ids", ids.ToArray());
                }

                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                var list = new List<StoredRecord>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    list.Add(ReadRecord(reader, withProperties: true));
                }

                list.Sort((a, b) => DeliveryExportJson.CompareIds(a.Id, b.Id));
                return list;
            },
            [],
            cancellationToken);

    public async Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("INSERT INTO sync_runs (kind, started_at) VALUES (@kind, @at) RETURNING id;", connection);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("at", PgValues.Text(startedAt));
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await PostgresDatabase.Execute(
            connection, null, "UPDATE sync_runs SET finished_at = @at, outcome = @outcome, summary = @summary WHERE id = @id;", cancellationToken,
            ("id", runId), ("at", PgValues.Text(finishedAt)), ("outcome", outcome), ("summary", summary));
    }

    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, T whenEmpty, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        return connection is null ? whenEmpty : await read(connection);
    }

    private static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value is null or DBNull
                ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }
    }

    private static StoredRecord ReadRecord(NpgsqlDataReader reader, bool withProperties)
    {
        var type = reader.GetString(0);
        if (!EntityKinds.TryParse(type, out var kind))
        {
            throw new InvalidOperationException($"crm_records holds an unknown object type '{type}'.");
        }

        return new StoredRecord(
            kind,
            reader.GetString(1),
            reader.GetInt64(2) == 1,
            reader.IsDBNull(3) ? null : PgValues.Instant(reader.GetString(3)),
            PgValues.Instant(reader.GetString(4)),
            PgValues.Instant(reader.GetString(5)),
            withProperties && !reader.IsDBNull(6) ? PgValues.ReadMap(reader.GetString(6)) : new SortedDictionary<string, string?>(),
            PgValues.ReadMap(reader.GetString(7)),
            reader.IsDBNull(8) ? null : PgValues.Instant(reader.GetString(8)));
    }

    private static async Task<SyncCursorState> ReadCursorAsync(NpgsqlConnection c, EntityKind kind, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT listed, list_in_progress, list_after, list_started_at, archived_in_progress, archived_after, fast, settled, last_reconciled_at
            FROM sync_cursors WHERE object_type = @type;
            """, c);
        cmd.Parameters.AddWithValue("type", kind.Plural());
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new SyncCursorState(kind);
        }

        DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : PgValues.Instant(reader.GetString(i));
        var cursor = new SyncCursorState(kind)
        {
            Listed = reader.GetInt64(0) == 1,
            ListInProgress = reader.GetInt64(1) == 1,
            ListAfter = PgValues.String(reader, 2),
            ListStartedAt = At(3),
            ArchivedSweepInProgress = reader.GetInt64(4) == 1,
            ArchivedAfter = PgValues.String(reader, 5),
            Fast = At(6),
            Settled = At(7),
            LastReconciledAt = At(8),
        };
        await reader.CloseAsync();
        var partitions = await ReadPartitionsAsync(c, kind, cancellationToken);
        return partitions.Count > 0 ? cursor with { Partitions = partitions } : cursor;
    }

    private static async Task<List<SyncPartition>> ReadPartitionsAsync(NpgsqlConnection c, EntityKind kind, CancellationToken cancellationToken)
    {
        // A read-only look (status, a dry run) at a schema from before migration 0002 has no partitions.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('sync_partitions') IS NOT NULL;", c))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return [];
            }
        }

        await using var cmd = new NpgsqlCommand(
            "SELECT idx, after_id, up_to_id, reader, position, done FROM sync_partitions WHERE object_type = @type ORDER BY idx;", c);
        cmd.Parameters.AddWithValue("type", kind.Plural());
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var partitions = new List<SyncPartition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            partitions.Add(new SyncPartition((int)reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2))
            {
                Reader = reader.GetString(3) switch
                {
                    "list" => SyncPartitionReader.List,
                    "search" => SyncPartitionReader.Search,
                    _ => SyncPartitionReader.Pending,
                },
                Position = reader.IsDBNull(4) ? null : reader.GetInt64(4),
                Done = reader.GetInt64(5) == 1,
            });
        }

        return partitions;
    }

    private static async Task<List<CrmPipeline>> ReadPipelinesAsync(NpgsqlConnection c, EntityKind kind, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT pipeline_id, pipeline_label, stage_id, stage_label, display_order, is_closed, probability
            FROM crm_pipeline_stages WHERE object_type = @type ORDER BY pipeline_id COLLATE "C", display_order, stage_id COLLATE "C";
            """, c);
        cmd.Parameters.AddWithValue("type", kind.Plural());
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var pipelines = new List<(string Id, string Label, List<CrmPipelineStage> Stages)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (pipelines.Count == 0 || pipelines[^1].Id != id)
            {
                pipelines.Add((id, reader.GetString(1), []));
            }

            pipelines[^1].Stages.Add(new CrmPipelineStage(
                reader.GetString(2),
                reader.GetString(3),
                (int)reader.GetInt64(4),
                reader.GetInt64(5) == 1,
                reader.IsDBNull(6) ? null : decimal.Parse(reader.GetString(6), NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return pipelines.Select(p => new CrmPipeline(p.Id, p.Label, p.Stages)).ToList();
    }

    private const string UpsertRecordTail = """
        ON CONFLICT (object_type, id) DO UPDATE SET
            archived = excluded.archived, archived_at = excluded.archived_at, created_at = excluded.created_at,
            updated_at = excluded.updated_at, properties = excluded.properties, local_values = excluded.local_values,
            local_changed_at = CASE
                WHEN crm_records.local_values = excluded.local_values THEN crm_records.local_changed_at
                WHEN (SELECT string_agg(k, ',') FROM json_object_keys(crm_records.local_values::json) AS k)
                     IS DISTINCT FROM (SELECT string_agg(k, ',') FROM json_object_keys(excluded.local_values::json) AS k) THEN crm_records.local_changed_at
                ELSE excluded.updated_at END,
            last_synced_at = excluded.last_synced_at
        """;

    private const string UpsertLedgerTail = """
        ON CONFLICT (object_type, id) DO UPDATE SET
            updated_at = excluded.updated_at, content_hash = excluded.content_hash, status = excluded.status,
            reason = excluded.reason, last_changed_at = excluded.last_changed_at
        """;

    /// <summary>A small page: one statement per row, sent as one batch.</summary>
    private static async Task WriteRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PageCommit page, CancellationToken cancellationToken)
    {
        if (page.Records.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var write in page.Records)
        {
            var ledger = write.Ledger;
            var type = ledger.Kind.Plural();
            if (write.Record is { } r)
            {
                var upsert = new NpgsqlBatchCommand($"""
                    INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                    {UpsertRecordTail};
                    """);
                Add(upsert, r.Kind.Plural(), r.Id, r.Archived ? 1L : 0L, PgValues.Text(r.ArchivedAt), PgValues.Text(r.CreatedAt), PgValues.Text(r.UpdatedAt),
                    PgValues.Map(r.Properties), PgValues.Map(r.LocalValues), PgValues.Text(ledger.LastChangedAt));
                batch.BatchCommands.Add(upsert);
            }
            else
            {
                // A record leaving the model takes its links on both sides with it. One that was never in it has no links
                // of its own, and the links other types hold to it stay (they do not depend on which type's pages
                // commit first).
                var delete = new NpgsqlBatchCommand("""
                    WITH gone AS (DELETE FROM crm_records WHERE object_type = $1 AND id = $2 RETURNING object_type, id)
                    DELETE FROM crm_associations a USING gone g
                    WHERE (a.from_type = g.object_type AND a.from_id = g.id) OR (a.to_type = g.object_type AND a.to_id = g.id);
                    """);
                Add(delete, type, ledger.Id);
                batch.BatchCommands.Add(delete);
            }

            var upsertLedger = new NpgsqlBatchCommand($"""
                INSERT INTO sync_ledger (object_type, id, updated_at, content_hash, status, reason, last_changed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                {UpsertLedgerTail};
                """);
            Add(upsertLedger, type, ledger.Id, PgValues.Text(ledger.UpdatedAt), ledger.ContentHash, ledger.Status.Name(), ledger.Reason, PgValues.Text(ledger.LastChangedAt));
            batch.BatchCommands.Add(upsertLedger);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A large page (ids distinct): the records and ledger rows go into temporary tables by binary COPY, then into
    /// the model with one upsert each; records leaving the model are deleted with their links in three statements.
    /// </summary>
    private static async Task CopyRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PageCommit page, CancellationToken cancellationToken)
    {
        await PostgresDatabase.Execute(connection, tx, """
            CREATE TEMP TABLE IF NOT EXISTS page_records (
                object_type text, id text, archived bigint, archived_at text, created_at text, updated_at text,
                properties text, local_values text, synced_at text) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS page_ledger (
                object_type text, id text, updated_at text, content_hash text, status text, reason text, last_changed_at text,
                in_model boolean) ON COMMIT DELETE ROWS;
            """, cancellationToken);

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY page_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, synced_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var write in page.Records)
            {
                if (write.Record is not { } r)
                {
                    continue;
                }

                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(r.Kind.Plural(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.Archived ? 1L : 0L, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(PgValues.Text(r.ArchivedAt), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Text(r.CreatedAt), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Text(r.UpdatedAt), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Map(r.Properties), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Map(r.LocalValues), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Text(write.Ledger.LastChangedAt), NpgsqlDbType.Text, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY page_ledger (object_type, id, updated_at, content_hash, status, reason, last_changed_at, in_model) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var write in page.Records)
            {
                var l = write.Ledger;
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(l.Kind.Plural(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(l.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Text(l.UpdatedAt), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(l.ContentHash!, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(l.Status.Name(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Nullable(l.Reason), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(PgValues.Text(l.LastChangedAt), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(write.Record is not null, NpgsqlDbType.Boolean, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await PostgresDatabase.Execute(connection, tx, $"""
            INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
            SELECT object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, synced_at, synced_at FROM page_records
            {UpsertRecordTail};
            WITH gone AS (
                DELETE FROM crm_records r USING page_ledger p WHERE NOT p.in_model AND r.object_type = p.object_type AND r.id = p.id
                RETURNING r.object_type, r.id)
            DELETE FROM crm_associations a USING gone g
            WHERE (a.from_type = g.object_type AND a.from_id = g.id) OR (a.to_type = g.object_type AND a.to_id = g.id);
            INSERT INTO sync_ledger (object_type, id, updated_at, content_hash, status, reason, last_changed_at)
            SELECT object_type, id, updated_at, content_hash, status, reason, last_changed_at FROM page_ledger
            {UpsertLedgerTail};
            """, cancellationToken);
    }

    private static async Task WriteLinksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PageCommit page, CancellationToken cancellationToken)
    {
        if (page.Links.Count == 0)
        {
            return;
        }

        var owners = page.Links.Select(r => (r.From, r.FromId, r.To)).ToList();
        var rows = page.Links.SelectMany(r => r.Links.Select(l => (From: r.From.Plural(), r.FromId, To: r.To.Plural(), l.ToId, Kinds: PgValues.Kinds(l.Kinds)))).ToList();
        if (owners.Distinct().Count() == owners.Count && rows.Select(r => (r.From, r.FromId, r.To, r.ToId)).Distinct().Count() == rows.Count)
        {
            // Each owner once: its old links go in one statement and the new ones in another (arrays bound once).
            await using var replace = new NpgsqlBatch(connection, tx);
            var delete = new NpgsqlBatchCommand("""
                DELETE FROM crm_associations a USING unnest($1::text[], $2::text[], $3::text[]) AS d(from_type, from_id, to_type)
                WHERE a.from_type = d.from_type AND a.from_id = d.from_id AND a.to_type = d.to_type;
                """);
            Add(delete, owners.Select(o => o.From.Plural()).ToArray(), owners.Select(o => o.FromId).ToArray(), owners.Select(o => o.To.Plural()).ToArray());
            replace.BatchCommands.Add(delete);
            if (rows.Count > 0)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO crm_associations (from_type, from_id, to_type, to_id, kinds)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                    ON CONFLICT (from_type, from_id, to_type, to_id) DO UPDATE SET kinds = excluded.kinds;
                    """);
                Add(insert, rows.Select(r => r.From).ToArray(), rows.Select(r => r.FromId).ToArray(), rows.Select(r => r.To).ToArray(),
                    rows.Select(r => r.ToId).ToArray(), rows.Select(r => r.Kinds).ToArray());
                replace.BatchCommands.Add(insert);
            }

            await replace.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var replacement in page.Links)
        {
            var from = replacement.From.Plural();
            var to = replacement.To.Plural();
            var delete = new NpgsqlBatchCommand("DELETE FROM crm_associations WHERE from_type = $1 AND from_id = $2 AND to_type = $3;");
            Add(delete, from, replacement.FromId, to);
            batch.BatchCommands.Add(delete);
            foreach (var link in replacement.Links)
            {
                var upsert = new NpgsqlBatchCommand("""
                    INSERT INTO crm_associations (from_type, from_id, to_type, to_id, kinds) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (from_type, from_id, to_type, to_id) DO UPDATE SET kinds = excluded.kinds;
                    """);
                Add(upsert, from, replacement.FromId, to, link.ToId, PgValues.Kinds(link.Kinds));
                batch.BatchCommands.Add(upsert);
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task UpsertCursorRowAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SyncCursorState c, CancellationToken cancellationToken) =>
        await PostgresDatabase.Execute(connection, tx, """
            INSERT INTO sync_cursors (object_type, listed, list_in_progress, list_after, list_started_at, archived_in_progress, archived_after, fast, settled, last_reconciled_at, updated_at)
            VALUES (@type, @listed, @listing, @listAfter, @listStarted, @archiving, @archivedAfter, @fast, @settled, @reconciled,
                    to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            ON CONFLICT (object_type) DO UPDATE SET
                listed = excluded.listed, list_in_progress = excluded.list_in_progress, list_after = excluded.list_after,
                list_started_at = excluded.list_started_at, archived_in_progress = excluded.archived_in_progress,
                archived_after = excluded.archived_after, fast = excluded.fast, settled = excluded.settled,
                last_reconciled_at = excluded.last_reconciled_at, updated_at = excluded.updated_at;
            """,
            cancellationToken,
            ("type", c.Kind.Plural()), ("listed", c.Listed ? 1L : 0L), ("listing", c.ListInProgress ? 1L : 0L), ("listAfter", c.ListAfter),
            ("listStarted", PgValues.Text(c.ListStartedAt)), ("archiving", c.ArchivedSweepInProgress ? 1L : 0L), ("archivedAfter", c.ArchivedAfter),
            ("fast", PgValues.Text(c.Fast)), ("settled", PgValues.Text(c.Settled)), ("reconciled", PgValues.Text(c.LastReconciledAt)));

    /// <summary>The cursor and the partitions of a listing in progress, in the caller's transaction.</summary>
    private static async Task UpsertCursorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SyncCursorState c, CancellationToken cancellationToken)
    {
        await UpsertCursorRowAsync(connection, tx, c, cancellationToken);
        var p = c.Partitions;
        await PostgresDatabase.Execute(connection, tx, """
            DELETE FROM sync_partitions WHERE object_type = @type;
            INSERT INTO sync_partitions (object_type, idx, after_id, up_to_id, reader, position, done)
            SELECT @type, * FROM unnest(@idx::bigint[], @after::bigint[], @upTo::bigint[], @reader::text[], @position::bigint[], @done::bigint[]);
            """,
            cancellationToken,
            ("type", c.Kind.Plural()),
            ("idx", p.Select(x => (long)x.Index).ToArray()),
            ("after", p.Select(x => x.After).ToArray()),
            ("upTo", p.Select(x => x.UpTo).ToArray()),
            ("reader", p.Select(x => x.Reader switch { SyncPartitionReader.List => "list", SyncPartitionReader.Search => "search", _ => "pending" }).ToArray()),
            ("position", p.Select(x => x.Position).ToArray()),
            ("done", p.Select(x => x.Done ? 1L : 0L).ToArray()));
    }
}
