using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Worker;

/// <summary>The HTTP host's log lines. None carries <c>Http:Password</c> or a request's credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "HTTP: listening on {Address} (portfolio page at /; reachable from {Reach})")]
    public static partial void HttpListening(ILogger logger, string address, string reach);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "HTTP: {Method} {Path} failed")]
    public static partial void HttpRequestFailed(ILogger logger, Exception exception, string method, string path);
}
