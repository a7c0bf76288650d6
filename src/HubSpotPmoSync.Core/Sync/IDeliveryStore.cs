using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// The local delivery model's store. Reads never create anything (a missing database reads as empty); writes
/// create and migrate it. <see cref="CommitPageAsync"/> is atomic: records, ledger rows, links and the cursor
/// land together or not at all.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>The sync position of an object type (a fresh state when nothing was synced yet).</summary>
    Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken);

    /// <summary>What the store holds for the given ids (ids it has never seen are absent from the result).</summary>
    Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>The stored links from each of <paramref name="fromIds"/> to records of <paramref name="to"/>.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken);

    /// <summary>For each of <paramref name="toIds"/>, the ids of <paramref name="from"/> records with a stored link to it (ids without links are absent).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(
        EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken);

    /// <summary>Commits one page in one transaction; the cursor is saved only with it.</summary>
    Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken);

    /// <summary>Saves a cursor on its own (a pass that ends without records).</summary>
    Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken);

    /// <summary>Replaces the stored pipelines (with stage metadata) of an object type.</summary>
    Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken);

    /// <summary>The stored pipelines of an object type (empty when never read).</summary>
    Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken);

    /// <summary>The ledger row of one record: "why isn't this record in sync" (null when never seen).</summary>
    Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken);

    /// <summary>Stored records of a kind (all when <paramref name="ids"/> is null), archived ones included.</summary>
    Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken);

    /// <summary>Logs the start of a run; returns its id.</summary>
    Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Logs the end of a run.</summary>
    Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken);

    /// <summary>
    /// The typed model for the health engine: records not failing, archived ones flagged, and the links, except those
    /// to or from an archived record (HubSpot shows none; they come back when the record is restored).
    /// </summary>
    Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken);

    /// <summary>The export of DESIGN.md for the given kinds (all when null); associations touching those kinds.</summary>
    Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken);

    /// <summary>Cursors, ledger counts with reasons, and the last runs.</summary>
    Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken);
}
