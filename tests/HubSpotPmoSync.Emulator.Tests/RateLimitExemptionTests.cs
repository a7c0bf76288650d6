using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>
/// Issue 15, point 1: the spec's <c>ten-secondly</c> exemption (API-FACTS §16) read against the associations API's own
/// burst (§4.1) — search and the association batch/label endpoints never spend the app's burst budget; the association
/// endpoints spend their own 10-second budget; the one-record association endpoints (not exempt) spend both.
/// </summary>
public sealed class RateLimitExemptionTests
{
    private const string AssociationBatchRead = "/crm/associations/2026-03/deals/companies/batch/read";
    private const string PairPut = "/crm/v4/objects/deals/1/associations/default/companies/2";

    [Fact]
    public async Task BurstSpent_SearchAndAssociationBatchAndLabelsStillAnswer_ButAOneRecordAssociationCallIsRefused()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; });
        for (var i = 0; i < 190; i++)
        {
            Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        }

        Assert.Equal(429, (await emu.Get("/crm/v3/objects/deals")).Status);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await emu.Post("/crm/objects/2026-03/deals/search", new { })).Status);
        }

        var batch = await emu.Post(AssociationBatchRead, new { inputs = Array.Empty<object>() });
        Assert.Equal(200, batch.Status);
        Assert.Equal("150", batch.Header("X-HubSpot-RateLimit-Max"));
        Assert.Equal("149", batch.Header("X-HubSpot-RateLimit-Remaining"));
        Assert.Equal(200, (await emu.Get("/crm/v4/associations/deals/companies/labels")).Status);

        var pair = await emu.Put(PairPut);
        Assert.Equal(429, pair.Status);
        Assert.Equal("TEN_SECONDLY_ROLLING", pair.Body.Str("policyName"));
        Assert.Equal("190", pair.Header("X-HubSpot-RateLimit-Max"));

        var stats = emu.Control.Stats();
        Assert.Equal(2, stats.RateLimited["TEN_SECONDLY_ROLLING"]);
        Assert.False(stats.RateLimited.ContainsKey("SECONDLY"));
    }

    [Fact]
    public async Task AssociationBudgetSpent_ObjectCallsKeepTheirWholeBurst_AndOneRecordCallsAreRefused()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "free"; });
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(200, (await emu.Post(AssociationBatchRead, new { inputs = Array.Empty<object>() })).Status);
        }

        var limited = await emu.Post(AssociationBatchRead, new { inputs = Array.Empty<object>() });
        Assert.Equal(429, limited.Status);
        Assert.Equal("TEN_SECONDLY_ROLLING", limited.Body.Str("policyName"));
        Assert.Equal("10", limited.Header("Retry-After"));

        var objects = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal(200, objects.Status);
        Assert.Equal("99", objects.Header("X-HubSpot-RateLimit-Remaining"));
        Assert.Equal(429, (await emu.Put(PairPut)).Status);

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(200, (await emu.Post(AssociationBatchRead, new { inputs = Array.Empty<object>() })).Status);
    }

    [Fact]
    public async Task OneRecordAssociationCall_SpendsBothBudgets()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; o.Seed = "demo"; });
        var deal = (await emu.Get("/crm/v3/objects/deals?limit=1")).Results()[0].Str("id");
        var company = (await emu.Get("/crm/v3/objects/companies?limit=1")).Results()[0].Str("id");

        var pair = await emu.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{company}");
        Assert.Equal(200, pair.Status);
        Assert.Equal("187", pair.Header("X-HubSpot-RateLimit-Remaining"));

        var batch = await emu.Post(AssociationBatchRead, new { inputs = new[] { new { id = deal } } });
        Assert.Equal(200, batch.Status);
        Assert.Equal("148", batch.Header("X-HubSpot-RateLimit-Remaining"));

        Assert.Equal(200, (await emu.Post("/crm/v3/objects/deals/search", new { })).Status);
        var objects = await emu.Get("/crm/v3/objects/deals?limit=1");
        Assert.Equal("186", objects.Header("X-HubSpot-RateLimit-Remaining"));
    }
}
