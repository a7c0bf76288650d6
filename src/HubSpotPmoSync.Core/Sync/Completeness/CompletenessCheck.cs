using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>
/// Finds, in an incremental cycle, what HubSpot's modification time does not show: archives, restores, merges (the
/// merged-away record is archived, its links moved to the survivor) and links added or removed between two records
/// neither of which changed. It runs after the cycle's passes over a slice of every object type's stored ids
/// (<see cref="CompletenessPlanner"/>): the whole id space when that fits the budget, else a rolling slice that covers
/// it within the window. For a slice (lowest id, highest id]:
/// <list type="number">
/// <item>the <c>archived=true</c> list over that id range (HubSpot lists in id order; the last slice of a pass runs to
/// the end): a record archived there is archived locally, its links gone from the model, as in HubSpot's reads;</item>
/// <item>records archived locally in the slice but no longer in that list are read by id (batch read): found live,
/// they are restored, with their links read from both sides;</item>
/// <item>per association pair, the links of the slice's live records on its from side (v4 batch reads, 1,000 a call)
/// are compared with the store; a record whose links differ has them replaced (a stored link to a record archived
/// locally stays: HubSpot hides it and shows it again on a restore).</item>
/// </list>
/// docs/sync.md, "Completeness", has the reasoning and the cost.
/// </summary>
public sealed class CompletenessCheck
{
    private readonly ICrmSource _source;
    private readonly IDeliveryStore _store;
    private readonly ICompletenessStore _positions;
    private readonly MappingSet _mappings;
    private readonly TimeProvider _time;
    private readonly CompletenessMetrics? _metrics;
    private readonly TimeSpan? _schedulePeriod;

    /// <param name="schedulePeriod">The incremental period of a schedule (<c>run</c>); null for a one-shot <c>sync</c>, which sizes its slice from the time since the last check.</param>
    public CompletenessCheck(
        ICrmSource source,
        IDeliveryStore store,
        ICompletenessStore positions,
        MappingSet mappings,
        CompletenessOptions options,
        TimeProvider time,
        CompletenessMetrics? metrics = null,
        TimeSpan? schedulePeriod = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _source = source;
        _store = store;
        _positions = positions;
        _mappings = mappings;
        Options = options;
        _time = time;
        _metrics = metrics;
        _schedulePeriod = schedulePeriod;
    }

    public CompletenessOptions Options { get; }

    /// <summary>
    /// Checks the slice of this cycle for <paramref name="kinds"/>. The kinds in <paramref name="listed"/> were listed
    /// whole by this run (first sync, full reconcile): that is a whole pass, recorded without a call.
    /// </summary>
    public async Task<CompletenessReport> RunAsync(IReadOnlyList<EntityKind> kinds, IReadOnlyCollection<EntityKind> listed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(listed);
        var now = _time.GetUtcNow();
        var positions = new Dictionary<EntityKind, CompletenessPosition?>();
        foreach (var kind in kinds)
        {
            positions[kind] = await _positions.GetPositionAsync(kind, cancellationToken);
        }

        var checkedKinds = kinds.Where(k => !listed.Contains(k)).ToList();
        var sizes = new List<KindSize>();
        foreach (var kind in kinds)
        {
            sizes.Add(await _positions.GetSizeAsync(kind, cancellationToken));
        }

        var pairs = _mappings.Associations.Where(p => checkedKinds.Contains(p.From)).Select(p => (p.From, p.To)).ToList();
        var plan = CompletenessPlanner.Plan(sizes.Where(s => checkedKinds.Contains(s.Kind)).ToList(), pairs, Options, Period(now, checkedKinds.Select(k => positions[k]).ToList()));

        var runs = checkedKinds.ToDictionary(k => k, k => new KindRun(k, _mappings.For(k)!));
        foreach (var run in runs.Values)
        {
            await SliceAsync(run, positions[run.Kind], plan, cancellationToken);
        }

        foreach (var run in runs.Values)
        {
            await ArchivesAsync(run, cancellationToken);
        }

        foreach (var run in runs.Values.Where(r => r.Restored.Count > 0))
        {
            await RelinkRestoredAsync(run, runs, cancellationToken);
        }

        foreach (var (from, to) in pairs)
        {
            await LinksAsync(runs[from], to, cancellationToken);
        }

        var results = new List<KindCompleteness>();
        foreach (var size in sizes)
        {
            var kind = size.Kind;
            var previous = positions[kind];
            CompletenessPosition position;
            KindCompleteness result;
            if (runs.TryGetValue(kind, out var run))
            {
                var ongoing = previous?.AfterId is not null && run.After is not null;
                var done = (ongoing ? previous!.Checked : 0) + run.Ids.Count;
                position = run.Last
                    ? new CompletenessPosition(kind, null, size.Stored, size.Stored, ongoing ? previous!.PassStartedAt : now, now, now, run.Calls, plan.PassEvery)
                    : new CompletenessPosition(kind, run.Ids[^1].Id, done, size.Stored, ongoing ? previous!.PassStartedAt : now, now, previous?.LastPassCompletedAt, run.Calls, plan.PassEvery);
                result = new KindCompleteness(kind, run.Calls, run.Ids.Count, run.Last ? size.Stored : done, size.Stored, run.Last, run.ArchivedCount, run.Restored.Count, run.CreatedCount, run.LinksChanged);
            }
            else
            {
                position = new CompletenessPosition(kind, null, size.Stored, size.Stored, now, now, now, 0, previous?.PassEvery);
                result = new KindCompleteness(kind, 0, 0, size.Stored, size.Stored, true, 0, 0, 0, 0);
            }

            await _positions.SavePositionAsync(position, cancellationToken);
            _metrics?.Record(kind, result.Calls, result.Progress);
            results.Add(result);
        }

        return new CompletenessReport(results, plan, Options.CompletenessBudget);
    }

    /// <summary>The reports of the passes with what the check found added in (records, links and calls).</summary>
    public static IReadOnlyList<ObjectSyncReport> Fold(IReadOnlyList<ObjectSyncReport> reports, CompletenessReport completeness)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(completeness);
        return reports.Select(r => completeness.Objects.FirstOrDefault(o => o.Kind == r.Kind) is { } c
            ? r with
            {
                Archived = r.Archived + c.Archived,
                Restored = r.Restored + c.Restored,
                Created = r.Created + c.Created,
                LinksChanged = r.LinksChanged + c.LinksChanged,
                Calls = r.Calls + c.Calls,
            }
            : r).ToList();
    }

    // The time this check covers: the schedule's period, or the time since the oldest last check when that is longer
    // (a delayed cycle checks more); a one-shot sync has only the latter. Zero (check everything) when never checked.
    private TimeSpan Period(DateTimeOffset now, List<CompletenessPosition?> positions)
    {
        TimeSpan? elapsed = positions.Count == 0 || positions.Any(p => p?.LastCheckAt is null)
            ? null
            : now - positions.Min(p => p!.LastCheckAt!.Value);
        return (_schedulePeriod, elapsed) switch
        {
            ({ } period, { } since) => since > period ? since : period,
            (_, { } since) => since,
            _ => TimeSpan.Zero,
        };
    }

    private async Task SliceAsync(KindRun run, CompletenessPosition? position, CompletenessPlan plan, CancellationToken ct)
    {
        var whole = plan.Fraction >= 1;
        run.After = whole ? null : position?.AfterId;
        var size = plan.Slices.GetValueOrDefault(run.Kind);
        var limit = (int)Math.Min(int.MaxValue - 1, Math.Max(1, size));
        var ids = await _positions.GetIdsAsync(run.Kind, run.After, limit + 1, ct);
        run.Last = whole || ids.Count <= limit;
        run.Ids = ids.Count > limit ? ids.Take(limit).ToList() : ids;
    }

    // 1 and 2: the archived list over the slice's id range; the records archived locally that it no longer holds.
    private async Task ArchivesAsync(KindRun run, CancellationToken ct)
    {
        var mapping = run.Mapping;
        var high = run.Last || run.Ids.Count == 0 ? null : run.Ids[^1].Id;
        var start = run.After is { } after && long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (n + 1).ToString(CultureInfo.InvariantCulture) : null;
        var seenArchived = new HashSet<string>(StringComparer.Ordinal);
        var calls = 0L;
        await foreach (var page in _source.ListAsync(mapping.HubSpotObject, mapping.StoredProperties, new CrmListOptions(Archived: true, StartAfter: start), ct))
        {
            calls++;
            var inRange = page.Records.Where(r => high is null || DeliveryExportJson.IdComparer.Compare(r.Id, high) <= 0).ToList();
            seenArchived.UnionWith(inRange.Select(r => r.Id));
            await ApplyAsync(run, inRange, ct);
            if (inRange.Count < page.Records.Count)
            {
                break;
            }
        }

        run.Calls += Math.Max(1, calls);
        var gone = run.Ids.Where(i => i.Archived && !seenArchived.Contains(i.Id)).Select(i => i.Id).ToList();
        if (gone.Count > 0)
        {
            run.Calls += (gone.Count + 99) / 100;
            var read = await _source.BatchReadAsync(mapping.HubSpotObject, gone, mapping.StoredProperties, ct);

            // Not found live either: purged from the recycle bin after 90 days (or merged away in a portal that keeps
            // merged records out of the archived list). It stays archived here, as HubSpot last showed it.
            await ApplyAsync(run, read.Records.Where(r => !r.Archived).ToList(), ct);
        }
    }

    private async Task ApplyAsync(KindRun run, List<CrmRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var stored = await _store.GetStatesAsync(run.Kind, records.Select(r => r.Id).ToList(), ct);
        var writes = new List<RecordWrite>();
        var archived = new List<string>();
        foreach (var record in records)
        {
            var mapped = RecordMapper.Map(record, run.Mapping);
            var existing = stored.GetValueOrDefault(record.Id);
            if (existing is not null && existing.ContentHash == mapped.ContentHash)
            {
                continue;
            }

            var inModel = mapped.Status != LedgerStatus.Excluded;
            writes.Add(new RecordWrite(
                inModel ? mapped.Record : null,
                new LedgerEntry(run.Kind, record.Id, record.UpdatedAt, mapped.ContentHash, mapped.Status, mapped.Reason, now)));
            if (!inModel)
            {
                continue;
            }

            if (existing is null || !existing.InModel)
            {
                run.CreatedCount++;
            }
            else if (!existing.Archived && record.Archived)
            {
                run.ArchivedCount++;
            }
            else if (existing.Archived && !record.Archived)
            {
                run.Restored.Add(record.Id);
            }

            if (record.Archived)
            {
                archived.Add(record.Id);
                run.ArchivedNow.Add(record.Id);
            }
        }

        // HubSpot shows no links for an archived record: its own links leave the model (the other side's stay, hidden).
        var links = new List<LinkReplacement>();
        foreach (var pair in _mappings.Associations.Where(p => p.From == run.Kind && archived.Count > 0))
        {
            var old = await _store.GetLinksAsync(pair.From, pair.To, archived, ct);
            foreach (var (id, list) in old.Where(o => o.Value.Count > 0))
            {
                run.LinksChanged += list.Count;
                links.Add(new LinkReplacement(pair.From, id, pair.To, []));
            }
        }

        await CommitAsync(run.Kind, writes, links, ct);
    }

    // A restored record's links: its own (pairs it is the from side of) are checked with the pair; from the other side,
    // the records linked to it in HubSpot are added to their pair's check.
    private async Task RelinkRestoredAsync(KindRun run, Dictionary<EntityKind, KindRun> runs, CancellationToken ct)
    {
        var restored = run.Restored.ToList();
        foreach (var pair in _mappings.Associations.Where(p => p.From == run.Kind))
        {
            run.Forced(pair.To).UnionWith(restored);
        }

        foreach (var pair in _mappings.Associations.Where(p => p.To == run.Kind && runs.ContainsKey(p.From)))
        {
            var fromObject = _mappings.For(pair.From)!.HubSpotObject;
            var linked = await ReadLinksAsync(run, run.Mapping.HubSpotObject, fromObject, restored, ct);
            runs[pair.From].Forced(run.Kind).UnionWith(linked.Select(l => l.ToId));
        }
    }

    // 3: the links of the slice's live records on the pair's from side, compared with the store.
    private async Task LinksAsync(KindRun run, EntityKind to, CancellationToken ct)
    {
        var ids = run.Ids.Where(i => !i.Archived && !run.ArchivedNow.Contains(i.Id)).Select(i => i.Id).ToList();
        var forced = run.Forced(to).Except(ids, StringComparer.Ordinal).ToList();
        if (forced.Count > 0)
        {
            // Only records live in the store: a link of one archived or never stored is not the model's.
            var states = await _store.GetStatesAsync(run.Kind, forced, ct);
            ids.AddRange(forced.Where(id => states.TryGetValue(id, out var s) && s.InModel && !s.Archived));
        }

        var toObject = _mappings.For(to)!.HubSpotObject;
        foreach (var chunk in ids.Chunk(CompletenessPlanner.AssociationBatch))
        {
            var read = await ReadLinksAsync(run, run.Mapping.HubSpotObject, toObject, chunk, ct);
            var fresh = read.GroupBy(l => l.FromId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Normalize(run.Kind, g.Key, to, g), StringComparer.Ordinal);
            var stored = await _store.GetLinksAsync(run.Kind, to, chunk, ct);
            var targets = stored.Values.SelectMany(l => l).Select(l => l.ToId).Distinct(StringComparer.Ordinal).ToList();
            var states = targets.Count == 0 ? new Dictionary<string, StoredState>() : await _store.GetStatesAsync(to, targets, ct);
            var replacements = new List<LinkReplacement>();
            foreach (var id in chunk)
            {
                var old = stored.GetValueOrDefault(id) ?? [];
                var now = fresh.GetValueOrDefault(id) ?? [];

                // HubSpot's read hides a link to an archived record; the store keeps it for the restore.
                var hidden = old.Where(l => states.TryGetValue(l.ToId, out var s) && s.Archived && !now.Any(n => n.ToId == l.ToId)).ToList();
                var wanted = now.Concat(hidden).OrderBy(l => l.ToId, DeliveryExportJson.IdComparer).ToList();
                var changes = Changes(old, wanted);
                if (changes > 0)
                {
                    run.LinksChanged += changes;
                    replacements.Add(new LinkReplacement(run.Kind, id, to, wanted));
                }
            }

            await CommitAsync(run.Kind, [], replacements, ct);
        }
    }

    private async Task<IReadOnlyList<CrmAssociationLink>> ReadLinksAsync(KindRun run, string fromObject, string toObject, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var all = new List<CrmAssociationLink>();
        foreach (var chunk in ids.Chunk(CompletenessPlanner.AssociationBatch))
        {
            run.Calls++;
            all.AddRange(await _source.ReadAssociationsAsync(fromObject, toObject, chunk, ct));
        }

        return all;
    }

    private async Task CommitAsync(EntityKind kind, List<RecordWrite> writes, List<LinkReplacement> links, CancellationToken ct)
    {
        if (writes.Count == 0 && links.Count == 0)
        {
            return;
        }

        // The cursor goes with every page commit: the type's own, as it stands (the check never moves it).
        var cursor = await _store.GetCursorAsync(kind, ct);
        await _store.CommitPageAsync(new PageCommit(kind, writes, links, cursor), ct);
    }

    private static List<DeliveryLink> Normalize(EntityKind from, string fromId, EntityKind to, IEnumerable<CrmAssociationLink> links) =>
        links.GroupBy(l => l.ToId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, DeliveryExportJson.IdComparer)
            .Select(g => new DeliveryLink(from, fromId, to, g.Key, Kinds(g.SelectMany(l => l.Kinds))))
            .ToList();

    private static List<AssociationKind> Kinds(IEnumerable<AssociationKind> kinds) =>
        kinds.Distinct().OrderBy(k => k.TypeId).ThenBy(k => k.Category, StringComparer.Ordinal).ToList();

    private static int Changes(IReadOnlyList<DeliveryLink> old, IReadOnlyList<DeliveryLink> wanted)
    {
        var before = old.ToDictionary(l => l.ToId, StringComparer.Ordinal);
        var changes = 0;
        foreach (var link in wanted)
        {
            if (!before.Remove(link.ToId, out var previous) || !Kinds(previous.Kinds).SequenceEqual(link.Kinds))
            {
                changes++;
            }
        }

        return changes + before.Count;
    }

    /// <summary>One object type's part of a check.</summary>
    private sealed class KindRun(EntityKind kind, ObjectMapping mapping)
    {
        private readonly Dictionary<EntityKind, HashSet<string>> _forced = [];

        public EntityKind Kind { get; } = kind;

        public ObjectMapping Mapping { get; } = mapping;

        /// <summary>The id the slice starts after (null: the lowest).</summary>
        public string? After { get; set; }

        /// <summary>The slice's stored ids.</summary>
        public IReadOnlyList<StoredId> Ids { get; set; } = [];

        /// <summary>The slice is the last of its pass: it runs to the end of the id space.</summary>
        public bool Last { get; set; }

        public long Calls { get; set; }

        public long ArchivedCount { get; set; }

        public long CreatedCount { get; set; }

        public long LinksChanged { get; set; }

        public HashSet<string> Restored { get; } = new(StringComparer.Ordinal);

        public HashSet<string> ArchivedNow { get; } = new(StringComparer.Ordinal);

        /// <summary>Records whose links to <paramref name="to"/> are checked whatever the slice (linked to a restored record).</summary>
        public HashSet<string> Forced(EntityKind to)
        {
            if (!_forced.TryGetValue(to, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                _forced[to] = set;
            }

            return set;
        }
    }
}
