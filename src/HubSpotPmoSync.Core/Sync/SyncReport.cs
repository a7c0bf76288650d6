using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>What a sync run should do.</summary>
/// <param name="Full">Full reconcile: list every record again and sweep archived ones.</param>
/// <param name="Objects">The object kinds to sync (null or empty = every mapped kind).</param>
/// <param name="DryRun">Read only: report what would change, write nothing anywhere.</param>
/// <param name="Completeness">Run the completeness check after the passes (not in a dry run; a re-pull within a cycle skips it).</param>
public sealed record SyncRequest(bool Full = false, IReadOnlyCollection<EntityKind>? Objects = null, bool DryRun = false, bool Completeness = true);

/// <summary>The pass a sync is in.</summary>
public enum SyncPhase
{
    /// <summary>Listing every record (first sync or full reconcile).</summary>
    List,

    /// <summary>Listing archived records (full reconcile).</summary>
    ArchivedSweep,

    /// <summary>Searching records modified since the fast cursor.</summary>
    Fast,

    /// <summary>Re-reading the settled window behind now.</summary>
    Settle,

    /// <summary>The object is done.</summary>
    Done,
}

/// <summary>Progress after each page: the object, the pass, and the running counts of the object.</summary>
/// <param name="Calls">Calls this run made to the CRM port for the object (pages, association reads, pipelines).</param>
public sealed record SyncProgress(EntityKind Kind, SyncPhase Phase, long Records, long Pages, long Calls, TimeSpan Elapsed);

/// <summary>One record that is not in sync (failing or excluded) and why.</summary>
public sealed record RecordIssue(string Id, LedgerStatus Status, string Reason);

/// <summary>What a run did (or, in a dry run, would do) to one object type.</summary>
public sealed record ObjectSyncReport(
    EntityKind Kind,
    long Seen,
    long Created,
    long Updated,
    long Unchanged,
    long Archived,
    long Restored,
    long Excluded,
    long Failing,
    long Pages,
    long Calls,
    long LinksChanged,
    SyncCursorState CursorBefore,
    SyncCursorState CursorAfter,
    IReadOnlyDictionary<string, long> FieldChanges,
    IReadOnlyList<RecordIssue> Issues);

/// <summary>The outcome of a run.</summary>
public sealed record SyncReport(
    bool DryRun,
    bool Full,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<ObjectSyncReport> Objects)
{
    public long Seen => Objects.Sum(o => o.Seen);

    public long Created => Objects.Sum(o => o.Created);

    public long Updated => Objects.Sum(o => o.Updated);

    public long Unchanged => Objects.Sum(o => o.Unchanged);

    public long Archived => Objects.Sum(o => o.Archived);

    public long Restored => Objects.Sum(o => o.Restored);

    public long Excluded => Objects.Sum(o => o.Excluded);

    public long Failing => Objects.Sum(o => o.Failing);

    public long Pages => Objects.Sum(o => o.Pages);

    public long Calls => Objects.Sum(o => o.Calls);

    public long LinksChanged => Objects.Sum(o => o.LinksChanged);

    /// <summary>The completeness check of the run (null when none ran); its finds and calls are in the counts above too.</summary>
    public CompletenessReport? Completeness { get; init; }

    /// <summary>
    /// One line: <c>seen 120, created 3, updated 2, unchanged 115, archived 0, restored 0, excluded 0, failing 0, links 4,
    /// pages 2, calls 9 in 1.2 s</c> (the duration as <see cref="HumanDuration"/> writes it), then, when the completeness
    /// check ran, <c>; completeness: 12 calls, slice 3,400/20,000 ids, full pass every ≈ 58 min</c>.
    /// </summary>
    public string Summary() =>
        FormattableString.Invariant(
            $"{(DryRun ? "dry run: " : "")}seen {Seen}, created {Created}, updated {Updated}, unchanged {Unchanged}, archived {Archived}, restored {Restored}, excluded {Excluded}, failing {Failing}, links {LinksChanged}, pages {Pages}, calls {Calls} in {HumanDuration.Format(Duration)}")
        + (Completeness is { } c ? "; " + c.Summary() : "");
}
