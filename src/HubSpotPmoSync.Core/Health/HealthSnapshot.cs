namespace HubSpotPmoSync.Core.Health;

/// <summary>What is kept of one project's health per scoring run (for the trend and for history).</summary>
/// <param name="RunAt">When the scoring run happened.</param>
/// <param name="AsOf">The moment the run scored as of (equal to <paramref name="RunAt"/> unless run with --as-of).</param>
public sealed record HealthSnapshot(
    string ProjectId,
    string ProjectCode,
    DateTimeOffset RunAt,
    DateTimeOffset AsOf,
    decimal? Score,
    Rag Rag,
    HealthTrend Trend,
    decimal? Cpi,
    decimal? Spi,
    decimal? Eac,
    string Currency,
    string TopReason)
{
    /// <summary>The snapshots of a scoring run, one per project, in the portfolio's order.</summary>
    public static HealthSnapshot[] Of(PortfolioHealth portfolio, DateTimeOffset runAt)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        var snapshots = new HealthSnapshot[portfolio.Projects.Count];
        for (var i = 0; i < snapshots.Length; i++)
        {
            snapshots[i] = From(portfolio.Projects[i], runAt);
        }

        return snapshots;
    }

    /// <summary>The snapshot of a freshly evaluated project.</summary>
    public static HealthSnapshot From(ProjectHealth health, DateTimeOffset runAt)
    {
        ArgumentNullException.ThrowIfNull(health);
        return new HealthSnapshot(
            health.ProjectId,
            health.ProjectCode,
            runAt,
            health.AsOf,
            health.Score,
            health.Rag,
            health.Trend,
            health.EarnedValue.Cpi,
            health.EarnedValue.Spi,
            health.EarnedValue.Eac,
            health.EarnedValue.Currency,
            health.TopReason);
    }
}
