using System.Text.Json;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 9: the control API (HTTP and in-process), seeds, stats, state export, clock and options parsing.</summary>
public sealed class ControlApiTests
{
    [Fact]
    public async Task DemoSeed_IsASmallAgencyPortfolio_AndDeterministic()
    {
        var clock = new FakeTimeProvider();
        await using var a = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.TimeProvider = clock; });
        await using var b = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.TimeProvider = clock; });
        var state = a.Control.ExportState();

        Assert.Equal(30, state.Objects["companies"].Count);
        Assert.Equal(80, state.Objects["deals"].Count);
        Assert.Equal(40, state.Objects["projects"].Count);
        Assert.Equal(300, state.Objects["tickets"].Count);
        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(b.Control.ExportState()));

        var deals = state.Objects["deals"];
        Assert.Equal(7, deals.Select(d => d.Properties["dealstage"]).Distinct().Count());
        Assert.True(deals.Count(d => d.Properties["deal_currency_code"] == "EUR") > deals.Count / 2);
        Assert.Contains(deals, d => d.Properties["deal_currency_code"] == "USD");
        var projectDeals = state.Associations.Where(x => x.FromType == "projects" && x.ToType == "deals").Select(x => x.ToId).ToHashSet();
        var won = deals.Where(d => d.Properties["dealstage"] == "closedwon").ToList();
        Assert.Contains(won, d => !projectDeals.Contains(d.Id));
        Assert.True(won.Count(d => projectDeals.Contains(d.Id)) >= 30);
        Assert.Contains(state.Objects["tickets"], t => t.Properties["hs_ticket_priority"] is "HIGH" or "URGENT" && t.Properties["hs_pipeline_stage"] != "4");
        // The demo codes PRJ-0001… are those of the demo timesheet and milestone exports under config/demo.
        Assert.All(state.Objects["projects"], p => Assert.Matches(@"^PRJ-\d{4}$", p.Properties["project_code"]!));
        Assert.Equal(state.Objects["projects"].Count, state.Objects["projects"].Select(p => p.Properties["project_code"]).Distinct().Count());
        Assert.All(deals, d => Assert.Contains(state.Associations, x => x.FromId == d.Id && x.ToType == "companies" && x.TypeIds.SequenceEqual([5, 341])));
        Assert.All(state.Objects["deals"].Concat(state.Objects["tickets"]), r => Assert.True(r.UpdatedAt <= clock.GetUtcNow()));
    }

    [Fact]
    public async Task DifferentSeedRandom_GivesDifferentData()
    {
        await using var a = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.SeedRandom = 1; });
        await using var b = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.SeedRandom = 2; });
        Assert.NotEqual(a.Control.ExportState().Objects["companies"][0].Properties["name"], b.Control.ExportState().Objects["companies"][0].Properties["name"]);
    }

    [Fact]
    public async Task ScaleSeed_CreatesTheDocumentedCountsWithAssociations()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.Post("/__emulator/seed", new { seed = "scale:200" });
        Assert.Equal(200, r.Status);
        var state = emu.Control.ExportState();
        Assert.Equal(50, state.Objects["companies"].Count);
        Assert.Equal(200, state.Objects["deals"].Count);
        Assert.Equal(400, state.Objects["tickets"].Count);
        Assert.Equal(20, state.Objects["projects"].Count);
        Assert.Equal(400, state.Associations.Count(a => a.FromType == "tickets" && a.ToType == "deals"));
        Assert.Equal(20, state.Associations.Count(a => a.FromType == "projects" && a.ToType == "companies"));
        (await emu.Post("/__emulator/seed", new { seed = "scale:x" })).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task StateExport_OverHttp_HasTheContractShape()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"), new[] { new { to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } } } });
        await emu.Delete($"/crm/v3/objects/companies/{company}");

        var state = (await emu.Get("/__emulator/state")).Body;
        var objects = state.GetProperty("objects");
        foreach (var key in new[] { "companies", "deals", "tickets", "projects", "contacts" })
        {
            Assert.True(objects.TryGetProperty(key, out _), key);
        }

        var c = objects.GetProperty("companies")[0];
        Assert.Equal(company, c.Str("id"));
        Assert.True(c.GetProperty("archived").GetBoolean());
        Assert.True(c.TryGetProperty("archivedAt", out _));
        Assert.Equal("Acme", c.GetProperty("properties").Str("name"));
        var d = objects.GetProperty("deals")[0];
        Assert.False(d.TryGetProperty("archivedAt", out _));
        Assert.Equal(deal, d.GetProperty("properties").Str("hs_object_id"));
        var links = state.GetProperty("associations").EnumerateArray().ToList();
        Assert.Equal(2, links.Count);
        var forward = links.Single(l => l.Str("fromType") == "deals");
        Assert.Equal([5, 341], forward.GetProperty("typeIds").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(company, forward.Str("toId"));
    }

    [Fact]
    public async Task Stats_CountRequestsByRouteAndStatus_AndWrites()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateAsync("deals", Http.Deal("D"));
        await emu.Get("/crm/v3/objects/deals/1");
        var stats = (await emu.Get("/__emulator/stats")).Body;
        Assert.Equal(1, stats.GetProperty("requests").GetProperty("POST /crm/v3/objects/{objectType} 201").GetInt32());
        Assert.Equal(1, stats.GetProperty("requests").GetProperty("GET /crm/v3/objects/{objectType}/{objectId} 404").GetInt32());
        Assert.Equal(1, stats.GetProperty("writes").GetProperty("create").GetInt32());

        Assert.Equal(200, (await emu.Post("/__emulator/reset")).Status);
        Assert.Empty(emu.Control.ExportState().Objects["deals"]);
        Assert.Empty(emu.Control.Stats().Writes);
    }

    [Fact]
    public async Task Clock_FreezeAdvanceOffset_OverHttp()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var frozen = await emu.Post("/__emulator/clock", new { freezeAt = "2030-05-01T12:00:00Z" });
        Assert.True(frozen.Body.GetProperty("frozen").GetBoolean());
        Assert.Equal("2030-05-01T12:00:00.000Z", frozen.Body.Str("now"));
        var created = await emu.Post("/crm/v3/objects/companies", new { properties = new { name = "x" } });
        Assert.Equal("2030-05-01T12:00:00.000Z", created.Body.Str("createdAt"));
        var advanced = await emu.Post("/__emulator/clock", new { advanceMs = 1500 });
        Assert.Equal("2030-05-01T12:00:01.500Z", advanced.Body.Str("now"));
        var running = await emu.Post("/__emulator/clock", new { unfreeze = true });
        Assert.False(running.Body.GetProperty("frozen").GetBoolean());
        Assert.True((await emu.Get("/__emulator/clock")).Body.GetProperty("offsetMs").GetInt64() > 0);
    }

    [Fact]
    public async Task IndexLagFaultsAndBulkUpdate_OverHttp()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        Assert.Equal(200, (await emu.Post("/__emulator/index-lag", new { ms = 1000 })).Status);
        await emu.CreateAsync("deals", Http.Deal("D"));
        Assert.Empty((await emu.Post("/crm/v3/objects/deals/search", new { })).Results());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single((await emu.Post("/crm/v3/objects/deals/search", new { })).Results());

        var bulk = await emu.Post("/__emulator/bulk-update", new { objectType = "deals", properties = new { amount = "5" }, count = 10, at = "2026-01-05T09:00:05Z" });
        Assert.Equal(1, bulk.Body.GetProperty("updated").GetInt32());
        Assert.Equal("2026-01-05T09:00:05.000Z", (await emu.Get("/crm/v3/objects/deals")).Results()[0].Prop("hs_lastmodifieddate"));
        (await emu.Post("/__emulator/bulk-update", new { objectType = "deals", count = 1, at = "2026-01-05T09:00:00Z" })).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/__emulator/bulk-update", new { objectType = "deals", properties = new { amount = "x" } })).AssertError(400, "VALIDATION_ERROR");

        Assert.Equal(200, (await emu.Post("/__emulator/faults", new { spec = "503:1", seed = 2 })).Status);
        Assert.Equal(503, (await emu.Get("/crm/v3/objects/deals")).Status);
        Assert.Equal(200, (await emu.Get("/__emulator/stats")).Status);
        (await emu.Post("/__emulator/faults", new { spec = "teapot:1" })).AssertError(400, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("tier", "platinum", "--tier")]
    [InlineData("time-scale", "0", "--time-scale")]
    [InlineData("time-scale", "fast", "--time-scale")]
    [InlineData("index-lag", "soon", "--index-lag")]
    [InlineData("seed", "scale:0", "--seed")]
    [InlineData("seed", "lots", "--seed")]
    [InlineData("port", "70000", "--port")]
    public void OptionParsers_RejectBadValuesNamingTheOption(string option, string value, string expected)
    {
        Action parse = option switch
        {
            "tier" => () => EmulatorOptions.ParseTier(value),
            "time-scale" => () => EmulatorOptions.ParseTimeScale(value),
            "index-lag" => () => EmulatorOptions.ParseIndexLag(value),
            "seed" => () => EmulatorOptions.ParseSeed(value),
            _ => () => EmulatorOptions.ParsePort(value),
        };
        var e = Assert.ThrowsAny<Exception>(parse);
        Assert.True(e is ArgumentException or FormatException);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionParsers_AcceptGoodValues()
    {
        Assert.Equal("pro", EmulatorOptions.ParseTier("PRO"));
        Assert.Equal(10, EmulatorOptions.ParseTimeScale("10"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), EmulatorOptions.ParseIndexLag("1.5s"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), EmulatorOptions.ParseIndexLag("250"));
        Assert.Equal("scale:1000", EmulatorOptions.ParseSeed("scale:1000"));
        Assert.Equal(5099, EmulatorOptions.ParsePort("5099"));
        Assert.Null(EmulatorOptions.ParseFaults(" "));
        Assert.Throws<ArgumentException>(() => new EmulatorOptions { Tier = "x" }.Validate());
    }

    [Fact]
    public async Task StartAsync_BindsLoopbackOnAnEphemeralPort()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        Assert.Equal("127.0.0.1", emu.BaseAddress.Host);
        Assert.NotEqual(0, emu.BaseAddress.Port);
    }
}
