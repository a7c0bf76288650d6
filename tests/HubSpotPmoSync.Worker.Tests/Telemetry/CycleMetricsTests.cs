using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace HubSpotPmoSync.Worker.Tests.Telemetry;

/// <summary>What a finished cycle records: records by object and outcome, its duration, and the lag of the settled cursors.</summary>
public sealed class CycleMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(Now);

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void CycleFinished_Succeeded_CountsEveryOutcomeOfEveryObject_AndTheDuration()
    {
        using var records = new MetricCollector<long>(Factory, PmoSyncMeter.Name, CycleMetrics.Records);
        using var duration = new MetricCollector<double>(Factory, PmoSyncMeter.Name, CycleMetrics.Duration);
        var sut = CreateSut(NoCursors);

        sut.CycleFinished(full: false, "succeeded", TimeSpan.FromSeconds(4.5), Report(Deal(created: 3, updated: 2, unchanged: 7, archived: 1, restored: 0, excluded: 4, failing: 5, settled: null)));

        var deals = records.GetMeasurementSnapshot().Where(m => (string?)m.Tags["object"] == "deals").ToDictionary(m => (string)m.Tags["outcome"]!, m => m.Value);
        Assert.Equal(
            new Dictionary<string, long> { ["created"] = 3, ["updated"] = 2, ["unchanged"] = 7, ["archived"] = 1, ["restored"] = 0, ["excluded"] = 4, ["failing"] = 5 },
            deals);
        var cycle = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(4.5, cycle.Value);
        Assert.Equal("succeeded", cycle.Tags["outcome"]);
        Assert.Equal("incremental", cycle.Tags["kind"]);
    }

    [Fact]
    public void CycleFinished_Failed_RecordsTheDurationOnly()
    {
        using var records = new MetricCollector<long>(Factory, PmoSyncMeter.Name, CycleMetrics.Records);
        using var duration = new MetricCollector<double>(Factory, PmoSyncMeter.Name, CycleMetrics.Duration);
        var sut = CreateSut(NoCursors);

        sut.CycleFinished(full: true, "failed", TimeSpan.FromSeconds(2), pull: null);

        Assert.Empty(records.GetMeasurementSnapshot());
        var cycle = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(("failed", "full"), ((string)cycle.Tags["outcome"]!, (string)cycle.Tags["kind"]!));
    }

    [Fact]
    public void FreshnessLag_FromTheStoreUntilACycleReports_ThenFromTheCycle_AndGrowsWithTheClock()
    {
        using var lag = new MetricCollector<double>(Factory, PmoSyncMeter.Name, CycleMetrics.FreshnessLag);
        var reads = 0;
        var sut = CreateSut(_ =>
        {
            reads++;
            return Task.FromResult<IReadOnlyDictionary<EntityKind, DateTimeOffset>>(new Dictionary<EntityKind, DateTimeOffset>
            {
                [EntityKind.Deal] = Now.AddMinutes(-70),
                [EntityKind.Company] = Now.AddMinutes(-65),
            });
        });

        Assert.Equal(new Dictionary<string, double> { ["companies"] = 65 * 60, ["deals"] = 70 * 60 }, Observe(lag));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new Dictionary<string, double> { ["companies"] = 70 * 60, ["deals"] = 75 * 60 }, Observe(lag));

        sut.CycleFinished(full: false, "succeeded", TimeSpan.FromSeconds(1), Report(Deal(0, 0, 0, 0, 0, 0, 0, settled: Now.AddMinutes(5) - TimeSpan.FromHours(1))));
        Assert.Equal(new Dictionary<string, double> { ["companies"] = 70 * 60, ["deals"] = 60 * 60 }, Observe(lag));
        Assert.Equal(1, reads);
    }

    [Fact]
    public void FreshnessLag_UnreadableStore_NoMeasurementUntilACycleReports()
    {
        using var lag = new MetricCollector<double>(Factory, PmoSyncMeter.Name, CycleMetrics.FreshnessLag);
        var sut = CreateSut(_ => throw new IOException("permission denied"));

        Assert.Empty(Observe(lag));

        sut.CycleFinished(full: false, "succeeded", TimeSpan.FromSeconds(1), Report(Deal(0, 0, 0, 0, 0, 0, 0, settled: Now.AddSeconds(-30))));
        Assert.Equal(new Dictionary<string, double> { ["deals"] = 30 }, Observe(lag));
    }

    public void Dispose() => _services.Dispose();

    private static Task<IReadOnlyDictionary<EntityKind, DateTimeOffset>> NoCursors(CancellationToken _) =>
        Task.FromResult<IReadOnlyDictionary<EntityKind, DateTimeOffset>>(new Dictionary<EntityKind, DateTimeOffset>());

    private static Dictionary<string, double> Observe(MetricCollector<double> lag)
    {
        lag.Clear();
        lag.RecordObservableInstruments();
        return lag.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["object"]!, m => m.Value);
    }

    private CycleMetrics CreateSut(Func<CancellationToken, Task<IReadOnlyDictionary<EntityKind, DateTimeOffset>>> cursors) => new(Factory, _time, cursors);

    private static SyncReport Report(params ObjectSyncReport[] objects) => new(false, false, Now, TimeSpan.FromSeconds(1), objects);

    private static ObjectSyncReport Deal(long created, long updated, long unchanged, long archived, long restored, long excluded, long failing, DateTimeOffset? settled) => new(
        EntityKind.Deal,
        created + updated + unchanged + archived + restored + excluded + failing,
        created,
        updated,
        unchanged,
        archived,
        restored,
        excluded,
        failing,
        Pages: 1,
        Calls: 1,
        LinksChanged: 0,
        new SyncCursorState(EntityKind.Deal),
        new SyncCursorState(EntityKind.Deal) { Settled = settled },
        new Dictionary<string, long>(),
        []);
}
