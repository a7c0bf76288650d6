using System.Net;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;
using HubSpotPmoSync.Testing.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.Tests.RateLimiting;

public sealed class HubSpotRateLimiterTests
{
    private static HubSpotRateLimiter CreateSut(HubSpotTier tier = HubSpotTier.Pro, int maxConcurrency = 8) =>
        new(Options.Create(new HubSpotOptions { AccessToken = "t", Tier = tier, MaxConcurrency = maxConcurrency }), new FakeTimeProvider(), new FakeLogger<HubSpotRateLimiter>());

    private static HttpResponseMessage WithHeaders(HttpStatusCode status, params (string, string)[] headers) =>
        StubHttpMessageHandler.Json(status, "{}", headers);

    [Theory]
    [InlineData(HubSpotTier.Free, 100, 100)]
    [InlineData(HubSpotTier.Pro, 190, 150)]
    [InlineData(HubSpotTier.Enterprise, 190, 150)]
    [InlineData(HubSpotTier.Addon, 250, 200)]
    public void Constructor_Tier_SizesTheBuckets(HubSpotTier tier, int burst, int associations)
    {
        using var limiter = CreateSut(tier);

        Assert.Equal(burst, limiter.General.Capacity);
        Assert.Equal(associations, limiter.Associations.Capacity);
        Assert.Equal(5, limiter.Search.Capacity);
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Search.Interval);
    }

    [Fact]
    public void Constructor_ExplicitLimits_OverrideTheTier()
    {
        using var limiter = new HubSpotRateLimiter(
            Options.Create(new HubSpotOptions { AccessToken = "t", BurstLimit = 42, SearchLimitPerSecond = 2, AssociationsBurstLimit = 7 }),
            new FakeTimeProvider(),
            new FakeLogger<HubSpotRateLimiter>());

        Assert.Equal(42, limiter.General.Capacity);
        Assert.Equal(2, limiter.Search.Capacity);
        Assert.Equal(7, limiter.Associations.Capacity);
    }

    [Fact]
    public void Observe_RateLimitHeaders_CorrectTheBudgetTheCallDrewFrom()
    {
        using var limiter = CreateSut();
        using var response = WithHeaders(
            HttpStatusCode.OK,
            ("X-HubSpot-RateLimit-Max", "150"),
            ("X-HubSpot-RateLimit-Remaining", "140"),
            ("X-HubSpot-RateLimit-Interval-Milliseconds", "1000"));

        limiter.Observe(HubSpotBudget.Associations, response, null);

        Assert.Equal(150, limiter.Associations.Capacity);
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Associations.Interval);
        Assert.Equal(10, limiter.Associations.Used);
        Assert.Equal(0, limiter.General.Used);
    }

    [Fact]
    public void Observe_TenSecondly429WithoutHeaders_FillsTheWindow()
    {
        using var limiter = CreateSut();
        using var response = WithHeaders(HttpStatusCode.TooManyRequests);

        limiter.Observe(HubSpotBudget.General, response, HubSpotRateLimitPolicy.TenSecondlyRolling);

        Assert.Equal(190, limiter.General.Used);
    }

    [Fact]
    public void Observe_Secondly429_FillsTheSearchWindow()
    {
        using var limiter = CreateSut();
        using var response = WithHeaders(HttpStatusCode.TooManyRequests);

        limiter.Observe(HubSpotBudget.Search, response, HubSpotRateLimitPolicy.Secondly);

        Assert.Equal(5, limiter.Search.Used);
    }

    [Fact]
    public async Task AcquireAsync_DailyHeadersShowShareUsed_ThrowsQuotaExceeded()
    {
        using var limiter = CreateSut();
        using var response = WithHeaders(HttpStatusCode.OK, ("X-HubSpot-RateLimit-Daily", "1000"), ("X-HubSpot-RateLimit-Daily-Remaining", "500"));
        limiter.Observe(HubSpotBudget.General, response, null);

        await Assert.ThrowsAsync<Core.Crm.CrmQuotaExceededException>(() => limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AcquireAsync_MaxConcurrencyReached_WaitsForALeaseToBeReturned()
    {
        using var limiter = CreateSut(HubSpotTier.Unlimited, maxConcurrency: 2);
        var first = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        using var second = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);

        var third = limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using var lease = await third.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
