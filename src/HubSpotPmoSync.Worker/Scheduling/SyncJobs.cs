using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Telemetry;
using Microsoft.Extensions.Logging;
using Quartz;

namespace HubSpotPmoSync.Worker.Scheduling;

/// <summary>Names of the worker's Quartz scheduler and job group.</summary>
internal static class SyncSchedule
{
    public const string SchedulerName = "hubspot-pmo-sync";

    public const string Group = "hubspot-pmo-sync";
}

/// <summary>The incremental cycle (pull what changed, score, push), every <c>Schedule:IncrementalEvery</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class IncrementalSyncJob(DeliveryCycle cycle, CycleGate gate, TimeProvider time, ILogger<IncrementalSyncJob> log, CycleMetrics metrics) : IJob
{
    public static readonly JobKey Key = new("incremental-sync", SyncSchedule.Group);

    public static readonly TriggerKey Trigger = new("incremental-sync-every", SyncSchedule.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await ScheduledCycle.RunAsync(Key.Name, full: false, cycle, gate, log, time, cancellationToken, metrics).ConfigureAwait(false);
}

/// <summary>The full reconcile (list everything again, sweep archived records, score, push), on <c>Schedule:ReconcileCron</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class ReconcileJob(DeliveryCycle cycle, CycleGate gate, TimeProvider time, ILogger<ReconcileJob> log, CycleMetrics metrics) : IJob
{
    public static readonly JobKey Key = new("full-reconcile", SyncSchedule.Group);

    public static readonly TriggerKey Trigger = new("full-reconcile-cron", SyncSchedule.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await ScheduledCycle.RunAsync(Key.Name, full: true, cycle, gate, log, time, cancellationToken, metrics).ConfigureAwait(false);
}
