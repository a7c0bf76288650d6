namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// The value the worker wants a HubSpot property to have on one record.
/// </summary>
/// <param name="ObjectType">HubSpot object type: <c>projects</c>, <c>deals</c>, <c>companies</c>, a custom <c>2-…</c> id.</param>
/// <param name="RecordId">The HubSpot record id, or the unique value when <paramref name="IdProperty"/> is set.</param>
/// <param name="Property">The HubSpot property name.</param>
/// <param name="Value">The value as HubSpot's wire string; null or empty clears the property.</param>
/// <param name="Source">What produced the value, e.g. <c>health</c>, <c>rollup</c> or <c>mapping:deals.amount</c>.</param>
/// <param name="Policy">How a difference with a value someone else put in HubSpot is resolved.</param>
/// <param name="ChangedAt">When the local value last changed — not when it was computed (see <see cref="DesiredValues.Stamp"/>); compared with HubSpot's change time under <see cref="ConflictPolicy.NewestWins"/>.</param>
/// <param name="IdProperty">When set, the record is addressed by this unique property and written by batch upsert.</param>
public sealed record OutboundChange(
    string ObjectType,
    string RecordId,
    string Property,
    string? Value,
    string Source,
    ConflictPolicy Policy,
    DateTimeOffset ChangedAt,
    string? IdProperty = null)
{
    /// <summary>The record this change is for.</summary>
    public RecordRef Record => new(ObjectType, RecordRef.KeyOf(RecordId, IdProperty));

    /// <summary>The record and property this change is for.</summary>
    public PropertyKey Key => new(ObjectType, Record.RecordKey, Property);
}

/// <summary>
/// A record as the write-back state knows it: its object type and its key — the HubSpot id, or
/// <c>idProperty:uniqueValue</c> for records addressed by a unique property.
/// </summary>
public readonly record struct RecordRef(string ObjectType, string RecordKey)
{
    public static string KeyOf(string recordId, string? idProperty) =>
        idProperty is null ? recordId : idProperty + ":" + recordId;

    public override string ToString() => ObjectType + "/" + RecordKey;
}

/// <summary>One property of one record.</summary>
public readonly record struct PropertyKey(string ObjectType, string RecordKey, string Property)
{
    public RecordRef Record => new(ObjectType, RecordKey);

    public override string ToString() => ObjectType + "/" + RecordKey + "." + Property;
}

/// <summary>A pending outbox row: the latest desired value of one property, with its delivery attempts.</summary>
/// <param name="Id">The row id (stable while the row is pending).</param>
/// <param name="Revision">Bumped whenever a new value replaces the pending one; a flush only retires the revision it sent.</param>
/// <param name="Attempts">Flushes that failed transiently for this row so far.</param>
/// <param name="LastError">The last transient failure, when any.</param>
public sealed record OutboxEntry(
    long Id,
    int Revision,
    OutboundChange Change,
    DateTimeOffset EnqueuedAt,
    int Attempts = 0,
    string? LastError = null);

/// <summary>
/// What the worker knows of one HubSpot property: the value seen in the last pull (and when it last changed in
/// HubSpot), the value it last pushed (and when), the value it last wanted the property to hold (and since when),
/// the conflict last kept for HubSpot's value, and the value HubSpot last rejected.
/// </summary>
/// <param name="ObservedChangedAt">When HubSpot's value last changed: the per-property time the pull supplied, else the <c>updatedAt</c> of the pull that first saw the value.</param>
/// <param name="DesiredValue">The value last enqueued for the property (see <see cref="IWriteBackStore.EnqueueAsync"/>).</param>
/// <param name="DesiredSince">When the local value last changed to <paramref name="DesiredValue"/>.</param>
/// <param name="Kept">The conflict last audited as kept for HubSpot's value, until the property is pushed.</param>
/// <param name="HasRejected">A dead letter holds a value HubSpot rejected for this property (<see cref="DeadLetterEntry.Rejected"/>), until it is replayed or a push succeeds.</param>
/// <param name="RejectedValue">That value: the flush does not send it again (<see cref="PushAction.HoldRejected"/>).</param>
public sealed record PropertyState(
    bool HasObserved,
    string? ObservedValue,
    DateTimeOffset? ObservedChangedAt,
    bool HasPushed,
    string? PushedValue,
    DateTimeOffset? PushedAt,
    bool HasDesired = false,
    string? DesiredValue = null,
    DateTimeOffset? DesiredSince = null,
    KeptConflict? Kept = null,
    bool HasRejected = false,
    string? RejectedValue = null)
{
    public static PropertyState Unknown { get; } = new(false, null, null, false, null, null);
}

/// <summary>
/// The HubSpot values of one record as a pull saw them.
/// </summary>
/// <param name="UpdatedAt">The record's <c>updatedAt</c>: used as the change time of each value that differs from the last observation.</param>
/// <param name="ChangedAt">Per-property change times when known (e.g. the newest <c>propertiesWithHistory</c> timestamp); they win over <paramref name="UpdatedAt"/>.</param>
public sealed record ObservedRecord(
    string ObjectType,
    string RecordId,
    IReadOnlyDictionary<string, string?> Values,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, DateTimeOffset>? ChangedAt = null);
