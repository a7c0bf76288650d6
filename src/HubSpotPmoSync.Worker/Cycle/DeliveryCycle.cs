using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Outbound;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Worker.Hosting;

namespace HubSpotPmoSync.Worker.Cycle;

/// <summary>What one cycle should do.</summary>
/// <param name="AsOf">The scoring moment; null = now.</param>
/// <param name="Push">Whether to score, enqueue and flush (false: pull only).</param>
internal sealed record CycleRequest(bool Full = false, IReadOnlyCollection<EntityKind>? Objects = null, bool DryRun = false, bool Push = true, DateTimeOffset? AsOf = null);

/// <summary>What one cycle did (or, dry, would do).</summary>
internal sealed record CycleReport(
    SyncReport Pull,
    KickoffReport? Kickoff,
    PortfolioHealth? Health,
    PortfolioRollup? Rollups,
    int Enqueued,
    FlushReport? Flush,
    WriteBackPlan? Plan);

/// <summary>
/// One sync cycle (DESIGN.md "The flow"): pull what changed, record what HubSpot holds for the outbound properties,
/// kick off projects for won deals, score every project, roll health up to deals and companies, and push only the
/// values that differ through the outbox. A dry run pulls read-only and prints the write plan instead.
/// </summary>
internal sealed class DeliveryCycle(
    SyncRunner runner,
    MappingProvider mappings,
    HealthRulesProvider rules,
    IDeliveryStore store,
    IDeliveryDataStore data,
    IWriteBackStore writeBack,
    SqliteDatabase database,
    KickoffService kickoff,
    OutboxFlusher flusher,
    ICrmSource source,
    TimeProvider time)
{
    /// <summary>
    /// Runs one cycle. A cycle that writes holds the database's <see cref="CycleLock"/> throughout, so that no other
    /// process (a <c>sync</c> from cron beside <c>run</c>) pulls or pushes at the same time; when another holds it,
    /// this one throws <see cref="CycleLockedException"/> before anything is read or written. A dry run writes nothing
    /// and takes no lock.
    /// </summary>
    public async Task<CycleReport> RunAsync(CycleRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        using var held = request.DryRun ? null : await CycleLock.AcquireAsync(database, request.Full ? "full cycle" : "incremental cycle", time.GetUtcNow(), cancellationToken);
        if (held is not null)
        {
            // A read-only database or folder stops the cycle here, named, before anything is pulled.
            database.EnsureWritable();
        }

        var map = mappings.Mappings;
        var healthRules = request.Push ? rules.Rules : null;
        var pull = await runner.RunAsync(new SyncRequest(request.Full, request.Objects, request.DryRun), progress, cancellationToken);
        if (!request.Push)
        {
            return new CycleReport(pull, null, null, null, 0, null, null);
        }

        var asOf = request.AsOf ?? time.GetUtcNow();
        var kickoffOptions = KickoffOptionsFor(map);
        var projectPipelines = map.For(EntityKind.Project) is null
            ? []
            : await source.GetPipelinesAsync(kickoffOptions.ProjectObjectType, cancellationToken);

        if (request.DryRun)
        {
            return await PlanAsync(pull, map, healthRules!, kickoffOptions, projectPipelines, asOf, cancellationToken);
        }

        await ObserveAsync(map, cancellationToken);

        var model = await store.LoadModelAsync(cancellationToken);
        KickoffReport? kicked = null;
        if (map.For(EntityKind.Project) is not null && map.For(EntityKind.Deal) is not null)
        {
            var plan = KickoffPlanner.Plan(model, kickoffOptions, projectPipelines);
            if (plan.Projects.Count > 0)
            {
                kicked = await kickoff.RunAsync(plan, cancellationToken);

                // The new projects and their links come back through an incremental pull of projects, so the local
                // model holds them (keyed by HubSpot id) before they are scored. Only projects changed, so only their
                // observations are recorded again (the other kinds' are current since the first ObserveAsync).
                var again = await runner.RunAsync(new SyncRequest(false, [EntityKind.Project], false), progress, cancellationToken);
                pull = Merge(pull, again);
                await ObserveAsync(MappingSet.Create([map.For(EntityKind.Project)!], [], map.File), cancellationToken);
                model = await store.LoadModelAsync(cancellationToken);
            }
        }

        var (health, rollup) = Score(model, healthRules!, asOf, saveSnapshots: true);
        var changes = await BuildChangesAsync(map, model, health, rollup, asOf, time.GetUtcNow(), [], writeBack, cancellationToken);
        await writeBack.EnqueueAsync(changes, time.GetUtcNow(), cancellationToken);
        var flush = await flusher.DrainAsync(cancellationToken);
        return new CycleReport(pull, kicked, health, rollup, changes.Count, flush, null);
    }

    /// <summary>Scores every project and rolls up; with <paramref name="saveSnapshots"/>, stores one snapshot per project.</summary>
    public (PortfolioHealth Health, PortfolioRollup Rollup) Score(DeliveryModelSnapshot model, HealthRules healthRules, DateTimeOffset asOf, bool saveSnapshots)
    {
        var history = data.LoadHealthSnapshots(asOf, Math.Max(1, healthRules.Trend.Window));
        var delivery = data.Load(DateOnly.FromDateTime(asOf.UtcDateTime));
        var health = PortfolioHealthEvaluator.Evaluate(model, delivery, healthRules, asOf, history);
        if (saveSnapshots)
        {
            data.SaveHealthSnapshots(HealthSnapshot.Of(health, asOf));
        }

        return (health, RollupCalculator.Rollup(model, health));
    }

    private async Task<CycleReport> PlanAsync(
        SyncReport pull,
        MappingSet map,
        HealthRules healthRules,
        KickoffOptions kickoffOptions,
        IReadOnlyList<CrmPipeline> projectPipelines,
        DateTimeOffset asOf,
        CancellationToken cancellationToken)
    {
        // Nothing is created by a dry run: without a database there is no local model yet, and the plan says so.
        if (!database.Exists)
        {
            return new CycleReport(pull, null, null, null, 0, null, WriteBackPlan.Empty);
        }

        var model = await store.LoadModelAsync(cancellationToken);
        var readOnly = SqliteWriteBackStore.ReadOnly(database);
        var kickoffPlan = map.For(EntityKind.Project) is not null && map.For(EntityKind.Deal) is not null
            ? KickoffPlanner.Plan(model, kickoffOptions, projectPipelines)
            : null;
        var (health, rollup) = Score(model, healthRules, asOf, saveSnapshots: false);
        var observed = await ObservedRecordsAsync(map, cancellationToken);
        var changes = await BuildChangesAsync(map, model, health, rollup, asOf, time.GetUtcNow(), observed, readOnly, cancellationToken);
        var plan = await WriteBackPlanner.PlanAsync(readOnly, changes, kickoffPlan, observed, cancellationToken);
        return new CycleReport(pull, null, health, rollup, changes.Count, null, plan);
    }

    /// <summary>Records what HubSpot holds for every outbound property (the diff base and the echo check).</summary>
    private async Task ObserveAsync(MappingSet map, CancellationToken cancellationToken)
    {
        var observed = await ObservedRecordsAsync(map, cancellationToken);
        if (observed.Count > 0)
        {
            await writeBack.RecordObservedAsync(observed, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<ObservedRecord>> ObservedRecordsAsync(MappingSet map, CancellationToken cancellationToken)
    {
        var observed = new List<ObservedRecord>();
        foreach (var mapping in map.Objects.Values)
        {
            var outbound = mapping.Fields.Where(f => f.IsOutbound).Select(f => f.HubSpot).Distinct(StringComparer.Ordinal).ToList();
            if (outbound.Count == 0)
            {
                continue;
            }

            foreach (var record in await store.GetRecordsAsync(mapping.Kind, null, cancellationToken))
            {
                if (record.Archived)
                {
                    continue;
                }

                observed.Add(new ObservedRecord(
                    mapping.HubSpotObject,
                    record.Id,
                    outbound.ToDictionary(p => p, p => record.Properties.TryGetValue(p, out var v) ? v : null, StringComparer.Ordinal),
                    record.UpdatedAt));
            }
        }

        return observed;
    }

    /// <summary>
    /// The outbound values of this run: every outbound or both-direction mapping field whose local field is computed
    /// (health on projects, rollups on deals and companies), with the field's conflict policy and the time its local
    /// value last changed (<see cref="DesiredValues.Stamp"/>). <c>last_synced_at</c> goes only with another value of
    /// the same project that will be written, so an unchanged portfolio — or one whose only differences are
    /// conflicts kept for HubSpot — makes no write at all.
    /// </summary>
    /// <param name="now">The moment a new or changed local value is dated with.</param>
    /// <param name="pulled">What a dry run's pull read (not recorded in the store): overlaid on the store's states, as the run records it.</param>
    internal static async Task<IReadOnlyList<OutboundChange>> BuildChangesAsync(
        MappingSet map,
        DeliveryModelSnapshot model,
        PortfolioHealth health,
        PortfolioRollup rollup,
        DateTimeOffset asOf,
        DateTimeOffset now,
        IReadOnlyList<ObservedRecord> pulled,
        IWriteBackStore states,
        CancellationToken cancellationToken)
    {
        var computed = ComputedFields.Compute(model, health, rollup, asOf);
        var values = new List<OutboundChange>();
        var timestamps = new List<OutboundChange>();
        foreach (var mapping in map.Objects.Values)
        {
            if (!computed.TryGetValue(mapping.Kind, out var byRecord))
            {
                continue;
            }

            var archived = Archived(model, mapping.Kind);
            foreach (var field in mapping.Fields.Where(f => f.IsOutbound))
            {
                foreach (var (recordId, recordValues) in byRecord)
                {
                    if (archived.Contains(recordId) || !recordValues.TryGetValue(field.Local, out var value))
                    {
                        continue;
                    }

                    var change = new OutboundChange(mapping.HubSpotObject, recordId, field.HubSpot, value, Source(mapping.Kind, field), PolicyOf(field.Conflict), now);
                    (field.Local == ProductSchema.LastSyncedAt ? timestamps : values).Add(change);
                }
            }
        }

        var refs = values.Concat(timestamps).Select(c => c.Record).Distinct().ToList();
        var known = WriteBackPlanner.Overlay(await states.GetPropertyStatesAsync(refs, cancellationToken), pulled);
        var changes = DesiredValues.Stamp(values, known, now);
        if (timestamps.Count == 0)
        {
            return changes;
        }

        // Which records get another value written (as the flush will decide it)?
        var written = changes
            .Where(c => PushDecider.Decide(c, known.GetValueOrDefault(c.Key)).Action == PushAction.Push)
            .Select(c => c.Record)
            .ToHashSet();
        changes.AddRange(DesiredValues.Stamp(timestamps.Where(t => written.Contains(t.Record)), known, now));
        return changes;
    }

    private static HashSet<string> Archived(DeliveryModelSnapshot model, EntityKind kind) => kind switch
    {
        EntityKind.Project => model.Projects.Where(p => p.Archived).Select(p => p.Id).ToHashSet(StringComparer.Ordinal),
        EntityKind.Deal => model.Deals.Where(d => d.Archived).Select(d => d.Id).ToHashSet(StringComparer.Ordinal),
        EntityKind.Company => model.Companies.Where(c => c.Archived).Select(c => c.Id).ToHashSet(StringComparer.Ordinal),
        _ => [],
    };

    private static string Source(EntityKind kind, FieldMapping field) =>
        kind == EntityKind.Project ? $"health:{field.Local}" : $"rollup:{field.Local}";

    private static Core.WriteBack.ConflictPolicy PolicyOf(Core.Mapping.ConflictPolicy policy) => policy switch
    {
        Core.Mapping.ConflictPolicy.HubSpotWins => Core.WriteBack.ConflictPolicy.HubSpotWins,
        Core.Mapping.ConflictPolicy.LocalWins => Core.WriteBack.ConflictPolicy.LocalWins,
        _ => Core.WriteBack.ConflictPolicy.NewestWins,
    };

    /// <summary>Kickoff settings that follow the mappings: the project object and the properties its budget and currency live in.</summary>
    internal static KickoffOptions KickoffOptionsFor(MappingSet map)
    {
        var projects = map.For(EntityKind.Project);
        if (projects is null)
        {
            return new KickoffOptions();
        }

        string? HubSpotOf(string local) => projects.Fields.FirstOrDefault(f => f.Local == local && f.IsInbound)?.HubSpot;
        return new KickoffOptions
        {
            ProjectObjectType = projects.HubSpotObject,
            CodeProperty = HubSpotOf("code") ?? ProductSchema.ProjectCode,
            BudgetProperty = HubSpotOf("budget") ?? ProductSchema.HealthBudget,
            CurrencyProperty = HubSpotOf("currency") ?? ProductSchema.ProjectCurrency,
        };
    }

    private static SyncReport Merge(SyncReport first, SyncReport second) =>
        first with
        {
            Duration = first.Duration + second.Duration,
            Objects = [.. first.Objects.Where(o => second.Objects.All(s => s.Kind != o.Kind)), .. second.Objects.Select(s => Add(first.Objects.FirstOrDefault(o => o.Kind == s.Kind), s))],
        };

    private static ObjectSyncReport Add(ObjectSyncReport? a, ObjectSyncReport b) => a is null ? b : b with
    {
        Seen = a.Seen + b.Seen,
        Created = a.Created + b.Created,
        Updated = a.Updated + b.Updated,
        Unchanged = a.Unchanged + b.Unchanged,
        Archived = a.Archived + b.Archived,
        Restored = a.Restored + b.Restored,
        Excluded = a.Excluded + b.Excluded,
        Failing = a.Failing + b.Failing,
        Pages = a.Pages + b.Pages,
        Calls = a.Calls + b.Calls,
        LinksChanged = a.LinksChanged + b.LinksChanged,
        CursorBefore = a.CursorBefore,
    };
}
