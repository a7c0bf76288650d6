using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Postgres;
using HubSpotPmoSync.Worker.Http.Operations;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Http.Operations;

/// <summary>The database and cycle readiness checks with Storage:Provider=postgres, on a schema of their own and a fake clock.</summary>
public sealed class PostgresReadinessChecksTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 8, 2, 0, 0, TimeSpan.Zero);
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly IOptions<SyncScheduleOptions> _schedule = Options.Create(new SyncScheduleOptions { IncrementalEvery = TimeSpan.FromMinutes(5) });

    public PostgresReadinessChecksTests() => _database = new PostgresDatabase(_schema.ConnectionString);

    [Fact]
    public async Task Readiness_OnPostgres_NoTablesYetThenTheRunLog_CreatesNothing()
    {
        var probe = new PostgresReadinessProbe(_database);
        var database = new DatabaseReadinessCheck(probe);
        var cycle = new CycleReadinessCheck(probe, _schedule, _time);

        var before = await CheckAsync(database);
        Assert.Equal((HealthStatus.Unhealthy, "the PostgreSQL schema has no product tables yet (the first cycle creates them)"), (before.Status, before.Description));
        Assert.Equal("no cycle has succeeded yet", (await CheckAsync(cycle)).Description);
        Assert.False(await _database.ExistsAsync(CancellationToken.None));

        var store = new PostgresDeliveryStore(_database);
        var run = await store.StartRunAsync("sync", Start.AddMinutes(1), CancellationToken.None);
        await store.FinishRunAsync(run, Start.AddMinutes(2), "succeeded", "seen 1", CancellationToken.None);
        var failed = await store.StartRunAsync("sync", Start.AddMinutes(3), CancellationToken.None);
        await store.FinishRunAsync(failed, Start.AddMinutes(4), "failed", "HttpRequestException: refused", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(12));

        Assert.Equal((HealthStatus.Healthy, "opens and reads"), ((await CheckAsync(database)).Status, (await CheckAsync(database)).Description));
        Assert.Equal("the last cycle succeeded 10 min ago", (await CheckAsync(cycle)).Description);
        _time.Advance(TimeSpan.FromMinutes(1));
        var late = await CheckAsync(cycle);
        Assert.Equal((HealthStatus.Unhealthy, "the last cycle succeeded 11 min ago, more than 2 × Schedule:IncrementalEvery = 10 min"), (late.Status, late.Description));
    }

    [Fact]
    public async Task Readiness_OnPostgres_ServerUnreachable_UnhealthyNamingWhy_WithoutThePassword()
    {
        using var unreachable = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=pmo;Password=hunter2-secret;Database=pmo;Timeout=5");
        var probe = new PostgresReadinessProbe(unreachable);

        var database = await CheckAsync(new DatabaseReadinessCheck(probe));
        var cycle = await CheckAsync(new CycleReadinessCheck(probe, _schedule, _time));

        Assert.Equal(HealthStatus.Unhealthy, database.Status);
        Assert.StartsWith("cannot be opened or read (cannot use the PostgreSQL database", database.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", database.Description, StringComparison.Ordinal);
        Assert.Equal("unknown: the database cannot be read", cycle.Description);
    }

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("check", check, null, null) }, CancellationToken.None);
}
