using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

/// <summary>
/// An in-memory <see cref="IWriteBackStore"/> with the semantics of the SQLite store (coalescing outbox with
/// revisions, observations that keep their change time, stale observations ignored, desired values with their
/// since-when, kept conflicts forgotten by a push, dead letters, replay).
/// Counts the calls that change state so tests can prove a dry run writes nothing.
/// </summary>
internal sealed class InMemoryWriteBackStore : IWriteBackStore
{
    private readonly object _gate = new();
    private readonly Dictionary<PropertyKey, OutboxEntry> _outbox = [];
    private readonly Dictionary<PropertyKey, (string? Value, DateTimeOffset ChangedAt, DateTimeOffset SeenUpdatedAt)> _observed = [];
    private readonly Dictionary<PropertyKey, (string? Value, DateTimeOffset PushedAt)> _pushed = [];
    private readonly Dictionary<PropertyKey, (string? Value, DateTimeOffset Since)> _desired = [];
    private readonly Dictionary<PropertyKey, KeptConflict> _kept = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private long _nextId = 1;

    public int Mutations { get; private set; }

    public IReadOnlyList<AuditEntry> Audit
    {
        get
        {
            lock (_gate)
            {
                return _audit.ToList();
            }
        }
    }

    public Task EnqueueAsync(IReadOnlyList<OutboundChange> changes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Mutations++;
            foreach (var change in changes)
            {
                var normalized = change with { Value = string.IsNullOrEmpty(change.Value) ? null : change.Value };
                if (change.Policy != ConflictPolicy.LocalWins)
                {
                    _desired[change.Key] = (normalized.Value, change.ChangedAt);
                }
                if (_outbox.TryGetValue(change.Key, out var pending))
                {
                    var same = pending.Change.Value == normalized.Value;
                    _outbox[change.Key] = pending with
                    {
                        Change = normalized,
                        Revision = pending.Revision + (same ? 0 : 1),
                        Attempts = same ? pending.Attempts : 0,
                        EnqueuedAt = at,
                    };
                }
                else
                {
                    _outbox[change.Key] = new OutboxEntry(_nextId++, 1, normalized, at);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxEntry>> GetPendingAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(_outbox.Values.OrderBy(e => e.Id).ToList());
        }
    }

    public Task RecordObservedAsync(IReadOnlyList<ObservedRecord> records, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Mutations++;
            foreach (var record in records)
            {
                foreach (var (property, raw) in record.Values)
                {
                    var value = string.IsNullOrEmpty(raw) ? null : raw;
                    var key = new PropertyKey(record.ObjectType, record.RecordId, property);
                    var changedAt = record.ChangedAt is not null && record.ChangedAt.TryGetValue(property, out var c) ? c : record.UpdatedAt;
                    if (_observed.TryGetValue(key, out var old))
                    {
                        if (record.UpdatedAt < old.SeenUpdatedAt)
                        {
                            continue;
                        }

                        _observed[key] = (value, old.Value == value ? old.ChangedAt : changedAt, record.UpdatedAt);
                    }
                    else
                    {
                        _observed[key] = (value, changedAt, record.UpdatedAt);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<PropertyKey, PropertyState>> GetPropertyStatesAsync(IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wanted = records.ToHashSet();
            var states = new Dictionary<PropertyKey, PropertyState>();
            foreach (var (key, o) in _observed.Where(o => wanted.Contains(o.Key.Record)))
            {
                states[key] = PropertyState.Unknown with { HasObserved = true, ObservedValue = o.Value, ObservedChangedAt = o.ChangedAt };
            }

            foreach (var (key, p) in _pushed.Where(p => wanted.Contains(p.Key.Record)))
            {
                var s = states.TryGetValue(key, out var existing) ? existing : PropertyState.Unknown;
                states[key] = s with { HasPushed = true, PushedValue = p.Value, PushedAt = p.PushedAt };
            }

            foreach (var (key, d) in _desired.Where(d => wanted.Contains(d.Key.Record)))
            {
                var s = states.TryGetValue(key, out var existing) ? existing : PropertyState.Unknown;
                states[key] = s with { HasDesired = true, DesiredValue = d.Value, DesiredSince = d.Since };
            }

            foreach (var (key, kept) in _kept.Where(k => wanted.Contains(k.Key.Record)))
            {
                var s = states.TryGetValue(key, out var existing) ? existing : PropertyState.Unknown;
                states[key] = s with { Kept = kept };
            }

            foreach (var letter in _deadLetters.Where(d => d.Rejected && wanted.Contains(d.Change.Record)).OrderBy(d => d.Id))
            {
                var key = letter.Change.Key;
                var s = states.TryGetValue(key, out var existing) ? existing : PropertyState.Unknown;
                states[key] = s with { HasRejected = true, RejectedValue = letter.Change.Value };
            }

            return Task.FromResult<IReadOnlyDictionary<PropertyKey, PropertyState>>(states);
        }
    }

    public Task CommitFlushAsync(FlushCommit commit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Mutations++;
            foreach (var pushed in commit.Pushed)
            {
                _pushed[pushed.Key] = (string.IsNullOrEmpty(pushed.Value) ? null : pushed.Value, pushed.PushedAt);
                _deadLetters.RemoveAll(d => d.Change.Key == pushed.Key);
                _kept.Remove(pushed.Key);
                if (pushed.EntryId > 0)
                {
                    Retire(pushed.EntryId, pushed.Revision);
                }
            }

            foreach (var retired in commit.Retired)
            {
                Retire(retired.EntryId, retired.Revision);
            }

            foreach (var kept in commit.Kept)
            {
                _kept[kept.Key] = kept;
            }

            foreach (var dead in commit.DeadLettered)
            {
                _deadLetters.RemoveAll(d => d.Change.Key == dead.Entry.Change.Key);
                _deadLetters.Add(new DeadLetter(_nextId++, dead.Entry.Change, dead.Category, dead.Message, dead.Entry.Attempts, commit.At, dead.Rejected));
                Retire(dead.Entry.Id, dead.Entry.Revision);
            }

            foreach (var failed in commit.Failed)
            {
                var entry = _outbox.Values.FirstOrDefault(e => e.Id == failed.EntryId);
                if (entry is not null)
                {
                    _outbox[entry.Change.Key] = entry with { Attempts = entry.Attempts + 1, LastError = failed.Error };
                }
            }

            AppendAudit(commit.Audit);
        }

        return Task.CompletedTask;
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Mutations++;
            AppendAudit(entries);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>(_audit
                .Where(a => (query.ObjectType is null || a.ObjectType == query.ObjectType) && (query.RecordKey is null || a.RecordKey == query.RecordKey)
                    && (query.Source is null || a.Source == query.Source))
                .OrderByDescending(a => a.Id)
                .Take(query.Limit)
                .ToList());
        }
    }

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>(_deadLetters.OrderBy(d => d.Id).ToList());
        }
    }

    public Task<int> ReplayDeadLettersAsync(long? id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Mutations++;
            var letters = _deadLetters.Where(d => id is null || d.Id == id).ToList();
            foreach (var letter in letters)
            {
                if (!_outbox.ContainsKey(letter.Change.Key))
                {
                    _outbox[letter.Change.Key] = new OutboxEntry(_nextId++, 1, letter.Change, at);
                }

                _deadLetters.Remove(letter);
                AppendAudit([new AuditEntry(0, at, letter.Change.ObjectType, letter.Change.Record.RecordKey, letter.Change.Property, null, letter.Change.Value, letter.Change.Policy.Name(), AuditDecisions.Replayed, letter.Change.Source)]);
            }

            return Task.FromResult(letters.Count);
        }
    }

    private void Retire(long entryId, int revision)
    {
        var entry = _outbox.Values.FirstOrDefault(e => e.Id == entryId && e.Revision == revision);
        if (entry is not null)
        {
            _outbox.Remove(entry.Change.Key);
        }
    }

    private void AppendAudit(IEnumerable<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            _audit.Add(entry with { Id = _nextId++ });
        }
    }
}
