using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>Whether a record is in the local model as HubSpot shows it, and if not, why.</summary>
public enum LedgerStatus
{
    /// <summary>Stored and equal to HubSpot's record as last read.</summary>
    InSync,

    /// <summary>Left out on purpose by a mapping filter (e.g. a deal in a pipeline that is not synced).</summary>
    Excluded,

    /// <summary>Its raw values are stored, but at least one value could not be transformed; the reason says which.</summary>
    Failing,
}

/// <summary>Names of ledger statuses as stored and printed.</summary>
public static class LedgerStatuses
{
    public static string Name(this LedgerStatus status) => status switch
    {
        LedgerStatus.InSync => "in_sync",
        LedgerStatus.Excluded => "excluded",
        LedgerStatus.Failing => "failing",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static LedgerStatus Parse(string name) => name switch
    {
        "in_sync" => LedgerStatus.InSync,
        "excluded" => LedgerStatus.Excluded,
        "failing" => LedgerStatus.Failing,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown ledger status"),
    };
}

/// <summary>
/// One record of the local model: HubSpot's raw values of the mapped properties (strings, byte for byte as
/// HubSpot sent them; null when absent) and the typed local values in canonical form (see <see cref="Mapping.ValueTransformer"/>).
/// </summary>
/// <param name="LocalChangedAt">
/// Set by the store, not by the mapper: HubSpot's <c>updatedAt</c> of the version whose local (inbound) values differ
/// from the ones stored before it; null while they have not changed since the record was first stored. A write
/// that changes only outbound properties (the worker's own health push) leaves it as it was.
/// </param>
public sealed record StoredRecord(
    EntityKind Kind,
    string Id,
    bool Archived,
    DateTimeOffset? ArchivedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, string?> Properties,
    IReadOnlyDictionary<string, string?> LocalValues,
    DateTimeOffset? LocalChangedAt = null);

/// <summary>The sync ledger's row for one record: the answer to "why isn't this record in sync".</summary>
/// <param name="UpdatedAt">HubSpot's <c>updatedAt</c> when the record was last stored.</param>
/// <param name="ContentHash">Digest of the stored values, the archived flag and the mapping; equal hash = nothing to write.</param>
/// <param name="LastChangedAt">When the sync last changed the record locally.</param>
public sealed record LedgerEntry(
    EntityKind Kind,
    string Id,
    DateTimeOffset UpdatedAt,
    string ContentHash,
    LedgerStatus Status,
    string? Reason,
    DateTimeOffset LastChangedAt);

/// <summary>What the store knows of a record, for deciding whether a page changes it.</summary>
public sealed record StoredState(
    string Id,
    string ContentHash,
    LedgerStatus Status,
    bool InModel,
    bool Archived,
    IReadOnlyDictionary<string, string?> Properties);

/// <summary>
/// The sync position of one object type. <see cref="Settled"/> is the cursor that counts: every change before it
/// is stored. <see cref="Fast"/> is how far the fast search pass got. A listing (first sync or full reconcile)
/// and the archived sweep are resumable through <see cref="ListAfter"/> and <see cref="ArchivedAfter"/>.
/// </summary>
public sealed record SyncCursorState(EntityKind Kind)
{
    /// <summary>Whether a complete listing has finished at least once.</summary>
    public bool Listed { get; init; }

    /// <summary>A listing was started and has not finished (resume after <see cref="ListAfter"/>).</summary>
    public bool ListInProgress { get; init; }

    /// <summary>The list cursor after the last committed page of the listing in progress.</summary>
    public string? ListAfter { get; init; }

    /// <summary>When the listing in progress (or the last one) started.</summary>
    public DateTimeOffset? ListStartedAt { get; init; }

    /// <summary>An archived sweep was started and has not finished.</summary>
    public bool ArchivedSweepInProgress { get; init; }

    /// <summary>The list cursor after the last committed page of the archived sweep in progress.</summary>
    public string? ArchivedAfter { get; init; }

    /// <summary>The fast pass cursor: the latest <c>updatedAt</c> it stored.</summary>
    public DateTimeOffset? Fast { get; init; }

    /// <summary>The settled cursor: every modification before it has been read and stored.</summary>
    public DateTimeOffset? Settled { get; init; }

    /// <summary>When the last full reconcile (listing plus archived sweep) finished.</summary>
    public DateTimeOffset? LastReconciledAt { get; init; }

    /// <summary>
    /// The id ranges of the listing in progress when it is partitioned (empty otherwise): the list cursor reads the
    /// lowest ones from <see cref="ListAfter"/>, searches by id range read the others, each resumable on its own.
    /// </summary>
    public IReadOnlyList<SyncPartition> Partitions { get; init; } = Array.Empty<SyncPartition>();
}

/// <summary>A record's change in a page: the record (null when it leaves the model, e.g. excluded) and its ledger row.</summary>
public sealed record RecordWrite(StoredRecord? Record, LedgerEntry Ledger);

/// <summary>Replaces every link of one record to records of another kind (the result of a v4 read for that record).</summary>
public sealed record LinkReplacement(EntityKind From, string FromId, EntityKind To, IReadOnlyList<DeliveryLink> Links);

/// <summary>
/// Everything one page changes, committed atomically: the records and their ledger rows, the links, and the
/// cursor that moves past the page.
/// </summary>
public sealed record PageCommit(
    EntityKind Kind,
    IReadOnlyList<RecordWrite> Records,
    IReadOnlyList<LinkReplacement> Links,
    SyncCursorState Cursor)
{
    /// <summary>Webhook inbox rows this page answers: marked processed in the page's transaction (none for a scheduled cycle).</summary>
    public IReadOnlyList<long> InboxEvents { get; init; } = [];
}

/// <summary>One record in an export: id, archived flag and the raw HubSpot values keyed by property name.</summary>
public sealed record ExportRecord(string Id, bool Archived, IReadOnlyDictionary<string, string?> Properties);

/// <summary>One link in an export, with its association type ids (ascending).</summary>
public sealed record ExportAssociation(string FromType, string FromId, string ToType, string ToId, IReadOnlyList<int> TypeIds);

/// <summary>The local model as HubSpot would show it (DESIGN.md, <c>export</c>): records sorted by numeric id, associations sorted.</summary>
public sealed record DeliveryExport(
    IReadOnlyDictionary<EntityKind, IReadOnlyList<ExportRecord>> Records,
    IReadOnlyList<ExportAssociation> Associations);

/// <summary>A count of ledger rows with one status and reason, with a few record ids as examples.</summary>
public sealed record LedgerReasonCount(LedgerStatus Status, string Reason, long Count, IReadOnlyList<string> ExampleIds);

/// <summary>The state of one object type: records, cursors, ledger counts by status and the reasons.</summary>
public sealed record ObjectStatus(
    EntityKind Kind,
    long Records,
    long ArchivedRecords,
    long Links,
    SyncCursorState Cursor,
    IReadOnlyDictionary<LedgerStatus, long> LedgerCounts,
    IReadOnlyList<LedgerReasonCount> Reasons);

/// <summary>One logged run.</summary>
public sealed record SyncRunInfo(long Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Outcome, string? Summary);

/// <summary>What <c>status</c> prints. <see cref="DatabaseExists"/> is false before the first sync (nothing is created by asking).</summary>
public sealed record SyncStatus(bool DatabaseExists, IReadOnlyList<ObjectStatus> Objects, IReadOnlyList<SyncRunInfo> LastRuns);

/// <summary>Pipelines of an object type with stage metadata, as last read from HubSpot.</summary>
public sealed record StoredPipelines(EntityKind Kind, IReadOnlyList<CrmPipeline> Pipelines);
