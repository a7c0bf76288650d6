using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class HealthTrendCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TrendRules Rules = new(Window: 3, DeadBand: 5m);

    private static HealthSnapshot Snap(int daysAgo, decimal? score) =>
        new("p-1", "PRJ-0001", Now.AddDays(-daysAgo), Now.AddDays(-daysAgo), score, Rag.Green, HealthTrend.Unknown, null, null, null, "EUR", "On track");

    [Theory]
    [InlineData(75.1, HealthTrend.Improving)]
    [InlineData(75.0, HealthTrend.Steady)]
    [InlineData(65.0, HealthTrend.Steady)]
    [InlineData(64.9, HealthTrend.Worsening)]
    public void Trend_AgainstMeanOfLastWindow_DeadBandIsSteady(double current, HealthTrend expected)
    {
        // Mean of the last three (60, 70, 80) is 70; the oldest (10) is outside the window.
        var history = new[] { Snap(4, 10m), Snap(3, 60m), Snap(2, 70m), Snap(1, 80m) };

        Assert.Equal(expected, HealthTrendCalculator.Trend((decimal)current, history, Now, Rules));
    }

    [Fact]
    public void Trend_NoHistory_Unknown()
    {
        Assert.Equal(HealthTrend.Unknown, HealthTrendCalculator.Trend(80m, [], Now, Rules));
    }

    [Fact]
    public void Trend_NoCurrentScore_Unknown()
    {
        Assert.Equal(HealthTrend.Unknown, HealthTrendCalculator.Trend(null, [Snap(1, 50m)], Now, Rules));
    }

    [Fact]
    public void Trend_SnapshotsWithoutScoreOrNotBeforeAsOf_Skipped()
    {
        var history = new[] { Snap(2, 50m), Snap(1, null), Snap(0, 99m), Snap(-1, 99m) };

        Assert.Equal(HealthTrend.Improving, HealthTrendCalculator.Trend(60m, history, Now, Rules));
    }
}
