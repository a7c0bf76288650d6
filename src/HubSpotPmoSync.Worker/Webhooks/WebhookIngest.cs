using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>What one drain of the inbox did.</summary>
internal sealed record WebhookIngestReport(int Events, int RecordsRead, int Enqueued, FlushReport? Flush, SyncReport? Pull);

/// <summary>
/// The targeted path behind the webhooks: the records a batch of inbox events names are re-read by id with their
/// links (<see cref="SyncRunner.IngestByIdsAsync"/>; deleted and merged-away records archived, the events marked
/// processed with them), their outbound values recorded as observed, and then only the projects, deals and companies
/// they touch are pushed: the records named, those linked to them before or after, and the deals and companies those
/// projects roll up to. Scoring runs over the model in memory (a pure function), so rollups stay whole. The caller
/// holds the cycle gate and the cycle lock.
/// </summary>
internal sealed class WebhookIngest(
    SyncRunner runner,
    MappingProvider mappings,
    HealthRulesProvider rules,
    IDeliveryStore store,
    IDeliveryDataStore data,
    IWriteBackStore writeBack,
    OutboxFlusher flusher,
    ICrmSource source,
    IWebhookInbox inbox,
    TimeProvider time)
{
    private Dictionary<string, EntityKind>? _kinds;

    public async Task<WebhookIngestReport> RunAsync(IReadOnlyList<PendingWebhookEvent> events, CancellationToken cancellationToken)
    {
        var map = mappings.Mappings;
        var kinds = await KindsAsync(map, events, cancellationToken);
        var named = new Dictionary<EntityKind, HashSet<string>>();
        var toRead = new Dictionary<EntityKind, HashSet<string>>();
        foreach (var e in events)
        {
            foreach (var r in WebhookEvents.RecordsOf(e.SubscriptionType, e.ObjectType, e.ObjectId, e.Payload))
            {
                if (!kinds.TryGetValue(r.ObjectType, out var kind))
                {
                    continue;
                }

                Add(named, kind, r.Id);
                if (!e.Processed)
                {
                    Add(toRead, kind, r.Id);
                }
            }
        }

        // The records linked to those named, as stored before the re-read: a link removed still moves their health.
        var touched = await LinkedBeforeAsync(map, named, cancellationToken);
        foreach (var (kind, ids) in named)
        {
            foreach (var id in ids)
            {
                touched.Add((kind, id));
            }
        }

        var unprocessed = events.Where(e => !e.Processed).Select(e => e.Id).ToList();
        SyncReport? pull = null;
        if (unprocessed.Count > 0)
        {
            pull = await runner.IngestByIdsAsync(
                toRead.ToDictionary(p => p.Key, p => (IReadOnlyCollection<string>)p.Value), unprocessed, cancellationToken);
            await ObserveAsync(map, toRead, cancellationToken);
        }

        var model = await store.LoadModelAsync(cancellationToken);
        var asOf = time.GetUtcNow();
        var (health, rollup) = await DeliveryCycle.ScoreAsync(data, model, rules.Rules, asOf, saveSnapshots: false, cancellationToken);
        var pushed = Pushed(model, touched);
        var changes = (await DeliveryCycle.BuildChangesAsync(map, model, health, rollup, asOf, time.GetUtcNow(), [], writeBack, cancellationToken))
            .Where(c => pushed.Contains((c.ObjectType, c.RecordId)))
            .ToList();
        FlushReport? flush = null;
        if (changes.Count > 0)
        {
            await writeBack.EnqueueAsync(changes, time.GetUtcNow(), cancellationToken);
            flush = await flusher.DrainAsync(cancellationToken);
        }

        await inbox.MarkPushedAsync([.. events.Select(e => e.Id)], time.GetUtcNow(), cancellationToken);
        return new WebhookIngestReport(events.Count, toRead.Values.Sum(s => s.Count), changes.Count, flush, pull);

        HashSet<(string, string)> Pushed(DeliveryModelSnapshot model, HashSet<(EntityKind Kind, string Id)> touched)
        {
            var result = new HashSet<(string, string)>();
            foreach (var (kind, id) in Affected(model, touched))
            {
                if (map.For(kind) is { } mapping)
                {
                    result.Add((mapping.HubSpotObject, id));
                }
            }

            return result;
        }
    }

    /// <summary>
    /// The projects, deals and companies whose health or rollup the touched records can move: the touched ones and
    /// their neighbours; projects that count a touched ticket (directly, through its companies, or through those
    /// companies' deals); the deals and companies those projects roll up to.
    /// </summary>
    internal static HashSet<(EntityKind Kind, string Id)> Affected(DeliveryModelSnapshot model, IReadOnlySet<(EntityKind Kind, string Id)> touched)
    {
        var next = new Dictionary<(EntityKind, string), List<(EntityKind Kind, string Id)>>();
        foreach (var link in model.Links)
        {
            Edge((link.From, link.FromId), (link.To, link.ToId));
            Edge((link.To, link.ToId), (link.From, link.FromId));
        }

        var around = new HashSet<(EntityKind Kind, string Id)>(touched);
        foreach (var t in touched)
        {
            around.UnionWith(Next(t));
        }

        var projects = around.Where(r => r.Kind == EntityKind.Project).ToHashSet();
        foreach (var ticket in around.Where(r => r.Kind == EntityKind.Ticket))
        {
            foreach (var n in Next(ticket))
            {
                if (n.Kind == EntityKind.Project)
                {
                    projects.Add(n);
                }
                else if (n.Kind == EntityKind.Company)
                {
                    foreach (var m in Next(n))
                    {
                        if (m.Kind == EntityKind.Project)
                        {
                            projects.Add(m);
                        }
                        else if (m.Kind == EntityKind.Deal)
                        {
                            projects.UnionWith(Next(m).Where(x => x.Kind == EntityKind.Project));
                        }
                    }
                }
            }
        }

        var result = new HashSet<(EntityKind Kind, string Id)>(projects);
        result.UnionWith(around.Where(r => r.Kind is EntityKind.Deal or EntityKind.Company));
        foreach (var p in projects)
        {
            foreach (var n in Next(p))
            {
                if (n.Kind == EntityKind.Company)
                {
                    result.Add(n);
                }
                else if (n.Kind == EntityKind.Deal)
                {
                    result.Add(n);
                    result.UnionWith(Next(n).Where(x => x.Kind == EntityKind.Company));
                }
            }
        }

        return result;

        void Edge((EntityKind, string) from, (EntityKind, string) to)
        {
            if (!next.TryGetValue(from, out var list))
            {
                next[from] = list = [];
            }

            list.Add(to);
        }

        IEnumerable<(EntityKind Kind, string Id)> Next((EntityKind, string) r) => next.TryGetValue(r, out var list) ? list : [];
    }

    /// <summary>Records what HubSpot holds for the outbound properties of the records just re-read (the diff base and the echo check).</summary>
    private async Task ObserveAsync(MappingSet map, Dictionary<EntityKind, HashSet<string>> read, CancellationToken cancellationToken)
    {
        var observed = new List<ObservedRecord>();
        foreach (var (kind, ids) in read)
        {
            var mapping = map.For(kind)!;
            var outbound = mapping.Fields.Where(f => f.IsOutbound).Select(f => f.HubSpot).Distinct(StringComparer.Ordinal).ToList();
            if (outbound.Count == 0)
            {
                continue;
            }

            foreach (var record in await store.GetRecordsAsync(kind, ids, cancellationToken))
            {
                if (!record.Archived)
                {
                    observed.Add(new ObservedRecord(
                        mapping.HubSpotObject,
                        record.Id,
                        outbound.ToDictionary(p => p, p => record.Properties.TryGetValue(p, out var v) ? v : null, StringComparer.Ordinal),
                        record.UpdatedAt));
                }
            }
        }

        if (observed.Count > 0)
        {
            await writeBack.RecordObservedAsync(observed, cancellationToken);
        }
    }

    private async Task<HashSet<(EntityKind Kind, string Id)>> LinkedBeforeAsync(
        MappingSet map, Dictionary<EntityKind, HashSet<string>> named, CancellationToken cancellationToken)
    {
        var linked = new HashSet<(EntityKind, string)>();
        foreach (var pair in map.Associations)
        {
            if (named.TryGetValue(pair.From, out var fromIds))
            {
                foreach (var links in (await store.GetLinksAsync(pair.From, pair.To, fromIds, cancellationToken)).Values)
                {
                    linked.UnionWith(links.Select(l => (pair.To, l.ToId)));
                }
            }

            if (named.TryGetValue(pair.To, out var toIds))
            {
                foreach (var ids in (await store.GetLinkedFromIdsAsync(pair.From, pair.To, toIds, cancellationToken)).Values)
                {
                    linked.UnionWith(ids.Select(id => (pair.From, id)));
                }
            }
        }

        return linked;
    }

    /// <summary>
    /// Event object types (names such as <c>deals</c>, ids such as <c>0-3</c>, <c>0-970</c> or <c>2-123</c>) to mapped
    /// kinds. A custom project object mapped by name is looked up in the portal's schemas once.
    /// </summary>
    private async Task<Dictionary<string, EntityKind>> KindsAsync(MappingSet map, IReadOnlyList<PendingWebhookEvent> events, CancellationToken cancellationToken)
    {
        if (_kinds is not null && events.All(e => _kinds.ContainsKey(e.ObjectType) || !e.ObjectType.StartsWith("2-", StringComparison.Ordinal)))
        {
            return _kinds;
        }

        var kinds = new Dictionary<string, EntityKind>(StringComparer.OrdinalIgnoreCase);
        var standard = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [CrmObjectTypes.Contacts] = "0-1",
            [CrmObjectTypes.Companies] = "0-2",
            [CrmObjectTypes.Deals] = "0-3",
            [CrmObjectTypes.Tickets] = "0-5",
            [CrmObjectTypes.Projects] = "0-970",
        };
        var customByName = false;
        foreach (var mapping in map.Objects.Values)
        {
            kinds[mapping.HubSpotObject] = mapping.Kind;
            if (standard.TryGetValue(mapping.HubSpotObject, out var id))
            {
                kinds[id] = mapping.Kind;
            }
            else if (!mapping.HubSpotObject.StartsWith("0-", StringComparison.Ordinal) && !mapping.HubSpotObject.StartsWith("2-", StringComparison.Ordinal))
            {
                customByName = true;
            }
        }

        // Classic association events name the project end PROJECT.
        if (map.For(EntityKind.Project) is { } projects)
        {
            kinds.TryAdd(CrmObjectTypes.Projects, projects.Kind);
        }

        if (customByName)
        {
            foreach (var schema in await source.GetSchemasAsync(cancellationToken))
            {
                var mapping = map.Objects.Values.FirstOrDefault(m =>
                    string.Equals(m.HubSpotObject, schema.Name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(m.HubSpotObject, schema.FullyQualifiedName, StringComparison.OrdinalIgnoreCase));
                if (mapping is not null && schema.ObjectTypeId.Length > 0)
                {
                    kinds[schema.ObjectTypeId] = mapping.Kind;
                }
            }
        }

        _kinds = kinds;
        return kinds;
    }

    private static void Add(Dictionary<EntityKind, HashSet<string>> sets, EntityKind kind, string id)
    {
        if (!sets.TryGetValue(kind, out var set))
        {
            sets[kind] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(id);
    }
}
