using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;

namespace HubSpotPmoSync.Worker.Telemetry;

/// <summary>
/// The write-back store's backlog on the worker's meter, read from the store when scraped: values waiting in the
/// outbox, and dead letters waiting for <c>dlq replay</c> (a replay from another process shows at the next scrape).
/// </summary>
internal sealed class OutboxGauges
{
    public const string Depth = "pmosync.outbox.depth";
    public const string DeadLetters = "pmosync.outbox.dead_letters";

    private readonly IWriteBackStore _store;
    private readonly Func<bool> _databaseExists;

    public OutboxGauges(IMeterFactory meterFactory, IWriteBackStore store, SqliteDatabase database)
        : this(meterFactory, store, () => database.Exists)
    {
    }

    internal OutboxGauges(IMeterFactory meterFactory, IWriteBackStore store, Func<bool> databaseExists)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _store = store;
        _databaseExists = databaseExists;
        var meter = meterFactory.Create(PmoSyncMeter.Name);
        meter.CreateObservableGauge(Depth, () => Count(s => s.GetPendingAsync(CancellationToken.None)), "{value}", "Values waiting in the outbox to be pushed to HubSpot.");
        meter.CreateObservableGauge(DeadLetters, () => Count(s => s.ListDeadLettersAsync(CancellationToken.None)), "{value}", "Writes HubSpot refused or that failed past their retries, waiting for dlq replay.");
    }

    private IEnumerable<Measurement<long>> Count<T>(Func<IWriteBackStore, Task<IReadOnlyList<T>>> read)
    {
        // No database yet (nothing to count, and a scrape must not create one), or one that cannot be read now
        // (/readyz reports that): no measurement rather than a made-up zero.
        if (!_databaseExists())
        {
            return [];
        }

        try
        {
            return [new Measurement<long>(read(_store).GetAwaiter().GetResult().Count)];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }
}
