using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// This worker's share of the portal's daily quota. The portal reports its daily limit and what is left
/// (<c>X-HubSpot-RateLimit-Daily</c> / <c>-Daily-Remaining</c>); the worker stops once the remainder, less the
/// calls sent since the last report, would fall to <c>(1 − share) × limit</c>, leaving that much of the day to
/// the portal's other integrations. So it never uses more than <c>share × limit</c> in a day.
/// </summary>
internal sealed class DailyQuota(double share, long? configuredLimit)
{
    private readonly object _gate = new();
    private long? _limit = configuredLimit;
    private long? _remaining;
    private long _sentSinceReport;

    public double Share { get; } = share;

    /// <summary>The estimated calls left today for the whole portal, when the portal has reported it.</summary>
    public long? EstimatedRemaining
    {
        get
        {
            lock (_gate)
            {
                return _remaining - _sentSinceReport;
            }
        }
    }

    /// <summary>The portal's remainder below which this worker stops.</summary>
    public long? Floor
    {
        get
        {
            lock (_gate)
            {
                return _limit is { } limit ? (long)Math.Ceiling(limit * (1 - Share)) : null;
            }
        }
    }

    /// <summary>Counts one call about to be sent, or throws when the worker's share is used up.</summary>
    public void TakeOne()
    {
        lock (_gate)
        {
            if (_remaining is { } remaining && _limit is { } limit)
            {
                var floor = (long)Math.Ceiling(limit * (1 - Share));
                if (remaining - _sentSinceReport <= floor)
                {
                    throw new CrmQuotaExceededException(
                        $"The HubSpot daily quota share is used up: the portal has about {Math.Max(remaining - _sentSinceReport, 0)} of "
                        + $"{limit} calls left today and HubSpot:DailyQuotaShare = {Share} keeps {floor} for other integrations. "
                        + "Calls resume after the portal's daily reset (midnight in the portal's time zone).");
                }
            }

            _sentSinceReport++;
        }
    }

    /// <summary>Applies the portal's report of its daily limit and what is left.</summary>
    /// <returns>True when the worker's share is now used up.</returns>
    public bool Report(long? limit, long? remaining)
    {
        lock (_gate)
        {
            if (limit is > 0)
            {
                _limit = limit;
            }

            if (remaining is { } r)
            {
                _remaining = Math.Max(r, 0);
                _sentSinceReport = 0;
            }

            return _remaining is { } rem && _limit is { } l && rem <= (long)Math.Ceiling(l * (1 - Share));
        }
    }
}
