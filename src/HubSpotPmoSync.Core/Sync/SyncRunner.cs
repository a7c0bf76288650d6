using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// The inbound sync: HubSpot → local delivery model, losing nothing. Per object type:
/// <list type="number">
/// <item>first sync or full reconcile: list every record page by page (the list cursor committed with each page, so a
/// crash resumes after the last committed page), then sweep archived records;</item>
/// <item>a fast search pass on the last-modified property from the fast cursor (minus <see cref="SyncOptions.Overlap"/>);</item>
/// <item>a settle pass re-reading [settled cursor, now − <see cref="SyncOptions.SettleWindow"/>], whose end becomes the
/// settled cursor, the one that counts.</item>
/// </list>
/// Each page — records, ledger rows, links of the configured association pairs and the cursor — is committed in one
/// transaction. Records whose content hash is unchanged are counted and not written. A record whose value fails its
/// transform is stored as failing with the reason; the others flow.
/// </summary>
public sealed partial class SyncRunner
{
    private const int AssociationBatch = 1000;
    private readonly ICrmSource _source;
    private readonly IDeliveryStore _store;
    private readonly MappingSet _mappings;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;

    public SyncRunner(ICrmSource source, IDeliveryStore store, MappingSet mappings, SyncOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
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
        _mappings = mappings;
        _options = options;
        _time = time;
    }

    /// <summary>Runs one sync cycle. A dry run reads only and writes nothing anywhere.</summary>
    /// <exception cref="ArgumentException">An object kind in the request is not mapped.</exception>
    public async Task<SyncReport> RunAsync(SyncRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kinds = request.Objects is { Count: > 0 } requested ? requested.Distinct().Order().ToList() : _mappings.Objects.Keys.Order().ToList();
        var unmapped = kinds.Where(k => _mappings.For(k) is null).ToList();
        if (unmapped.Count > 0)
        {
            throw new ArgumentException($"not mapped in {_mappings.File}: {string.Join(", ", unmapped.Select(k => k.Plural()))}", nameof(request));
        }

        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        long? runId = request.DryRun
            ? null
            : await _store.StartRunAsync(request.Full ? "sync-full" : "sync", startedAt, cancellationToken);
        var reports = new List<ObjectSyncReport>();
        try
        {
            foreach (var kind in kinds)
            {
                var run = new ObjectRun(this, _mappings.For(kind)!, request, progress, started);
                reports.Add(await run.RunAsync(cancellationToken));
            }
        }
        catch (Exception e) when (runId is not null)
        {
            var outcome = e is OperationCanceledException ? "cancelled" : "failed";
            await _store.FinishRunAsync(runId.Value, _time.GetUtcNow(), outcome, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            throw;
        }

        var report = new SyncReport(request.DryRun, request.Full, startedAt, _time.GetElapsedTime(started), reports);
        if (runId is not null)
        {
            await _store.FinishRunAsync(runId.Value, _time.GetUtcNow(), "succeeded", report.Summary(), CancellationToken.None);
        }

        return report;
    }

    private sealed partial class ObjectRun(SyncRunner owner, ObjectMapping mapping, SyncRequest request, IProgress<SyncProgress>? progress, long started)
    {
        private readonly Dictionary<string, StoredState> _dryRunOverlay = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _fieldChanges = new(StringComparer.Ordinal);
        private readonly List<RecordIssue> _issues = [];
        private readonly List<(IReadOnlyList<CrmRecord> Records, SyncCursorState Cursor)> _buffer = [];
        private int _buffered;
        private SyncPhase _bufferPhase;
        private HashSet<(string, string)>? _knownStages;
        private bool _pipelinesRead;
        private long _seen, _created, _updated, _unchanged, _archived, _restored, _excluded, _failing, _pages, _calls, _links;

        // Each record counts once per run, however many passes read it (a full reconcile lists everything, then its
        // fast pass reads again what changed since the last cycle): true once it has counted as a change.
        private readonly Dictionary<string, bool> _counted = new(StringComparer.Ordinal);
        private SyncCursorState _cursor = new(mapping.Kind);

        private EntityKind Kind => mapping.Kind;

        // The cursor after the last page read: buffered pages are ahead of the committed one.
        private SyncCursorState Pending => _buffer.Count > 0 ? _buffer[^1].Cursor : _cursor;

        private bool DryRun => request.DryRun;

        public async Task<ObjectSyncReport> RunAsync(CancellationToken ct)
        {
            var before = await owner._store.GetCursorAsync(Kind, ct);
            _cursor = before;
            await LoadStagesAsync(ct);

            try
            {
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
            }
            catch (Exception) when (_buffer.Count > 0 && !ct.IsCancellationRequested)
            {
                // The source failed after some pages were read in full: keep them (a resume starts after them).
                try
                {
                    await FlushAsync(_bufferPhase, CancellationToken.None);
                }
                catch (Exception)
                {
                    // The original failure is the one to report; these pages are simply read again next time.
                }

                throw;
            }

            Report(SyncPhase.Done);

            return new ObjectSyncReport(
                Kind, _seen, _created, _updated, _unchanged, _archived, _restored, _excluded, _failing, _pages, _calls, _links,
                before, _cursor, new SortedDictionary<string, long>(_fieldChanges, StringComparer.Ordinal), _issues);
        }

        private async Task ListAsync(CancellationToken ct)
        {
            if (!_cursor.ListInProgress)
            {
                _cursor = _cursor with { ListInProgress = true, ListAfter = null, ListStartedAt = owner._time.GetUtcNow() };
            }

            var options = new CrmListOptions(Archived: false, StartAfter: _cursor.ListAfter, PageSize: owner._options.ListPageSize);
            var calls = _calls;
            await foreach (var page in owner._source.ListAsync(mapping.HubSpotObject, mapping.StoredProperties, options, ct))
            {
                _calls++;
                var next = page.NextAfter is null ? CompleteListing(Pending) : Pending with { ListAfter = page.NextAfter };
                await ProcessPageAsync(page.Records, SyncPhase.List, next, ct);
            }

            await FlushAsync(SyncPhase.List, ct);

            CountEmptyPass(calls);
            if (_cursor.ListInProgress)
            {
                _cursor = CompleteListing(_cursor);
                await SaveCursorAsync(ct);
            }
        }

        private SyncCursorState CompleteListing(SyncCursorState c) => c with
        {
            Listed = true,
            ListInProgress = false,
            ListAfter = null,
            Fast = c.Fast ?? c.ListStartedAt,
            Settled = c.Settled ?? c.ListStartedAt,
            ArchivedSweepInProgress = c.ArchivedSweepInProgress || owner._options.SweepArchived,
            ArchivedAfter = c.ArchivedSweepInProgress ? c.ArchivedAfter : null,
        };

        private async Task SweepArchivedAsync(CancellationToken ct)
        {
            if (!_cursor.ArchivedSweepInProgress)
            {
                _cursor = _cursor with { ArchivedSweepInProgress = true, ArchivedAfter = null };
            }

            var options = new CrmListOptions(Archived: true, StartAfter: _cursor.ArchivedAfter, PageSize: owner._options.ListPageSize);
            var calls = _calls;
            await foreach (var page in owner._source.ListAsync(mapping.HubSpotObject, mapping.StoredProperties, options, ct))
            {
                _calls++;
                var next = page.NextAfter is null
                    ? Pending with { ArchivedSweepInProgress = false, ArchivedAfter = null, LastReconciledAt = owner._time.GetUtcNow() }
                    : Pending with { ArchivedAfter = page.NextAfter };
                await ProcessPageAsync(page.Records, SyncPhase.ArchivedSweep, next, ct);
            }

            await FlushAsync(SyncPhase.ArchivedSweep, ct);

            CountEmptyPass(calls);
            if (_cursor.ArchivedSweepInProgress)
            {
                _cursor = _cursor with { ArchivedSweepInProgress = false, ArchivedAfter = null, LastReconciledAt = owner._time.GetUtcNow() };
                await SaveCursorAsync(ct);
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
            var calls = _calls;
            await foreach (var page in owner._source.SearchModifiedAsync(mapping.HubSpotObject, window, mapping.StoredProperties, ct))
            {
                _calls++;
                var latest = page.Records.Count == 0 ? (DateTimeOffset?)null : page.Records.Max(r => r.UpdatedAt);
                await ProcessPageAsync(page.Records, SyncPhase.Fast, Pending with { Fast = Max(Pending.Fast, latest) }, ct);
            }

            await FlushAsync(SyncPhase.Fast, ct);

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
            var calls = _calls;
            await foreach (var page in owner._source.SearchModifiedAsync(mapping.HubSpotObject, window, mapping.StoredProperties, ct))
            {
                _calls++;
                var latest = page.Records.Count == 0 ? settled : page.Records.Max(r => r.UpdatedAt);
                var next = latest > end ? end : latest;
                await ProcessPageAsync(page.Records, SyncPhase.Settle, Pending with { Settled = Max(Pending.Settled, next) }, ct);
            }

            await FlushAsync(SyncPhase.Settle, ct);

            CountEmptyPass(calls);
            _cursor = _cursor with { Settled = end, Fast = Max(_cursor.Fast, end) };
            await SaveCursorAsync(ct);
        }

        // Pages are gathered until they hold enough records for one association batch read (1,000 inputs), so links
        // cost a call per pair per 1,000 records, not per page; each page is still committed on its own, with its
        // records, their links and the cursor after it.
        private async Task ProcessPageAsync(IReadOnlyList<CrmRecord> page, SyncPhase phase, SyncCursorState cursorAfter, CancellationToken ct)
        {
            _buffer.Add((page, cursorAfter));
            _bufferPhase = phase;
            _buffered += page.Count;
            if (_buffered >= AssociationBatch)
            {
                await FlushAsync(phase, ct);
            }
        }

        private async Task FlushAsync(SyncPhase phase, CancellationToken ct)
        {
            if (_buffer.Count == 0)
            {
                return;
            }

            var pages = _buffer.ToList();
            _buffer.Clear();
            _buffered = 0;
            await ProcessPagesAsync(pages, phase, ct);
        }

        private async Task ProcessPagesAsync(List<(IReadOnlyList<CrmRecord> Records, SyncCursorState Cursor)> pages, SyncPhase phase, CancellationToken ct)
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
            for (var index = 0; index < pages.Count; index++)
            {
                var records = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
                foreach (var r in pages[index].Records)
                {
                    records[r.Id] = r;
                }

                foreach (var record in records.Values)
                {
                    var again = _counted.TryGetValue(record.Id, out var countedAsChange);
                    if (!again)
                    {
                        _seen++;
                    }

                    var mapped = RecordMapper.Map(record, mapping);
                    var existing = batchStates.TryGetValue(record.Id, out var earlier) ? earlier
                        : _dryRunOverlay.TryGetValue(record.Id, out var overlaid) ? overlaid
                        : stored.GetValueOrDefault(record.Id);
                    linkStates[record.Id] = mapped.Status == LedgerStatus.Excluded ? null : record.Archived;
                    owners[record.Id] = index;

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

                        continue;
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

                    await NoteStageAsync(mapped, ct);
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
                _pages++;
                _cursor = pages[index].Cursor;
                if (!DryRun)
                {
                    var commit = new PageCommit(Kind, writes[index], linksByPage[index], pages[index].Cursor);
                    if (index == pages.Count - 1 && _settles.Count > 0)
                    {
                        // The webhook events this read answers are settled in the same transaction as what it stored.
                        commit = commit with { InboxEvents = _settles };
                    }

                    await owner._store.CommitPageAsync(commit, ct);
                }

                Report(phase);
            }
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

        private async Task<List<LinkReplacement>> ReadLinksAsync(
            List<string> linkable, List<string> archived, bool incremental, CancellationToken ct)
        {
            var replacements = new List<LinkReplacement>();
            if (linkable.Count == 0 && archived.Count == 0)
            {
                return replacements;
            }

            // HubSpot shows no links for an archived record: its links leave the model (and come back on restore).
            foreach (var pair in owner._mappings.Associations.Where(p => p.From == Kind))
            {
                await ReplaceLinksAsync(pair, linkable, archived, replacements, ct);
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
                    await ReplaceLinksAsync(pair, candidates.Order(StringComparer.Ordinal).ToList(), [], replacements, ct);
                }
            }

            return replacements;
        }

        private async Task ReplaceLinksAsync(
            AssociationPair pair, List<string> fromIds, List<string> cleared, List<LinkReplacement> replacements, CancellationToken ct)
        {
            var fromObject = owner._mappings.For(pair.From)!.HubSpotObject;
            var toObject = owner._mappings.For(pair.To)!.HubSpotObject;
            var read = fromIds.Count == 0 ? [] : await ReadAsync(fromObject, toObject, fromIds, ct);
            var byFrom = read.GroupBy(l => l.FromId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var stored = await owner._store.GetLinksAsync(pair.From, pair.To, [.. fromIds, .. cleared], ct);
            foreach (var id in fromIds.Concat(cleared))
            {
                var fresh = Normalize(pair, id, byFrom.GetValueOrDefault(id) ?? []);
                var old = stored.GetValueOrDefault(id) ?? [];
                var changes = CountChanges(old, fresh);
                if (changes > 0)
                {
                    _links += changes;
                    replacements.Add(new LinkReplacement(pair.From, id, pair.To, fresh));
                }
            }
        }

        private async Task<IReadOnlyList<CrmAssociationLink>> ReadAsync(string fromObject, string toObject, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var all = new List<CrmAssociationLink>();
            foreach (var chunk in ids.Chunk(AssociationBatch))
            {
                _calls++;
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

        private async Task NoteStageAsync(MappedRecord mapped, CancellationToken ct)
        {
            if (_knownStages is null || _pipelinesRead || mapped.Status == LedgerStatus.Excluded)
            {
                return;
            }

            var pipeline = mapped.Record.LocalValues.GetValueOrDefault("pipeline");
            var stage = mapped.Record.LocalValues.GetValueOrDefault("stage");
            if (pipeline is not null && stage is not null && !_knownStages.Contains((pipeline, stage)))
            {
                await ReadPipelinesAsync(ct);
            }
        }

        private async Task ReadPipelinesAsync(CancellationToken ct)
        {
            if (_knownStages is null || _pipelinesRead)
            {
                return;
            }

            _pipelinesRead = true;
            _calls++;
            var pipelines = await owner._source.GetPipelinesAsync(mapping.HubSpotObject, ct);
            _knownStages = pipelines.SelectMany(p => p.Stages.Select(s => (p.Id, s.Id))).ToHashSet();
            if (!DryRun)
            {
                await owner._store.SavePipelinesAsync(Kind, pipelines, ct);
            }
        }

        // A pass that yielded no page still made its (empty) request.
        private void CountEmptyPass(long callsBefore)
        {
            if (_calls == callsBefore)
            {
                _calls++;
            }
        }

        private async Task SaveCursorAsync(CancellationToken ct)
        {
            if (!DryRun)
            {
                await owner._store.SaveCursorAsync(_cursor, ct);
            }
        }

        private void Report(SyncPhase phase) =>
            progress?.Report(new SyncProgress(Kind, phase, _seen, _pages, _calls, owner._time.GetElapsedTime(started)));

        private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
            a is null ? b : b is null ? a : (a > b ? a : b);
    }
}
