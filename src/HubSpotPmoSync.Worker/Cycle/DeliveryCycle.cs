using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Outbound;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

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
    WriteBackPlan? Plan,
    RejectedWrites? Rejections = null);

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
    IStorageView storage,
    ICycleLock cycleLock,
    KickoffService kickoff,
    OutboxFlusher flusher,
    ICrmSource source,
    IOptions<SyncOptions> syncOptions,
    TimeProvider time)
{
    /// <summary>
    /// Runs one cycle. A cycle that writes holds the store's <see cref="ICycleLock"/> throughout, so that no other
    /// process (a <c>sync</c> from cron beside <c>run</c>, another node) pulls or pushes at the same time; when another holds it,
    /// this one throws <see cref="CycleLockedException"/> before anything is read or written. A dry run writes nothing
    /// and takes no lock.
    /// </summary>
    public async Task<CycleReport> RunAsync(CycleRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        if (request.DryRun && !await storage.ExistsAsync(cancellationToken))
        {
            return await DryRunWithoutDatabaseAsync(request, progress, cancellationToken);
        }

        var started = time.GetUtcNow();
        await using var held = request.DryRun ? null : await cycleLock.AcquireAsync(request.Full ? "full cycle" : "incremental cycle", time.GetUtcNow(), cancellationToken);
        if (held is not null)
        {
            // A read-only database (or folder, or login) stops the cycle here, named, before anything is pulled.
            await storage.EnsureWritableAsync(cancellationToken);
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
            return await PlanAsync(pull, map, healthRules!, kickoffOptions, projectPipelines, asOf, store, data, storage, cancellationToken);
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
                var again = await runner.RunAsync(new SyncRequest(false, [EntityKind.Project], false, Completeness: false), progress, cancellationToken);
                pull = Merge(pull, again);
                await ObserveAsync(MappingSet.Create([map.For(EntityKind.Project)!], [], map.File), cancellationToken);
                model = await store.LoadModelAsync(cancellationToken);
            }
        }

        var (health, rollup) = await ScoreAsync(model, healthRules!, asOf, saveSnapshots: true, cancellationToken);
        var changes = await BuildChangesAsync(map, model, health, rollup, asOf, time.GetUtcNow(), [], writeBack, cancellationToken);
        await writeBack.EnqueueAsync(changes, time.GetUtcNow(), cancellationToken);
        var flush = await flusher.DrainAsync(cancellationToken);
        var letters = flush.DeadLettered > 0 ? await writeBack.ListDeadLettersAsync(cancellationToken) : [];
        var rejections = RejectedWrites.Of(kicked, flush, letters, started, syncOptions.Value.MaxRejectedShare);
        return new CycleReport(pull, kicked, health, rollup, changes.Count, flush, null, rejections);
    }

    /// <summary>Scores every project and rolls up; with <paramref name="saveSnapshots"/>, stores one snapshot per project.</summary>
    public Task<(PortfolioHealth Health, PortfolioRollup Rollup)> ScoreAsync(
        DeliveryModelSnapshot model, HealthRules healthRules, DateTimeOffset asOf, bool saveSnapshots, CancellationToken cancellationToken) =>
        ScoreAsync(data, model, healthRules, asOf, saveSnapshots, cancellationToken);

    /// <summary>
    /// Scores every project of <paramref name="model"/> with the time entries, milestones and snapshots of
    /// <paramref name="data"/> and rolls up; with <paramref name="saveSnapshots"/>, stores one snapshot per project.
    /// Needs no HubSpot connection: the read commands (<c>health</c>, <c>budget report</c>) score with it.
    /// </summary>
    public static async Task<(PortfolioHealth Health, PortfolioRollup Rollup)> ScoreAsync(
        IDeliveryDataStore data, DeliveryModelSnapshot model, HealthRules healthRules, DateTimeOffset asOf, bool saveSnapshots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var history = await data.LoadHealthSnapshotsAsync(asOf, Math.Max(1, healthRules.Trend.Window), cancellationToken);
        var delivery = await data.LoadAsync(DateOnly.FromDateTime(asOf.UtcDateTime), cancellationToken);
        var health = PortfolioHealthEvaluator.Evaluate(model, delivery, healthRules, asOf, history);
        if (saveSnapshots)
        {
            await data.SaveHealthSnapshotsAsync(HealthSnapshot.Of(health, asOf), cancellationToken);
        }

        return (health, RollupCalculator.Rollup(model, health));
    }

    /// <summary>
    /// The dry run of a first sync, before any database exists: the pull goes into a throw-away SQLite file in a
    /// temporary folder (deleted afterwards, whatever happens), whatever the provider, and kickoff and the pushes are
    /// planned from it exactly as over a real store. Nothing is created in the configured store and nothing is written
    /// to HubSpot.
    /// </summary>
    private async Task<CycleReport> DryRunWithoutDatabaseAsync(CycleRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("hubspot-pmo-sync-dry-run-");
        try
        {
            var scratch = new SqliteDatabase(new StorageOptions { DatabasePath = Path.Combine(folder.FullName, "dry-run.db") });
            var scratchStore = new SqliteDeliveryStore(scratch);
            var map = mappings.Mappings;
            var healthRules = request.Push ? rules.Rules : null;
            var scratchRunner = new SyncRunner(source, scratchStore, map, syncOptions.Value, time);
            var pull = await scratchRunner.RunAsync(new SyncRequest(request.Full, request.Objects, DryRun: false), progress, cancellationToken);
            pull = pull with { DryRun = true };
            if (!request.Push)
            {
                return new CycleReport(pull, null, null, null, 0, null, null);
            }

            var kickoffOptions = KickoffOptionsFor(map);
            var projectPipelines = map.For(EntityKind.Project) is null
                ? []
                : await source.GetPipelinesAsync(kickoffOptions.ProjectObjectType, cancellationToken);
            return await PlanAsync(
                pull, map, healthRules!, kickoffOptions, projectPipelines, request.AsOf ?? time.GetUtcNow(), scratchStore, new SqliteDeliveryDataStore(scratch), new SqliteStorageView(scratch), cancellationToken);
        }
        finally
        {
            // Pooled connections keep the file open; the folder goes with every file SQLite made (-wal, -shm).
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The write plan of a dry run over <paramref name="planStore"/> (the database read-only, or a dry run's throw-away
    /// store): kickoff's creates and links, and the pushes — those of the projects kickoff would create included, scored
    /// as the run scores them once it has pulled them, and the rollups they change.
    /// </summary>
    private async Task<CycleReport> PlanAsync(
        SyncReport pull,
        MappingSet map,
        HealthRules healthRules,
        KickoffOptions kickoffOptions,
        IReadOnlyList<CrmPipeline> projectPipelines,
        DateTimeOffset asOf,
        IDeliveryStore planStore,
        IDeliveryDataStore planData,
        IStorageView planStorage,
        CancellationToken cancellationToken)
    {
        // Nothing is created by a dry run: a database removed while the dry run pulled has no model to plan from.
        if (!await planStorage.ExistsAsync(cancellationToken))
        {
            return new CycleReport(pull, null, null, null, 0, null, WriteBackPlan.Empty);
        }

        var model = await planStore.LoadModelAsync(cancellationToken);
        var readOnly = planStorage.ReadOnlyWriteBack;
        var kickoffPlan = map.For(EntityKind.Project) is not null && map.For(EntityKind.Deal) is not null
            ? KickoffPlanner.Plan(model, kickoffOptions, projectPipelines)
            : null;
        var observed = await ObservedRecordsAsync(map, planStore, cancellationToken);
        if (kickoffPlan is { Projects.Count: > 0 })
        {
            (model, var kickedOff) = WithKickedOff(model, kickoffPlan, map, time.GetUtcNow());
            observed = [.. observed, .. kickedOff];
        }

        var (health, rollup) = await ScoreAsync(planData, model, healthRules, asOf, saveSnapshots: false, cancellationToken);
        var changes = await BuildChangesAsync(map, model, health, rollup, asOf, time.GetUtcNow(), observed, readOnly, cancellationToken);
        var plan = await WriteBackPlanner.PlanAsync(readOnly, changes, kickoffPlan, observed, cancellationToken);
        return new CycleReport(pull, null, health, rollup, changes.Count, null, plan);
    }

    /// <summary>
    /// The model as the run holds it after kickoff and its re-pull of projects: each project to create, as HubSpot
    /// would hold it (the kickoff's values through the projects' mapping, keyed <c>project_code:CODE</c> until HubSpot
    /// gives it an id), linked to its deal and the deal's companies where those pairs are synced; a project found by
    /// its code, linked. The observations are the new projects' outbound properties, empty as created.
    /// </summary>
    internal static (DeliveryModelSnapshot Model, IReadOnlyList<ObservedRecord> Observed) WithKickedOff(
        DeliveryModelSnapshot model, KickoffPlan plan, MappingSet map, DateTimeOffset now)
    {
        var mapping = map.For(EntityKind.Project)!;
        bool Synced(EntityKind other) => map.Associations.Any(a => (a.From, a.To) == (EntityKind.Project, other) || (a.From, a.To) == (other, EntityKind.Project));
        var outbound = mapping.Fields.Where(f => f.IsOutbound).Select(f => f.HubSpot).Distinct(StringComparer.Ordinal).ToList();
        var projects = model.Projects.ToList();
        var links = model.Links.ToList();
        var observed = new List<ObservedRecord>();
        foreach (var kickoff in plan.Projects)
        {
            var id = kickoff.ExistingProjectId;
            if (id is null)
            {
                id = RecordRef.KeyOf(kickoff.ProjectCode, plan.CodeProperty);
                var properties = new Dictionary<string, string?>(kickoff.Properties, StringComparer.Ordinal) { [plan.CodeProperty] = kickoff.ProjectCode };
                var mapped = RecordMapper.Map(new CrmRecord(id, properties, now, now), mapping);
                if (mapped.Status != LedgerStatus.InSync)
                {
                    // Excluded by a filter or failing a transform: the run leaves it out of the model too.
                    continue;
                }

                projects.Add(DeliveryEntityFactory.ToProject(mapped.Record));
                observed.Add(new ObservedRecord(mapping.HubSpotObject, id, outbound.ToDictionary(p => p, p => properties.GetValueOrDefault(p), StringComparer.Ordinal), now));
            }

            if (Synced(EntityKind.Deal))
            {
                links.Add(new DeliveryLink(EntityKind.Project, id, EntityKind.Deal, kickoff.DealId, []));
            }

            if (Synced(EntityKind.Company))
            {
                links.AddRange(kickoff.CompanyIds.Select(c => new DeliveryLink(EntityKind.Project, id, EntityKind.Company, c, [])));
            }
        }

        return (model with { Projects = projects, Links = links }, observed);
    }

    /// <summary>Records what HubSpot holds for every outbound property (the diff base and the echo check).</summary>
    private async Task ObserveAsync(MappingSet map, CancellationToken cancellationToken)
    {
        var observed = await ObservedRecordsAsync(map, store, cancellationToken);
        if (observed.Count > 0)
        {
            await writeBack.RecordObservedAsync(observed, cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<ObservedRecord>> ObservedRecordsAsync(MappingSet map, IDeliveryStore store, CancellationToken cancellationToken)
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
