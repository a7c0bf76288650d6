using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Http.Operations;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Http.Operations;

/// <summary>The three readiness checks on a fake clock, over real SQLite files, with a 5-minute schedule (window 10 min).</summary>
public sealed class ReadinessChecksTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 8, 2, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-readiness-");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly IOptions<SyncScheduleOptions> _schedule = Options.Create(new SyncScheduleOptions { IncrementalEvery = TimeSpan.FromMinutes(5) });

    [Fact]
    public async Task HubSpot_NeverAnswered_HealthyForTheWindowFromStart_ThenNamesIt()
    {
        var reachability = new Reachability();
        var check = new HubSpotReadinessCheck(reachability, new ProcessStart(_time), _schedule, _time);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var late = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
        Assert.Equal("no answer since the worker started 10 min 1 s ago, more than 2 × Schedule:IncrementalEvery = 10 min", late.Description);

        reachability.LastAnswerAt = _time.GetUtcNow() - TimeSpan.FromMinutes(3);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);

        _time.Advance(TimeSpan.FromMinutes(8));
        var stale = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Equal("last answered 11 min ago, more than 2 × Schedule:IncrementalEvery = 10 min", stale.Description);
    }

    [Fact]
    public async Task Cycle_FromTheRunLog_NoneSucceededThenRecentThenLate()
    {
        var database = Database("runs.db");
        using var store = new SqliteDeliveryStore(database);
        var check = new CycleReadinessCheck(database, _schedule, _time);

        var failed = await store.StartRunAsync("sync", Start, CancellationToken.None);
        await store.FinishRunAsync(failed, Start.AddSeconds(5), "failed", "HttpRequestException: refused", CancellationToken.None);
        Assert.Equal("no cycle has succeeded yet", (await CheckAsync(check)).Description);

        var run = await store.StartRunAsync("sync", Start.AddMinutes(1), CancellationToken.None);
        await store.FinishRunAsync(run, Start.AddMinutes(2), "succeeded", "seen 1", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(12));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);

        _time.Advance(TimeSpan.FromMinutes(1));
        var late = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
        Assert.Equal("the last cycle succeeded 11 min ago, more than 2 × Schedule:IncrementalEvery = 10 min", late.Description);
    }

    [Fact]
    public async Task Database_MissingOrNotSqlite_UnhealthyNamingWhy_AndNothingIsCreated()
    {
        var missing = Database("missing.db");
        var notSqlite = Database("notes.db");
        await File.WriteAllTextAsync(notSqlite.DatabasePath, "these are not the pages you are looking for");

        var none = await CheckAsync(new DatabaseReadinessCheck(missing));
        var garbage = await CheckAsync(new DatabaseReadinessCheck(notSqlite));

        Assert.Equal("no database file yet (the first cycle creates it)", none.Description);
        Assert.False(missing.Exists);
        Assert.Equal(HealthStatus.Unhealthy, garbage.Status);
        Assert.Equal("cannot be opened or read (it is not a SQLite database)", garbage.Description);
        Assert.Equal("unknown: the database cannot be read", (await CheckAsync(new CycleReadinessCheck(notSqlite, _schedule, _time))).Description);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private SqliteDatabase Database(string name) => new(new StorageOptions { DatabasePath = Path.Combine(_dir.FullName, name) });

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("check", check, null, null) }, CancellationToken.None);

    private sealed class Reachability : ICrmReachability
    {
        public DateTimeOffset? LastAnswerAt { get; set; }
    }
}
