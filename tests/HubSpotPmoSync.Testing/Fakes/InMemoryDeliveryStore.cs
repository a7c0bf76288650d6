using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Testing.Fakes;

/// <summary>
/// An in-memory <see cref="IDeliveryStore"/> with the SQLite store's behaviour (the same contract tests run against
/// both). A page commit is applied whole under one lock (nothing in it can fail half-way).
/// </summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    private readonly object _gate = new();
    private readonly State _state = new();
    private bool _written;

    /// <summary>Whether anything was ever written (the SQLite store would have created its file).</summary>
    public bool HasWritten
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    public Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_state.Cursors.GetValueOrDefault(kind) ?? new SyncCursorState(kind));
        }
    }

    public Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var result = new Dictionary<string, StoredState>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                if (_state.Ledger.TryGetValue((kind, id), out var ledger))
                {
                    var record = _state.Records.GetValueOrDefault((kind, id));
                    result[id] = new StoredState(id, ledger.ContentHash, ledger.Status, record is not null, record?.Archived ?? false,
                        record?.Properties ?? new SortedDictionary<string, string?>());
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, StoredState>>(result);
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var result = new Dictionary<string, IReadOnlyList<DeliveryLink>>(StringComparer.Ordinal);
            foreach (var id in fromIds)
            {
                if (_state.Links.TryGetValue((from, id, to), out var links) && links.Count > 0)
                {
                    result[id] = links.Values.ToList();
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>>(result);
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wanted = toIds.ToHashSet(StringComparer.Ordinal);
            var result = AllLinks()
                .Where(l => l.From == from && l.To == to && wanted.Contains(l.ToId))
                .GroupBy(l => l.ToId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Select(l => l.FromId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyCollection<string>>>(result);
        }
    }

    public Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var next = _state;
            foreach (var write in page.Records)
            {
                var key = (write.Ledger.Kind, write.Ledger.Id);
                if (write.Record is { } record)
                {
                    // As the SQLite upsert: null on first store, kept while the local values stay the same (in order,
                    // as the stored JSON compares) or their fields differ (a mapping change, not a person's edit),
                    // this version's updatedAt when the same fields change value.
                    var previous = next.Records.GetValueOrDefault(key);
                    next.Records[key] = record with
                    {
                        LocalChangedAt = previous is null ? null
                            : SameValues(previous.LocalValues, record.LocalValues) || !previous.LocalValues.Keys.SequenceEqual(record.LocalValues.Keys, StringComparer.Ordinal) ? previous.LocalChangedAt
                            : record.UpdatedAt,
                    };
                }
                else
                {
                    // As the SQLite store: a record never in the model leaves the links other types hold to it.
                    if (next.Records.Remove(key))
                    {
                        foreach (var (linkKey, links) in next.Links)
                        {
                            if (linkKey.From == key.Kind && linkKey.FromId == key.Id)
                            {
                                links.Clear();
                            }
                            else if (linkKey.To == key.Kind)
                            {
                                links.Remove(key.Id);
                            }
                        }
                    }
                }

                next.Ledger[key] = write.Ledger;
            }

            foreach (var replacement in page.Links)
            {
                next.Links[(replacement.From, replacement.FromId, replacement.To)] =
                    replacement.Links.ToDictionary(l => l.ToId, StringComparer.Ordinal);
            }

            next.Cursors[page.Kind] = page.Cursor;
            _written = true;
        }

        return Task.CompletedTask;
    }

    private static bool SameValues(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b) =>
        a.Count == b.Count && a.Zip(b).All(p => string.Equals(p.First.Key, p.Second.Key, StringComparison.Ordinal)
            && string.Equals(p.First.Value, p.Second.Value, StringComparison.Ordinal));

    public Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state.Cursors[cursor.Kind] = cursor;
            _written = true;
        }

        return Task.CompletedTask;
    }

    public Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state.Pipelines[kind] = pipelines.ToList();
            _written = true;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_state.Pipelines.TryGetValue(kind, out var p) ? p : (IReadOnlyList<CrmPipeline>)[]);
        }
    }

    public Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_state.Ledger.GetValueOrDefault((kind, id)));
        }
    }

    public Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wanted = ids?.ToHashSet(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyList<StoredRecord>>(_state.Records.Values
                .Where(r => r.Kind == kind && (wanted is null || wanted.Contains(r.Id)))
                .OrderBy(r => r.Id, DeliveryExportJson.IdComparer)
                .ToList());
        }
    }

    public Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _written = true;
            var id = _state.Runs.Count + 1L;
            _state.Runs.Add(new SyncRunInfo(id, kind, startedAt, null, null, null));
            return Task.FromResult(id);
        }
    }

    public Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var index = (int)runId - 1;
            _state.Runs[index] = _state.Runs[index] with { FinishedAt = finishedAt, Outcome = outcome, Summary = summary };
        }

        return Task.CompletedTask;
    }

    public Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var factory = new DeliveryEntityFactory(
                _state.Pipelines.GetValueOrDefault(EntityKind.Deal) ?? [],
                _state.Pipelines.GetValueOrDefault(EntityKind.Ticket) ?? []);
            var records = _state.Records.Values
                .Where(r => _state.Ledger.TryGetValue((r.Kind, r.Id), out var l) && l.Status == LedgerStatus.InSync)
                .OrderBy(r => r.Id, DeliveryExportJson.IdComparer)
                .ToList();
            var archived = _state.Records.Values.Where(r => r.Archived).Select(r => (r.Kind, r.Id)).ToHashSet();
            return Task.FromResult(new DeliveryModelSnapshot(
                records.Where(r => r.Kind == EntityKind.Company).Select(DeliveryEntityFactory.ToCompany).ToList(),
                records.Where(r => r.Kind == EntityKind.Deal).Select(factory.ToDeal).ToList(),
                records.Where(r => r.Kind == EntityKind.Ticket).Select(factory.ToTicket).ToList(),
                records.Where(r => r.Kind == EntityKind.Project).Select(DeliveryEntityFactory.ToProject).ToList(),
                AllLinks().Where(l => !archived.Contains((l.From, l.FromId)) && !archived.Contains((l.To, l.ToId))).ToList()));
        }
    }

    public Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wanted = kinds is { Count: > 0 } ? kinds.Distinct().Order().ToList() : EntityKinds.All.ToList();
            var records = wanted.ToDictionary(
                k => k,
                k => (IReadOnlyList<ExportRecord>)_state.Records.Values.Where(r => r.Kind == k)
                    .OrderBy(r => r.Id, DeliveryExportJson.IdComparer)
                    .Select(r => new ExportRecord(r.Id, r.Archived, new SortedDictionary<string, string?>(r.Properties.ToDictionary(), StringComparer.Ordinal)))
                    .ToList());
            var names = wanted.Select(k => k.Plural()).ToHashSet(StringComparer.Ordinal);

            // As the SQLite store: a read never shows a link to or from an archived record (kept, shown again on restore).
            var associations = AllLinks()
                .Where(l => !(_state.Records.GetValueOrDefault((l.To, l.ToId))?.Archived ?? false))
                .Where(l => !(_state.Records.GetValueOrDefault((l.From, l.FromId))?.Archived ?? false))
                .Where(l => names.Contains(l.From.Plural()) || names.Contains(l.To.Plural()))
                .Select(l => new ExportAssociation(l.From.Plural(), l.FromId, l.To.Plural(), l.ToId, l.Kinds.Select(k => k.TypeId).Distinct().Order().ToList()))
                .OrderBy(a => a.FromType, StringComparer.Ordinal)
                .ThenBy(a => a.FromId, DeliveryExportJson.IdComparer)
                .ThenBy(a => a.ToType, StringComparer.Ordinal)
                .ThenBy(a => a.ToId, DeliveryExportJson.IdComparer)
                .ToList();
            return Task.FromResult(new DeliveryExport(records, associations));
        }
    }

    public Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var objects = EntityKinds.All.Select(k =>
            {
                var ledger = _state.Ledger.Values.Where(l => l.Kind == k).ToList();
                var reasons = ledger.Where(l => l.Status != LedgerStatus.InSync)
                    .GroupBy(l => (l.Status, Reason: l.Reason ?? ""))
                    .Select(g => new LedgerReasonCount(g.Key.Status, g.Key.Reason, g.Count(), g.Select(l => l.Id).Order(DeliveryExportJson.IdComparer).Take(5).ToList()))
                    .OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal)
                    .Take(50)
                    .ToList();
                return new ObjectStatus(
                    k,
                    _state.Records.Values.Count(r => r.Kind == k),
                    _state.Records.Values.Count(r => r.Kind == k && r.Archived),
                    AllLinks().Count(l => l.From == k),
                    _state.Cursors.GetValueOrDefault(k) ?? new SyncCursorState(k),
                    ledger.GroupBy(l => l.Status).ToDictionary(g => g.Key, g => (long)g.Count()),
                    reasons);
            }).ToList();
            var runs = _state.Runs.OrderByDescending(r => r.Id).Take(lastRuns).ToList();
            return Task.FromResult(new SyncStatus(_written, objects, runs));
        }
    }

    private IEnumerable<DeliveryLink> AllLinks() => _state.Links.Values.SelectMany(l => l.Values);

    private sealed class State
    {
        public Dictionary<(EntityKind Kind, string Id), StoredRecord> Records { get; init; } = [];

        public Dictionary<(EntityKind Kind, string Id), LedgerEntry> Ledger { get; init; } = [];

        public Dictionary<(EntityKind From, string FromId, EntityKind To), Dictionary<string, DeliveryLink>> Links { get; init; } = [];

        public Dictionary<EntityKind, SyncCursorState> Cursors { get; init; } = [];

        public Dictionary<EntityKind, IReadOnlyList<CrmPipeline>> Pipelines { get; init; } = [];

        public List<SyncRunInfo> Runs { get; init; } = [];
    }
}
