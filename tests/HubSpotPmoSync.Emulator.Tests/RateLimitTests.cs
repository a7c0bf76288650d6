using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 7: rate limits per tier over real HTTP, on a controlled clock.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task FreeTier_101stRequestInTheWindow_Is429TenSecondlyRolling_UntilTheWindowRolls()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "free"; });
        for (var i = 0; i < 100; i++)
        {
            var ok = await emu.Get("/crm/v3/objects/deals");
            Assert.Equal(200, ok.Status);
            Assert.Equal("100", ok.Header("X-HubSpot-RateLimit-Max"));
            Assert.Equal((99 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Header("X-HubSpot-RateLimit-Remaining"));
            Assert.Equal("10000", ok.Header("X-HubSpot-RateLimit-Interval-Milliseconds"));
            Assert.Equal("250000", ok.Header("X-HubSpot-RateLimit-Daily"));
        }

        var limited = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal(429, limited.Status);
        Assert.Equal("RATE_LIMIT", limited.Body.Str("errorType"));
        Assert.Equal("TEN_SECONDLY_ROLLING", limited.Body.Str("policyName"));
        Assert.Equal("You have reached your ten_secondly_rolling limit.", limited.Body.Str("message"));
        Assert.Equal("10", limited.Header("Retry-After"));

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        Assert.Equal(1, emu.Control.Stats().RateLimited["TEN_SECONDLY_ROLLING"]);
    }

    [Fact]
    public async Task TimeScale_ShrinksTheWindowAndKeepsTheMaximum()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; o.TimeScale = 10; o.SendRetryAfter = false; });
        for (var i = 0; i < 190; i++)
        {
            Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        }

        var limited = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal(429, limited.Status);
        Assert.Null(limited.Header("Retry-After"));
        Assert.Equal("1000", limited.Header("X-HubSpot-RateLimit-Interval-Milliseconds"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public async Task Search_FivePerSecond_429SecondlyWithoutRateLimitHeaders()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "enterprise"; });
        for (var i = 0; i < 5; i++)
        {
            var ok = await emu.Post("/crm/v3/objects/deals/search", new { });
            Assert.Equal(200, ok.Status);
            Assert.DoesNotContain(ok.Headers.Keys, k => k.StartsWith("X-HubSpot-RateLimit", StringComparison.OrdinalIgnoreCase));
        }

        var limited = await emu.Post("/crm/v3/objects/deals/search", new { });
        Assert.Equal(429, limited.Status);
        Assert.Equal("You have reached your secondly limit.", limited.Body.Str("message"));
        Assert.Equal("SECONDLY", limited.Body.Str("policyName"));
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await emu.Post("/crm/v3/objects/deals/search", new { })).Status);
    }

    [Fact]
    public async Task DailyQuota_Exhausted_Is429Daily_UntilMidnight()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 23, 59, 0, TimeSpan.Zero));
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; o.DailyQuota = 3; });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        }

        var limited = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal("DAILY", limited.Body.Str("policyName"));
        Assert.Equal("You have reached your daily limit.", limited.Body.Str("message"));
        Assert.Equal("60", limited.Header("Retry-After"));
        Assert.Equal("0", limited.Header("X-HubSpot-RateLimit-Daily-Remaining"));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public async Task Associations_HaveTheirOwnBurstBudget()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; });
        for (var i = 0; i < 150; i++)
        {
            Assert.Equal(200, (await emu.Get("/crm/v4/associations/deals/companies/labels")).Status);
        }

        var limited = await emu.Get("/crm/v4/associations/deals/companies/labels");
        Assert.Equal(429, limited.Status);
        Assert.Equal("TEN_SECONDLY_ROLLING", limited.Body.Str("policyName"));
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public async Task Unlimited_SendsNoHeaders_AndControlChangesTheTierAtRuntime()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        Assert.Null((await emu.Get("/crm/v3/objects/deals")).Header("X-HubSpot-RateLimit-Max"));
        var r = await emu.Post("/__emulator/tier", new { tier = "addon", timeScale = 2 });
        Assert.Equal(200, r.Status);
        var limited = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal("250", limited.Header("X-HubSpot-RateLimit-Max"));
        Assert.Equal("5000", limited.Header("X-HubSpot-RateLimit-Interval-Milliseconds"));
        (await emu.Post("/__emulator/tier", new { tier = "gold" })).AssertError(400, "VALIDATION_ERROR");
    }
}
