using System.Net.Sockets;
using Polly.Timeout;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// Names what went wrong with an attempt that got no answer, in the words a user needs: "connection refused by
/// 127.0.0.1:8080 (is HubSpot:BaseAddress right?)" rather than a socket error, and the short key it is counted under
/// in <see cref="HubSpotUsage"/> (<c>refused</c>, <c>unresolved</c>, <c>reset</c>, <c>timeout</c>, <c>truncated</c>).
/// </summary>
internal static class NetworkFailure
{
    /// <summary>
    /// The exception to surface for a failed send: a refused connection or an unknown host name becomes an
    /// <see cref="HttpRequestException"/> (same <see cref="HttpRequestError"/>, so it is retried the same way) whose
    /// message names the host, the port and the setting; anything else is returned as it is.
    /// </summary>
    public static Exception Explain(Exception exception, Uri? requestUri)
    {
        if (exception is not HttpRequestException http || requestUri is null)
        {
            return exception;
        }

        var where = $"{requestUri.IdnHost}:{requestUri.Port}";
        return Socket(http) switch
        {
            SocketError.ConnectionRefused => new HttpRequestException(
                http.HttpRequestError, $"connection refused by {where} (is HubSpot:BaseAddress right?)", http),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => new HttpRequestException(
                http.HttpRequestError, $"host name {requestUri.IdnHost} not found (is HubSpot:BaseAddress right?)", http),
            _ when http.HttpRequestError == HttpRequestError.NameResolutionError => new HttpRequestException(
                http.HttpRequestError, $"host name {requestUri.IdnHost} not found (is HubSpot:BaseAddress right?)", http),
            _ => exception,
        };
    }

    /// <summary>The short key an attempt without an answer is counted under.</summary>
    public static string Key(Exception? exception, CancellationToken cancellationToken) => exception switch
    {
        TimeoutRejectedException => "timeout",
        TruncatedResponseException => "truncated",
        HttpRequestException e when Socket(e) == SocketError.ConnectionRefused => "refused",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "unresolved",
        HttpRequestException => "reset",
        OperationCanceledException when cancellationToken.IsCancellationRequested => "canceled",
        OperationCanceledException => "timeout",
        _ => "error",
    };

    /// <summary>What a log line says about an attempt without an answer.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        TimeoutRejectedException => "no answer within HubSpot:AttemptTimeout",
        TruncatedResponseException => "answer cut off",
        HttpRequestException e when Socket(e) == SocketError.ConnectionRefused && e.Message.StartsWith("connection refused", StringComparison.Ordinal) => e.Message,
        HttpRequestException e when Socket(e) == SocketError.ConnectionRefused => "connection refused",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } e => e.Message,
        HttpRequestException => "connection reset",
        _ => Key(exception, default),
    };

    private static SocketError? Socket(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
