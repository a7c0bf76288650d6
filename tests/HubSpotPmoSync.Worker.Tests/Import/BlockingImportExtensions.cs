using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Worker.Import;

namespace HubSpotPmoSync.Worker.Tests.Import;

/// <summary>
/// The importer tests read one file into the SQLite store, whose calls complete synchronously: these keep them short
/// (no cancellation in play). The commands and the cycle use the asynchronous calls.
/// </summary>
internal static class BlockingImportExtensions
{
    public static ImportResult Import(this TimeEntryImporter importer, string path, IEnumerable<string> knownProjectCodes) =>
        importer.ImportAsync(path, knownProjectCodes, CancellationToken.None).GetAwaiter().GetResult();

    public static ImportResult Import(this MilestoneImporter importer, string path, IEnumerable<string> knownProjectCodes) =>
        importer.ImportAsync(path, knownProjectCodes, CancellationToken.None).GetAwaiter().GetResult();

    public static DeliveryData Load(this IDeliveryDataStore store, DateOnly? upTo = null) =>
        store.LoadAsync(upTo, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<ImportBatch> LoadImportBatches(this IDeliveryDataStore store) =>
        store.LoadImportBatchesAsync(CancellationToken.None).GetAwaiter().GetResult();
}
