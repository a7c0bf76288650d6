using System.Text;
using HubSpotPmoSync.Emulator.Api;
using HubSpotPmoSync.Emulator.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>
/// Everything a request goes through before and after its handler: auth, rate limits, fault injection, body limits,
/// HubSpot-shaped errors for anything that goes wrong, and the stats.
/// </summary>
internal sealed class EmulatorRuntime
{
    /// <summary>Bodies above this are refused with 413 in HubSpot's error shape.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private readonly ILogger _log;

    public EmulatorRuntime(EmulatorOptions options, EmulatorClock clock, ILogger log)
    {
        Options = options;
        Clock = clock;
        _log = log;
        Store = new CrmStore(clock, options.PortalId) { IndexLag = options.IndexLag };
        Limiter = new RateLimiter(options.Tier, options.TimeScale, options.DailyQuota);
        Faults.Configure(options.Faults, options.FaultSeed);
        Latency = new LatencyModel(clock.Inner, options.Latency ?? LatencySpec.None, options.LatencySeed);
        SendRetryAfter = options.SendRetryAfter;
        Scopes = options.Scopes is null ? null : ScopeCheck.Of(options.Scopes);
        Webhooks = new WebhookDispatcher(clock, options.PortalId);
        Webhooks.Configure(options.WebhookUrl, options.WebhookSecret, options.WebhookStyle);
        Store.Changed = Webhooks.OnChange;
    }

    /// <summary>The webhook deliveries (<c>--webhook-url</c>, <c>--webhook-secret</c>).</summary>
    public WebhookDispatcher Webhooks { get; }

    public EmulatorOptions Options { get; }

    public EmulatorClock Clock { get; }

    public CrmStore Store { get; }

    public RateLimiter Limiter { get; }

    public FaultInjector Faults { get; } = new();

    /// <summary>The round trip added in front of every API answer (none by default).</summary>
    public LatencyModel Latency { get; }

    public EmulatorStats Stats { get; } = new();

    public volatile bool SendRetryAfter;

    /// <summary>The token's granted scopes; null grants every scope.</summary>
    public volatile IReadOnlySet<string>? Scopes;

    public async Task HandleAsync(HttpContext ctx, RouteInfo route, Func<ApiRequest, Reply> handler)
    {
        // The network and HubSpot's own time, before anything is decided: each request waits on its own timer.
        await Latency.DelayAsync(LatencyModel.Classify(route), ctx.RequestAborted).ConfigureAwait(false);
        var correlationId = Guid.NewGuid().ToString();
        ctx.Response.Headers["X-HubSpot-Correlation-Id"] = correlationId;
        if (!Authorized(ctx))
        {
            await SendAsync(ctx, route.StatsKey, Unauthorized(correlationId));
            return;
        }

        var decision = Limiter.Acquire(route.Limit, Clock.NowMs);
        foreach (var (k, v) in decision.Headers)
        {
            ctx.Response.Headers[k] = v;
        }

        if (!decision.Allowed)
        {
            Stats.RateLimited(decision.Policy!);
            await SendAsync(ctx, route.StatsKey, TooManyRequests(decision.Policy!, decision.RetryAfterMs, correlationId));
            return;
        }

        // After authentication and before the body is read or validated, so a probe with an empty or invalid body
        // proves a scope without writing anything.
        if (Scopes is { } granted)
        {
            var missing = ScopeCheck.Required(route, ctx, Store).Where(s => !granted.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                await SendAsync(ctx, route.StatsKey, ScopeCheck.MissingScopes(missing, correlationId));
                return;
            }
        }

        var fault = Faults.Next(route.IsWrite);
        if (fault.Kind != FaultKind.None)
        {
            Stats.Fault(FaultName(fault.Kind), ctx.Request.Method, ctx.Request.Path, route.IsWrite, fault.ApplyWrite);
        }

        switch (fault.Kind)
        {
            case FaultKind.TooManyRequests:
                var policy = route.Limit == LimitKind.Search ? "SECONDLY" : "TEN_SECONDLY_ROLLING";
                Stats.RateLimited(policy);
                await SendAsync(ctx, route.StatsKey, TooManyRequests(policy, 1000, correlationId));
                return;
            case FaultKind.Status500 or FaultKind.Status503:
                await SendAsync(ctx, route.StatsKey, ServerError(fault.Kind, correlationId));
                return;
            case FaultKind.Status502 or FaultKind.Status504 or FaultKind.Reset when !fault.ApplyWrite:
                await FailAfterAsync(ctx, route, fault, correlationId);
                return;
        }

        Reply reply;
        var body = await ReadBodyAsync(ctx);
        if (body is null)
        {
            reply = JsonOut.ErrorReply(new ApiException(413, "VALIDATION_ERROR",
                $"The request body is larger than the maximum of {MaxBodyBytes} bytes."), correlationId);
        }
        else
        {
            reply = Run(new ApiRequest(ctx, route, body, correlationId), handler);
        }

        switch (fault.Kind)
        {
            case FaultKind.Status502 or FaultKind.Status504 or FaultKind.Reset:
                await FailAfterAsync(ctx, route, fault, correlationId);
                return;
            case FaultKind.Slow:
                await Task.Delay(fault.Delay, ctx.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.Truncate:
                await SendTruncatedAsync(ctx, route.StatsKey, reply);
                return;
        }

        await SendAsync(ctx, route.StatsKey, reply);
    }

    private Reply Run(ApiRequest request, Func<ApiRequest, Reply> handler)
    {
        try
        {
            return handler(request);
        }
        catch (ApiException e)
        {
            return JsonOut.ErrorReply(e, request.CorrelationId);
        }
        catch (Exception e)
        {
            _log.LogError(e, "emulator handler failed for {Method} {Path}", request.Http.Request.Method, request.Http.Request.Path);
            return JsonOut.ErrorReply(new ApiException(500, "INTERNAL_ERROR", "internal error"), request.CorrelationId);
        }
    }

    private async Task FailAfterAsync(HttpContext ctx, RouteInfo route, FaultDecision fault, string correlationId)
    {
        if (fault.Kind == FaultKind.Reset)
        {
            Stats.Request(route.StatsKey, 0);
            ctx.Abort();
            return;
        }

        await SendAsync(ctx, route.StatsKey, ServerError(fault.Kind, correlationId));
    }

    public bool Authorized(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() == Options.Token;
    }

    public static Reply Unauthorized(string correlationId) => JsonOut.ErrorReply(new ApiException(401, "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"),
        correlationId);

    private Reply TooManyRequests(string policy, long retryAfterMs, string correlationId)
    {
        var message = policy switch
        {
            "DAILY" => "You have reached your daily limit.",
            "SECONDLY" => "You have reached your secondly limit.",
            _ => "You have reached your ten_secondly_rolling limit.",
        };
        var reply = Reply.Json(429, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", message);
            w.WriteString("errorType", "RATE_LIMIT");
            w.WriteString("correlationId", correlationId);
            w.WriteString("policyName", policy);
            if (policy != "DAILY")
            {
                w.WriteString("groupName", policy == "SECONDLY"
                    ? $"publicapi:search-api-calls-secondly:{Options.PortalId}"
                    : $"publicapi:private_app-api-calls-ten-secondly:1:{Options.PortalId}");
            }

            w.WriteString("requestId", Guid.NewGuid().ToString());
            w.WriteEndObject();
        });
        if (SendRetryAfter)
        {
            reply.Headers.Add(new("Retry-After", Math.Max(1, (long)Math.Ceiling(retryAfterMs / 1000.0)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return reply;
    }

    private static Reply ServerError(FaultKind kind, string correlationId)
    {
        var (status, message) = kind switch
        {
            FaultKind.Status500 => (500, "internal error"),
            FaultKind.Status502 => (502, "Bad Gateway"),
            FaultKind.Status503 => (503, "Service Unavailable"),
            _ => (504, "Gateway Timeout"),
        };
        return JsonOut.ErrorReply(new ApiException(status, "INTERNAL_ERROR", message), correlationId);
    }

    public static string FaultName(FaultKind kind) => kind switch
    {
        FaultKind.TooManyRequests => "429",
        FaultKind.Status500 => "500",
        FaultKind.Status502 => "502",
        FaultKind.Status503 => "503",
        FaultKind.Status504 => "504",
        FaultKind.Reset => "reset",
        FaultKind.Slow => "slow",
        FaultKind.Truncate => "truncate",
        _ => "none",
    };

    /// <summary>Reads the body, or returns null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var feature = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public async Task SendAsync(HttpContext ctx, string statsKey, Reply reply)
    {
        Stats.Request(statsKey, reply.Status);
        ctx.Response.StatusCode = reply.Status;
        foreach (var (k, v) in reply.Headers)
        {
            ctx.Response.Headers[k] = v;
        }

        if (reply.Body is { } body)
        {
            ctx.Response.ContentType = "application/json;charset=utf-8";
            ctx.Response.ContentLength = body.Length;
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        }
    }

    private async Task SendTruncatedAsync(HttpContext ctx, string statsKey, Reply reply)
    {
        var body = reply.Body ?? Encoding.UTF8.GetBytes("{}");
        Stats.Request(statsKey, reply.Status);
        ctx.Response.StatusCode = reply.Status;
        ctx.Response.ContentType = "application/json;charset=utf-8";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        ctx.Abort();
    }
}
