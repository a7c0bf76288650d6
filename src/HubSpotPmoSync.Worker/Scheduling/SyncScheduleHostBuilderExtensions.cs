using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Microsoft.Extensions.Hosting;

/// <summary>The long-running worker's schedule (<c>run</c>): Quartz, in memory, with the two sync jobs.</summary>
internal static class SyncScheduleHostBuilderExtensions
{
    /// <summary>
    /// Adds the Quartz scheduler with the incremental cycle every <c>Schedule:IncrementalEvery</c> (starting now)
    /// and the full reconcile on <c>Schedule:ReconcileCron</c> (in <c>Schedule:TimeZone</c>); the hosted service waits for a running cycle on
    /// shutdown. The schedule is read from the validated options when the scheduler is created.
    /// </summary>
    public static IHostApplicationBuilder AddSyncSchedule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<CycleGate>();
        builder.Services.TryAddSingleton<HubSpotPmoSync.Worker.Telemetry.CycleMetrics>();
        builder.Services.TryAddSingleton(sp => new HubSpotPmoSync.Worker.Hosting.CompletenessSchedule(sp.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.IncrementalEvery));
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = SyncSchedule.SchedulerName;

                // Quartz does not interrupt running jobs on shutdown by default; the worker wants the cycle to
                // stop after its page in flight (committed with its cursor) rather than run a reconcile to the end.
                o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            q.UseInMemoryStore();

            // Two jobs, and the gate lets only one cycle run at a time: two threads are enough.
            q.UseDefaultThreadPool(2);

            q.ScheduleJob<IncrementalSyncJob>(
                (sp, t) => t
                    .WithIdentity(IncrementalSyncJob.Trigger)
                    .WithDescription("Incremental sync cycle (Schedule:IncrementalEvery)")
                    .StartNow()
                    .WithSimpleSchedule(s => s
                        .WithInterval(sp.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.IncrementalEvery)
                        .RepeatForever()
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                (_, j) => j.WithIdentity(IncrementalSyncJob.Key).WithDescription("Pull what changed, score, push"));

            q.ScheduleJob<ReconcileJob>(
                (sp, t) => t
                    .WithIdentity(ReconcileJob.Trigger)
                    .WithDescription("Full reconcile (Schedule:ReconcileCron)")
                    .WithCronSchedule(
                        sp.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.ReconcileCron,
                        c => c
                            .InTimeZone(sp.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.CronTimeZone())
                            .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
                (_, j) => j.WithIdentity(ReconcileJob.Key).WithDescription("List everything, sweep archived records, score, push"));
        });

        // Ctrl+C / SIGTERM: the jobs' cancellation tokens fire, the cycle stops after the page in flight (each
        // page is committed with its cursor) and the host waits for it before exiting.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
