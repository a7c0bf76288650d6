using System.Net;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.HubSpot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// The one resilience pipeline of the HubSpot client, registered once as a singleton. Order, outermost first:
/// total timeout → retry → circuit breaker → client rate limiter → attempt timeout.
/// </summary>
internal sealed class HubSpotPipeline
{
    public static readonly ResiliencePropertyKey<HubSpotCall> CallKey = new("HubSpotPmoSync.HubSpotCall");

    public static readonly HubSpotCall UnknownCall = new("? ?", HubSpotBudget.General, Idempotent: false);

    /// <summary>The longest wait the TEN_SECONDLY_ROLLING window can need.</summary>
    internal static readonly TimeSpan MaxWindowWait = TimeSpan.FromSeconds(10);

    /// <summary>HubSpot asks for at least 2 s after a 423 Locked.</summary>
    internal static readonly TimeSpan LockedWait = TimeSpan.FromSeconds(2);

    public HubSpotPipeline(
        IOptions<HubSpotOptions> options,
        TimeProvider timeProvider,
        HubSpotRateLimiter limiter,
        HubSpotUsage usage,
        HubSpotMetrics metrics,
        ILogger<HubSpotPipeline> logger)
    {
        Pipeline = Build(options.Value, timeProvider, limiter, usage, logger, metrics);
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    internal static ResiliencePipeline<HttpResponseMessage> Build(
        HubSpotOptions options, TimeProvider timeProvider, HubSpotRateLimiter limiter, HubSpotUsage usage, ILogger logger, HubSpotMetrics? metrics = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "HubSpot", TimeProvider = timeProvider };

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });

        // Polly needs at least one retry attempt; 0 means "no retry strategy at all".
        if (options.MaxRetryAttempts > 0)
        {
            AddRetry(builder, options, timeProvider, logger, metrics);
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "circuit-breaker",
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
            ShouldHandle = args => new ValueTask<bool>(IsOutage(args.Outcome)),
            OnOpened = args =>
            {
                Log.CircuitOpened(logger, HumanDuration.Format(args.BreakDuration), Describe(args.Outcome));
                return default;
            },
            OnHalfOpened = _ =>
            {
                Log.CircuitHalfOpened(logger);
                return default;
            },
            OnClosed = _ =>
            {
                Log.CircuitClosed(logger);
                return default;
            },
        });

        builder.AddStrategy(_ => new ClientRateLimitStrategy(limiter, usage, metrics), new ClientRateLimitStrategyOptions());

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });

        return builder.Build();
    }

    private static void AddRetry(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, HubSpotOptions options, TimeProvider timeProvider, ILogger logger, HubSpotMetrics? metrics) =>
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = "retry",
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context, options, timeProvider),
            DelayGenerator = args => DelayAsync(args.Outcome, args.AttemptNumber, timeProvider),
            OnRetry = args =>
            {
                var call = args.Context.Properties.GetValue(CallKey, UnknownCall);
                Log.RetryScheduled(logger, call.Route, Describe(args.Outcome), args.AttemptNumber + 1, HumanDuration.Format(args.RetryDelay));
                metrics?.RecordRetry(call);
                return default;
            },
        });

    /// <summary>
    /// Retry 5xx, 408, 429 (except DAILY), 423, network errors and timeouts. A call that is not idempotent is
    /// retried only when HubSpot certainly did not act on it: 429, 423, or a connection that never opened.
    /// A <c>Retry-After</c> longer than <see cref="HubSpotOptions.MaxRetryDelay"/> is not waited for.
    /// </summary>
    internal static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context, HubSpotOptions options, TimeProvider timeProvider)
    {
        var call = context.Properties.GetValue(CallKey, UnknownCall);
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
                HttpRequestException or TimeoutRejectedException => call.Idempotent,
                _ => false,
            };
        }

        var response = outcome.Result!;
        if (RetryAfter.TryGet(response, timeProvider, out var retryAfter) && retryAfter > options.MaxRetryDelay)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var body = await HubSpotErrorBody.ReadAsync(response, context.CancellationToken);
            return body.RateLimitPolicy != HubSpotRateLimitPolicy.Daily;
        }

        return status == 423 || (call.Idempotent && (status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout));
    }

    /// <summary>
    /// The wait before a retry: <c>Retry-After</c> when present; for TEN_SECONDLY_ROLLING until the window frees
    /// (<c>X-HubSpot-RateLimit-Interval-Milliseconds</c>, at most 10 s); about 1 s for SECONDLY (search);
    /// at least 2 s for 423; otherwise null, which lets the retry strategy back off exponentially with jitter.
    /// </summary>
    internal static async ValueTask<TimeSpan?> DelayAsync(Outcome<HttpResponseMessage> outcome, int attemptNumber, TimeProvider timeProvider)
    {
        if (outcome.Result is not { } response)
        {
            return null;
        }

        if (RetryAfter.TryGet(response, timeProvider, out var retryAfter))
        {
            return retryAfter;
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var body = await HubSpotErrorBody.ReadAsync(response, CancellationToken.None);
            switch (body.RateLimitPolicy)
            {
                case HubSpotRateLimitPolicy.TenSecondlyRolling:
                    var intervalMs = response.Headers.TryGetValues(HubSpotRateLimiter.IntervalHeader, out var values)
                        && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms)
                        && ms > 0
                            ? ms
                            : (int)MaxWindowWait.TotalMilliseconds;
                    return TimeSpan.FromMilliseconds(Math.Min(intervalMs, MaxWindowWait.TotalMilliseconds));
                case HubSpotRateLimitPolicy.Secondly:
                    return TimeSpan.FromSeconds(1);
                default:
                    return null;
            }
        }

        if ((int)response.StatusCode == 423)
        {
            return LockedWait * Math.Max(1, attemptNumber + 1);
        }

        return null;
    }

    /// <summary>What counts as the service being down (opens the circuit): 5xx, 408, network errors, timeouts — not 429.</summary>
    internal static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } r } => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } r
            ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : NetworkFailure.Describe(outcome.Exception);

    private sealed class ClientRateLimitStrategyOptions : ResilienceStrategyOptions
    {
        public ClientRateLimitStrategyOptions() => Name = "client-rate-limit";
    }
}
