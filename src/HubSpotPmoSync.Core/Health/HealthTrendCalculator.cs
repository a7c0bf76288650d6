namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// The trend rule: compare the current score with the mean score of the last <see cref="TrendRules.Window"/>
/// snapshots taken before the current as-of moment; more than <see cref="TrendRules.DeadBand"/> points up is
/// improving, more than that down is worsening, anything within the band is steady. Snapshots without a
/// score are skipped; with none left (or no score now) the trend is unknown.
/// </summary>
public static class HealthTrendCalculator
{
    public static HealthTrend Trend(decimal? currentScore, IEnumerable<HealthSnapshot> history, DateTimeOffset asOf, TrendRules rules)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(rules);
        return Trend(currentScore, new ReadOnlySpan<HealthSnapshot>(history as HealthSnapshot[] ?? [.. history]), asOf, rules);
    }

    /// <summary>The trend against one project's snapshots (in any order; "last" = latest as-of, then latest run, then first given).</summary>
    internal static HealthTrend Trend(decimal? currentScore, ReadOnlySpan<HealthSnapshot> history, DateTimeOffset asOf, TrendRules rules)
    {
        if (currentScore is null || history.IsEmpty || rules.Window < 1)
        {
            return HealthTrend.Unknown;
        }

        // The latest Window snapshots with a score before as-of, latest first: an insertion into a short sorted window
        // (a snapshot goes after those it ties with, as a stable sort would put it).
        var window = Math.Min(rules.Window, history.Length);
        var latest = window <= 16 ? stackalloc int[window] : new int[window];
        var count = 0;
        for (var i = 0; i < history.Length; i++)
        {
            var s = history[i];
            if (s.AsOf >= asOf || s.Score is null)
            {
                continue;
            }

            var at = count;
            while (at > 0 && IsLater(s, history[latest[at - 1]]))
            {
                at--;
            }

            if (at == window)
            {
                continue;
            }

            var last = Math.Min(count, window - 1);
            latest[at..last].CopyTo(latest[(at + 1)..]);
            latest[at] = i;
            count = Math.Min(count + 1, window);
        }

        if (count == 0)
        {
            return HealthTrend.Unknown;
        }

        var sum = history[latest[0]].Score!.Value;
        for (var k = 1; k < count; k++)
        {
            sum += history[latest[k]].Score!.Value;
        }

        var delta = currentScore.Value - sum / count;
        return delta > rules.DeadBand ? HealthTrend.Improving : delta < -rules.DeadBand ? HealthTrend.Worsening : HealthTrend.Steady;
    }

    private static bool IsLater(HealthSnapshot a, HealthSnapshot b) => a.AsOf > b.AsOf || (a.AsOf == b.AsOf && a.RunAt > b.RunAt);
}
