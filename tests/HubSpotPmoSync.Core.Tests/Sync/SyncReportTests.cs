using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class SyncReportTests
{
    /// <summary>Issue 17: a duration is printed for people: a long cycle reads "2 min 5 s", not "125.3 s".</summary>
    [Theory]
    [InlineData(125_300, "in 2 min 5 s")]
    [InlineData(1_026.1188, "in 1.0 s")]
    [InlineData(250, "in 250 ms")]
    public void Summary_Duration_IsAHumanDuration(double milliseconds, string expected)
    {
        var report = new SyncReport(false, false, DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(milliseconds), []);

        Assert.EndsWith(expected, report.Summary(), StringComparison.Ordinal);
    }
}
