using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Worker.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace HubSpotPmoSync.Worker.Tests.Telemetry;

/// <summary>The outbox gauges read the write-back store (a real SQLite file) when collected; no file, no measurement and no file made.</summary>
public sealed class OutboxGaugesTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-outbox-gauges-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task Gauges_CountPendingValuesAndDeadLetters_WhenCollected()
    {
        var database = new SqliteDatabase(new StorageOptions { DatabasePath = Path.Combine(_dir.FullName, "wb.db") });
        var store = new SqliteWriteBackStore(database);
        var factory = _services.GetRequiredService<IMeterFactory>();
        using var depth = new MetricCollector<long>(factory, PmoSyncMeter.Name, OutboxGauges.Depth);
        using var letters = new MetricCollector<long>(factory, PmoSyncMeter.Name, OutboxGauges.DeadLetters);
        _ = new OutboxGauges(factory, store, database);

        depth.RecordObservableInstruments();
        Assert.Empty(depth.GetMeasurementSnapshot());
        Assert.False(database.Exists, "a scrape must not create the database");

        await store.EnqueueAsync([Change("1", "health_rag"), Change("1", "health_score"), Change("2", "health_rag")], At, CancellationToken.None);
        var pending = await store.GetPendingAsync(CancellationToken.None);
        await store.CommitFlushAsync(
            FlushCommit.Empty(At) with { DeadLettered = [new DeadLetterEntry(pending[0], "VALIDATION_ERROR", "not a valid option", Rejected: true)] },
            CancellationToken.None);

        depth.RecordObservableInstruments();
        letters.RecordObservableInstruments();
        Assert.Equal(2, depth.LastMeasurement!.Value);
        Assert.Equal(1, letters.LastMeasurement!.Value);
    }

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static OutboundChange Change(string id, string property) =>
        new("p_projects", id, property, "RED", "health:" + property, ConflictPolicy.LocalWins, At);
}
