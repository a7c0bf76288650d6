using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// The client-side rate limiter, one per process: a rolling-window token bucket per budget (general burst,
/// search, associations), a cap on calls in flight and the daily-quota share. Sized from the tier, corrected
/// from every answer's <c>X-HubSpot-RateLimit-*</c> headers. 429s should be rare, not the control loop.
/// </summary>
internal sealed class HubSpotRateLimiter : IDisposable
{
    internal const string MaxHeader = "X-HubSpot-RateLimit-Max";
    internal const string RemainingHeader = "X-HubSpot-RateLimit-Remaining";
    internal const string IntervalHeader = "X-HubSpot-RateLimit-Interval-Milliseconds";
    internal const string DailyHeader = "X-HubSpot-RateLimit-Daily";
    internal const string DailyRemainingHeader = "X-HubSpot-RateLimit-Daily-Remaining";

    private readonly SemaphoreSlim _concurrency;
    private readonly ILogger _logger;

    public HubSpotRateLimiter(IOptions<HubSpotOptions> options, TimeProvider timeProvider, ILogger<HubSpotRateLimiter> logger)
    {
        var o = options.Value;
        var limits = HubSpotLimits.For(o);
        General = new RollingWindowBudget("general", limits.Burst, HubSpotLimits.BurstInterval, timeProvider);
        Search = new RollingWindowBudget("search", limits.SearchPerSecond, HubSpotLimits.SearchInterval, timeProvider);
        Associations = new RollingWindowBudget("associations", limits.AssociationsBurst, HubSpotLimits.BurstInterval, timeProvider);
        Daily = new DailyQuota(o.DailyQuotaShare, limits.Daily);
        MaxConcurrency = o.MaxConcurrency;
        _concurrency = new SemaphoreSlim(o.MaxConcurrency, o.MaxConcurrency);
        _logger = logger;
    }

    public RollingWindowBudget General { get; }

    public RollingWindowBudget Search { get; }

    public RollingWindowBudget Associations { get; }

    public DailyQuota Daily { get; }

    public int MaxConcurrency { get; }

    /// <summary>
    /// Waits for a concurrency slot and a token of each budget the call draws from; throws
    /// <see cref="Core.Crm.CrmQuotaExceededException"/> when the daily share is used up.
    /// </summary>
    public async ValueTask<Lease> AcquireAsync(HubSpotBudget budget, string route, CancellationToken cancellationToken)
    {
        Daily.TakeOne();
        await _concurrency.WaitAsync(cancellationToken);
        var taken = new List<RollingWindowBudget>(2);
        try
        {
            foreach (var bucket in BucketsFor(budget))
            {
                var waited = await bucket.AcquireAsync(cancellationToken);
                taken.Add(bucket);
                if (waited > TimeSpan.Zero)
                {
                    Log.WaitedForRateLimit(_logger, route, bucket.Name, waited.TotalMilliseconds);
                }
            }
        }
        catch
        {
            foreach (var bucket in taken)
            {
                bucket.Cancel();
            }

            _concurrency.Release();
            throw;
        }

        return new Lease(this, taken);
    }

    /// <summary>Applies an answer's rate-limit headers (and a 429's policy) to the budget the call drew from.</summary>
    public void Observe(HubSpotBudget budget, HttpResponseMessage response, string? policyName)
    {
        var headers = response.Headers;
        var own = budget switch
        {
            HubSpotBudget.Search => Search,
            HubSpotBudget.Associations => Associations,
            _ => General,
        };

        var max = ReadInt(headers, MaxHeader);
        var remaining = ReadInt(headers, RemainingHeader);
        var intervalMs = ReadInt(headers, IntervalHeader);
        TimeSpan? interval = intervalMs is > 0 ? TimeSpan.FromMilliseconds(intervalMs.Value) : null;
        if ((max is not null || remaining is not null) && own.Correct(max, remaining, interval))
        {
            Log.RateLimitCorrected(_logger, own.Name, own.Capacity ?? -1, remaining ?? -1);
        }

        if (Daily.Report(ReadLong(headers, DailyHeader), ReadLong(headers, DailyRemainingHeader)))
        {
            Log.DailyShareReached(_logger, Daily.EstimatedRemaining ?? 0, Daily.Share);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            switch (policyName)
            {
                case HubSpotRateLimitPolicy.TenSecondlyRolling when remaining is null:
                    own.MarkExhausted(interval);
                    break;
                case HubSpotRateLimitPolicy.Secondly:
                    Search.MarkExhausted(null);
                    break;
                case HubSpotRateLimitPolicy.Daily:
                    Daily.Report(null, 0);
                    break;
                default:
                    if (budget == HubSpotBudget.Search && remaining is null)
                    {
                        Search.MarkExhausted(null);
                    }

                    break;
            }
        }
    }

    public void Dispose()
    {
        _concurrency.Dispose();
        General.Dispose();
        Search.Dispose();
        Associations.Dispose();
    }

    private IEnumerable<RollingWindowBudget> BucketsFor(HubSpotBudget budget) => budget switch
    {
        HubSpotBudget.Search => [Search],
        HubSpotBudget.Associations => [Associations],
        _ => [General],
    };

    private void Release(List<RollingWindowBudget> taken)
    {
        foreach (var bucket in taken)
        {
            bucket.Complete();
        }

        _concurrency.Release();
    }

    private static int? ReadInt(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static long? ReadLong(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>Held for the duration of one HTTP attempt; disposing it returns the concurrency slot and starts the tokens' way back.</summary>
    internal sealed class Lease(HubSpotRateLimiter owner, List<RollingWindowBudget> taken) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(taken);
            }
        }
    }
}

/// <summary>HubSpot's <c>policyName</c> values in 429 bodies.</summary>
internal static class HubSpotRateLimitPolicy
{
    public const string TenSecondlyRolling = "TEN_SECONDLY_ROLLING";
    public const string Secondly = "SECONDLY";
    public const string Daily = "DAILY";

    /// <summary>The exact message HubSpot's search 429 carries (the official SDK matches on it).</summary>
    public const string SecondlyMessage = "You have reached your secondly limit.";
}
