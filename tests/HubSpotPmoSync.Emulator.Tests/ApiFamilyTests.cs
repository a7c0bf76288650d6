using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Both path families (legacy v3/v4 and date-versioned 2026-03/2026-09) over one store, and where their shapes differ.</summary>
public sealed class ApiFamilyTests
{
    public static TheoryData<string> Versions => new() { "2026-03", "2026-09" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RecordWrittenThroughV3_ReadsBackThroughTheDatedFamily_AndTheOtherWayRound(string v)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var legacyId = await emu.CreateAsync("deals", Http.Deal("Legacy", amount: "10"));

        var dated = await emu.Get($"/crm/objects/{v}/deals/{legacyId}?properties=dealname,amount");
        Assert.Equal(200, dated.Status);
        Assert.Equal("Legacy", dated.Body.Prop("dealname"));
        Assert.Equal("10", dated.Body.Prop("amount"));
        Assert.Equal("Legacy", (await emu.Get($"/crm/objects/{v}/0-3/{legacyId}")).Body.Prop("dealname"));

        var created = await emu.Post($"/crm/objects/{v}/0-3", new { properties = Http.Deal("Dated") });
        Assert.Equal(201, created.Status);
        Assert.StartsWith($"/crm/objects/{v}/0-3/", created.Header("Location"), StringComparison.Ordinal);
        var datedId = created.Body.Str("id");
        Assert.Equal("Dated", (await emu.Get($"/crm/v3/objects/deals/{datedId}")).Body.Prop("dealname"));

        var patched = await emu.Patch($"/crm/objects/{v}/deals/{legacyId}", new { properties = new { amount = "25" } });
        Assert.Equal(200, patched.Status);
        Assert.Equal("25", (await emu.Get($"/crm/v3/objects/deals/{legacyId}?properties=amount")).Body.Prop("amount"));

        var batch = await emu.Post($"/crm/objects/{v}/deals/batch/read", new { properties = new[] { "dealname" }, inputs = new[] { new { id = legacyId }, new { id = datedId } } });
        Assert.Equal(200, batch.Status);
        Assert.Equal(["Dated", "Legacy"], batch.Results().Select(r => r.Prop("dealname")).Order(StringComparer.Ordinal));

        var list = await emu.Get($"/crm/objects/{v}/deals?limit=1&properties=dealname");
        Assert.Equal(legacyId, Assert.Single(list.Results()).Str("id"));
        Assert.Equal(datedId, list.NextAfter());

        var search = await emu.Post($"/crm/objects/{v}/deals/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "dealname", @operator = "EQ", value = "Legacy" } } } },
        });
        Assert.Equal(200, search.Status);
        Assert.Equal(1, search.Body.GetProperty("total").GetInt32());

        Assert.Equal(204, (await emu.Delete($"/crm/objects/{v}/deals/{datedId}")).Status);
        (await emu.Get($"/crm/v3/objects/deals/{datedId}")).AssertError(404, "OBJECT_NOT_FOUND");
        var archived = await emu.Get($"/crm/v3/objects/deals/{datedId}?archived=true");
        Assert.True(archived.Body.GetProperty("archived").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DatedBatchWrites_SameLimitsAndErrorsAsLegacy(string v)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var create = await emu.Post($"/crm/objects/{v}/tickets/batch/create", new
        {
            inputs = new[] { new { properties = new { subject = "a", hs_pipeline = "0", hs_pipeline_stage = "1" } } },
        });
        Assert.Equal(201, create.Status);
        var id = Assert.Single(create.Results()).Str("id");
        Assert.Equal("a", (await emu.Get($"/crm/v3/objects/0-5/{id}?properties=subject")).Body.Prop("subject"));

        var update = await emu.Post($"/crm/objects/{v}/0-5/batch/update", new { inputs = new object[] { new { id, properties = new { subject = "b" } }, new { id = "99", properties = new { subject = "c" } } } });
        Assert.Equal(207, update.Status);
        Assert.Equal(1, update.Body.GetProperty("numErrors").GetInt32());
        Assert.Equal("b", (await emu.Get($"/crm/v3/objects/tickets/{id}?properties=subject")).Body.Prop("subject"));

        foreach (var prefix in new[] { "/crm/v3/objects", $"/crm/objects/{v}" })
        {
            var tooMany = await emu.Post($"{prefix}/tickets/batch/read", new { inputs = Enumerable.Range(1, 101).Select(i => new { id = i.ToString(CultureInfo.InvariantCulture) }) });
            Assert.Contains("TOO_MANY_INPUTS", tooMany.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
            var badValue = await emu.Patch($"{prefix}/tickets/{id}", new { properties = new { hs_pipeline_stage = "nope" } });
            badValue.AssertError(400, "VALIDATION_ERROR");
            (await emu.Get($"{prefix}/nonsense")).AssertError(400, "VALIDATION_ERROR");
        }

        Assert.Equal(204, (await emu.Post($"/crm/objects/{v}/tickets/batch/archive", new { inputs = new[] { new { id } } })).Status);
        (await emu.Get($"/crm/v3/objects/tickets/{id}")).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DatedUpsert_TakesIdPropertyPerInput_AndSaysWhetherEachRecordIsNew(string v)
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        object Input(string code, string name) => new
        {
            id = code,
            idProperty = "project_code",
            properties = new Dictionary<string, string> { ["hs_name"] = name, ["hs_pipeline"] = "default", ["hs_pipeline_stage"] = "planned" },
        };

        var first = await emu.Post($"/crm/objects/{v}/0-970/batch/upsert", new { inputs = new[] { Input("UPS-1", "one") } });
        Assert.Equal(200, first.Status);
        var created = Assert.Single(first.Results());
        Assert.True(created.GetProperty("new").GetBoolean());
        Assert.Equal("UPS-1", created.Prop("project_code"));

        var second = await emu.Post($"/crm/objects/{v}/projects/batch/upsert", new { inputs = new[] { Input("UPS-1", "renamed"), Input("UPS-2", "two") } });
        Assert.Equal(200, second.Status);
        var results = second.Results();
        Assert.Equal([false, true], results.Select(r => r.GetProperty("new").GetBoolean()));
        Assert.Equal(created.Str("id"), results[0].Str("id"));
        Assert.Equal("renamed", (await emu.Get($"/crm/v3/objects/projects/UPS-1?idProperty=project_code&properties=hs_name")).Body.Prop("hs_name"));

        var noIdProperty = await emu.Post($"/crm/objects/{v}/projects/batch/upsert", new { inputs = new[] { new { id = "UPS-3", properties = new { hs_name = "x" } } } });
        noIdProperty.AssertError(400, "VALIDATION_ERROR");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DatedAssociationArchives_Answer200BatchResponseVoid_WhereV4Answers204(string v)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deals = new[] { await emu.CreateAsync("deals", Http.Deal("A")), await emu.CreateAsync("deals", Http.Deal("B")) };
        var link = await emu.Post($"/crm/associations/{v}/deals/companies/batch/create", new
        {
            inputs = deals.Select(d => new { from = new { id = d }, to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } } }),
        });
        Assert.Equal(201, link.Status);

        var unlabel = await emu.Post($"/crm/associations/{v}/0-3/0-2/batch/labels/archive", new
        {
            inputs = new[] { new { from = new { id = deals[0] }, to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } } } },
        });
        AssertBatchVoid(unlabel);
        Assert.Contains(emu.Control.ExportState().Associations, a => a is { FromType: "deals" } && a.FromId == deals[0] && a.TypeIds.SequenceEqual([341]));

        var archive = await emu.Post($"/crm/associations/{v}/deals/companies/batch/archive", new { inputs = new[] { new { from = new { id = deals[0] }, to = new[] { new { id = company } } } } });
        AssertBatchVoid(archive);
        Assert.DoesNotContain(emu.Control.ExportState().Associations, a => a.FromId == deals[0]);

        var legacy = await emu.Post("/crm/v4/associations/deals/companies/batch/archive", new { inputs = new[] { new { from = new { id = deals[1] }, to = new[] { new { id = company } } } } });
        Assert.Equal(204, legacy.Status);
        Assert.Equal(string.Empty, legacy.Raw);
        Assert.Equal(204, (await emu.Post("/crm/v4/associations/deals/companies/batch/labels/archive", new { inputs = Array.Empty<object>() })).Status);
        Assert.Empty(emu.Control.ExportState().Associations);
    }

    [Fact]
    public async Task LinksWrittenThroughV4_ReadBackThroughDatedBatchRead_AndTheOtherWayRound()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var ticket = await emu.CreateAsync("tickets", new { subject = "T", hs_pipeline = "0", hs_pipeline_stage = "1" });
        Assert.Equal(200, (await emu.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{company}")).Status);
        var put = await emu.Put($"/crm/objects/2026-09/0-3/{deal}/associations/default/0-5/{ticket}");
        Assert.Equal(200, put.Status);
        Assert.Equal(27, put.Results()[0].GetProperty("associationSpec").GetProperty("associationTypeId").GetInt32());

        var dated = await emu.Post("/crm/associations/2026-03/deals/companies/batch/read", new { inputs = new[] { new { id = deal } } });
        Assert.Equal(200, dated.Status);
        var to = Assert.Single(Assert.Single(dated.Results()).GetProperty("to").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, to.GetProperty("toObjectId").ValueKind);
        Assert.Equal(company, to.GetProperty("toObjectId").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal([341], to.GetProperty("associationTypes").EnumerateArray().Select(t => t.GetProperty("typeId").GetInt32()));

        var legacy = await emu.Post("/crm/v4/associations/tickets/deals/batch/read", new { inputs = new[] { new { id = ticket } } });
        var back = Assert.Single(Assert.Single(legacy.Results()).GetProperty("to").EnumerateArray());
        Assert.Equal(deal, back.GetProperty("toObjectId").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(28, back.GetProperty("associationTypes")[0].GetProperty("typeId").GetInt32());

        var defaults = await emu.Post("/crm/associations/2026-09/tickets/companies/batch/associate/default", new { inputs = new[] { new { from = new { id = ticket }, to = new { id = company } } } });
        Assert.Equal(200, defaults.Status);
        Assert.Contains(emu.Control.ExportState().Associations, a => a.FromId == ticket && a.ToId == company && a.TypeIds.SequenceEqual([339]));
    }

    [Fact]
    public async Task ListOneRecordsLinks_IsServedIn202603_AndAbsentFrom202609()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        Assert.Equal(200, (await emu.Put($"/crm/objects/2026-03/deals/{deal}/associations/default/companies/{company}")).Status);

        var v4 = await emu.Get($"/crm/v4/objects/deals/{deal}/associations/companies");
        var march = await emu.Get($"/crm/objects/2026-03/deals/{deal}/associations/companies");
        Assert.Equal(200, march.Status);
        Assert.Equal(v4.Raw, march.Raw);
        Assert.Equal(company, march.Results()[0].GetProperty("toObjectId").GetInt64().ToString(CultureInfo.InvariantCulture));

        (await emu.Get($"/crm/objects/2026-09/deals/{deal}/associations/companies")).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Theory]
    [InlineData("GET", "/crm/objects/2027-03/deals")]
    [InlineData("GET", "/crm/objects/2026-03-beta/deals")]
    [InlineData("GET", "/crm/objects/v3/deals")]
    [InlineData("POST", "/crm/objects/2025-09/deals/batch/read")]
    [InlineData("POST", "/crm/associations/2027-03/deals/companies/batch/read")]
    [InlineData("GET", "/crm/properties/2025-03/deals")]
    [InlineData("GET", "/crm/pipelines/2024-01/deals")]
    [InlineData("GET", "/crm-object-schemas/2027-03/schemas")]
    [InlineData("GET", "/account-info/2099-01/api-usage/daily/private-apps")]
    public async Task UnknownVersion_Is404LikeAnUnknownPath(string method, string path)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{\"inputs\":[]}");
        r.AssertError(404, "OBJECT_NOT_FOUND");
        Assert.Empty(emu.Control.ExportState().Objects.SelectMany(o => o.Value));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DatedPropertiesSchemasAndPipelines_ShareTheLegacyCatalog(string v)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var create = await emu.Post($"/crm/properties/{v}/deals", new { name = "dated_prop", label = "Dated", type = "string", fieldType = "text", groupName = "dealinformation" });
        Assert.Equal(201, create.Status);
        Assert.Contains((await emu.Get("/crm/v3/properties/0-3")).Results(), p => p.Str("name") == "dated_prop");

        var batch = await emu.Post($"/crm/properties/{v}/deals/batch/create", new { inputs = new[] { new { name = "dated_batch", label = "B", type = "number", fieldType = "number", groupName = "dealinformation" } } });
        Assert.True(batch.Status is 200 or 201, batch.ToString());
        Assert.Equal(204, (await emu.Delete("/crm/v3/properties/deals/dated_batch")).Status);
        var archived = await emu.Get($"/crm/properties/{v}/deals?archived=true");
        Assert.Equal(["dated_batch"], archived.Results().Select(p => p.Str("name")));

        Assert.Contains((await emu.Get($"/crm/properties/{v}/deals/groups")).Results(), g => g.Str("name") == "dealinformation");
        var group = await emu.Post($"/crm/properties/{v}/deals/groups", new { name = "pmo", label = "PMO" });
        Assert.Equal(201, group.Status);
        Assert.Equal(200, (await emu.Get("/crm/v3/properties/deals/groups/pmo")).Status);

        var schema = await emu.Post($"/crm-object-schemas/{v}/schemas", new
        {
            name = "engagement", labels = new { singular = "Engagement", plural = "Engagements" }, primaryDisplayProperty = "code",
            requiredProperties = new[] { "code" }, properties = new[] { new { name = "code", label = "Code", type = "string", fieldType = "text" } },
            associatedObjects = new[] { "0-3" },
        });
        Assert.Equal(201, schema.Status);
        var typeId = schema.Body.Str("objectTypeId");
        Assert.Contains((await emu.Get("/crm-object-schemas/v3/schemas")).Results(), s => s.Str("objectTypeId") == typeId);
        Assert.Equal(200, (await emu.Get($"/crm-object-schemas/{v}/schemas/p1234567_engagement")).Status);
        var record = await emu.Post($"/crm/objects/{v}/p1234567_engagement", new { properties = new { code = "E1" } });
        Assert.Equal(201, record.Status);
        Assert.Equal("E1", (await emu.Get($"/crm/v3/objects/{typeId}/{record.Body.Str("id")}?properties=code")).Body.Prop("code"));

        var pipelines = await emu.Get($"/crm/pipelines/{v}/deals");
        Assert.Equal((await emu.Get("/crm/v3/pipelines/deals")).Raw, pipelines.Raw);
        var stages = await emu.Get($"/crm/pipelines/{v}/0-5/0/stages");
        Assert.Equal(["1", "2", "3", "4"], stages.Results().Select(s => s.Str("id")));
    }

    [Fact]
    public async Task DailyUsage_DatedAddsFetchStatusAndResetsAt_ToTheV3Shape()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T22:30:00Z", CultureInfo.InvariantCulture));
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "pro"; });
        var legacy = Assert.Single((await emu.Get("/account-info/v3/api-usage/daily/private-apps")).Results());
        Assert.Equal(["collectedAt", "currentUsage", "name", "usageLimit"], legacy.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        foreach (var v in new[] { "2026-03", "2026-09" })
        {
            var dated = Assert.Single((await emu.Get($"/account-info/{v}/api-usage/daily/private-apps")).Results());
            Assert.Equal(["collectedAt", "currentUsage", "fetchStatus", "name", "resetsAt", "usageLimit"], dated.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("SUCCESS", dated.Str("fetchStatus"));
            Assert.Equal("2026-12-08T00:00:00.000Z", dated.Str("resetsAt"));
            Assert.Equal(625_000, dated.GetProperty("usageLimit").GetInt64());
        }
    }

    [Fact]
    public async Task BothFamilies_ShareOneRateLimitBudget()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Tier = "free"; });
        for (var i = 0; i < 100; i++)
        {
            var path = (i % 3) switch { 0 => "/crm/v3/objects/deals", 1 => "/crm/objects/2026-03/deals", _ => "/crm/objects/2026-09/deals" };
            var ok = await emu.Get(path);
            Assert.Equal((99 - i).ToString(CultureInfo.InvariantCulture), ok.Header("X-HubSpot-RateLimit-Remaining"));
        }

        Assert.Equal("TEN_SECONDLY_ROLLING", (await emu.Get("/crm/objects/2026-09/deals")).AssertRateLimited());
        Assert.Equal("TEN_SECONDLY_ROLLING", (await emu.Get("/crm/v3/objects/deals")).AssertRateLimited());

        // Associations keep their own window in both families.
        var assoc = await emu.Post("/crm/associations/2026-03/deals/companies/batch/read", new { inputs = Array.Empty<object>() });
        Assert.Equal("100", assoc.Header("X-HubSpot-RateLimit-Max"));
        Assert.Equal("99", assoc.Header("X-HubSpot-RateLimit-Remaining"));
        var assocLegacy = await emu.Post("/crm/v4/associations/deals/companies/batch/read", new { inputs = Array.Empty<object>() });
        Assert.Equal("98", assocLegacy.Header("X-HubSpot-RateLimit-Remaining"));
    }

    private static void AssertBatchVoid(EmulatorResponse r)
    {
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal(["completedAt", "startedAt", "status"], r.Body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("COMPLETE", r.Body.Str("status"));
        Assert.True(DateTimeOffset.TryParse(r.Body.Str("startedAt"), CultureInfo.InvariantCulture, out _));
        Assert.True(DateTimeOffset.TryParse(r.Body.Str("completedAt"), CultureInfo.InvariantCulture, out _));
    }
}

internal static class RateLimitAssertions
{
    public static string AssertRateLimited(this EmulatorResponse r)
    {
        Assert.True(r.Status == 429, r.ToString());
        return r.Body.Str("policyName");
    }
}
