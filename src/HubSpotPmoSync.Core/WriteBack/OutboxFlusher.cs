using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>Tuning of the outbox flush.</summary>
public sealed class OutboxFlushOptions
{
    /// <summary>Records per batch update/upsert call (HubSpot accepts at most 100).</summary>
    /// <value>The default value is 100.</value>
    public int BatchSize { get; init; } = 100;

    /// <summary>
    /// Flushes a row may fail transiently (the whole call failed after the client's retries) before it goes to the
    /// dead letters with the last error.
    /// </summary>
    /// <value>The default value is 5.</value>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// Batch calls sent at once. The HubSpot client paces them within the rate budget (calls in flight follow the
    /// budget and the measured round trip, up to <c>HubSpot:MaxConcurrency</c>), so this only bounds the batches
    /// waiting for it.
    /// </summary>
    /// <value>The default value is 16.</value>
    public int MaxConcurrentBatches { get; init; } = 16;
}

/// <summary>What one flush did.</summary>
/// <param name="WriteCalls">Batch update/upsert calls made.</param>
/// <param name="Applied">Every property written, with HubSpot's value before (as known) and after.</param>
/// <param name="Unchanged">Rows retired because HubSpot already held the value (echoes included).</param>
/// <param name="KeptHubSpot">Conflicts resolved for HubSpot's value (nothing written); each is audited only the first time it is decided.</param>
/// <param name="DeadLettered">Rows HubSpot rejected, now in the dead letters.</param>
/// <param name="Retrying">Rows left pending after a transient failure.</param>
/// <param name="HeldRejected">Rows retired without a write because HubSpot already rejected the same value (a dead letter holds it).</param>
public sealed record FlushReport(
    int WriteCalls,
    IReadOnlyList<PlannedUpdate> Applied,
    int Unchanged,
    IReadOnlyList<PlannedUpdate> KeptHubSpot,
    int DeadLettered,
    int Retrying,
    int HeldRejected = 0)
{
    public int RecordsWritten => Applied.Select(a => a.ObjectType + "/" + a.RecordKey).Distinct(StringComparer.Ordinal).Count();

    public int ConflictsOverwritten => Applied.Count(a => a.IsConflict);
}

/// <summary>
/// Sends the outbox to HubSpot: only the properties whose value differs from what HubSpot holds (as last pulled or
/// last pushed), several properties of a record in one input, at most 100 records a batch call per object type.
/// A record HubSpot rejects goes to the dead letters with HubSpot's category and message while the rest of its
/// batch is written; a call that fails as a whole leaves its rows pending for the next flush (and dead-letters
/// them after <see cref="OutboxFlushOptions.MaxAttempts"/>). Every write and every conflict decision is audited; a
/// conflict kept for HubSpot is audited when it is new (see <see cref="KeptConflict"/>), not again every flush.
/// Batches go out concurrently (<see cref="OutboxFlushOptions.MaxConcurrentBatches"/>): the batches of different object
/// types, and those of one object type addressed the same way (by id, or by one unique property), which never share a
/// record. Batches of one object type addressed another way (which may name the same record by its other key) wait
/// for those before them, so the writes to one record keep their order. Each batch's outcome is committed on its own.
/// </summary>
public sealed class OutboxFlusher
{
    private readonly IWriteBackStore _store;
    private readonly ICrmWriter _writer;
    private readonly TimeProvider _time;
    private readonly OutboxFlushOptions _options;

    public OutboxFlusher(IWriteBackStore store, ICrmWriter writer, TimeProvider time, OutboxFlushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _writer = writer;
        _time = time;
        _options = options ?? new OutboxFlushOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.BatchSize, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentBatches, 1);
    }

    /// <summary>
    /// Flushes every pending row. Authentication and quota failures stop the flush and are rethrown after the
    /// batches already written are committed; their rows stay pending without counting an attempt.
    /// </summary>
    public async Task<FlushReport> FlushAsync(CancellationToken cancellationToken)
    {
        var pending = await _store.GetPendingAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return new FlushReport(0, [], 0, [], 0, 0);
        }

        var states = await _store.GetPropertyStatesAsync(pending.Select(e => e.Change.Record).Distinct().ToList(), cancellationToken);
        var now = _time.GetUtcNow();
        var retired = new List<RetiredEntry>();
        var audit = new List<AuditEntry>();
        var kept = new List<PlannedUpdate>();
        var keptConflicts = new List<KeptConflict>();
        var toPush = new List<(OutboxEntry Entry, PushDecision Decision)>();
        var unchanged = 0;
        var held = 0;
        foreach (var entry in pending)
        {
            states.TryGetValue(entry.Change.Key, out var state);
            var decision = PushDecider.Decide(entry.Change, state);
            switch (decision.Action)
            {
                case PushAction.Push:
                    toPush.Add((entry, decision));
                    break;
                case PushAction.KeepHubSpot:
                    retired.Add(new RetiredEntry(entry.Id, entry.Revision));
                    kept.Add(WriteBackPlanner.ToUpdate(entry.Change, decision));

                    // Audited when the decision is new: not again every cycle while the same values stand.
                    var conflict = KeptConflict.Of(entry.Change, decision, state);
                    if (conflict != state?.Kept)
                    {
                        keptConflicts.Add(conflict);
                        audit.Add(Audit(now, entry.Change, decision));
                    }

                    break;
                case PushAction.HoldRejected:
                    // Audited when it was dead-lettered; the dead letter stays until replayed or superseded.
                    retired.Add(new RetiredEntry(entry.Id, entry.Revision));
                    held++;
                    break;
                default:
                    retired.Add(new RetiredEntry(entry.Id, entry.Revision));
                    unchanged++;
                    break;
            }
        }

        if (retired.Count > 0)
        {
            await _store.CommitFlushAsync(new FlushCommit(now, [], retired, [], [], audit, keptConflicts), cancellationToken);
        }

        using var run = new FlushRun(_options.MaxConcurrentBatches);
        var byType = toPush
            .GroupBy(p => p.Entry.Change.ObjectType, StringComparer.Ordinal)
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => t
                .GroupBy(p => p.Entry.Change.IdProperty, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g
                    .GroupBy(p => p.Entry.Change.RecordId, StringComparer.Ordinal)
                    .OrderBy(r => r.Key, StringComparer.Ordinal)
                    .Chunk(_options.BatchSize)
                    .Select(chunk => new Batch(t.Key, g.Key, chunk))
                    .ToList())
                .ToList())
            .ToList();

        // Object types run side by side; within one, each way of addressing records runs after the one before it.
        // A writer that answers synchronously (the in-process fakes) still sees the batches one after another, in order.
        var types = new List<Task>(byType.Count);
        foreach (var waves in byType)
        {
            types.Add(FlushTypeAsync(waves, run, cancellationToken));
        }

        await Task.WhenAll(types);
        run.ThrowIfFailed();
        return new FlushReport(
            run.WriteCalls, WriteBackPlanner.Sort(run.Applied), unchanged, WriteBackPlanner.Sort(kept), run.DeadLettered, run.Retrying, held);
    }

    private async Task FlushTypeAsync(List<List<Batch>> waves, FlushRun run, CancellationToken cancellationToken)
    {
        foreach (var wave in waves)
        {
            var batches = new List<Task>(wave.Count);
            foreach (var batch in wave)
            {
                // Not cancellable: every batch started frees its slot (it honours the token itself), so none is left running.
                await run.Slots.WaitAsync(CancellationToken.None);
                batches.Add(FlushBatchAsync(batch, run, cancellationToken));
            }

            await Task.WhenAll(batches);
        }
    }

    /// <summary>Sends one batch and commits its outcome; never throws (a failure that stops the flush is kept in <paramref name="run"/>).</summary>
    private async Task FlushBatchAsync(Batch batch, FlushRun run, CancellationToken cancellationToken)
    {
        try
        {
            if (run.Stopped)
            {
                // An authentication or quota failure (or cancellation) stopped the flush: the rows stay pending, no attempt counted.
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var (objectType, idProperty, records) = batch;
            FlushCommit commit;
            try
            {
                run.CountCall();
                var result = await WriteAsync(objectType, idProperty, records, cancellationToken);
                var applied = new List<PlannedUpdate>();
                commit = Interpret(result, idProperty, records, applied);
                run.Add(applied, commit.DeadLettered.Count, commit.Failed.Count);
            }
            catch (CrmException ex) when (ex is not (CrmAuthenticationException or CrmQuotaExceededException))
            {
                commit = Failed(ex, records);
                run.Add([], commit.DeadLettered.Count, commit.Failed.Count);
            }

            await run.CommitAsync(_store, commit, cancellationToken);
        }
        catch (Exception e)
        {
            run.Fail(e);
        }
        finally
        {
            run.Slots.Release();
        }
    }

    /// <summary>The call failed as a whole: its rows count an attempt, and those out of attempts go to the dead letters.</summary>
    private FlushCommit Failed(CrmException ex, IGrouping<string, (OutboxEntry Entry, PushDecision Decision)>[] records)
    {
        var at = _time.GetUtcNow();
        var failed = new List<FailedAttempt>();
        var dead = new List<DeadLetterEntry>();
        var deadAudit = new List<AuditEntry>();
        foreach (var (entry, decision) in records.SelectMany(r => r))
        {
            if (entry.Attempts + 1 >= _options.MaxAttempts)
            {
                var category = ex.Category ?? (ex.StatusCode is { } status ? "HTTP_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "CALL_FAILED");
                dead.Add(new DeadLetterEntry(entry with { Attempts = entry.Attempts + 1 }, category, ex.Message));
                deadAudit.Add(Audit(at, entry.Change, decision) with { Decision = AuditDecisions.DeadLettered, Detail = $"{category}: {ex.Message} (after {entry.Attempts + 1} attempts)" });
            }
            else
            {
                failed.Add(new FailedAttempt(entry.Id, ex.Message));
            }
        }

        return new FlushCommit(at, [], [], dead, failed, deadAudit, []);
    }

    /// <summary>
    /// Flushes until nothing is left to retry: at most <see cref="OutboxFlushOptions.MaxAttempts"/> rounds, after which
    /// every row has been written, retired, or moved to the dead letters with its reason. Returns the combined report.
    /// </summary>
    public async Task<FlushReport> DrainAsync(CancellationToken cancellationToken)
    {
        var total = await FlushAsync(cancellationToken);
        for (var round = 1; round < _options.MaxAttempts && total.Retrying > 0; round++)
        {
            var next = await FlushAsync(cancellationToken);
            total = new FlushReport(
                total.WriteCalls + next.WriteCalls,
                WriteBackPlanner.Sort(total.Applied.Concat(next.Applied)),
                total.Unchanged + next.Unchanged,
                WriteBackPlanner.Sort(total.KeptHubSpot.Concat(next.KeptHubSpot)),
                total.DeadLettered + next.DeadLettered,
                next.Retrying,
                total.HeldRejected + next.HeldRejected);
        }

        return total;
    }

    private Task<CrmBatchResult> WriteAsync(
        string objectType,
        string? idProperty,
        IGrouping<string, (OutboxEntry Entry, PushDecision Decision)>[] records,
        CancellationToken cancellationToken)
    {
        if (idProperty is null)
        {
            var updates = records.Select(r => new CrmUpdate(r.Key, Properties(r))).ToList();
            return _writer.BatchUpdateAsync(objectType, updates, cancellationToken);
        }

        var upserts = records.Select(r => new CrmUpsert(r.Key, Properties(r))).ToList();
        return _writer.BatchUpsertAsync(objectType, idProperty, upserts, cancellationToken);

        static Dictionary<string, string?> Properties(IEnumerable<(OutboxEntry Entry, PushDecision Decision)> record) =>
            record.ToDictionary(p => p.Entry.Change.Property, p => (string?)(p.Entry.Change.Value ?? string.Empty), StringComparer.Ordinal);
    }

    private FlushCommit Interpret(
        CrmBatchResult result,
        string? idProperty,
        IGrouping<string, (OutboxEntry Entry, PushDecision Decision)>[] records,
        List<PlannedUpdate> applied)
    {
        var at = _time.GetUtcNow();
        var byKey = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
        foreach (var outcome in result.Outcomes)
        {
            byKey.TryAdd(outcome.Key, outcome);
        }

        var pushed = new List<PushedValue>();
        var dead = new List<DeadLetterEntry>();
        var failed = new List<FailedAttempt>();
        var audit = new List<AuditEntry>();
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (!byKey.TryGetValue(record.Key, out var outcome))
            {
                // HubSpot leaves out some inputs without an error (e.g. merged-away ids); try again next flush.
                failed.AddRange(record.Select(p => new FailedAttempt(p.Entry.Id, $"HubSpot returned no outcome for {record.Key}.")));
                continue;
            }

            foreach (var (entry, decision) in record)
            {
                var change = entry.Change;
                var refused = outcome.RefusedProperties?.Contains(change.Property, StringComparer.Ordinal) ?? false;
                if (outcome.Succeeded && !refused)
                {
                    pushed.Add(new PushedValue(entry.Id, entry.Revision, change.Key, change.Value, change.Source, at));
                    if (idProperty is not null && outcome.RecordId is { Length: > 0 } recordId)
                    {
                        // Also remember the push under the record's HubSpot id, which is how pulls observe it.
                        pushed.Add(new PushedValue(0, 0, new PropertyKey(change.ObjectType, recordId, change.Property), change.Value, change.Source, at));
                    }

                    applied.Add(WriteBackPlanner.ToUpdate(change, decision));
                    audit.Add(Audit(at, change, decision));
                }
                else
                {
                    // The record failed, or HubSpot could not take this property (the record's other values were written).
                    var category = outcome.ErrorCategory ?? "REJECTED";
                    var message = outcome.ErrorMessage ?? "HubSpot rejected the record without a message.";
                    dead.Add(new DeadLetterEntry(entry with { Attempts = entry.Attempts + 1 }, category, message, Rejected: true));
                    audit.Add(Audit(at, change, decision) with { Decision = AuditDecisions.DeadLettered, Detail = category + ": " + message });
                }
            }
        }

        return new FlushCommit(at, pushed, [], dead, failed, audit, []);
    }

    /// <summary>One batch call: up to <see cref="OutboxFlushOptions.BatchSize"/> records of one object type, addressed one way.</summary>
    private sealed record Batch(string ObjectType, string? IdProperty, IGrouping<string, (OutboxEntry Entry, PushDecision Decision)>[] Records);

    /// <summary>The shared state of one flush's concurrent batches: the slots, the tallies, the commits one at a time, the first failure.</summary>
    private sealed class FlushRun(int maxConcurrentBatches) : IDisposable
    {
        private readonly object _gate = new();
        private readonly SemaphoreSlim _commits = new(1, 1);
        private Exception? _failure;
        private int _stopped;

        public SemaphoreSlim Slots { get; } = new(maxConcurrentBatches, maxConcurrentBatches);

        public List<PlannedUpdate> Applied { get; } = [];

        public int WriteCalls { get; private set; }

        public int DeadLettered { get; private set; }

        public int Retrying { get; private set; }

        public bool Stopped => Volatile.Read(ref _stopped) == 1;

        public void CountCall()
        {
            lock (_gate)
            {
                WriteCalls++;
            }
        }

        public void Add(List<PlannedUpdate> applied, int deadLettered, int retrying)
        {
            lock (_gate)
            {
                Applied.AddRange(applied);
                DeadLettered += deadLettered;
                Retrying += retrying;
            }
        }

        /// <summary>Commits one batch's outcome; the store sees one commit at a time.</summary>
        public async Task CommitAsync(IWriteBackStore store, FlushCommit commit, CancellationToken cancellationToken)
        {
            await _commits.WaitAsync(cancellationToken);
            try
            {
                await store.CommitFlushAsync(commit, cancellationToken);
            }
            finally
            {
                _commits.Release();
            }
        }

        /// <summary>Keeps the first failure and stops batches not yet sent; batches in flight finish and commit.</summary>
        public void Fail(Exception exception)
        {
            lock (_gate)
            {
                _failure ??= exception;
            }

            Volatile.Write(ref _stopped, 1);
        }

        public void Dispose()
        {
            Slots.Dispose();
            _commits.Dispose();
        }

        public void ThrowIfFailed()
        {
            if (_failure is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    private static AuditEntry Audit(DateTimeOffset at, OutboundChange change, PushDecision decision) =>
        new(0, at, change.ObjectType, change.Record.RecordKey, change.Property, decision.Current, change.Value,
            change.Policy.Name(), decision.AuditDecision ?? AuditDecisions.Pushed, change.Source, decision.Reason);
}
