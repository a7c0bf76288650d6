namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>Which budgets a route's calls count against (besides the daily quota, which every call counts against).</summary>
internal enum LimitKind
{
    /// <summary>The app's 10-second burst budget.</summary>
    Standard,

    /// <summary>Search: 5 requests/s per account; exempt from the burst budget.</summary>
    Search,

    /// <summary>Association batch and label endpoints: exempt from the burst budget (<c>ten-secondly</c> exemption), counted in the associations API's own 10-second budget.</summary>
    Associations,

    /// <summary>One-record association endpoints (not exempt): counted in both the burst budget and the associations budget.</summary>
    AssociationsRecord,
}

/// <summary>HubSpot's limits for one tier (API-FACTS §4.1). Null burst/daily means unlimited.</summary>
internal sealed record TierLimits(string Name, int? Burst, long? Daily, int? AssociationsBurst, long? AssociationsDaily, int? SearchPerSecond)
{
    public static readonly IReadOnlyList<string> Names = ["free", "pro", "enterprise", "addon", "unlimited"];

    public static TierLimits For(string tier) => tier switch
    {
        "free" => new("free", 100, 250_000, 100, 250_000, 5),
        "pro" => new("pro", 190, 625_000, 150, 500_000, 5),
        "enterprise" => new("enterprise", 190, 1_000_000, 150, 500_000, 5),
        "addon" => new("addon", 250, 2_000_000, 200, 1_000_000, 5),
        "unlimited" => new("unlimited", null, null, null, null, null),
        _ => throw new ArgumentException($"unknown tier '{tier}'; expected one of {string.Join(", ", Names)}", nameof(tier)),
    };
}

internal sealed record RateDecision(bool Allowed, string? Policy, long RetryAfterMs, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Rolling 10-second burst window per app, 1-second search window, per-account daily quota, and the associations budget.
/// Search and the association batch/label endpoints carry the <c>ten-secondly</c> exemption (API-FACTS §16): they never
/// spend the burst window; the association endpoints spend their own 10-second window instead (API-FACTS §4.1), and the
/// one-record association endpoints, which the spec does not exempt, spend both.
/// Windows and the day shrink by the time scale (scale 10: a 1 s window with the same maximum).
/// </summary>
internal sealed class RateLimiter
{
    private readonly object _gate = new();
    private readonly Queue<long> _burst = new();
    private readonly Queue<long> _search = new();
    private readonly Queue<long> _associations = new();
    private long _dailyUsed;
    private long _associationsDailyUsed;
    private long _dayIndex = long.MinValue;

    public RateLimiter(string tier, double timeScale, long? dailyOverride)
    {
        Configure(tier, timeScale, dailyOverride);
    }

    public TierLimits Limits { get; private set; } = TierLimits.For("unlimited");

    public double TimeScale { get; private set; } = 1;

    public long? DailyOverride { get; private set; }

    public long WindowMs => Math.Max(1, (long)Math.Round(10_000 / TimeScale));

    public long SearchWindowMs => Math.Max(1, (long)Math.Round(1_000 / TimeScale));

    public long DayMs => Math.Max(1, (long)Math.Round(86_400_000 / TimeScale));

    public long? Daily => DailyOverride ?? Limits.Daily;

    public long DailyUsed
    {
        get
        {
            lock (_gate)
            {
                return _dailyUsed;
            }
        }
    }

    public void Configure(string tier, double timeScale, long? dailyOverride)
    {
        if (!(timeScale > 0) || double.IsInfinity(timeScale))
        {
            throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "time scale must be a positive number");
        }

        var limits = TierLimits.For(tier);
        lock (_gate)
        {
            Limits = limits;
            TimeScale = timeScale;
            DailyOverride = dailyOverride;
            ResetCounters();
        }
    }

    public void ResetCounters()
    {
        lock (_gate)
        {
            _burst.Clear();
            _search.Clear();
            _associations.Clear();
            _dailyUsed = 0;
            _associationsDailyUsed = 0;
            _dayIndex = long.MinValue;
        }
    }

    public RateDecision Acquire(LimitKind kind, long nowMs)
    {
        lock (_gate)
        {
            var day = nowMs / DayMs;
            if (day != _dayIndex)
            {
                _dayIndex = day;
                _dailyUsed = 0;
                _associationsDailyUsed = 0;
            }

            Trim(_burst, nowMs - WindowMs);
            Trim(_associations, nowMs - WindowMs);
            Trim(_search, nowMs - SearchWindowMs);

            var daily = Daily;
            var untilTomorrow = ((day + 1) * DayMs) - nowMs;
            if (daily is { } d && _dailyUsed >= d)
            {
                return Deny("DAILY", untilTomorrow, kind, nowMs);
            }

            if ((kind is LimitKind.Associations or LimitKind.AssociationsRecord) && Limits.AssociationsDaily is { } ad && _associationsDailyUsed >= ad)
            {
                return Deny("DAILY", untilTomorrow, kind, nowMs);
            }

            var (queue, max, window, policy) = Window(kind);
            if (max is { } m && queue.Count >= m)
            {
                return Deny(policy, queue.Peek() + window - nowMs, kind, nowMs);
            }

            // A one-record association call spends both budgets: refused when either is spent.
            if (kind == LimitKind.AssociationsRecord && Limits.AssociationsBurst is { } am && _associations.Count >= am)
            {
                return Deny("TEN_SECONDLY_ROLLING", _associations.Peek() + WindowMs - nowMs, kind, nowMs);
            }

            if (max is not null)
            {
                queue.Enqueue(nowMs);
            }

            if (kind == LimitKind.AssociationsRecord && Limits.AssociationsBurst is not null)
            {
                _associations.Enqueue(nowMs);
            }

            _dailyUsed++;
            if (kind is LimitKind.Associations or LimitKind.AssociationsRecord)
            {
                _associationsDailyUsed++;
            }

            return new RateDecision(true, null, 0, Headers(kind, nowMs));
        }
    }

    // The window a kind's answers report in their headers (and, for all but AssociationsRecord, the only one it spends).
    private (Queue<long> Queue, int? Max, long Window, string Policy) Window(LimitKind kind) => kind switch
    {
        LimitKind.Search => (_search, Limits.SearchPerSecond, SearchWindowMs, "SECONDLY"),
        LimitKind.Associations => (_associations, Limits.AssociationsBurst, WindowMs, "TEN_SECONDLY_ROLLING"),
        _ => (_burst, Limits.Burst, WindowMs, "TEN_SECONDLY_ROLLING"),
    };

    private RateDecision Deny(string policy, long retryAfterMs, LimitKind kind, long nowMs) =>
        new(false, policy, Math.Max(1, retryAfterMs), Headers(kind, nowMs));

    private List<KeyValuePair<string, string>> Headers(LimitKind kind, long nowMs)
    {
        // Search answers carry no rate-limit headers (API-FACTS §4.2); unlimited sends none either.
        if (kind == LimitKind.Search || Limits.Burst is null)
        {
            return [];
        }

        var (queue, max, window, _) = Window(kind);
        var m = max!.Value;
        var secondly = Math.Max(1, m / 10);
        var inLastSecond = queue.Count(t => t > nowMs - Math.Max(1, window / 10));
        var headers = new List<KeyValuePair<string, string>>(7);
        if (Daily is { } daily)
        {
            headers.Add(new("X-HubSpot-RateLimit-Daily", daily.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add(new("X-HubSpot-RateLimit-Daily-Remaining", Math.Max(0, daily - _dailyUsed).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        headers.Add(new("X-HubSpot-RateLimit-Interval-Milliseconds", window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(new("X-HubSpot-RateLimit-Max", m.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(new("X-HubSpot-RateLimit-Remaining", Math.Max(0, m - queue.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(new("X-HubSpot-RateLimit-Secondly", secondly.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(new("X-HubSpot-RateLimit-Secondly-Remaining", Math.Max(0, secondly - inLastSecond).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return headers;
    }

    private static void Trim(Queue<long> q, long olderThanOrAt)
    {
        while (q.Count > 0 && q.Peek() <= olderThanOrAt)
        {
            q.Dequeue();
        }
    }
}
