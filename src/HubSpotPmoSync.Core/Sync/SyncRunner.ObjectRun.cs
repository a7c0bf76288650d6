using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>One object type's run: its passes, the classification of records and their commits.</summary>
public sealed partial class SyncRunner
{
    /// <summary>
    /// One object type's passes. Several readers of one type (the list cursor and the searches of a partitioned listing)
    /// process pages at once: the counts are kept under <see cref="_gate"/>, and commits go one at a time through
    /// <see cref="_commitGate"/>, each applying its page's cursor change to the cursor as last committed.
    /// </summary>
    private sealed partial class ObjectRun(SyncRunner owner, ObjectMapping mapping, SyncRequest request, IProgress<SyncProgress>? progress, long started)
        : IDisposable
    {
        private readonly object _gate = new();
        private readonly SemaphoreSlim _commitGate = new(1, 1);
        private readonly SemaphoreSlim _pipelineGate = new(1, 1);
        private readonly Dictionary<string, StoredState> _dryRunOverlay = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _fieldChanges = new(StringComparer.Ordinal);
        private readonly List<RecordIssue> _issues = [];
        private HashSet<(string, string)>? _knownStages;
        private bool _pipelinesRead;
        private long _seen, _created, _updated, _unchanged, _archived, _restored, _excluded, _failing, _pages, _calls, _links;

        // Each record counts once per run, however many passes read it (a full reconcile lists everything, then its
        // fast pass reads again what changed since the last cycle): true once it has counted as a change.
        private readonly Dictionary<string, bool> _counted = new(StringComparer.Ordinal);

        // The cursor as last committed (or, in a dry run, as it would be): only changed under _commitGate.
        private SyncCursorState _cursor = new(mapping.Kind);

        private EntityKind Kind => mapping.Kind;

        private bool DryRun => request.DryRun;

        public async Task<ObjectSyncReport> RunAsync(CancellationToken ct)
        {
            var before = await owner._store.GetCursorAsync(Kind, ct);
            _cursor = before;
            await LoadStagesAsync(ct);

            var reconcile = request.Full || !_cursor.Listed || _cursor.ListInProgress;
            if (reconcile)
            {
                await ReadPipelinesAsync(ct);
                await ListAsync(ct);
            }

            if (_cursor.ArchivedSweepInProgress || ((reconcile || owner._options.SweepArchivedEveryRun) && owner._options.SweepArchived))
            {
                await SweepArchivedAsync(ct);
            }

            await FastPassAsync(ct);
            await SettlePassAsync(ct);

            Report(SyncPhase.Done);

            lock (_gate)
            {
                return new ObjectSyncReport(
                    Kind, _seen, _created, _updated, _unchanged, _archived, _restored, _excluded, _failing, _pages, _calls, _links,
                    before, _cursor, new SortedDictionary<string, long>(_fieldChanges, StringComparer.Ordinal), _issues.ToList());
            }
        }

        private async Task SweepArchivedAsync(CancellationToken ct)
        {
            if (!_cursor.ArchivedSweepInProgress)
            {
                _cursor = _cursor with { ArchivedSweepInProgress = true, ArchivedAfter = null };
            }

            var options = new CrmListOptions(Archived: true, StartAfter: _cursor.ArchivedAfter, PageSize: owner._options.ListPageSize);
            var calls = Calls;
            await RunPassAsync(Pages(owner._source.ListAsync(mapping.HubSpotObject, mapping.StoredProperties, options, ct), page =>
            {
                var next = page.NextAfter;
                var at = owner._time.GetUtcNow();
                return next is null
                    ? c => c with { ArchivedSweepInProgress = false, ArchivedAfter = null, LastReconciledAt = at }
                    : c => c with { ArchivedAfter = next };
            }), SyncPhase.ArchivedSweep, ct);

            CountEmptyPass(calls);
            if (_cursor.ArchivedSweepInProgress)
            {
                var at = owner._time.GetUtcNow();
                await SaveCursorAsync(c => c with { ArchivedSweepInProgress = false, ArchivedAfter = null, LastReconciledAt = at }, ct);
            }
        }

        private async Task FastPassAsync(CancellationToken ct)
        {
            var from = Max(_cursor.Fast, _cursor.Settled);
            if (from is null)
            {
                return;
            }

            var window = new CrmModifiedWindow(from.Value - owner._options.Overlap);
            var calls = Calls;
            await RunPassAsync(Pages(owner._source.SearchModifiedAsync(mapping.HubSpotObject, window, mapping.StoredProperties, ct), page =>
            {
                var latest = page.Records.Count == 0 ? (DateTimeOffset?)null : page.Records.Max(r => r.UpdatedAt);
                return c => c with { Fast = Max(c.Fast, latest) };
            }), SyncPhase.Fast, ct);

            CountEmptyPass(calls);
        }

        private async Task SettlePassAsync(CancellationToken ct)
        {
            if (_cursor.Settled is not { } settled)
            {
                return;
            }

            var end = owner._time.GetUtcNow() - owner._options.SettleWindow;
            if (end <= settled)
            {
                return;
            }

            var window = new CrmModifiedWindow(settled, end);
            var calls = Calls;
            await RunPassAsync(Pages(owner._source.SearchModifiedAsync(mapping.HubSpotObject, window, mapping.StoredProperties, ct), page =>
            {
                var latest = page.Records.Count == 0 ? settled : page.Records.Max(r => r.UpdatedAt);
                var next = latest > end ? end : latest;
                return c => c with { Settled = Max(c.Settled, next) };
            }), SyncPhase.Settle, ct);

            CountEmptyPass(calls);
            await SaveCursorAsync(c => c with { Settled = end, Fast = Max(c.Fast, end) }, ct);
        }

        /// <summary>The pages of a source read, each with its cursor change (one call counted a page).</summary>
        private async IAsyncEnumerable<PageRead> Pages(IAsyncEnumerable<CrmPage> source, Func<CrmPage, Func<SyncCursorState, SyncCursorState>> advance)
        {
            await foreach (var page in source)
            {
                CountCall();
                yield return new PageRead(page.Records, advance(page));
            }
        }

        private async Task ProcessPagesAsync(List<PageRead> pages, SyncPhase phase, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var now = owner._time.GetUtcNow();
            var ids = pages.SelectMany(p => p.Records).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
            var stored = ids.Count == 0
                ? new Dictionary<string, StoredState>()
                : await owner._store.GetStatesAsync(Kind, ids, ct);
            var batchStates = new Dictionary<string, StoredState>(StringComparer.Ordinal);
            var owners = new Dictionary<string, int>(StringComparer.Ordinal);
            var writes = pages.Select(_ => new List<RecordWrite>()).ToList();
            var linkStates = new Dictionary<string, bool?>(StringComparer.Ordinal); // id → archived; null when excluded
            var unknownStage = false;
            lock (_gate)
            {
                for (var index = 0; index < pages.Count; index++)
                {
                    var records = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
                    foreach (var r in pages[index].Records)
                    {
                        records[r.Id] = r;
                    }

                    foreach (var record in records.Values)
                    {
                        var mapped = RecordMapper.Map(record, mapping);
                        linkStates[record.Id] = mapped.Status == LedgerStatus.Excluded ? null : record.Archived;
                        owners[record.Id] = index;
                        var existing = batchStates.TryGetValue(record.Id, out var earlier) ? earlier
                            : _dryRunOverlay.TryGetValue(record.Id, out var overlaid) ? overlaid
                            : stored.GetValueOrDefault(record.Id);
                        if (!Count(record, mapped, existing))
                        {
                            continue;
                        }

                        unknownStage |= IsUnknownStage(mapped);
                        var inModel = mapped.Status != LedgerStatus.Excluded;
                        writes[index].Add(new RecordWrite(
                            inModel ? mapped.Record : null,
                            new LedgerEntry(Kind, record.Id, record.UpdatedAt, mapped.ContentHash, mapped.Status, mapped.Reason, now)));
                        var state = new StoredState(record.Id, mapped.ContentHash, mapped.Status, inModel, record.Archived, mapped.Record.Properties);
                        batchStates[record.Id] = state;
                        if (DryRun)
                        {
                            _dryRunOverlay[record.Id] = state;
                        }
                    }
                }
            }

            if (unknownStage)
            {
                await ReadPipelinesAsync(ct);
            }

            var linkable = linkStates.Where(p => p.Value == false).Select(p => p.Key).ToList();
            var archivedIds = linkStates.Where(p => p.Value == true).Select(p => p.Key).ToList();
            var links = await ReadLinksAsync(linkable, archivedIds, phase is SyncPhase.Fast or SyncPhase.Settle, ct);
            var linksByPage = pages.Select(_ => new List<LinkReplacement>()).ToList();
            foreach (var link in links)
            {
                // A record's own links go with its page; links re-read from the other side go with the last page.
                var at = link.From == Kind && owners.TryGetValue(link.FromId, out var i) ? i : pages.Count - 1;
                linksByPage[at].Add(link);
            }

            for (var index = 0; index < pages.Count; index++)
            {
                await CommitAsync(pages[index].Advance, writes[index], linksByPage[index], ct);
                Report(phase);
            }
        }

        /// <summary>
        /// Counts a record read (once per run, however many passes read it); true when it changes the store. Called
        /// under <see cref="_gate"/>.
        /// </summary>
        private bool Count(CrmRecord record, MappedRecord mapped, StoredState? existing)
        {
            var again = _counted.TryGetValue(record.Id, out var countedAsChange);
            if (!again)
            {
                _seen++;
            }

            if (mapped.Status != LedgerStatus.InSync && !again)
            {
                if (mapped.Status == LedgerStatus.Excluded)
                {
                    _excluded++;
                }
                else
                {
                    _failing++;
                }

                if (_issues.Count < owner._options.ReportedIssuesPerObject)
                {
                    _issues.Add(new RecordIssue(record.Id, mapped.Status, mapped.Reason!));
                }
            }

            if (existing is not null && existing.ContentHash == mapped.ContentHash)
            {
                if (!again)
                {
                    _unchanged++;
                    _counted[record.Id] = false;
                }

                return false;
            }

            if (!countedAsChange)
            {
                if (again)
                {
                    _unchanged--;
                }

                Classify(existing, mapped);
                _counted[record.Id] = true;
            }

            return true;
        }

        private void Classify(StoredState? existing, MappedRecord mapped)
        {
            var record = mapped.Record;
            if (mapped.Status == LedgerStatus.Excluded)
            {
                if (existing is { InModel: true })
                {
                    _updated++;
                }

                return;
            }

            if (existing is null || !existing.InModel)
            {
                _created++;
                if (record.Archived)
                {
                    _archived++;
                }

                return;
            }

            if (existing.Archived && !record.Archived)
            {
                _restored++;
            }
            else if (!existing.Archived && record.Archived)
            {
                _archived++;
            }
            else
            {
                _updated++;
            }

            foreach (var (name, value) in record.Properties)
            {
                if (!existing.Properties.TryGetValue(name, out var old) || !string.Equals(old, value, StringComparison.Ordinal))
                {
                    _fieldChanges[name] = _fieldChanges.GetValueOrDefault(name) + 1;
                }
            }
        }

        /// <summary>Commits one page: its cursor change applied to the cursor as last committed, with its records and links.</summary>
        private async Task CommitAsync(
            Func<SyncCursorState, SyncCursorState> advance, List<RecordWrite> writes, List<LinkReplacement> links, CancellationToken ct)
        {
            await _commitGate.WaitAsync(ct);
            try
            {
                var next = advance(_cursor);
                if (!DryRun)
                {
                    var commit = new PageCommit(Kind, writes, links, next);
                    if (_settles.Count > 0)
                    {
                        // The webhook events this read answers are settled in the same transaction as what it stored.
                        commit = commit with { InboxEvents = _settles };
                    }

                    await owner._store.CommitPageAsync(commit, ct);
                    _settles = [];
                }

                _cursor = next;
                lock (_gate)
                {
                    _pages++;
                }
            }
            finally
            {
                _commitGate.Release();
            }
        }

        /// <summary>Saves a cursor change on its own (a pass or a partition that ends without a page to carry it).</summary>
        private async Task SaveCursorAsync(Func<SyncCursorState, SyncCursorState> change, CancellationToken ct)
        {
            await _commitGate.WaitAsync(ct);
            try
            {
                var next = change(_cursor);
                if (!DryRun)
                {
                    await owner._store.SaveCursorAsync(next, ct);
                }

                _cursor = next;
            }
            finally
            {
                _commitGate.Release();
            }
        }

        private async Task<List<LinkReplacement>> ReadLinksAsync(
            List<string> linkable, List<string> archived, bool incremental, CancellationToken ct)
        {
            var replacements = new List<LinkReplacement>();
            if (linkable.Count == 0 && archived.Count == 0)
            {
                return replacements;
            }

            // HubSpot shows no links for an archived record: its links leave the model (and come back on restore).
            // The pairs are read at once (each a call per 1,000 records).
            var own = await Task.WhenAll(owner._mappings.Associations.Where(p => p.From == Kind)
                .Select(pair => ReplaceLinksAsync(pair, linkable, archived, ct)));
            foreach (var list in own)
            {
                replacements.AddRange(list);
            }

            if (!incremental || linkable.Count == 0)
            {
                return replacements;
            }

            // A link changed from the other side shows up only on this record: compare the set of linked records
            // with the store and re-read, from their side, the records whose links differ.
            foreach (var pair in owner._mappings.Associations.Where(p => p.To == Kind))
            {
                var fromObject = owner._mappings.For(pair.From)!.HubSpotObject;
                var seen = (await ReadAsync(mapping.HubSpotObject, fromObject, linkable, ct))
                    .GroupBy(l => l.FromId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(l => l.ToId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
                var stored = await owner._store.GetLinkedFromIdsAsync(pair.From, Kind, linkable, ct);
                var candidates = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in linkable)
                {
                    var now = seen.TryGetValue(id, out var n) ? n : [];
                    var before = stored.TryGetValue(id, out var s) ? s : [];
                    candidates.UnionWith(now.Except(before, StringComparer.Ordinal));
                    candidates.UnionWith(before.Except(now, StringComparer.Ordinal));
                }

                if (candidates.Count > 0)
                {
                    replacements.AddRange(await ReplaceLinksAsync(pair, candidates.Order(StringComparer.Ordinal).ToList(), [], ct));
                }
            }

            return replacements;
        }

        private async Task<List<LinkReplacement>> ReplaceLinksAsync(
            AssociationPair pair, List<string> fromIds, List<string> cleared, CancellationToken ct)
        {
            var replacements = new List<LinkReplacement>();
            var fromObject = owner._mappings.For(pair.From)!.HubSpotObject;
            var toObject = owner._mappings.For(pair.To)!.HubSpotObject;
            var read = fromIds.Count == 0 ? [] : await ReadAsync(fromObject, toObject, fromIds, ct);
            var byFrom = read.GroupBy(l => l.FromId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var stored = await owner._store.GetLinksAsync(pair.From, pair.To, [.. fromIds, .. cleared], ct);
            var changes = 0L;
            foreach (var id in fromIds.Concat(cleared))
            {
                var fresh = Normalize(pair, id, byFrom.GetValueOrDefault(id) ?? []);
                var old = stored.GetValueOrDefault(id) ?? [];
                var changed = CountChanges(old, fresh);
                if (changed > 0)
                {
                    changes += changed;
                    replacements.Add(new LinkReplacement(pair.From, id, pair.To, fresh));
                }
            }

            lock (_gate)
            {
                _links += changes;
            }

            return replacements;
        }

        private async Task<IReadOnlyList<CrmAssociationLink>> ReadAsync(string fromObject, string toObject, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var all = new List<CrmAssociationLink>();
            foreach (var chunk in ids.Chunk(AssociationBatch))
            {
                CountCall();
                all.AddRange(await owner._source.ReadAssociationsAsync(fromObject, toObject, chunk, ct));
            }

            return all;
        }

        private static List<DeliveryLink> Normalize(AssociationPair pair, string fromId, List<CrmAssociationLink> links) =>
            links.GroupBy(l => l.ToId, StringComparer.Ordinal)
                .OrderBy(g => g.Key, DeliveryExportJson.IdComparer)
                .Select(g => new DeliveryLink(
                    pair.From,
                    fromId,
                    pair.To,
                    g.Key,
                    g.SelectMany(l => l.Kinds).Distinct().OrderBy(k => k.TypeId).ThenBy(k => k.Category, StringComparer.Ordinal).ToList()))
                .ToList();

        private static int CountChanges(IReadOnlyList<DeliveryLink> old, IReadOnlyList<DeliveryLink> fresh)
        {
            var before = old.ToDictionary(l => l.ToId, StringComparer.Ordinal);
            var changes = 0;
            foreach (var link in fresh)
            {
                if (!before.Remove(link.ToId, out var previous) || !previous.Kinds.OrderBy(k => k.TypeId).ThenBy(k => k.Category, StringComparer.Ordinal).SequenceEqual(link.Kinds))
                {
                    changes++;
                }
            }

            return changes + before.Count;
        }

        private async Task LoadStagesAsync(CancellationToken ct)
        {
            if (Kind is not (EntityKind.Deal or EntityKind.Ticket))
            {
                return;
            }

            var pipelines = await owner._store.GetPipelinesAsync(Kind, ct);
            _knownStages = pipelines.SelectMany(p => p.Stages.Select(s => (p.Id, s.Id))).ToHashSet();
        }

        /// <summary>Whether a record names a stage the stored pipelines lack (then they are read again, once a run). Under <see cref="_gate"/>.</summary>
        private bool IsUnknownStage(MappedRecord mapped)
        {
            if (_knownStages is null || _pipelinesRead || mapped.Status == LedgerStatus.Excluded)
            {
                return false;
            }

            var pipeline = mapped.Record.LocalValues.GetValueOrDefault("pipeline");
            var stage = mapped.Record.LocalValues.GetValueOrDefault("stage");
            return pipeline is not null && stage is not null && !_knownStages.Contains((pipeline, stage));
        }

        private async Task ReadPipelinesAsync(CancellationToken ct)
        {
            await _pipelineGate.WaitAsync(ct);
            try
            {
                lock (_gate)
                {
                    if (_knownStages is null || _pipelinesRead)
                    {
                        return;
                    }

                    _pipelinesRead = true;
                }

                CountCall();
                var pipelines = await owner._source.GetPipelinesAsync(mapping.HubSpotObject, ct);
                lock (_gate)
                {
                    _knownStages = pipelines.SelectMany(p => p.Stages.Select(s => (p.Id, s.Id))).ToHashSet();
                }

                if (!DryRun)
                {
                    await owner._store.SavePipelinesAsync(Kind, pipelines, ct);
                }
            }
            finally
            {
                _pipelineGate.Release();
            }
        }

        private long Calls
        {
            get
            {
                lock (_gate)
                {
                    return _calls;
                }
            }
        }

        private void CountCall()
        {
            lock (_gate)
            {
                _calls++;
            }
        }

        // A pass that yielded no page still made its (empty) request.
        private void CountEmptyPass(long callsBefore)
        {
            lock (_gate)
            {
                if (_calls == callsBefore)
                {
                    _calls++;
                }
            }
        }

        private void Report(SyncPhase phase)
        {
            SyncProgress value;
            lock (_gate)
            {
                value = new SyncProgress(Kind, phase, _seen, _pages, _calls, owner._time.GetElapsedTime(started));
            }

            owner.ReportProgress(progress, value);
        }

        public void Dispose()
        {
            _commitGate.Dispose();
            _pipelineGate.Dispose();
        }

        private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
            a is null ? b : b is null ? a : (a > b ? a : b);
    }
}
