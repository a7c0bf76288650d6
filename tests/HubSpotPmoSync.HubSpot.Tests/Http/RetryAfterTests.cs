using System.Net.Http.Headers;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.Testing;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

public sealed class RetryAfterTests
{
    [Fact]
    public void TryGet_DeltaSeconds_ReturnsThem()
    {
        Assert.True(RetryAfter.TryGet(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), new FakeTimeProvider(), out var delay));
        Assert.Equal(TimeSpan.FromSeconds(3), delay);
    }

    [Fact]
    public void TryGet_DateInFuture_ReturnsTimeUntilThenOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();

        Assert.True(RetryAfter.TryGet(new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(42)), time, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(42), delay);
    }

    [Fact]
    public void TryGet_DateInPast_ReturnsZero()
    {
        var time = new FakeTimeProvider();

        Assert.True(RetryAfter.TryGet(new RetryConditionHeaderValue(time.GetUtcNow().AddMinutes(-1)), time, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void TryGet_NoHeader_ReturnsFalse()
    {
        Assert.False(RetryAfter.TryGet((RetryConditionHeaderValue?)null, new FakeTimeProvider(), out _));
    }
}
