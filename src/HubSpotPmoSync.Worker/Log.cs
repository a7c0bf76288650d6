using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Worker;

/// <summary>The worker's log lines (the scheduled cycles of <c>run</c>). No line carries the access token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Job}: cycle started (full reconcile: {Full})")]
    public static partial void CycleStarted(ILogger logger, string job, bool full);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Job}: cycle finished in {Elapsed}; pull: {Pull}; health: {Projects} projects scored; push: {Enqueued} values checked, {Push}")]
    public static partial void CycleFinished(ILogger logger, string job, string elapsed, string pull, int projects, int enqueued, string push);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "{Job}: cycle failed after {Elapsed}; the next fire retries")]
    public static partial void CycleFailed(ILogger logger, Exception exception, string job, string elapsed);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Job}: stopped on shutdown after {Elapsed}; every committed page is kept and the next run resumes from its cursor")]
    public static partial void CycleCancelled(ILogger logger, string job, string elapsed);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Job}: waiting for the cycle in flight to finish before starting")]
    public static partial void CycleWaitingForGate(ILogger logger, string job);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "{Job}: skipped, another process is running a cycle on this database (it holds {LockPath}, which names it); the next fire tries again")]
    public static partial void CycleSkippedLocked(ILogger logger, string job, string lockPath);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "{Job}: cycle failed: HubSpot rejected {Rejected} of {Attempted} writes, above Sync:MaxRejectedShare {MaxShare}; by reason: {Reasons}. The values are dead letters ('dlq list'); the next fire retries the rest")]
    public static partial void CycleRejected(ILogger logger, string job, int rejected, int attempted, double maxShare, string reasons);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Worker scheduled: incremental cycle every {IncrementalEvery}, full reconcile on cron '{ReconcileCron}'")]
    public static partial void Scheduled(ILogger logger, TimeSpan incrementalEvery, string reconcileCron);
}
