using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>The read models of the delivery store: the typed model, the export and the status.</summary>
internal sealed partial class PostgresDeliveryStore
{
    public Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken) =>
        ReadAsync(
            async c =>
            {
                var factory = new DeliveryEntityFactory(await ReadPipelinesAsync(c, EntityKind.Deal, cancellationToken), await ReadPipelinesAsync(c, EntityKind.Ticket, cancellationToken));
                var companies = new List<Company>();
                var deals = new List<Deal>();
                var tickets = new List<Ticket>();
                var projects = new List<Project>();
                var archived = new HashSet<(string Type, string Id)>();
                await using (var cmd = new NpgsqlCommand("""
                    SELECT r.object_type, r.id, r.archived, r.archived_at, r.created_at, r.updated_at, NULL, r.local_values,
                           r.local_changed_at, COALESCE(l.status = 'in_sync', false)
                    FROM crm_records r LEFT JOIN sync_ledger l ON l.object_type = r.object_type AND l.id = r.id;
                    """, c))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        if (reader.GetInt64(2) == 1)
                        {
                            archived.Add((reader.GetString(0), reader.GetString(1)));
                        }

                        if (!reader.GetBoolean(9))
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
                await using (var cmd = new NpgsqlCommand("SELECT from_type, from_id, to_type, to_id, kinds FROM crm_associations;", c))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
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
                            links.Add(new DeliveryLink(from, fromId, to, toId, PgValues.ReadKinds(reader.GetString(4))));
                        }
                    }
                }

                // The SQLite store returns links in its primary key's order; so does this one.
                links.Sort(static (a, b) =>
                {
                    var c1 = string.CompareOrdinal(a.From.Plural(), b.From.Plural());
                    if (c1 != 0)
                    {
                        return c1;
                    }

                    var c2 = string.CompareOrdinal(a.FromId, b.FromId);
                    if (c2 != 0)
                    {
                        return c2;
                    }

                    var c3 = string.CompareOrdinal(a.To.Plural(), b.To.Plural());
                    return c3 != 0 ? c3 : string.CompareOrdinal(a.ToId, b.ToId);
                });
                var byId = Comparer<string>.Create(DeliveryExportJson.CompareIds);
                return new DeliveryModelSnapshot(
                    companies.OrderBy(x => x.Id, byId).ToList(),
                    deals.OrderBy(x => x.Id, byId).ToList(),
                    tickets.OrderBy(x => x.Id, byId).ToList(),
                    projects.OrderBy(x => x.Id, byId).ToList(),
                    links);
            },
            DeliveryModelSnapshot.Empty,
            cancellationToken);

    public Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken)
    {
        var wanted = kinds is { Count: > 0 } ? kinds.Distinct().Order().ToList() : EntityKinds.All.ToList();
        var empty = new DeliveryExport(wanted.ToDictionary(k => k, _ => (IReadOnlyList<ExportRecord>)[]), []);
        return ReadAsync(
            async c =>
            {
                var records = new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>();
                foreach (var kind in wanted)
                {
                    await using var cmd = new NpgsqlCommand("SELECT id, archived, properties FROM crm_records WHERE object_type = @type;", c);
                    cmd.Parameters.AddWithValue("type", kind.Plural());
                    await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                    var list = new List<ExportRecord>();
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        list.Add(new ExportRecord(reader.GetString(0), reader.GetInt64(1) == 1, PgValues.ReadMap(reader.GetString(2))));
                    }

                    list.Sort((a, b) => DeliveryExportJson.CompareIds(a.Id, b.Id));
                    records[kind] = list;
                }

                var names = wanted.Select(k => k.Plural()).ToHashSet(StringComparer.Ordinal);
                var associations = new List<ExportAssociation>();
                await using (var cmd = new NpgsqlCommand("""
                    SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.kinds FROM crm_associations a
                    WHERE NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.object_type = a.to_type AND r.id = a.to_id AND r.archived = 1)
                      AND NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.object_type = a.from_type AND r.id = a.from_id AND r.archived = 1);
                    """, c))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var fromType = reader.GetString(0);
                        var toType = reader.GetString(2);
                        if (names.Contains(fromType) || names.Contains(toType))
                        {
                            var typeIds = PgValues.ReadKinds(reader.GetString(4)).Select(k => k.TypeId).Distinct().Order().ToList();
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
            empty,
            cancellationToken);
    }

    public Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken)
    {
        var empty = new SyncStatus(false, EntityKinds.All.Select(EmptyStatus).ToList(), []);
        return ReadAsync(
            async c =>
            {
                var objects = new List<ObjectStatus>();
                foreach (var kind in EntityKinds.All)
                {
                    objects.Add(await ReadObjectStatusAsync(c, kind, cancellationToken));
                }

                var runs = new List<SyncRunInfo>();
                await using var cmd = new NpgsqlCommand("SELECT id, kind, started_at, finished_at, outcome, summary FROM sync_runs ORDER BY id DESC LIMIT @n;", c);
                cmd.Parameters.AddWithValue("n", (long)Math.Max(0, lastRuns));
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    runs.Add(new SyncRunInfo(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        PgValues.Instant(reader.GetString(2)),
                        reader.IsDBNull(3) ? null : PgValues.Instant(reader.GetString(3)),
                        PgValues.String(reader, 4),
                        PgValues.String(reader, 5)));
                }

                return new SyncStatus(true, objects, runs);
            },
            empty,
            cancellationToken);
    }

    private static ObjectStatus EmptyStatus(EntityKind kind) =>
        new(kind, 0, 0, 0, new SyncCursorState(kind), new Dictionary<LedgerStatus, long>(), []);

    /// <summary>The reasons records of one type are not in sync, with a count and five example ids each (ordered as the SQLite store orders them).</summary>
    internal const string LedgerReasonsSql = """
        SELECT status, reason, COUNT(*), (SELECT COALESCE(json_agg(e.id ORDER BY length(e.id), e.id COLLATE "C"), '[]'::json)::text FROM (
                   SELECT x.id FROM sync_ledger x
                   WHERE x.object_type = l.object_type AND x.status = l.status AND x.reason IS NOT DISTINCT FROM l.reason AND x.status <> 'in_sync'
                   ORDER BY length(x.id), x.id COLLATE "C" LIMIT 5) e)
        FROM sync_ledger l
        WHERE object_type = @type AND status <> 'in_sync'
        GROUP BY object_type, status, reason
        ORDER BY COUNT(*) DESC, reason COLLATE "C" NULLS FIRST
        LIMIT 50;
        """;

    private static async Task<ObjectStatus> ReadObjectStatusAsync(NpgsqlConnection c, EntityKind kind, CancellationToken cancellationToken)
    {
        long records, archived, links;
        await using (var cmd = new NpgsqlCommand("""
            SELECT COUNT(*), COALESCE(SUM(archived), 0)::bigint, (SELECT COUNT(*) FROM crm_associations WHERE from_type = @type)
            FROM crm_records WHERE object_type = @type;
            """, c))
        {
            cmd.Parameters.AddWithValue("type", kind.Plural());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            records = reader.GetInt64(0);
            archived = reader.GetInt64(1);
            links = reader.GetInt64(2);
        }

        var counts = new Dictionary<LedgerStatus, long>();
        await using (var cmd = new NpgsqlCommand("SELECT status, COUNT(*) FROM sync_ledger WHERE object_type = @type GROUP BY status;", c))
        {
            cmd.Parameters.AddWithValue("type", kind.Plural());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[LedgerStatuses.Parse(reader.GetString(0))] = reader.GetInt64(1);
            }
        }

        var reasons = new List<LedgerReasonCount>();
        await using (var cmd = new NpgsqlCommand(LedgerReasonsSql, c))
        {
            cmd.Parameters.AddWithValue("type", kind.Plural());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var ids = System.Text.Json.JsonSerializer.Deserialize<List<string>>(reader.GetString(3)) ?? [];
                reasons.Add(new LedgerReasonCount(LedgerStatuses.Parse(reader.GetString(0)), PgValues.String(reader, 1) ?? "", reader.GetInt64(2), ids));
            }
        }

        return new ObjectStatus(kind, records, archived, links, await ReadCursorAsync(c, kind, cancellationToken), counts, reasons);
    }
}
