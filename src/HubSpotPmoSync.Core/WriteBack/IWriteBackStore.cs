namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// The durable state of writing back to HubSpot: the outbox, what HubSpot was seen to hold, what the worker
/// last pushed, the audit log and the dead letters. Every method is one transaction.
/// </summary>
public interface IWriteBackStore
{
    /// <summary>
    /// Adds desired values to the outbox. A pending row for the same record and property is replaced (its revision
    /// bumped when the value differs), so the outbox holds the latest desired value once. The value and
    /// <see cref="OutboundChange.ChangedAt"/> of each change whose policy can keep HubSpot's value (hubspot-wins,
    /// newest-wins; under local-wins the local change time decides nothing) are also kept as the property's desired
    /// value and since-when (<see cref="PropertyState.DesiredValue"/>, <see cref="PropertyState.DesiredSince"/>), which
    /// <see cref="DesiredValues.Stamp"/> reads back to date the next cycle's values.
    /// </summary>
    Task EnqueueAsync(IReadOnlyList<OutboundChange> changes, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every pending outbox row, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> GetPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records the values a pull saw. A value that differs from the previous observation (or is seen for the first
    /// time) takes the record's per-property change time, else its <c>UpdatedAt</c>; an unchanged value keeps its change time.
    /// </summary>
    Task RecordObservedAsync(IReadOnlyList<ObservedRecord> records, CancellationToken cancellationToken);

    /// <summary>The observed and pushed state of every property known for the given records.</summary>
    Task<IReadOnlyDictionary<PropertyKey, PropertyState>> GetPropertyStatesAsync(
        IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the outcome of one flush step (pushed values, retired rows, dead letters, retries, conflicts kept for
    /// HubSpot, audit) atomically. A pushed value forgets the property's kept conflict.
    /// </summary>
    Task CommitFlushAsync(FlushCommit commit, CancellationToken cancellationToken);

    /// <summary>Appends entries to the audit log.</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>Audit entries, newest first, optionally for one record.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>The dead letters, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Moves one dead letter (or all when <paramref name="id"/> is null) back to the outbox and audits it. A newer
    /// pending value for the same property is kept. Returns the number of dead letters replayed.
    /// </summary>
    Task<int> ReplayDeadLettersAsync(long? id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A value that reached HubSpot.</summary>
/// <param name="EntryId">The outbox row that carried it (0 for a second key of the same record, e.g. its HubSpot id after an upsert).</param>
/// <param name="Revision">The revision sent; the row is retired only if it was not replaced meanwhile.</param>
public sealed record PushedValue(long EntryId, int Revision, PropertyKey Key, string? Value, string Source, DateTimeOffset PushedAt);

/// <summary>An outbox row retired without a write (no difference, or HubSpot's value kept).</summary>
public sealed record RetiredEntry(long EntryId, int Revision);

/// <summary>A row moved to the dead letters, with HubSpot's reason. It supersedes earlier dead letters of the same property.</summary>
/// <param name="Rejected">
/// HubSpot refused the value itself (the record's outcome, or the property named as unwritable): the value is held
/// (<see cref="PushAction.HoldRejected"/>). False for a write given up after transient failures, which the next
/// cycle tries again.
/// </param>
public sealed record DeadLetterEntry(OutboxEntry Entry, string Category, string Message, bool Rejected = false);

/// <summary>A row whose write failed transiently; it stays pending for the next flush.</summary>
public sealed record FailedAttempt(long EntryId, string Error);

/// <summary>The outcome of one flush step, applied by <see cref="IWriteBackStore.CommitFlushAsync"/> in one transaction.</summary>
/// <param name="Kept">Conflicts newly resolved for HubSpot's value (audited in <paramref name="Audit"/>); remembered so the same decision is not audited again.</param>
public sealed record FlushCommit(
    DateTimeOffset At,
    IReadOnlyList<PushedValue> Pushed,
    IReadOnlyList<RetiredEntry> Retired,
    IReadOnlyList<DeadLetterEntry> DeadLettered,
    IReadOnlyList<FailedAttempt> Failed,
    IReadOnlyList<AuditEntry> Audit,
    IReadOnlyList<KeptConflict> Kept)
{
    public static FlushCommit Empty(DateTimeOffset at) => new(at, [], [], [], [], [], []);

    public bool IsEmpty => Pushed.Count == 0 && Retired.Count == 0 && DeadLettered.Count == 0 && Failed.Count == 0 && Audit.Count == 0 && Kept.Count == 0;
}

/// <summary>
/// A conflict resolved for HubSpot's value, as audited: which HubSpot value (and since when) was kept against which
/// local value (and since when), under which policy. The flush audits a kept conflict only when it differs from the
/// one last audited for the property, so a value kept cycle after cycle is audited once; a new HubSpot value, a new
/// local value, or another policy is a new decision.
/// </summary>
/// <param name="HubSpotValue">HubSpot's value that was kept (null when empty).</param>
/// <param name="HubSpotChangedAt">When HubSpot's value last changed, as observed.</param>
/// <param name="LocalValue">The local value that was not written (null when empty).</param>
/// <param name="LocalChangedAt">When the local value last changed.</param>
public sealed record KeptConflict(
    PropertyKey Key,
    string? HubSpotValue,
    DateTimeOffset? HubSpotChangedAt,
    string? LocalValue,
    DateTimeOffset LocalChangedAt,
    ConflictPolicy Policy)
{
    /// <summary>The kept conflict a decision to keep HubSpot's value stands for.</summary>
    public static KeptConflict Of(OutboundChange change, PushDecision decision, PropertyState? state)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(decision);
        return new KeptConflict(
            change.Key,
            string.IsNullOrEmpty(decision.Current) ? null : decision.Current,
            state?.ObservedChangedAt,
            string.IsNullOrEmpty(change.Value) ? null : change.Value,
            change.ChangedAt,
            change.Policy);
    }
}

/// <summary>
/// One line of the audit log: a push, a conflict decision, a dead letter, a replay, a project kickoff or an
/// association.
/// </summary>
/// <param name="Id">Assigned by the store (0 before).</param>
/// <param name="Decision">See <see cref="AuditDecisions"/>.</param>
/// <param name="Policy">The conflict policy in force (its name), or <c>-</c>.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string ObjectType,
    string RecordKey,
    string? Property,
    string? Before,
    string? After,
    string Policy,
    string Decision,
    string Source,
    string? Detail = null);

/// <summary>The decisions the audit log records.</summary>
public static class AuditDecisions
{
    /// <summary>A value was written to HubSpot (no conflict).</summary>
    public const string Pushed = "pushed";

    /// <summary>A conflict resolved for the local value, which was written over HubSpot's.</summary>
    public const string OverwroteHubSpot = "conflict-local-won";

    /// <summary>A conflict resolved for HubSpot's value; nothing was written.</summary>
    public const string KeptHubSpot = "conflict-hubspot-won";

    /// <summary>HubSpot rejected the value; it went to the dead letters.</summary>
    public const string DeadLettered = "dead-lettered";

    /// <summary>A dead letter was moved back to the outbox.</summary>
    public const string Replayed = "replayed";

    /// <summary>Kickoff created a project for a won deal.</summary>
    public const string ProjectCreated = "project-created";

    /// <summary>Kickoff found the deal's project already in HubSpot (a rerun after a crash).</summary>
    public const string ProjectMatched = "project-matched";

    /// <summary>Kickoff linked a project to a deal or company.</summary>
    public const string Associated = "associated";

    /// <summary>Kickoff could not create a project; the next run retries.</summary>
    public const string KickoffFailed = "kickoff-failed";
}

/// <summary>Filters the audit log.</summary>
/// <param name="Limit">At most this many entries (newest first).</param>
/// <param name="Source">Only entries from this source (e.g. <see cref="KickoffService.AuditSource"/>); all when null.</param>
public sealed record AuditQuery(string? ObjectType = null, string? RecordKey = null, int Limit = 1000, string? Source = null);

/// <summary>A value HubSpot rejected, kept with HubSpot's category and message until it is replayed.</summary>
/// <param name="Rejected">HubSpot refused the value itself: it is not sent again until replayed or changed (see <see cref="DeadLetterEntry.Rejected"/>).</param>
public sealed record DeadLetter(
    long Id,
    OutboundChange Change,
    string Category,
    string Message,
    int Attempts,
    DateTimeOffset FailedAt,
    bool Rejected = false);

/// <summary>Convenience overloads for callers that feed one record at a time.</summary>
public static class WriteBackStoreExtensions
{
    /// <summary>Records the values of one pulled record (see <see cref="IWriteBackStore.RecordObservedAsync"/>).</summary>
    public static Task RecordObservedAsync(
        this IWriteBackStore store,
        string objectType,
        string recordId,
        IReadOnlyDictionary<string, string?> values,
        DateTimeOffset updatedAt,
        CancellationToken cancellationToken) =>
        store.RecordObservedAsync([new ObservedRecord(objectType, recordId, values, updatedAt)], cancellationToken);

    /// <summary>Records the values of pulled CRM records (their <c>updatedAt</c> as change time) for the given properties.</summary>
    public static Task RecordObservedAsync(
        this IWriteBackStore store,
        string objectType,
        IEnumerable<Crm.CrmRecord> records,
        IReadOnlyCollection<string> properties,
        CancellationToken cancellationToken)
    {
        var observed = records
            .Where(r => !r.Archived)
            .Select(r => new ObservedRecord(
                objectType,
                r.Id,
                properties.ToDictionary(p => p, p => r.Properties.TryGetValue(p, out var v) ? v : null, StringComparer.Ordinal),
                r.UpdatedAt))
            .ToList();
        return store.RecordObservedAsync(observed, cancellationToken);
    }
}
