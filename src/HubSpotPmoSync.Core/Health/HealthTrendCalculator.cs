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
        if (currentScore is null)
        {
            return HealthTrend.Unknown;
        }

        var previous = history
            .Where(s => s.AsOf < asOf && s.Score is not null)
            .OrderByDescending(s => s.AsOf)
            .ThenByDescending(s => s.RunAt)
            .Take(rules.Window)
            .Select(s => s.Score!.Value)
            .ToList();
        if (previous.Count == 0)
        {
            return HealthTrend.Unknown;
        }

        var delta = currentScore.Value - previous.Average();
        return delta > rules.DeadBand ? HealthTrend.Improving : delta < -rules.DeadBand ? HealthTrend.Worsening : HealthTrend.Steady;
    }
}
