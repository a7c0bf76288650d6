using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot.Telemetry;

/// <summary>
/// The HubSpot client's instruments on the worker's meter (<see cref="PmoSyncMeter.Name"/>): every attempt by endpoint
/// group and status, the 429s by policy, the retries, and — read when scraped — the rate limiter's burst windows and
/// the daily quota. One per process, beside the one pipeline; it also remembers when HubSpot last answered.
/// </summary>
internal sealed class HubSpotMetrics : ICrmReachability
{
    public const string Calls = "pmosync.hubspot.calls";
    public const string RateLimited = "pmosync.hubspot.rate_limited";
    public const string Retries = "pmosync.hubspot.retries";
    public const string BurstUtilisation = "pmosync.hubspot.burst_utilisation";
    public const string DailyRemaining = "pmosync.hubspot.daily_remaining";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _retries;
    private readonly TimeProvider _time;
    private long _lastAnswerTicks = long.MinValue;

    public HubSpotMetrics(IMeterFactory meterFactory, HubSpotRateLimiter limiter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = time;
        var meter = meterFactory.Create(PmoSyncMeter.Name);
        _calls = meter.CreateCounter<long>(Calls, "{call}", "HTTP attempts sent to HubSpot (retries included), by endpoint group and status code or network outcome.");
        _rateLimited = meter.CreateCounter<long>(RateLimited, "{call}", "HubSpot answers 429, by the policy named in the body.");
        _retries = meter.CreateCounter<long>(Retries, "{call}", "Attempts repeated by the retry strategy, by endpoint group.");
        meter.CreateObservableGauge(
            BurstUtilisation,
            () => Utilisation(limiter),
            null,
            "Share of the client-side rate-limit window in use (0-1): tokens spent and not yet back over the window's size, by budget.");
        meter.CreateObservableGauge(
            DailyRemaining,
            () => Remaining(limiter.Daily),
            "{call}",
            "Calls left today: the portal's remainder as HubSpot last reported it less the calls sent since (scope=portal), and what this worker may still use before HubSpot:DailyQuotaShare stops it (scope=worker).");
    }

    /// <inheritdoc />
    public DateTimeOffset? LastAnswerAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastAnswerTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Counts one attempt: its status (an HTTP code, or the network outcome), and a 429's policy.</summary>
    public void RecordAttempt(HubSpotCall call, string status, int? httpStatus, string? rateLimitPolicy)
    {
        var group = GroupOf(call.Route);
        _calls.Add(1, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("status", status));
        if (httpStatus == 429)
        {
            _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", string.IsNullOrEmpty(rateLimitPolicy) ? "unknown" : rateLimitPolicy));
        }

        if (httpStatus is < 500)
        {
            Interlocked.Exchange(ref _lastAnswerTicks, _time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Counts one retry of a call.</summary>
    public void RecordRetry(HubSpotCall call) => _retries.Add(1, new KeyValuePair<string, object?>("group", GroupOf(call.Route)));

    /// <summary>
    /// The endpoint group of a route template (<c>"POST /crm/objects/2026-03/{objectType}/search"</c>, either API
    /// family): list, search, batch (batch reads), write (batch create/update/upsert/archive), associations, schema
    /// (properties, pipelines, object schemas), account, or other. A handful of values, so the series stay few.
    /// </summary>
    internal static string GroupOf(string route)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var method = space < 0 ? string.Empty : route[..space];
        var path = space < 0 ? route : route[(space + 1)..];
        bool Has(string part) => path.Contains(part, StringComparison.Ordinal);
        if (Has("/associations/"))
        {
            return "associations";
        }

        if (path.EndsWith("/search", StringComparison.Ordinal))
        {
            return "search";
        }

        if (path.EndsWith("/batch/read", StringComparison.Ordinal))
        {
            return "batch";
        }

        if (Has("/objects/"))
        {
            return Has("/batch/") ? "write" : method == "GET" ? "list" : "other";
        }

        if (Has("/properties/") || Has("/pipelines/") || Has("crm-object-schemas/"))
        {
            return "schema";
        }

        return Has("/account-info/") ? "account" : "other";
    }

    private static IEnumerable<Measurement<double>> Utilisation(HubSpotRateLimiter limiter)
    {
        foreach (var budget in new[] { limiter.General, limiter.Associations, limiter.Search })
        {
            if (budget.Capacity is { } capacity && capacity > 0)
            {
                yield return new Measurement<double>(
                    Math.Min(1.0, (double)budget.Used / capacity), new KeyValuePair<string, object?>("budget", budget.Name));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Remaining(DailyQuota daily)
    {
        if (daily.EstimatedRemaining is not { } remaining)
        {
            yield break;
        }

        yield return new Measurement<long>(Math.Max(0, remaining), new KeyValuePair<string, object?>("scope", "portal"));
        if (daily.Floor is { } floor)
        {
            yield return new Measurement<long>(Math.Max(0, remaining - floor), new KeyValuePair<string, object?>("scope", "worker"));
        }
    }
}
