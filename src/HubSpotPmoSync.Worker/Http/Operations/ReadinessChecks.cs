using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Http.Operations;

/// <summary>When this process started, for the checks' grace before HubSpot has been called. A singleton.</summary>
internal sealed class ProcessStart(TimeProvider time)
{
    public DateTimeOffset At { get; } = time.GetUtcNow();
}

/// <summary>
/// The window of the readiness checks: 2 × <c>Schedule:IncrementalEvery</c>. A cycle runs every period and calls
/// HubSpot at least once, so one late or failed cycle is tolerated and two are not.
/// </summary>
internal static class Readiness
{
    public const string Tag = "ready";

    public static TimeSpan Window(SyncScheduleOptions schedule) => schedule.IncrementalEvery * 2;

    public static string WindowText(SyncScheduleOptions schedule) =>
        $"2 × Schedule:IncrementalEvery = {HumanDuration.Format(Window(schedule))}";
}

/// <summary><c>database</c>: the SQLite file opens and reads, checked by opening it anew each time.</summary>
internal sealed class DatabaseReadinessCheck(SqliteDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(SqliteProbe.Read(database).Exists
                ? HealthCheckResult.Healthy("opens and reads")
                : HealthCheckResult.Unhealthy("no database file yet (the first cycle creates it)"));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"cannot be opened or read ({e.Message.TrimEnd('.')})"));
        }
    }
}

/// <summary><c>cycle</c>: a sync run (of any process on this database) succeeded within the readiness window.</summary>
internal sealed class CycleReadinessCheck(SqliteDatabase database, IOptions<SyncScheduleOptions> schedule, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset? last;
        try
        {
            last = SqliteProbe.Read(database).LastSucceededRun;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("unknown: the database cannot be read"));
        }

        var options = schedule.Value;
        if (last is not { } finished)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no cycle has succeeded yet"));
        }

        var age = time.GetUtcNow() - finished;
        return Task.FromResult(age <= Readiness.Window(options)
            ? HealthCheckResult.Healthy($"the last cycle succeeded {HumanDuration.Format(Max0(age))} ago")
            : HealthCheckResult.Unhealthy($"the last cycle succeeded {HumanDuration.Format(age)} ago, more than {Readiness.WindowText(options)}"));
    }

    private static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}

/// <summary>
/// <c>hubspot</c>: HubSpot answered this process (any HTTP status below 500) within the readiness window; before the
/// first answer, the window counts from the process start.
/// </summary>
internal sealed class HubSpotReadinessCheck(ICrmReachability reachability, ProcessStart start, IOptions<SyncScheduleOptions> schedule, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var options = schedule.Value;
        var last = reachability.LastAnswerAt;
        var age = time.GetUtcNow() - (last ?? start.At);
        if (age <= Readiness.Window(options))
        {
            return Task.FromResult(HealthCheckResult.Healthy(last is null ? "not called yet" : "answered recently"));
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(last is null
            ? $"no answer since the worker started {HumanDuration.Format(age)} ago, more than {Readiness.WindowText(options)}"
            : $"last answered {HumanDuration.Format(age)} ago, more than {Readiness.WindowText(options)}"));
    }
}
