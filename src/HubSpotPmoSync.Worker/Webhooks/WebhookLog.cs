using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Worker;

/// <summary>The webhook endpoint's and processor's log lines. None carries the client secret or a signature.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "webhooks: refused a delivery from {Remote}: {Reason} ({Status})")]
    public static partial void WebhookRefused(ILogger logger, string remote, string reason, int status);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Debug, Message = "webhooks: stored {Added} events ({Duplicates} already stored, {Ignored} of types not handled)")]
    public static partial void WebhookStored(ILogger logger, int added, int duplicates, int ignored);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "webhooks: processed {Events} events in {Milliseconds} ms: {Records} records re-read, {Pushed} values queued; {Flush}")]
    public static partial void WebhookProcessed(ILogger logger, int events, long milliseconds, int records, int pushed, string flush);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Error, Message = "webhooks: processing {Events} events failed; they stay in the inbox and are tried again in {Delay}")]
    public static partial void WebhookProcessingFailed(ILogger logger, Exception exception, int events, string delay);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "webhooks: another process holds the cycle lock ({LockPath}); the inbox waits")]
    public static partial void WebhookLocked(ILogger logger, string lockPath);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "webhooks: receiving on {Path}; signature URL {SignatureUrl}")]
    public static partial void WebhookListening(ILogger logger, string path, string signatureUrl);
}
