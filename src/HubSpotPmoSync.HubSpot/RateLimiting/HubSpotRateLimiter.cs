using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// The client-side rate limiter, one per process: a rolling-window token bucket per budget (general burst,
/// search, associations), the calls in flight per budget (<see cref="AdaptiveConcurrency"/>: rate × measured round
/// trip), a cap on all calls in flight (<c>HubSpot:MaxConcurrency</c>) and the daily-quota share. Sized from the
/// tier, corrected from every answer's <c>X-HubSpot-RateLimit-*</c> headers. 429s should be rare, not the control loop.
/// </summary>
/// <remarks>
/// The budgets are accounted apart: search (5 a second, no headers on its answers) and the association batch
/// endpoints are exempt from the 10-second burst budget (API-FACTS §16), so they never spend <see cref="General"/>.
/// A call waits, in this order, for a place among its budget's calls in flight, a token of its budget and a place
/// among all calls in flight; so calls waiting for one budget's tokens never hold the places another budget needs.
/// </remarks>
internal sealed class HubSpotRateLimiter : IDisposable
{
    internal const string MaxHeader = "X-HubSpot-RateLimit-Max";
    internal const string RemainingHeader = "X-HubSpot-RateLimit-Remaining";
    internal const string IntervalHeader = "X-HubSpot-RateLimit-Interval-Milliseconds";
    internal const string DailyHeader = "X-HubSpot-RateLimit-Daily";
    internal const string DailyRemainingHeader = "X-HubSpot-RateLimit-Daily-Remaining";

    private readonly SemaphoreSlim _concurrency;
    private readonly TimeProvider _timeProvider;
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
        GeneralInFlight = new AdaptiveConcurrency(General, o.MaxConcurrency);
        SearchInFlight = new AdaptiveConcurrency(Search, o.MaxConcurrency);
        AssociationsInFlight = new AdaptiveConcurrency(Associations, o.MaxConcurrency);
        _concurrency = new SemaphoreSlim(o.MaxConcurrency, o.MaxConcurrency);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public RollingWindowBudget General { get; }

    public RollingWindowBudget Search { get; }

    public RollingWindowBudget Associations { get; }

    public DailyQuota Daily { get; }

    public int MaxConcurrency { get; }

    /// <summary>The general burst budget's calls in flight.</summary>
    public AdaptiveConcurrency GeneralInFlight { get; }

    /// <summary>The search budget's calls in flight.</summary>
    public AdaptiveConcurrency SearchInFlight { get; }

    /// <summary>The associations budget's calls in flight.</summary>
    public AdaptiveConcurrency AssociationsInFlight { get; }

    /// <summary>The calls in flight of a budget.</summary>
    public AdaptiveConcurrency InFlightOf(HubSpotBudget budget) => budget switch
    {
        HubSpotBudget.Search => SearchInFlight,
        HubSpotBudget.Associations => AssociationsInFlight,
        _ => GeneralInFlight,
    };

    /// <summary>
    /// Waits for a place among the budget's calls in flight, a token of the budget and a place among all calls in
    /// flight; throws <see cref="Core.Crm.CrmQuotaExceededException"/> when the daily share is used up.
    /// </summary>
    public async ValueTask<Lease> AcquireAsync(HubSpotBudget budget, string route, CancellationToken cancellationToken)
    {
        Daily.TakeOne();
        var inFlight = InFlightOf(budget);
        await inFlight.WaitAsync(cancellationToken);
        var taken = new List<RollingWindowBudget>(1);
        var slot = false;
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

            await _concurrency.WaitAsync(cancellationToken);
            slot = true;
        }
        catch
        {
            foreach (var bucket in taken)
            {
                bucket.Cancel();
            }

            if (slot)
            {
                _concurrency.Release();
            }

            inFlight.Release(null);
            throw;
        }

        return new Lease(this, inFlight, taken, _timeProvider);
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
            InFlightOf(budget).Refresh();
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

    private void Release(AdaptiveConcurrency inFlight, List<RollingWindowBudget> taken, TimeSpan? roundTrip)
    {
        foreach (var bucket in taken)
        {
            bucket.Complete();
        }

        _concurrency.Release();
        inFlight.Release(roundTrip);
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

    /// <summary>
    /// Held for the duration of one HTTP attempt; disposing it returns the places in flight and starts the tokens'
    /// way back. <see cref="Answered"/> marks the end of a round trip worth measuring.
    /// </summary>
    internal sealed class Lease(HubSpotRateLimiter owner, AdaptiveConcurrency inFlight, List<RollingWindowBudget> taken, TimeProvider timeProvider) : IDisposable
    {
        private readonly long _started = timeProvider.GetTimestamp();
        private TimeSpan? _roundTrip;
        private int _disposed;

        /// <summary>The attempt got an answer now: its round trip feeds the budget's calls in flight.</summary>
        public void Answered() => _roundTrip ??= timeProvider.GetElapsedTime(_started);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(inFlight, taken, _roundTrip);
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
