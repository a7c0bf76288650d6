using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>Describes one import (a file) so it can be recorded with its rows.</summary>
/// <param name="Kind">time-entries, cost-entries or milestones.</param>
/// <param name="Source">The file the rows came from.</param>
/// <param name="ContentHash">SHA-256 of the file, hex.</param>
/// <param name="RowsRead">Data rows read from the file.</param>
/// <param name="RowsRejected">Rows rejected before storing.</param>
public sealed record ImportBatch(string Kind, string Source, string ContentHash, DateTimeOffset ImportedAt, int RowsRead, int RowsRejected);

/// <summary>A time entry to import with its key (see <see cref="TimeEntryIdentity.Keys"/>) and the exporting tool's id, if any.</summary>
public sealed record KeyedTimeEntry(string Key, TimeEntry Entry, string? SourceId = null);

/// <summary>One import batch as recorded: what it read, added, replaced and left, and whether it was undone.</summary>
/// <param name="Undoable">False for batches recorded before undo was (migration 0010): what they replaced is not known.</param>
public sealed record ImportBatchInfo(
    long Id,
    string Kind,
    string Source,
    DateTimeOffset ImportedAt,
    int RowsRead,
    int Added,
    int Replaced,
    int Unchanged,
    int Rejected,
    bool Undoable,
    DateTimeOffset? UndoneAt);

/// <summary>How an undo ended.</summary>
public enum ImportUndoOutcome
{
    /// <summary>Done: what the batch added is removed and what it replaced is back.</summary>
    Undone,

    /// <summary>There is no such batch.</summary>
    NotFound,

    /// <summary>The batch was undone before.</summary>
    AlreadyUndone,

    /// <summary>The batch was recorded before undo was (migration 0010); nothing was changed.</summary>
    NotRecorded,

    /// <summary>Later batches changed rows of this batch; they must be undone first. Nothing was changed.</summary>
    Superseded,
}

/// <summary>What <see cref="IDeliveryDataStore.UndoImportBatchAsync"/> did.</summary>
/// <param name="Removed">Rows the batch added, now removed.</param>
/// <param name="Restored">Rows the batch replaced, now back to their earlier values.</param>
/// <param name="LaterBatches">For <see cref="ImportUndoOutcome.Superseded"/>: the batches that changed this batch's rows since.</param>
public sealed record ImportUndoResult(ImportUndoOutcome Outcome, int Removed, int Restored, IReadOnlyList<long> LaterBatches);

/// <summary>What a write of imported rows did.</summary>
/// <param name="Inserted">New rows stored.</param>
/// <param name="Updated">Rows whose identity existed with other values and were replaced.</param>
/// <param name="Unchanged">Rows already stored exactly as given: skipped.</param>
/// <param name="BatchId">The import batch recorded with the rows.</param>
public sealed record DeliveryDataWriteResult(int Inserted, int Updated, int Unchanged, long BatchId);

/// <summary>
/// Port for the delivery data that lives outside HubSpot (time, costs, milestones) and for health history.
/// Writes are idempotent: adding the same rows again adds nothing. Each write is one transaction, and each import
/// write is a batch that can be undone.
/// </summary>
public interface IDeliveryDataStore
{
    /// <summary>
    /// Inserts or replaces time entries by key: a new key is added, a stored key with other values is replaced (its
    /// earlier values kept for undo), a stored key with the same values is skipped. Stored entries keyed under
    /// another identity (an earlier <c>Import:TimeEntries:Key</c>, or none before migration 0010) are re-keyed
    /// under <paramref name="identity"/> first, in the same transaction.
    /// </summary>
    Task<DeliveryDataWriteResult> UpsertTimeEntriesAsync(IReadOnlyList<KeyedTimeEntry> entries, TimeEntryIdentity identity, ImportBatch batch, CancellationToken cancellationToken);

    /// <summary>Adds cost entries; an entry identical to one stored (same row key) is skipped.</summary>
    Task<DeliveryDataWriteResult> AddCostEntriesAsync(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch, CancellationToken cancellationToken);

    /// <summary>Inserts or updates milestones keyed by (project code, name); identical ones are skipped; replaced values are kept for undo.</summary>
    Task<DeliveryDataWriteResult> UpsertMilestonesAsync(IReadOnlyList<Milestone> milestones, ImportBatch batch, CancellationToken cancellationToken);

    /// <summary>Loads the delivery data; with <paramref name="upTo"/> only entries dated on or before it.</summary>
    Task<DeliveryData> LoadAsync(DateOnly? upTo, CancellationToken cancellationToken);

    /// <summary>Stores the snapshots of one scoring run.</summary>
    Task SaveHealthSnapshotsAsync(IReadOnlyList<HealthSnapshot> snapshots, CancellationToken cancellationToken);

    /// <summary>The latest <paramref name="perProject"/> snapshots of each project with an as-of moment before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<HealthSnapshot>> LoadHealthSnapshotsAsync(DateTimeOffset before, int perProject, CancellationToken cancellationToken);

    /// <summary>The import batches recorded, oldest first.</summary>
    Task<IReadOnlyList<ImportBatch>> LoadImportBatchesAsync(CancellationToken cancellationToken);

    /// <summary>The import batches with their ids and counts, oldest first.</summary>
    Task<IReadOnlyList<ImportBatchInfo>> ListImportBatchesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Undoes one import batch in one transaction: removes the rows it added and restores the rows it replaced. Refused
    /// (nothing changed) when a later batch changed any of those rows since, or when the batch is unknown or undone.
    /// </summary>
    Task<ImportUndoResult> UndoImportBatchAsync(long batchId, DateTimeOffset undoneAt, CancellationToken cancellationToken);
}
