using System.Globalization;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Worker;
using HubSpotPmoSync.Worker.Http;
using HubSpotPmoSync.Worker.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>POST /webhooks/hubspot</c> (docs/webhooks.md). In order: 404 while <c>Webhooks:ClientSecret</c> is not set;
/// 413 for a body over <see cref="MaxBodyBytes"/>; 401 without a valid v3 signature or with a timestamp more than 5
/// minutes away from now; 400 for a body that is not a JSON array of events. Events of types the worker does not
/// handle are accepted and dropped (HubSpot retries any 4xx for a day, so a 400 would bring the batch back). The
/// events are in the inbox before the 200. The route authenticates by its signature, so it is reachable from other
/// machines without <c>Http:Password</c>; nothing else is.
/// </summary>
internal static class WebhookEndpoints
{
    /// <summary>The largest body taken: 100 events are about 40 KB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapHubSpotWebhooks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(WebhookOptions.Path, (Delegate)HandleAsync)
            .WithMetadata(new AllowRemoteWithoutCredentialAttribute())
            .WithGroupName("webhooks");
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
        var metrics = services.GetRequiredService<WebhookMetrics>();
        var time = services.GetRequiredService<TimeProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("HubSpotPmoSync.Worker.Webhooks");
        if (!options.Enabled)
        {
            await AnswerAsync(context, StatusCodes.Status404NotFound, "Webhooks are not configured: set Webhooks:ClientSecret.");
            return;
        }

        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            await RefuseAsync(context, log, metrics, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");
            return;
        }

        var request = context.Request;
        var signature = request.Headers["X-HubSpot-Signature-v3"].ToString();
        var timestamp = request.Headers["X-HubSpot-Request-Timestamp"].ToString();
        if (signature.Length == 0 || timestamp.Length == 0)
        {
            await RefuseAsync(context, log, metrics, StatusCodes.Status401Unauthorized, "no v3 signature");
            return;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            || (time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(ms)).Duration() > HubSpotSignature.MaxAge)
        {
            await RefuseAsync(context, log, metrics, StatusCodes.Status401Unauthorized, "the request timestamp is more than 5 minutes from now");
            return;
        }

        if (!HubSpotSignature.VerifyV3(options.ClientSecret, request.Method, SignatureUri(context, options), body, timestamp, signature))
        {
            await RefuseAsync(context, log, metrics, StatusCodes.Status401Unauthorized, "the v3 signature does not match");
            return;
        }

        IReadOnlyList<WebhookInboxEvent> events;
        int ignored;
        try
        {
            events = WebhookEvents.Parse(body, out ignored);
        }
        catch (WebhookPayloadException e)
        {
            await RefuseAsync(context, log, metrics, StatusCodes.Status400BadRequest, e.Message);
            return;
        }

        var receivedAt = time.GetUtcNow();
        var added = await services.GetRequiredService<IWebhookInbox>().AddAsync(events, receivedAt, context.RequestAborted);
        metrics.Count("received", added.Added);
        metrics.Count("duplicate", added.Duplicates);
        metrics.Count("rejected", ignored);
        Log.WebhookStored(log, added.Added, added.Duplicates, ignored);
        if (added.Added > 0)
        {
            metrics.Arrived(receivedAt);
            services.GetRequiredService<WebhookSignal>().Raise();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>
    /// The URL as HubSpot signed it: <c>Webhooks:PublicUrl</c> when set; otherwise the request's own, with the scheme
    /// and host a reverse proxy names in <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>, and the path and query
    /// exactly as sent.
    /// </summary>
    internal static string SignatureUri(HttpContext context, WebhookOptions options)
    {
        if (options.PublicUrl is { } url)
        {
            return url.OriginalString;
        }

        var request = context.Request;
        var scheme = First(request.Headers["X-Forwarded-Proto"].ToString()) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"].ToString()) ?? request.Host.Value;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw.StartsWith('/')
            ? raw
            : request.PathBase + request.Path + request.QueryString;
        return $"{scheme}://{host}{target}";

        static string? First(string value) =>
            value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : null;
    }

    /// <summary>Reads the body whole, or returns null when it is larger than <see cref="MaxBodyBytes"/> (nothing more is read).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes + 1L;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static Task RefuseAsync(HttpContext context, ILogger log, WebhookMetrics metrics, int status, string reason)
    {
        metrics.Count("rejected", 1);
        Log.WebhookRefused(log, context.Connection.RemoteIpAddress?.ToString() ?? "?", reason, status);
        return AnswerAsync(context, status, reason);
    }

    private static Task AnswerAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
