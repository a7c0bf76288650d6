using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The HubSpot client's log lines. Routes are templates; no line ever carries the access token or a header.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "HubSpot call {Route} failed: {Outcome}; retry {Attempt} in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, string route, string outcome, int attempt, string delay);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "HubSpot circuit opened for {Break} after {Outcome}: calls fail fast until a trial call succeeds")]
    public static partial void CircuitOpened(ILogger logger, string @break, string outcome);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "HubSpot circuit half-open: letting a trial call through")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "HubSpot circuit closed: calls flow again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "HubSpot {Budget} rate budget corrected from the portal's headers: max {Max}, remaining {Remaining}")]
    public static partial void RateLimitCorrected(ILogger logger, string budget, int max, int remaining);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Trace, Message = "HubSpot call {Route} waited {WaitedMs} ms for the {Budget} rate budget")]
    public static partial void WaitedForRateLimit(ILogger logger, string route, string budget, double waitedMs);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "HubSpot daily quota share reached: about {Remaining} calls left for the portal, this worker's share is {Share}")]
    public static partial void DailyShareReached(ILogger logger, long remaining, double share);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "HubSpot call {Route} failed: {Status} {Category} (correlation id {CorrelationId})")]
    public static partial void CallFailed(ILogger logger, string route, int status, string? category, string? correlationId);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "HubSpot search of {ObjectType} reached the 10,000-result cap; window split at {SplitAtMs} after {Returned} records")]
    public static partial void SearchWindowSplit(ILogger logger, string objectType, long splitAtMs, long returned);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "HubSpot search of {ObjectType} draining millisecond {Millisecond} by hs_object_id")]
    public static partial void SearchDrainingMillisecond(ILogger logger, string objectType, long millisecond);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "HubSpot batch {Route}: {Failed} of {Total} inputs failed")]
    public static partial void BatchPartiallyFailed(ILogger logger, string route, int failed, int total);
}
