using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>
/// <c>database</c>: the store opens and reads (the SQLite file opened anew each time; on PostgreSQL a connection and a
/// query of the run log).
/// </summary>
internal sealed class DatabaseReadinessCheck : IHealthCheck
{
    private readonly IReadinessProbe _probe;

    [ActivatorUtilitiesConstructor]
    public DatabaseReadinessCheck(IReadinessProbe probe) => _probe = probe;

    public DatabaseReadinessCheck(SqliteDatabase database)
        : this(new SqliteReadinessProbe(database))
    {
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            return (await _probe.ReadAsync(cancellationToken)).Exists
                ? HealthCheckResult.Healthy("opens and reads")
                : HealthCheckResult.Unhealthy(_probe.Missing);
        }
        catch (ReadinessProbeException e)
        {
            return HealthCheckResult.Unhealthy($"cannot be opened or read ({e.Message})");
        }
    }
}

/// <summary><c>cycle</c>: a sync run (of any process on this database) succeeded within the readiness window.</summary>
internal sealed class CycleReadinessCheck : IHealthCheck
{
    private readonly IReadinessProbe _probe;
    private readonly IOptions<SyncScheduleOptions> _schedule;
    private readonly TimeProvider _time;

    [ActivatorUtilitiesConstructor]
    public CycleReadinessCheck(IReadinessProbe probe, IOptions<SyncScheduleOptions> schedule, TimeProvider time)
    {
        _probe = probe;
        _schedule = schedule;
        _time = time;
    }

    public CycleReadinessCheck(SqliteDatabase database, IOptions<SyncScheduleOptions> schedule, TimeProvider time)
        : this(new SqliteReadinessProbe(database), schedule, time)
    {
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset? last;
        try
        {
            last = (await _probe.ReadAsync(cancellationToken)).LastSucceededRun;
        }
        catch (ReadinessProbeException)
        {
            return HealthCheckResult.Unhealthy("unknown: the database cannot be read");
        }

        var options = _schedule.Value;
        if (last is not { } finished)
        {
            return HealthCheckResult.Unhealthy("no cycle has succeeded yet");
        }

        var age = _time.GetUtcNow() - finished;
        return age <= Readiness.Window(options)
            ? HealthCheckResult.Healthy($"the last cycle succeeded {HumanDuration.Format(Max0(age))} ago")
            : HealthCheckResult.Unhealthy($"the last cycle succeeded {HumanDuration.Format(age)} ago, more than {Readiness.WindowText(options)}");
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
