using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Telemetry;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Worker.Scheduling;

/// <summary>
/// What both scheduled jobs do: wait for the gate, run one <see cref="DeliveryCycle"/> with the job's cancellation
/// token, and log the summary. A failing cycle (HubSpot down, a lock held too long) is logged and not rethrown: the
/// trigger's next fire retries, resuming from the committed cursors. Cancellation (shutdown) stops the cycle after
/// the page in flight, which is already committed. Each cycle that ran is recorded on <see cref="CycleMetrics"/>.
/// </summary>
internal static class ScheduledCycle
{
    public static async Task RunAsync(
        string job, bool full, DeliveryCycle cycle, CycleGate gate, ILogger log, TimeProvider time, CancellationToken cancellationToken, CycleMetrics? metrics = null)
    {
        var started = time.GetTimestamp();
        var ran = false;
        try
        {
            var entered = gate.TryEnter();
            if (entered is null)
            {
                Log.CycleWaitingForGate(log, job);
                entered = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
            }

            using (entered)
            {
                started = time.GetTimestamp();
                ran = true;
                Log.CycleStarted(log, job, full);
                var report = await cycle.RunAsync(new CycleRequest(Full: full), progress: null, cancellationToken).ConfigureAwait(false);

                // A cycle whose writes HubSpot mostly rejected has failed (logged as such below), though it pulled.
                metrics?.CycleFinished(full, report.Rejections is { Exceeded: true } ? "failed" : "succeeded", time.GetElapsedTime(started), report.Pull);
                Log.CycleFinished(
                    log,
                    job,
                    HumanDuration.Format(time.GetElapsedTime(started)),
                    report.Pull.Summary(),
                    report.Health?.Projects.Count ?? 0,
                    report.Enqueued,
                    report.Flush is { } flush ? WriteBackText.Summary(flush) : "nothing to push");
                if (report.Rejections is { Exceeded: true } rejected)
                {
                    Log.CycleRejected(log, job, rejected.Rejected, rejected.Attempted, rejected.MaxShare, rejected.Summary());
                }
            }
        }
        catch (CycleLockedException e)
        {
            // Another process (a sync from cron, a second worker) is running a cycle on this database: skip this fire,
            // the next one tries again. Not a failure of this worker, so no stack trace.
            Log.CycleSkippedLocked(log, job, e.LockPath);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.CycleCancelled(log, job, HumanDuration.Format(time.GetElapsedTime(started)));
            if (ran)
            {
                metrics?.CycleFinished(full, "cancelled", time.GetElapsedTime(started), pull: null);
            }
        }
        catch (Exception e)
        {
            Log.CycleFailed(log, e, job, HumanDuration.Format(time.GetElapsedTime(started)));
            if (ran)
            {
                metrics?.CycleFinished(full, "failed", time.GetElapsedTime(started), pull: null);
            }
        }
    }
}
