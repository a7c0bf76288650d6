using System.Net;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;
using HubSpotPmoSync.Testing.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.Tests.RateLimiting;

/// <summary>
/// The calls in flight per budget: rate × measured round trip × headroom, capped by HubSpot:MaxConcurrency; the
/// search and association budgets apart from the burst budget. Time is the fake clock's alone.
/// </summary>
public sealed class AdaptiveConcurrencyTests
{
    private static HubSpotRateLimiter CreateSut(FakeTimeProvider time, HubSpotTier tier = HubSpotTier.Pro, int maxConcurrency = 64) =>
        new(Options.Create(new HubSpotOptions { AccessToken = "t", Tier = tier, MaxConcurrency = maxConcurrency }), time, new FakeLogger<HubSpotRateLimiter>());

    /// <summary>One call of <paramref name="budget"/> answered after <paramref name="roundTrip"/> on the fake clock.</summary>
    private static async Task AnsweredCallAsync(HubSpotRateLimiter limiter, FakeTimeProvider time, HubSpotBudget budget, TimeSpan roundTrip)
    {
        using var lease = await limiter.AcquireAsync(budget, "GET /x", CancellationToken.None);
        time.Advance(roundTrip);
        lease.Answered();
    }

    [Theory]
    [InlineData(HubSpotTier.Free, 100, 2)] // 10/s × 0.1 s × 1.5 = 1.5
    [InlineData(HubSpotTier.Free, 400, 6)] // 10/s × 0.4 s × 1.5
    [InlineData(HubSpotTier.Pro, 100, 3)] // 19/s × 0.1 s × 1.5 = 2.85
    [InlineData(HubSpotTier.Pro, 250, 8)] // 7.125
    [InlineData(HubSpotTier.Pro, 1000, 29)] // 28.5
    [InlineData(HubSpotTier.Addon, 1000, 38)] // 25/s × 1 s × 1.5 = 37.5
    public async Task Limit_FollowsTheBudgetTimesTheMeasuredRoundTrip(HubSpotTier tier, int roundTripMs, int expected)
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, tier);

        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(roundTripMs));

        Assert.Equal(TimeSpan.FromMilliseconds(roundTripMs), limiter.GeneralInFlight.RoundTrip);
        Assert.Equal(expected, limiter.GeneralInFlight.Limit);
    }

    [Fact]
    public async Task Limit_IsCappedByMaxConcurrency()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Pro, maxConcurrency: 16);

        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromSeconds(2));

        Assert.Equal(16, limiter.GeneralInFlight.Limit);
    }

    [Fact]
    public async Task Limit_FollowsTheAverageOfRecentRoundTrips()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time);

        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(200));
        Assert.Equal(6, limiter.GeneralInFlight.Limit); // 19 × 0.2 × 1.5 = 5.7

        // The network slows down: the average moves towards 1 s and the calls in flight follow.
        for (var i = 0; i < 20; i++)
        {
            await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromSeconds(1));
        }

        Assert.InRange(limiter.GeneralInFlight.RoundTrip.TotalMilliseconds, 990, 1000);
        Assert.Equal(29, limiter.GeneralInFlight.Limit);
    }

    [Fact]
    public async Task Limit_IgnoresAttemptsWithoutAnAnswer()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time);
        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(200));

        using (await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None))
        {
            time.Advance(TimeSpan.FromSeconds(30)); // timed out: no answer, nothing measured
        }

        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.GeneralInFlight.RoundTrip);
    }

    [Fact]
    public async Task AcquireAsync_AtTheLimit_WaitsUntilACallEnds()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time);
        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, limiter.GeneralInFlight.Limit);

        var leases = new List<HubSpotRateLimiter.Lease>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None));
        }

        var fourth = limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        Assert.False(fourth.IsCompleted);
        Assert.Equal(3, limiter.GeneralInFlight.InFlight);

        // Tokens are plentiful (4 of 190 spent): only the calls in flight hold the fourth back.
        time.Advance(TimeSpan.FromMilliseconds(100));
        leases[0].Answered();
        leases[0].Dispose();
        using var admitted = await fourth.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, limiter.GeneralInFlight.InFlight);
        leases[1].Dispose();
        leases[2].Dispose();
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_WhileWaitingForAPlace_LeavesNoPlaceTaken()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, maxConcurrency: 1);
        var held = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(HubSpotBudget.General, "GET /x", cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, limiter.GeneralInFlight.InFlight);
        using var next = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        Assert.Equal(1, limiter.GeneralInFlight.InFlight);
    }

    [Fact]
    public async Task RateLimitMaxHeader_OtherThanTheTier_MovesTheLimit()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Pro);
        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromSeconds(1));
        Assert.Equal(29, limiter.GeneralInFlight.Limit); // 190 / 10 s

        limiter.Observe(HubSpotBudget.General, Headers(max: 100, intervalMs: 10_000), null);
        Assert.Equal(100, limiter.General.Capacity);
        Assert.Equal(15, limiter.GeneralInFlight.Limit); // 10/s × 1 s × 1.5

        limiter.Observe(HubSpotBudget.General, Headers(max: 250, intervalMs: 10_000), null);
        Assert.Equal(38, limiter.GeneralInFlight.Limit); // 37.5

        // The interval counts too: 100 a second.
        limiter.Observe(HubSpotBudget.General, Headers(max: 100, intervalMs: 1_000), null);
        Assert.Equal(64, limiter.GeneralInFlight.Limit); // 150, capped by MaxConcurrency
    }

    [Fact]
    public async Task RateLimitMaxHeader_RaisingTheLimit_LetsAWaiterIn()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Free);
        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, limiter.GeneralInFlight.Limit);
        using var first = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        using var second = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        var third = limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        Assert.False(third.IsCompleted);

        // The portal's answer says the app may make 250 calls in 10 s: 4 in flight now.
        limiter.Observe(HubSpotBudget.General, Headers(max: 250, intervalMs: 10_000), null);

        using var admitted = await third.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, limiter.GeneralInFlight.InFlight);
    }

    [Fact]
    public async Task Search_IsLimitedToFiveCallsASecond()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Enterprise);
        for (var i = 0; i < 5; i++)
        {
            await AnsweredCallAsync(limiter, time, HubSpotBudget.Search, TimeSpan.Zero);
        }

        // The sixth search within the second waits for the first token to come back, one second after its call ended.
        var sixth = limiter.AcquireAsync(HubSpotBudget.Search, "POST /search", CancellationToken.None);
        Assert.False(sixth.IsCompleted);

        // Search answers carry no rate-limit headers; the burst budget paid nothing for any of them.
        Assert.Equal(5, limiter.Search.Used);
        Assert.Equal(0, limiter.General.Used);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(sixth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        using var lease = await sixth.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, limiter.General.Used);
    }

    [Fact]
    public async Task Search_CallsInFlight_FollowFiveASecondTimesTheSearchRoundTrip()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Pro);

        await AnsweredCallAsync(limiter, time, HubSpotBudget.Search, TimeSpan.FromMilliseconds(800));
        await AnsweredCallAsync(limiter, time, HubSpotBudget.General, TimeSpan.FromMilliseconds(100));

        Assert.Equal(6, limiter.SearchInFlight.Limit); // 5/s × 0.8 s × 1.5
        Assert.Equal(3, limiter.GeneralInFlight.Limit); // each budget its own round trip
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExemptEndpoints_DoNotSpendTheBurstBudget(bool search)
    {
        var budget = search ? HubSpotBudget.Search : HubSpotBudget.Associations;
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Free);

        // The burst budget is spent to the last token.
        limiter.General.MarkExhausted(null);
        var blocked = limiter.AcquireAsync(HubSpotBudget.General, "GET /crm/objects", CancellationToken.None);
        Assert.False(blocked.IsCompleted);

        // Search and the association batch endpoints are exempt from the 10-second burst budget: they go at once.
        using (var lease = await limiter.AcquireAsync(budget, "POST /exempt", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(100, limiter.General.Used);
            Assert.Equal(1, (search ? limiter.Search : limiter.Associations).Used);
        }

        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        using var unblocked = await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AllBudgets_TogetherStayWithinMaxConcurrency()
    {
        var time = new FakeTimeProvider();
        using var limiter = CreateSut(time, HubSpotTier.Unlimited, maxConcurrency: 3);
        using var a = await limiter.AcquireAsync(HubSpotBudget.General, "GET /x", CancellationToken.None);
        using var b = await limiter.AcquireAsync(HubSpotBudget.Search, "POST /search", CancellationToken.None);
        var c = await limiter.AcquireAsync(HubSpotBudget.Associations, "POST /batch/read", CancellationToken.None);

        var d = limiter.AcquireAsync(HubSpotBudget.Search, "POST /search", CancellationToken.None);
        Assert.False(d.IsCompleted);

        c.Dispose();
        using var admitted = await d.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static HttpResponseMessage Headers(int max, int intervalMs) =>
        StubHttpMessageHandler.Json(
            HttpStatusCode.OK,
            "{}",
            ("X-HubSpot-RateLimit-Max", max.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("X-HubSpot-RateLimit-Interval-Milliseconds", intervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
