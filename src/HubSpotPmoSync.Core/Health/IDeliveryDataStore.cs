using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>Describes one import (a file) so it can be recorded with its rows.</summary>
/// <param name="Kind">time-entries, cost-entries or milestones.</param>
/// <param name="Source">The file the rows came from.</param>
/// <param name="ContentHash">SHA-256 of the file, hex.</param>
/// <param name="RowsRead">Data rows read from the file.</param>
/// <param name="RowsRejected">Rows rejected before storing.</param>
public sealed record ImportBatch(string Kind, string Source, string ContentHash, DateTimeOffset ImportedAt, int RowsRead, int RowsRejected);

/// <summary>What a write of imported rows did.</summary>
/// <param name="Inserted">New rows stored.</param>
/// <param name="Updated">Rows whose natural key existed with other values and were updated (milestones).</param>
/// <param name="Unchanged">Rows already stored exactly as given: skipped.</param>
/// <param name="BatchId">The import batch recorded with the rows.</param>
public sealed record DeliveryDataWriteResult(int Inserted, int Updated, int Unchanged, long BatchId);

/// <summary>
/// Port for the delivery data that lives outside HubSpot (time, costs, milestones) and for health history.
/// Writes are idempotent: adding the same rows again adds nothing. Each write is one transaction.
/// </summary>
public interface IDeliveryDataStore
{
    /// <summary>Adds time entries; an entry identical to one stored (same row key) is skipped.</summary>
    /// <param name="entries">Entries with their row key (a hash of the normalised row, see the importer).</param>
    DeliveryDataWriteResult AddTimeEntries(IReadOnlyList<(string RowKey, TimeEntry Entry)> entries, ImportBatch batch);

    /// <summary>Adds cost entries; an entry identical to one stored (same row key) is skipped.</summary>
    DeliveryDataWriteResult AddCostEntries(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch);

    /// <summary>Inserts or updates milestones keyed by (project code, name); identical ones are skipped.</summary>
    DeliveryDataWriteResult UpsertMilestones(IReadOnlyList<Milestone> milestones, ImportBatch batch);

    /// <summary>Loads the delivery data; with <paramref name="upTo"/> only entries dated on or before it.</summary>
    DeliveryData Load(DateOnly? upTo = null);

    /// <summary>Stores the snapshots of one scoring run.</summary>
    void SaveHealthSnapshots(IReadOnlyList<HealthSnapshot> snapshots);

    /// <summary>The latest <paramref name="perProject"/> snapshots of each project with an as-of moment before <paramref name="before"/>.</summary>
    IReadOnlyList<HealthSnapshot> LoadHealthSnapshots(DateTimeOffset before, int perProject);

    /// <summary>The import batches recorded, oldest first.</summary>
    IReadOnlyList<ImportBatch> LoadImportBatches();
}
