using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage;

/// <summary>
/// The SQLite store of the local delivery model (migration 0002). Reads never create the database: before the
/// first write they go through a read-only connection, or read as empty when there is no file. Writes go through
/// one connection with prepared commands reused across pages; each page is one transaction.
/// </summary>
public sealed partial class SqliteDeliveryStore : IDeliveryStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private SqliteConnection? _writer;
    private PreparedCommands? _commands;

    /// <param name="database">The database file.</param>
    /// <param name="clock">The time webhook events a page answers are settled at (the system clock when null).</param>
    public SqliteDeliveryStore(SqliteDatabase database, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _clock = clock ?? TimeProvider.System;
    }

    public Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(c => ReadCursor(c, kind), new SyncCursorState(kind)));
    }

    public Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyDictionary<string, StoredState> empty = new Dictionary<string, StoredState>();
        return Task.FromResult(ids.Count == 0 ? empty : Read<IReadOnlyDictionary<string, StoredState>>(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT l.id, l.content_hash, l.status, r.id IS NOT NULL, COALESCE(r.archived, 0), r.properties
                    FROM sync_ledger l
                    LEFT JOIN crm_records r ON r.object_type = l.object_type AND r.id = l.id
                    WHERE l.object_type = $type AND l.id IN (SELECT value FROM json_each($ids));
                    """;
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                cmd.Parameters.AddWithValue("$ids", StoreJson.WriteIds(ids));
                using var reader = cmd.ExecuteReader();
                var states = new Dictionary<string, StoredState>(StringComparer.Ordinal);
                while (reader.Read())
                {
                    var id = reader.GetString(0);
                    states[id] = new StoredState(
                        id,
                        reader.GetString(1),
                        LedgerStatuses.Parse(reader.GetString(2)),
                        reader.GetInt64(3) == 1,
                        reader.GetInt64(4) == 1,
                        reader.IsDBNull(5) ? new SortedDictionary<string, string?>() : StoreJson.ReadMap(reader.GetString(5)));
                }

                return states;
            },
            empty));
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromIds);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>> empty = new Dictionary<string, IReadOnlyList<DeliveryLink>>();
        return Task.FromResult(fromIds.Count == 0 ? empty : Read<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>>(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT from_id, to_id, kinds FROM crm_associations
                    WHERE from_type = $from AND to_type = $to AND from_id IN (SELECT value FROM json_each($ids));
                    """;
                cmd.Parameters.AddWithValue("$from", from.Plural());
                cmd.Parameters.AddWithValue("$to", to.Plural());
                cmd.Parameters.AddWithValue("$ids", StoreJson.WriteIds(fromIds));
                using var reader = cmd.ExecuteReader();
                var links = new Dictionary<string, List<DeliveryLink>>(StringComparer.Ordinal);
                while (reader.Read())
                {
                    var fromId = reader.GetString(0);
                    if (!links.TryGetValue(fromId, out var list))
                    {
                        links[fromId] = list = [];
                    }

                    list.Add(new DeliveryLink(from, fromId, to, reader.GetString(1), StoreJson.ReadKinds(reader.GetString(2))));
                }

                return links.ToDictionary(p => p.Key, p => (IReadOnlyList<DeliveryLink>)p.Value, StringComparer.Ordinal);
            },
            empty));
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(toIds);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> empty = new Dictionary<string, IReadOnlyCollection<string>>();
        return Task.FromResult(toIds.Count == 0 ? empty : Read<IReadOnlyDictionary<string, IReadOnlyCollection<string>>>(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT to_id, from_id FROM crm_associations
                    WHERE to_type = $to AND from_type = $from AND to_id IN (SELECT value FROM json_each($ids));
                    """;
                cmd.Parameters.AddWithValue("$from", from.Plural());
                cmd.Parameters.AddWithValue("$to", to.Plural());
                cmd.Parameters.AddWithValue("$ids", StoreJson.WriteIds(toIds));
                using var reader = cmd.ExecuteReader();
                var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                while (reader.Read())
                {
                    var toId = reader.GetString(0);
                    if (!result.TryGetValue(toId, out var set))
                    {
                        result[toId] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(reader.GetString(1));
                }

                return result.ToDictionary(p => p.Key, p => (IReadOnlyCollection<string>)p.Value, StringComparer.Ordinal);
            },
            empty));
    }

    public Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var commands = Writer();
            using var tx = _writer!.BeginTransaction();
            commands.WritePage(page, _clock.GetUtcNow());
            commands.UpsertCursor(page.Cursor);
            tx.Commit();
        }

        return Task.CompletedTask;
    }

    public Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var commands = Writer();
            using var tx = _writer!.BeginTransaction();
            commands.UpsertCursor(cursor);
            tx.Commit();
        }

        return Task.CompletedTask;
    }

    public Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Writer();
            using var tx = _writer!.BeginTransaction();
            using (var delete = _writer.CreateCommand())
            {
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM crm_pipeline_stages WHERE object_type = $type;";
                delete.Parameters.AddWithValue("$type", kind.Plural());
                delete.ExecuteNonQuery();
            }

            using var insert = _writer.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO crm_pipeline_stages (object_type, pipeline_id, pipeline_label, stage_id, stage_label, display_order, is_closed, probability)
                VALUES ($type, $pipeline, $pipelineLabel, $stage, $stageLabel, $order, $closed, $probability);
                """;
            foreach (var pipeline in pipelines)
            {
                foreach (var stage in pipeline.Stages)
                {
                    insert.Parameters.Clear();
                    insert.Parameters.AddWithValue("$type", kind.Plural());
                    insert.Parameters.AddWithValue("$pipeline", pipeline.Id);
                    insert.Parameters.AddWithValue("$pipelineLabel", pipeline.Label);
                    insert.Parameters.AddWithValue("$stage", stage.Id);
                    insert.Parameters.AddWithValue("$stageLabel", stage.Label);
                    insert.Parameters.AddWithValue("$order", stage.DisplayOrder);
                    insert.Parameters.AddWithValue("$closed", stage.IsClosed ? 1 : 0);
                    insert.Parameters.AddWithValue("$probability", (object?)stage.Probability?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value);
                    insert.ExecuteNonQuery();
                }
            }

            tx.Commit();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(c => ReadPipelines(c, kind), (IReadOnlyList<CrmPipeline>)[]));
    }

    public Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read<LedgerEntry?>(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    SELECT updated_at, content_hash, status, reason, last_changed_at FROM sync_ledger
                    WHERE object_type = $type AND id = $id;
                    """;
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                cmd.Parameters.AddWithValue("$id", id);
                using var reader = cmd.ExecuteReader();
                return reader.Read()
                    ? new LedgerEntry(kind, id, Instant(reader.GetString(0)), reader.GetString(1), LedgerStatuses.Parse(reader.GetString(2)),
                        reader.IsDBNull(3) ? null : reader.GetString(3), Instant(reader.GetString(4)))
                    : null;
            },
            null));
    }

    public Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read<IReadOnlyList<StoredRecord>>(
            c =>
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = ids is null
                    ? "SELECT object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, local_changed_at FROM crm_records WHERE object_type = $type;"
                    : "SELECT object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, local_changed_at FROM crm_records WHERE object_type = $type AND id IN (SELECT value FROM json_each($ids));";
                cmd.Parameters.AddWithValue("$type", kind.Plural());
                if (ids is not null)
                {
                    cmd.Parameters.AddWithValue("$ids", StoreJson.WriteIds(ids));
                }

                using var reader = cmd.ExecuteReader();
                var list = new List<StoredRecord>();
                while (reader.Read())
                {
                    list.Add(ReadRecord(reader, withProperties: true));
                }

                list.Sort((a, b) => DeliveryExportJson.CompareIds(a.Id, b.Id));
                return list;
            },
            []));
    }

    public Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Writer();
            using var cmd = _writer!.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_runs (kind, started_at) VALUES ($kind, $at) RETURNING id;";
            cmd.Parameters.AddWithValue("$kind", kind);
            cmd.Parameters.AddWithValue("$at", Text(startedAt));
            return Task.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
        }
    }

    public Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Writer();
            using var cmd = _writer!.CreateCommand();
            cmd.CommandText = "UPDATE sync_runs SET finished_at = $at, outcome = $outcome, summary = $summary WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.Parameters.AddWithValue("$at", Text(finishedAt));
            cmd.Parameters.AddWithValue("$outcome", outcome);
            cmd.Parameters.AddWithValue("$summary", summary);
            cmd.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(
            c =>
            {
                var factory = new DeliveryEntityFactory(ReadPipelines(c, EntityKind.Deal), ReadPipelines(c, EntityKind.Ticket));
                var companies = new List<Company>();
                var deals = new List<Deal>();
                var tickets = new List<Ticket>();
                var projects = new List<Project>();
                // Archived records stay in the model, flagged (the engine skips them), but their links do not: HubSpot
                // shows no link to or from an archived record, and neither does export. Otherwise a project's health or
                // a company's rollup could count an archived deal or company.
                var archived = new HashSet<(string Type, string Id)>();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = """
                        SELECT r.object_type, r.id, r.archived, r.archived_at, r.created_at, r.updated_at, NULL, r.local_values,
                               r.local_changed_at, COALESCE(l.status = 'in_sync', 0)
                        FROM crm_records r LEFT JOIN sync_ledger l ON l.object_type = r.object_type AND l.id = r.id;
                        """;
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        if (reader.GetInt64(2) == 1)
                        {
                            archived.Add((reader.GetString(0), reader.GetString(1)));
                        }

                        if (reader.GetInt64(9) != 1)
                        {
                            continue;
                        }

                        var record = ReadRecord(reader, withProperties: false);
                        switch (record.Kind)
                        {
                            case EntityKind.Company: companies.Add(DeliveryEntityFactory.ToCompany(record)); break;
                            case EntityKind.Deal: deals.Add(factory.ToDeal(record)); break;
                            case EntityKind.Ticket: tickets.Add(factory.ToTicket(record)); break;
                            case EntityKind.Project: projects.Add(DeliveryEntityFactory.ToProject(record)); break;
                            default: break;
                        }
                    }
                }

                var links = new List<DeliveryLink>();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = "SELECT from_type, from_id, to_type, to_id, kinds FROM crm_associations;";
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        var fromType = reader.GetString(0);
                        var fromId = reader.GetString(1);
                        var toType = reader.GetString(2);
                        var toId = reader.GetString(3);
                        if (archived.Count > 0 && (archived.Contains((fromType, fromId)) || archived.Contains((toType, toId))))
                        {
                            continue;
                        }

                        if (EntityKinds.TryParse(fromType, out var from) && EntityKinds.TryParse(toType, out var to))
                        {
                            links.Add(new DeliveryLink(from, fromId, to, toId, StoreJson.ReadKinds(reader.GetString(4))));
                        }
                    }
                }

                var byId = Comparer<string>.Create(DeliveryExportJson.CompareIds);
                return new DeliveryModelSnapshot(
                    companies.OrderBy(x => x.Id, byId).ToList(),
                    deals.OrderBy(x => x.Id, byId).ToList(),
                    tickets.OrderBy(x => x.Id, byId).ToList(),
                    projects.OrderBy(x => x.Id, byId).ToList(),
                    links);
            },
            DeliveryModelSnapshot.Empty));
    }

    public Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var wanted = kinds is { Count: > 0 } ? kinds.Distinct().Order().ToList() : EntityKinds.All.ToList();
        var empty = new DeliveryExport(wanted.ToDictionary(k => k, _ => (IReadOnlyList<ExportRecord>)[]), []);
        return Task.FromResult(Read(
            c =>
            {
                var records = new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>();
                foreach (var kind in wanted)
                {
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "SELECT id, archived, properties FROM crm_records WHERE object_type = $type;";
                    cmd.Parameters.AddWithValue("$type", kind.Plural());
                    using var reader = cmd.ExecuteReader();
                    var list = new List<ExportRecord>();
                    while (reader.Read())
                    {
                        list.Add(new ExportRecord(reader.GetString(0), reader.GetInt64(1) == 1, StoreJson.ReadMap(reader.GetString(2))));
                    }

                    list.Sort((a, b) => DeliveryExportJson.CompareIds(a.Id, b.Id));
                    records[kind] = list;
                }

                var names = wanted.Select(k => k.Plural()).ToHashSet(StringComparer.Ordinal);
                var associations = new List<ExportAssociation>();
                using (var cmd = c.CreateCommand())
                {
                    // As HubSpot shows it: a read never shows a link to or from an archived record (HubSpot keeps it
                    // and shows it again on restore, and so does the store). LoadModelAsync drops the same links.
                    cmd.CommandText = """
                        SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.kinds FROM crm_associations a
                        WHERE NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.object_type = a.to_type AND r.id = a.to_id AND r.archived = 1)
                          AND NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.object_type = a.from_type AND r.id = a.from_id AND r.archived = 1);
                        """;
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        var fromType = reader.GetString(0);
                        var toType = reader.GetString(2);
                        if (names.Contains(fromType) || names.Contains(toType))
                        {
                            var typeIds = StoreJson.ReadKinds(reader.GetString(4)).Select(k => k.TypeId).Distinct().Order().ToList();
                            associations.Add(new ExportAssociation(fromType, reader.GetString(1), toType, reader.GetString(3), typeIds));
                        }
                    }
                }

                associations.Sort(static (a, b) =>
                {
                    var c1 = string.CompareOrdinal(a.FromType, b.FromType);
                    if (c1 != 0)
                    {
                        return c1;
                    }

                    var c2 = DeliveryExportJson.CompareIds(a.FromId, b.FromId);
                    if (c2 != 0)
                    {
                        return c2;
                    }

                    var c3 = string.CompareOrdinal(a.ToType, b.ToType);
                    return c3 != 0 ? c3 : DeliveryExportJson.CompareIds(a.ToId, b.ToId);
                });
                return new DeliveryExport(records, associations);
            },
            empty));
    }

    public Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var empty = new SyncStatus(false, EntityKinds.All.Select(EmptyStatus).ToList(), []);
        return Task.FromResult(Read(
            c =>
            {
                var objects = EntityKinds.All.Select(k => ReadObjectStatus(c, k)).ToList();
                var runs = new List<SyncRunInfo>();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT id, kind, started_at, finished_at, outcome, summary FROM sync_runs ORDER BY id DESC LIMIT $n;";
                cmd.Parameters.AddWithValue("$n", Math.Max(0, lastRuns));
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    runs.Add(new SyncRunInfo(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        Instant(reader.GetString(2)),
                        reader.IsDBNull(3) ? null : Instant(reader.GetString(3)),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5)));
                }

                return new SyncStatus(true, objects, runs);
            },
            empty));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _commands?.Dispose();
            _commands = null;
            _writer?.Dispose();
            _writer = null;
        }
    }

    internal static string Text(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Instant(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal);

    private static ObjectStatus EmptyStatus(EntityKind kind) =>
        new(kind, 0, 0, 0, new SyncCursorState(kind), new Dictionary<LedgerStatus, long>(), []);

    private static ObjectStatus ReadObjectStatus(SqliteConnection c, EntityKind kind)
    {
        long records = 0, archived = 0, links = 0;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = """
                SELECT COUNT(*), COALESCE(SUM(archived), 0),
                       (SELECT COUNT(*) FROM crm_associations WHERE from_type = $type)
                FROM crm_records WHERE object_type = $type;
                """;
            cmd.Parameters.AddWithValue("$type", kind.Plural());
            using var reader = cmd.ExecuteReader();
            reader.Read();
            records = reader.GetInt64(0);
            archived = reader.GetInt64(1);
            links = reader.GetInt64(2);
        }

        var counts = new Dictionary<LedgerStatus, long>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT status, COUNT(*) FROM sync_ledger WHERE object_type = $type GROUP BY status;";
            cmd.Parameters.AddWithValue("$type", kind.Plural());
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                counts[LedgerStatuses.Parse(reader.GetString(0))] = reader.GetInt64(1);
            }
        }

        var reasons = new List<LedgerReasonCount>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = LedgerReasonsSql;
            cmd.Parameters.AddWithValue("$type", kind.Plural());
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var ids = System.Text.Json.JsonSerializer.Deserialize<List<string>>(reader.GetString(3)) ?? [];
                reasons.Add(new LedgerReasonCount(LedgerStatuses.Parse(reader.GetString(0)), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetInt64(2), ids));
            }
        }

        return new ObjectStatus(kind, records, archived, links, ReadCursor(c, kind), counts, reasons);
    }

    /// <summary>
    /// The reasons records of one type (<c>$type</c>) are not in sync, with a count and five example ids each. Both
    /// the outer query and the examples' subquery say <c>status &lt;&gt; 'in_sync'</c>, so that both read the ledger's
    /// partial status index (migration 0007) instead of every ledger row of the type.
    /// </summary>
    internal const string LedgerReasonsSql = """
        SELECT status, reason, COUNT(*), (SELECT json_group_array(id) FROM (
                   SELECT x.id FROM sync_ledger x
                   WHERE x.object_type = l.object_type AND x.status = l.status AND x.reason IS l.reason AND x.status <> 'in_sync'
                   ORDER BY length(x.id), x.id LIMIT 5))
        FROM sync_ledger l
        WHERE object_type = $type AND status <> 'in_sync'
        GROUP BY status, reason
        ORDER BY COUNT(*) DESC, reason
        LIMIT 50;
        """;

    private static SyncCursorState ReadCursor(SqliteConnection c, EntityKind kind)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT listed, list_in_progress, list_after, list_started_at, archived_in_progress, archived_after, fast, settled, last_reconciled_at
            FROM sync_cursors WHERE object_type = $type;
            """;
        cmd.Parameters.AddWithValue("$type", kind.Plural());
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            return new SyncCursorState(kind);
        }

        return new SyncCursorState(kind)
        {
            Listed = reader.GetInt64(0) == 1,
            ListInProgress = reader.GetInt64(1) == 1,
            ListAfter = reader.IsDBNull(2) ? null : reader.GetString(2),
            ListStartedAt = reader.IsDBNull(3) ? null : Instant(reader.GetString(3)),
            ArchivedSweepInProgress = reader.GetInt64(4) == 1,
            ArchivedAfter = reader.IsDBNull(5) ? null : reader.GetString(5),
            Fast = reader.IsDBNull(6) ? null : Instant(reader.GetString(6)),
            Settled = reader.IsDBNull(7) ? null : Instant(reader.GetString(7)),
            LastReconciledAt = reader.IsDBNull(8) ? null : Instant(reader.GetString(8)),
            Partitions = ReadPartitions(c, kind) is { Count: > 0 } partitions ? partitions : Array.Empty<SyncPartition>(),
        };
    }

    private static List<SyncPartition> ReadPartitions(SqliteConnection c, EntityKind kind)
    {
        using (var exists = c.CreateCommand())
        {
            // A read-only look (status, a dry run) at a database from before migration 0011 has no partitions.
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_partitions';";
            if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                return [];
            }
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT idx, after_id, up_to_id, reader, position, done FROM sync_partitions WHERE object_type = $type ORDER BY idx;";
        cmd.Parameters.AddWithValue("$type", kind.Plural());
        using var reader = cmd.ExecuteReader();
        var partitions = new List<SyncPartition>();
        while (reader.Read())
        {
            partitions.Add(new SyncPartition(reader.GetInt32(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2))
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

    private static List<CrmPipeline> ReadPipelines(SqliteConnection c, EntityKind kind)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT pipeline_id, pipeline_label, stage_id, stage_label, display_order, is_closed, probability
            FROM crm_pipeline_stages WHERE object_type = $type ORDER BY pipeline_id, display_order, stage_id;
            """;
        cmd.Parameters.AddWithValue("$type", kind.Plural());
        using var reader = cmd.ExecuteReader();
        var pipelines = new List<(string Id, string Label, List<CrmPipelineStage> Stages)>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (pipelines.Count == 0 || pipelines[^1].Id != id)
            {
                pipelines.Add((id, reader.GetString(1), []));
            }

            pipelines[^1].Stages.Add(new CrmPipelineStage(
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetInt64(5) == 1,
                reader.IsDBNull(6) ? null : decimal.Parse(reader.GetString(6), NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return pipelines.Select(p => new CrmPipeline(p.Id, p.Label, p.Stages)).ToList();
    }

    private static StoredRecord ReadRecord(SqliteDataReader reader, bool withProperties)
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
            reader.IsDBNull(3) ? null : Instant(reader.GetString(3)),
            Instant(reader.GetString(4)),
            Instant(reader.GetString(5)),
            withProperties ? StoreJson.ReadMap(reader.GetString(6)) : new SortedDictionary<string, string?>(),
            StoreJson.ReadMap(reader.GetString(7)),
            reader.IsDBNull(8) ? null : Instant(reader.GetString(8)));
    }

    private T Read<T>(Func<SqliteConnection, T> read, T whenEmpty)
    {
        lock (_gate)
        {
            if (_writer is not null)
            {
                return read(_writer);
            }

            using var connection = _database.OpenReadOnlyIfExists();
            if (connection is null || !HasModel(connection))
            {
                return whenEmpty;
            }

            return read(connection);
        }
    }

    private static bool HasModel(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('crm_records', 'sync_ledger', 'sync_cursors', 'crm_associations', 'crm_pipeline_stages', 'sync_runs');";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 6;
    }

    private PreparedCommands Writer()
    {
        if (_commands is not null)
        {
            return _commands;
        }

        _writer = _database.Open();
        using (var pragma = _writer.CreateCommand())
        {
            // The sync writes page after page: fewer, larger checkpoints (5,000 pages, 40 MB of WAL with 8 KB pages,
            // instead of SQLite's 1,000) keep ingest fast. The page cache stays at SQLite's default (2 MB): measured
            // with sqlite-ingest, caches of 16 and 64 MB were no faster. The file's pages stay in the OS cache anyway.
            pragma.CommandText = "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 5000;";
            pragma.ExecuteNonQuery();
        }

        _commands = new PreparedCommands(_writer);
        return _commands;
    }

    /// <summary>
    /// The statements of the write path, prepared once on the writer connection and run once per row with the row's
    /// values bound by position (see <see cref="RowStatement"/>). A page of 100 records costs a few hundred short
    /// statement steps and no JSON round trip: the record's maps are written as UTF-8 JSON once and bound as text.
    /// </summary>
    private sealed class PreparedCommands : IDisposable
    {
        private readonly RowStatement _upsertRecord;
        private readonly RowStatement _deleteRecord;
        private readonly RowStatement _deleteLinksFrom;
        private readonly RowStatement _deleteLinksTo;
        private readonly RowStatement _upsertLedger;
        private readonly RowStatement _deleteOwnerLinks;
        private readonly RowStatement _upsertLink;
        private readonly RowStatement _upsertCursor;
        private readonly RowStatement _deletePartitions;
        private readonly RowStatement _insertPartition;
        private readonly RowStatement _settleInbox;
        private readonly RowStatement[] _all;

        public PreparedCommands(SqliteConnection connection)
        {
            _upsertRecord = new RowStatement(connection, """
                INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                ON CONFLICT (object_type, id) DO UPDATE SET
                    archived = excluded.archived, archived_at = excluded.archived_at, created_at = excluded.created_at,
                    updated_at = excluded.updated_at, properties = excluded.properties, local_values = excluded.local_values,
                    local_changed_at = CASE
                        WHEN crm_records.local_values IS excluded.local_values THEN crm_records.local_changed_at
                        WHEN (SELECT group_concat(key, ',') FROM json_each(crm_records.local_values))
                             IS NOT (SELECT group_concat(key, ',') FROM json_each(excluded.local_values)) THEN crm_records.local_changed_at
                        ELSE excluded.updated_at END,
                    last_synced_at = excluded.last_synced_at;
                """);
            _deleteRecord = new RowStatement(connection, "DELETE FROM crm_records WHERE object_type = ?1 AND id = ?2;");
            _deleteLinksFrom = new RowStatement(connection, "DELETE FROM crm_associations WHERE from_type = ?1 AND from_id = ?2;");
            _deleteLinksTo = new RowStatement(connection, "DELETE FROM crm_associations WHERE to_type = ?1 AND to_id = ?2;");
            _upsertLedger = new RowStatement(connection, """
                INSERT INTO sync_ledger (object_type, id, updated_at, content_hash, status, reason, last_changed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (object_type, id) DO UPDATE SET
                    updated_at = excluded.updated_at, content_hash = excluded.content_hash, status = excluded.status,
                    reason = excluded.reason, last_changed_at = excluded.last_changed_at;
                """);
            _deleteOwnerLinks = new RowStatement(connection, "DELETE FROM crm_associations WHERE from_type = ?1 AND from_id = ?2 AND to_type = ?3;");
            _upsertLink = new RowStatement(connection, """
                INSERT INTO crm_associations (from_type, from_id, to_type, to_id, kinds) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (from_type, from_id, to_type, to_id) DO UPDATE SET kinds = excluded.kinds;
                """);
            _upsertCursor = new RowStatement(connection, """
                INSERT INTO sync_cursors (object_type, listed, list_in_progress, list_after, list_started_at, archived_in_progress, archived_after, fast, settled, last_reconciled_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                ON CONFLICT (object_type) DO UPDATE SET
                    listed = excluded.listed, list_in_progress = excluded.list_in_progress, list_after = excluded.list_after,
                    list_started_at = excluded.list_started_at, archived_in_progress = excluded.archived_in_progress,
                    archived_after = excluded.archived_after, fast = excluded.fast, settled = excluded.settled,
                    last_reconciled_at = excluded.last_reconciled_at, updated_at = excluded.updated_at;
                """);
            _settleInbox = new RowStatement(connection, "UPDATE webhook_inbox SET processed_at = ?2 WHERE id = ?1 AND processed_at IS NULL;");
            _deletePartitions = new RowStatement(connection, "DELETE FROM sync_partitions WHERE object_type = ?1;");
            _insertPartition = new RowStatement(connection, """
                INSERT INTO sync_partitions (object_type, idx, after_id, up_to_id, reader, position, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);
                """);
            _all = [_upsertRecord, _deleteRecord, _deleteLinksFrom, _deleteLinksTo, _upsertLedger, _deleteOwnerLinks, _upsertLink, _upsertCursor, _deletePartitions, _insertPartition, _settleInbox];
        }

        /// <summary>
        /// Each record: stored (insert or update; first_synced_at kept) or, when it leaves the model, deleted with
        /// its links on both sides; then its ledger row. Then each link replacement: the owner's links to that kind
        /// deleted and the new ones written; then the webhook inbox rows the page answers, marked processed at
        /// <paramref name="settledAt"/>. The caller holds the page's transaction.
        /// </summary>
        public void WritePage(PageCommit page, DateTimeOffset settledAt)
        {
            foreach (var write in page.Records)
            {
                var ledger = write.Ledger;
                ArgumentNullException.ThrowIfNull(ledger.ContentHash);
                var type = ledger.Kind.Plural();
                if (write.Record is { } r)
                {
                    _upsertRecord.Text(1, r.Kind.Plural());
                    _upsertRecord.Text(2, r.Id);
                    _upsertRecord.Integer(3, r.Archived ? 1 : 0);
                    _upsertRecord.Instant(4, r.ArchivedAt);
                    _upsertRecord.Instant(5, r.CreatedAt);
                    _upsertRecord.Instant(6, r.UpdatedAt);
                    _upsertRecord.Utf8(7, StoreJson.MapUtf8(r.Properties));
                    _upsertRecord.Utf8(8, StoreJson.MapUtf8(r.LocalValues));
                    _upsertRecord.Instant(9, ledger.LastChangedAt);
                    _upsertRecord.Run();
                }
                else
                {
                    // A record leaving the model takes its links on both sides with it. One that was never in it has no
                    // links of its own, and the links other types hold to it stay (they do not depend on which type's
                    // pages commit first).
                    _deleteRecord.Text(1, type);
                    _deleteRecord.Text(2, ledger.Id);
                    _deleteRecord.Run();
                    if (_deleteRecord.Changes > 0)
                    {
                        foreach (var delete in (ReadOnlySpan<RowStatement>)[_deleteLinksFrom, _deleteLinksTo])
                        {
                            delete.Text(1, type);
                            delete.Text(2, ledger.Id);
                            delete.Run();
                        }
                    }
                }

                _upsertLedger.Text(1, type);
                _upsertLedger.Text(2, ledger.Id);
                _upsertLedger.Instant(3, ledger.UpdatedAt);
                _upsertLedger.Text(4, ledger.ContentHash);
                _upsertLedger.Text(5, ledger.Status.Name());
                _upsertLedger.Text(6, ledger.Reason);
                _upsertLedger.Instant(7, ledger.LastChangedAt);
                _upsertLedger.Run();
            }

            foreach (var replacement in page.Links)
            {
                var from = replacement.From.Plural();
                var to = replacement.To.Plural();
                _deleteOwnerLinks.Text(1, from);
                _deleteOwnerLinks.Text(2, replacement.FromId);
                _deleteOwnerLinks.Text(3, to);
                _deleteOwnerLinks.Run();
                if (replacement.Links.Count == 0)
                {
                    continue;
                }

                _upsertLink.Text(1, from);
                _upsertLink.Text(2, replacement.FromId);
                _upsertLink.Text(3, to);
                foreach (var link in replacement.Links)
                {
                    _upsertLink.Text(4, link.ToId);
                    _upsertLink.Utf8(5, StoreJson.KindsUtf8(link.Kinds));
                    _upsertLink.Run();
                }
            }

            // Webhook events this page answers: processed together with what they produced.
            foreach (var id in page.InboxEvents)
            {
                _settleInbox.Integer(1, id);
                _settleInbox.Instant(2, settledAt);
                _settleInbox.Run();
            }
        }

        public void UpsertCursor(SyncCursorState c)
        {
            var s = _upsertCursor;
            s.Text(1, c.Kind.Plural());
            s.Integer(2, c.Listed ? 1 : 0);
            s.Integer(3, c.ListInProgress ? 1 : 0);
            s.Text(4, c.ListAfter);
            s.Instant(5, c.ListStartedAt);
            s.Integer(6, c.ArchivedSweepInProgress ? 1 : 0);
            s.Text(7, c.ArchivedAfter);
            s.Instant(8, c.Fast);
            s.Instant(9, c.Settled);
            s.Instant(10, c.LastReconciledAt);
            s.Run();

            // The partitions of a listing in progress go with the cursor, in the same transaction.
            _deletePartitions.Text(1, c.Kind.Plural());
            _deletePartitions.Run();
            foreach (var p in c.Partitions)
            {
                var i = _insertPartition;
                i.Text(1, c.Kind.Plural());
                i.Integer(2, p.Index);
                i.Integer(3, p.After);
                if (p.UpTo is { } upTo)
                {
                    i.Integer(4, upTo);
                }
                else
                {
                    i.Null(4);
                }

                i.Text(5, p.Reader switch
                {
                    SyncPartitionReader.List => "list",
                    SyncPartitionReader.Search => "search",
                    _ => "pending",
                });
                if (p.Position is { } position)
                {
                    i.Integer(6, position);
                }
                else
                {
                    i.Null(6);
                }

                i.Integer(7, p.Done ? 1 : 0);
                i.Run();
            }
        }

        public void Dispose()
        {
            foreach (var statement in _all)
            {
                statement.Dispose();
            }
        }
    }
}
