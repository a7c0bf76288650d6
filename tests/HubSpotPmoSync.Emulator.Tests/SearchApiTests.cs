using System.Globalization;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 2: search over real HTTP.</summary>
public sealed class SearchApiTests
{
    private static object Filter(string propertyName, string op, string? value = null, string? highValue = null, string[]? values = null) =>
        new { propertyName, @operator = op, value, highValue, values };

    private static async Task<EmulatorResponse> Search(EmulatorFixture emu, string type, object body) =>
        await emu.Post($"/crm/v3/objects/{type}/search", body);

    [Fact]
    public async Task Search_NumbersCompareAsNumbers_AndGroupsAreOredFiltersAnded()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateManyAsync("deals", new[] { "9", "10", "100", "1000" }.Select(a => Http.Deal("D" + a, amount: a)));

        var gt = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("amount", "GT", "9") } } }, properties = new[] { "amount" } });
        Assert.Equal(3, gt.Body.GetProperty("total").GetInt32());
        var between = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("amount", "BETWEEN", "10", "100") } } } });
        Assert.Equal(2, between.Body.GetProperty("total").GetInt32());
        var ored = await Search(emu, "deals", new
        {
            filterGroups = new[]
            {
                new { filters = new[] { Filter("amount", "EQ", "9") } },
                new { filters = new[] { Filter("amount", "GTE", "100"), Filter("amount", "LT", "1000") } },
            },
        });
        Assert.Equal(2, ored.Body.GetProperty("total").GetInt32());
        var inNumbers = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("amount", "IN", values: ["10", "1000"]) } } } });
        Assert.Equal(2, inNumbers.Body.GetProperty("total").GetInt32());
        (await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("amount", "GT", "abc") } } } })).AssertError(400, "VALIDATION_ERROR");
    }

    /// <summary>
    /// Issue 15: the id ranges of a partitioned listing filter <c>hs_object_id</c> with GT/LTE, which compare as numbers
    /// (ids of different lengths: "999" is below every 11-digit id, which a comparison as text would get wrong), and a
    /// descending sort on it gives the highest id.
    /// </summary>
    [Fact]
    public async Task Search_ObjectIdRanges_CompareAsNumbersAndSortDescending()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateManyAsync("deals", Enumerable.Range(0, 12).Select(i => Http.Deal("D" + i)));
        var ids = (await Search(emu, "deals", new { sorts = new[] { "hs_object_id" }, limit = 100 })).Results().Select(r => long.Parse(r.Str("id"), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(12, ids.Count);
        Assert.Equal(ids.Order(), ids);

        var all = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("hs_object_id", "GT", "999") } } } });
        Assert.Equal(12, all.Body.GetProperty("total").GetInt32());
        var range = await Search(emu, "deals", new
        {
            filterGroups = new[] { new { filters = new[] { Filter("hs_object_id", "GT", ids[3].ToString(CultureInfo.InvariantCulture)), Filter("hs_object_id", "LTE", ids[7].ToString(CultureInfo.InvariantCulture)) } } },
            sorts = new[] { new { propertyName = "hs_object_id", direction = "ASCENDING" } },
        });
        Assert.Equal(ids[4..8], range.Results().Select(r => long.Parse(r.Str("id"), CultureInfo.InvariantCulture)));
        var highest = await Search(emu, "deals", new { sorts = new[] { new { propertyName = "hs_object_id", direction = "DESCENDING" } }, limit = 1 });
        Assert.Equal(ids[^1], long.Parse(Assert.Single(highest.Results()).Str("id"), CultureInfo.InvariantCulture));
        Assert.Equal(12, highest.Body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Search_DatetimeFilters_AcceptEpochMillisecondsAndIso()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        await emu.CreateAsync("deals", Http.Deal("old"));
        clock.Advance(TimeSpan.FromHours(1));
        await emu.CreateAsync("deals", Http.Deal("new"));
        var cut = clock.GetUtcNow().AddMinutes(-1);

        var epoch = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("hs_lastmodifieddate", "GTE", cut.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) } } }, properties = new[] { "dealname" } });
        var iso = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("hs_lastmodifieddate", "GTE", cut.ToString("O", CultureInfo.InvariantCulture)) } } }, properties = new[] { "dealname" } });
        Assert.Equal("new", Assert.Single(epoch.Results()).Prop("dealname"));
        Assert.Equal("new", Assert.Single(iso.Results()).Prop("dealname"));
    }

    [Fact]
    public async Task Search_EnumerationsAreCaseSensitive_TextIsNot_AndInTakesLowercase()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateAsync("deals", Http.Deal("Acme Website", stage: "closedwon"));

        async Task<int> Total(object filter) =>
            (await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { filter } } } })).Body.GetProperty("total").GetInt32();

        Assert.Equal(1, await Total(Filter("dealstage", "EQ", "closedwon")));
        Assert.Equal(0, await Total(Filter("dealstage", "EQ", "CLOSEDWON")));
        Assert.Equal(1, await Total(Filter("dealname", "EQ", "acme website")));
        Assert.Equal(1, await Total(Filter("dealname", "IN", values: ["acme website"])));
        Assert.Equal(0, await Total(Filter("dealname", "IN", values: ["ACME WEBSITE"])));
        Assert.Equal(1, await Total(Filter("dealname", "CONTAINS_TOKEN", "website")));
        Assert.Equal(1, await Total(Filter("dealname", "CONTAINS_TOKEN", "*site")));
        Assert.Equal(0, await Total(Filter("dealname", "NOT_CONTAINS_TOKEN", "acme")));
        Assert.Equal(1, await Total(Filter("dealname", "HAS_PROPERTY")));
        Assert.Equal(1, await Total(Filter("amount", "NOT_HAS_PROPERTY")));
        Assert.Equal(1, await Total(Filter("dealstage", "NEQ", "closedlost")));
        Assert.Equal(1, await Total(Filter("dealstage", "NOT_IN", values: ["closedlost"])));
    }

    [Fact]
    public async Task Search_SortsByOneProperty_TiesBrokenByIdAscending()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        var first = await emu.CreateManyAsync("deals", Enumerable.Range(0, 5).Select(i => Http.Deal($"a{i}")));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await emu.CreateManyAsync("deals", Enumerable.Range(0, 5).Select(i => Http.Deal($"b{i}")));

        var desc = await Search(emu, "deals", new { sorts = new[] { new { propertyName = "hs_lastmodifieddate", direction = "DESCENDING" } }, limit = 20 });
        Assert.Equal(second.Concat(first), desc.Results().Select(r => r.Str("id")));
        var asc = await Search(emu, "deals", new { sorts = new[] { "hs_lastmodifieddate" }, limit = 20 });
        Assert.Equal(first.Concat(second), asc.Results().Select(r => r.Str("id")));
        var byName = await Search(emu, "deals", new { sorts = new[] { "-dealname" }, limit = 1, properties = new[] { "dealname" } });
        Assert.Equal("b4", byName.Results()[0].Prop("dealname"));
    }

    [Fact]
    public async Task Search_PagesByIntegerOffset_WithTotal_AndStopsAt10000()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "scale:5100");
        var page = await Search(emu, "tickets", new { limit = 200, after = "9800" });
        Assert.Equal(10_200, page.Body.GetProperty("total").GetInt32());
        Assert.Equal(200, page.Results().Count);
        Assert.Equal("10000", page.NextAfter());
        (await Search(emu, "tickets", new { limit = 200, after = "10000" })).AssertError(400, "VALIDATION_ERROR");
        var edge = await Search(emu, "tickets", new { limit = 200, after = "9900" });
        Assert.Equal(100, edge.Results().Count);
        var last = await Search(emu, "deals", new { limit = 100, after = "5000" });
        Assert.Equal(100, last.Results().Count);
        Assert.Null(last.NextAfter());
    }

    [Fact]
    public async Task Search_ManyRecordsInOneMillisecond_CanBeDrainedWithEqAndObjectIdGt()
    {
        // 12,000 records in one millisecond: more than the 10,000 a single search window can reach.
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "scale:6000");
        var at = emu.Control.Now.AddMinutes(1);
        Assert.Equal(12_000, emu.Control.BulkUpdate("tickets", new Dictionary<string, string?> { ["hs_ticket_priority"] = "HIGH" }, count: 12_000, at: at));
        var window = await Search(emu, "tickets", new { filterGroups = new[] { new { filters = new[] { Filter("hs_lastmodifieddate", "EQ", at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) } } } });
        Assert.Equal(12_000, window.Body.GetProperty("total").GetInt32());
        var ms = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        var seen = new HashSet<string>();
        var lastId = "0";
        while (true)
        {
            var r = await Search(emu, "tickets", new
            {
                filterGroups = new[] { new { filters = new[] { Filter("hs_lastmodifieddate", "EQ", ms), Filter("hs_object_id", "GT", lastId) } } },
                sorts = new[] { new { propertyName = "hs_object_id", direction = "ASCENDING" } },
                limit = 200,
            });
            Assert.Equal(200, r.Status);
            var results = r.Results();
            if (results.Count == 0)
            {
                break;
            }

            foreach (var x in results)
            {
                Assert.True(seen.Add(x.Str("id")));
                Assert.Equal(at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), x.Prop("hs_lastmodifieddate"));
            }

            lastId = results[^1].Str("id");
        }

        Assert.Equal(12_000, seen.Count);
    }

    [Fact]
    public async Task Search_ExcludesArchived_AndReturnsNoAssociations()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var keep = await emu.CreateAsync("deals", Http.Deal("keep"), new[] { new { to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 341 } } } });
        var gone = await emu.CreateAsync("deals", Http.Deal("gone"));
        await emu.Delete($"/crm/v3/objects/deals/{gone}");

        var r = await Search(emu, "deals", new { });
        var only = Assert.Single(r.Results());
        Assert.Equal(keep, only.Str("id"));
        Assert.False(only.TryGetProperty("associations", out _));
        Assert.Null(r.Header("X-HubSpot-RateLimit-Max"));
    }

    [Fact]
    public async Task Search_IndexLag_ShowsThePreviousVersionUntilTheLagPasses()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.IndexLag = TimeSpan.FromSeconds(3); });
        var id = await emu.CreateAsync("deals", Http.Deal("v1"));
        var body = new { properties = new[] { "dealname" } };

        Assert.Empty((await Search(emu, "deals", body)).Results());
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("v1", Assert.Single((await Search(emu, "deals", body)).Results()).Prop("dealname"));

        await emu.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { dealname = "v2" } });
        Assert.Equal("v2", (await emu.Get($"/crm/v3/objects/deals/{id}")).Body.Prop("dealname"));
        Assert.Equal("v1", Assert.Single((await Search(emu, "deals", body)).Results()).Prop("dealname"));
        clock.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Equal("v1", Assert.Single((await Search(emu, "deals", body)).Results()).Prop("dealname"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("v2", Assert.Single((await Search(emu, "deals", body)).Results()).Prop("dealname"));

        await emu.Delete($"/crm/v3/objects/deals/{id}");
        Assert.Single((await Search(emu, "deals", body)).Results());
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty((await Search(emu, "deals", body)).Results());
    }

    [Fact]
    public async Task Search_Limits_AnswerVALIDATION_ERROR()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var f = Filter("dealname", "EQ", "x");
        object Groups(int groups, int each) => new { filterGroups = Enumerable.Range(0, groups).Select(_ => new { filters = Enumerable.Repeat(f, each).ToArray() }).ToArray() };

        Assert.Equal(200, (await Search(emu, "deals", Groups(5, 3))).Status);
        Assert.Equal(200, (await Search(emu, "deals", Groups(3, 6))).Status);
        (await Search(emu, "deals", Groups(6, 1))).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", Groups(1, 7))).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", Groups(4, 5))).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", new { limit = 201 })).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", new { after = "-1" })).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", new { query = new string('x', 3001) })).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("nope", "EQ", "x") } } } })).AssertError(400, "VALIDATION_ERROR");
        (await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("dealname", "LIKE", "x") } } } })).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Search_QueryAndAssociationPseudoProperty_Match()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        await emu.CreateAsync("deals", Http.Deal("Website relaunch"), new[] { new { to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 341 } } } });
        await emu.CreateAsync("deals", Http.Deal("SEO retainer"));

        Assert.Equal(1, (await Search(emu, "deals", new { query = "relaunch" })).Body.GetProperty("total").GetInt32());
        var byCompany = await Search(emu, "deals", new { filterGroups = new[] { new { filters = new[] { Filter("associations.company", "EQ", company) } } }, properties = new[] { "dealname" } });
        Assert.Equal("Website relaunch", Assert.Single(byCompany.Results()).Prop("dealname"));
    }
}
