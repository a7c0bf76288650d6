using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(0.4, "0 ms")]
    [InlineData(250, "250 ms")]
    [InlineData(999.4, "999 ms")]
    [InlineData(999.6, "1.0 s")]
    [InlineData(1_026.1188, "1.0 s")]
    [InlineData(59_940, "59.9 s")]
    [InlineData(59_960, "1 min")]
    [InlineData(125_300, "2 min 5 s")]
    [InlineData(3_599_600, "1 h")]
    [InlineData(3_900_000, "1 h 5 min")]
    [InlineData(-1_500, "-1.5 s")]
    public void Format_Duration_ReadsLikeAPersonWouldWriteIt(double milliseconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
