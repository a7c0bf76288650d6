using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 1: objects v3 over real HTTP.</summary>
public sealed class ObjectsApiTests
{
    [Fact]
    public async Task Create_Deal_Returns201WithStringValuesAndMaintainedSystemProperties()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.Post("/crm/v3/objects/deals", """{"properties":{"dealname":"X","pipeline":"default","dealstage":"closedwon","amount":1000}}""");

        Assert.Equal(201, r.Status);
        var id = r.Body.Str("id");
        Assert.True(long.Parse(id, CultureInfo.InvariantCulture) > int.MaxValue);
        Assert.Equal("1000", r.Body.Prop("amount"));
        Assert.Equal(id, r.Body.Prop("hs_object_id"));
        Assert.Equal(r.Body.Prop("createdate"), r.Body.Prop("hs_lastmodifieddate"));
        Assert.Equal(r.Body.Str("createdAt"), r.Body.Prop("createdate"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r.Body.Str("updatedAt"));
        Assert.False(r.Body.GetProperty("archived").GetBoolean());
        Assert.NotNull(r.Header("Location"));
    }

    [Fact]
    public async Task List_PagesInAscendingIdOrder_AfterIsTheNextId()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var ids = await emu.CreateManyAsync("companies", Enumerable.Range(1, 25).Select(i => new { name = $"C{i}", domain = $"c{i}.example" }));

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await emu.Get($"/crm/v3/objects/companies?limit=10{(after is null ? "" : "&after=" + after)}");
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Results().Select(x => x.Str("id")));
            after = page.NextAfter();
            if (after is not null)
            {
                Assert.Equal(ids[seen.Count], after);
            }

            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task List_PropertiesAsRepeatedKeysOrCommaList_ReturnTheSameProperties()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateAsync("companies", new { name = "Acme", domain = "acme.example", industry = "RETAIL" });

        var repeated = await emu.Get("/crm/v3/objects/companies?properties=name&properties=industry&properties=nonexistent");
        var comma = await emu.Get("/crm/v3/objects/companies?properties=name,industry,nonexistent");
        var defaults = await emu.Get("/crm/v3/objects/companies");

        var names = (EmulatorResponse r) => r.Results()[0].GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["createdate", "hs_lastmodifieddate", "hs_object_id", "industry", "name"], names(repeated));
        Assert.Equal(names(repeated), names(comma));
        Assert.Equal(["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"], names(defaults));
    }

    [Fact]
    public async Task List_RequestedPropertyWithoutValue_IsNull()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateAsync("companies", new { name = "Acme" });
        var r = await emu.Get("/crm/v3/objects/companies?properties=domain");
        Assert.Equal(JsonValueKind.Null, r.Results()[0].GetProperty("properties").GetProperty("domain").ValueKind);
    }

    [Theory]
    [InlineData("limit=101")]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("after=xyz")]
    [InlineData("archived=maybe")]
    public async Task List_InvalidQuery_Returns400(string query)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        (await emu.Get("/crm/v3/objects/deals?" + query)).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task List_WithAssociations_ShowsPrimaryAndUnlabelledTypes()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"), new[]
        {
            new { to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } } },
        });

        var r = await emu.Get($"/crm/v3/objects/deals/{deal}?associations=companies");
        var links = r.Body.GetProperty("associations").GetProperty("companies").GetProperty("results").EnumerateArray()
            .Select(x => (x.Str("id"), x.Str("type"))).ToList();
        Assert.Equal([(company, "deal_to_company"), (company, "deal_to_company_unlabeled")], links);
    }

    [Fact]
    public async Task Read_UnknownId_Returns404InHubSpotShape()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        (await emu.Get("/crm/v3/objects/deals/99999")).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task Read_ByIdProperty_FindsTheRecordByItsUniqueValue()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var r = await emu.Get("/crm/v3/objects/projects/PRJ-DOES-NOT-EXIST?idProperty=project_code");
        r.AssertError(404, "OBJECT_NOT_FOUND");
        var list = await emu.Get("/crm/v3/objects/projects?limit=1&properties=project_code");
        var code = list.Results()[0].Prop("project_code")!;

        var byCode = await emu.Get($"/crm/v3/objects/projects/{code}?idProperty=project_code&properties=project_code");
        Assert.Equal(200, byCode.Status);
        Assert.Equal(list.Results()[0].Str("id"), byCode.Body.Str("id"));
        (await emu.Get("/crm/v3/objects/projects/x?idProperty=hs_name")).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Update_ChangesValueAndModificationDate_NoOpKeepsIt()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        var id = await emu.CreateAsync("deals", Http.Deal("D", amount: "10"));
        var created = (await emu.Get($"/crm/v3/objects/deals/{id}")).Body.Prop("hs_lastmodifieddate");
        clock.Advance(TimeSpan.FromSeconds(5));

        var updated = await emu.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { amount = "20" } });
        Assert.Equal(200, updated.Status);
        Assert.Equal("20", updated.Body.Prop("amount"));
        Assert.Equal("2026-01-05T09:00:05.000Z", updated.Body.Prop("hs_lastmodifieddate"));
        Assert.NotEqual(created, updated.Body.Prop("hs_lastmodifieddate"));

        clock.Advance(TimeSpan.FromSeconds(5));
        var same = await emu.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { amount = "20" } });
        Assert.Equal("2026-01-05T09:00:05.000Z", same.Body.Prop("hs_lastmodifieddate"));

        var cleared = await emu.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { amount = "" } });
        Assert.Null(cleared.Body.Prop("amount"));
    }

    [Fact]
    public async Task Archive_Returns204_KeepsModificationDate_AndListArchivedShowsArchivedAt()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var before = (await emu.Get($"/crm/v3/objects/deals/{id}")).Body.Prop("hs_lastmodifieddate");
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(204, (await emu.Delete($"/crm/v3/objects/deals/{id}")).Status);
        Assert.Equal(204, (await emu.Delete($"/crm/v3/objects/deals/{id}")).Status);
        (await emu.Get($"/crm/v3/objects/deals/{id}")).AssertError(404, "OBJECT_NOT_FOUND");
        Assert.Empty((await emu.Get("/crm/v3/objects/deals")).Results());

        var archived = await emu.Get("/crm/v3/objects/deals?archived=true");
        var record = Assert.Single(archived.Results());
        Assert.True(record.GetProperty("archived").GetBoolean());
        Assert.Equal(before, record.Prop("hs_lastmodifieddate"));
        Assert.Equal("2026-01-05T09:01:00.000Z", record.Str("archivedAt"));
        Assert.Equal(200, (await emu.Get($"/crm/v3/objects/deals/{id}?archived=true")).Status);
        (await emu.Delete("/crm/v3/objects/deals/12345")).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task BatchRead_UnknownIds_Returns207WithFoundResultsAndNumErrors()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Post("/crm/v3/objects/deals/batch/read", new { inputs = new[] { new { id }, new { id = "999" } }, properties = new[] { "dealname" } });

        Assert.Equal(207, r.Status);
        Assert.Equal("COMPLETE", r.Body.Str("status"));
        Assert.Equal(1, r.Body.GetProperty("numErrors").GetInt32());
        var error = r.Body.GetProperty("errors")[0];
        Assert.Equal("OBJECT_NOT_FOUND", error.Str("category"));
        Assert.Equal("999", error.GetProperty("context").GetProperty("ids")[0].GetString());
        Assert.Equal("D", Assert.Single(r.Results()).Prop("dealname"));
    }

    [Fact]
    public async Task BatchCreate_Returns201_AndOneBadInputWithoutTraceIdsFailsTheWholeBatch()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var ok = await emu.Post("/crm/v3/objects/deals/batch/create", new { inputs = new[] { new { properties = Http.Deal("A") }, new { properties = Http.Deal("B") } } });
        Assert.Equal(201, ok.Status);
        Assert.Equal(2, ok.Results().Count);

        var bad = await emu.Post("/crm/v3/objects/deals/batch/create", new { inputs = new[] { new { properties = Http.Deal("C") }, new { properties = Http.Deal("D", stage: "nope") } } });
        bad.AssertError(400, "VALIDATION_ERROR");
        Assert.Equal(2, (await emu.Get("/crm/v3/objects/deals")).Results().Count);
    }

    [Fact]
    public async Task BatchCreate_WithTraceIds_PartialFailureIs207EchoingTheTraceId()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.Post("/crm/v3/objects/deals/batch/create", new
        {
            inputs = new object[]
            {
                new { properties = Http.Deal("A"), objectWriteTraceId = "t1" },
                new { properties = Http.Deal("B", stage: "nope"), objectWriteTraceId = "t2" },
            },
        });
        Assert.Equal(207, r.Status);
        Assert.Single(r.Results());
        Assert.Equal("t2", r.Body.GetProperty("errors")[0].GetProperty("context").GetProperty("objectWriteTraceId")[0].GetString());
    }

    [Fact]
    public async Task BatchUpdate_UnknownId_Is207AndKnownOnesAreUpdated()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Post("/crm/v3/objects/deals/batch/update", new
        {
            inputs = new object[] { new { id, properties = new { dealname = "E" } }, new { id = "424242", properties = new { dealname = "F" } } },
        });
        Assert.Equal(207, r.Status);
        Assert.Equal("E", Assert.Single(r.Results()).Prop("dealname"));
        var dup = await emu.Post("/crm/v3/objects/deals/batch/update", new { inputs = new object[] { new { id, properties = new { } }, new { id, properties = new { } } } });
        dup.AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task BatchUpsert_ByUniqueProperty_CreatesThenUpdates_ReportingNew()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        object Input(string pct) => new
        {
            idProperty = "project_code", id = "PRJ-NEW-1",
            properties = new { hs_name = "Kickoff", hs_pipeline = "default", hs_pipeline_stage = "planned", project_percent_complete = pct },
        };

        var first = await emu.Post("/crm/v3/objects/projects/batch/upsert", new { inputs = new[] { Input("0") } });
        Assert.Equal(200, first.Status);
        var created = Assert.Single(first.Results());
        Assert.True(created.GetProperty("new").GetBoolean());

        var second = await emu.Post("/crm/v3/objects/projects/batch/upsert", new { inputs = new[] { Input("10") } });
        var updated = Assert.Single(second.Results());
        Assert.False(updated.GetProperty("new").GetBoolean());
        Assert.Equal(created.Str("id"), updated.Str("id"));
        Assert.Equal("10", updated.Prop("project_percent_complete"));
        Assert.Equal("PRJ-NEW-1", updated.Prop("project_code"));
        (await emu.Post("/crm/v3/objects/projects/batch/upsert", new { inputs = new[] { new { idProperty = "hs_name", id = "x", properties = new { } } } }))
            .AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task BatchArchive_Returns204_AndIgnoresUnknownIds()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Post("/crm/v3/objects/deals/batch/archive", new { inputs = new[] { new { id }, new { id = "1" } } });
        Assert.Equal(204, r.Status);
        Assert.Empty((await emu.Get("/crm/v3/objects/deals")).Results());
    }

    [Fact]
    public async Task CustomObject_IsAddressableByTypeIdFullyQualifiedNameAndName()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var schema = await emu.Post("/crm-object-schemas/v3/schemas", new
        {
            name = "delivery_project", labels = new { singular = "Delivery project", plural = "Delivery projects" },
            primaryDisplayProperty = "code", requiredProperties = new[] { "code" },
            properties = new object[] { new { name = "code", label = "Code", type = "string", fieldType = "text", hasUniqueValue = true } },
            associatedObjects = new[] { "0-3" },
        });
        Assert.Equal(201, schema.Status);
        var typeId = schema.Body.Str("objectTypeId");
        Assert.Matches(@"^2-\d+$", typeId);
        Assert.Equal("p1234567_delivery_project", schema.Body.Str("fullyQualifiedName"));

        await emu.CreateAsync(typeId, new { code = "A" });
        await emu.CreateAsync("p1234567_delivery_project", new { code = "B" });
        await emu.CreateAsync("delivery_project", new { code = "C" });
        var list = await emu.Get($"/crm/v3/objects/{typeId}?properties=code");
        Assert.Equal(["A", "B", "C"], list.Results().Select(x => x.Prop("code")));
        (await emu.Post($"/crm/v3/objects/{typeId}", new { properties = new { } })).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task DateVersionedPaths_ServeTheSameObjects()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Get($"/crm/objects/2026-03/0-3/{id}");
        Assert.Equal(200, r.Status);
        Assert.Equal("D", r.Body.Prop("dealname"));
    }

    [Fact]
    public async Task Writes_UnderAFrozenClock_ShareOneMillisecond_AndStayMonotonic()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        emu.Control.FreezeClock();
        var a = await emu.Post("/crm/v3/objects/companies", new { properties = new { name = "a" } });
        var b = await emu.Post("/crm/v3/objects/companies", new { properties = new { name = "b" } });
        Assert.Equal(a.Body.Str("updatedAt"), b.Body.Str("updatedAt"));

        emu.Control.SetClockOffset(TimeSpan.FromMinutes(-10));
        var c = await emu.Post("/crm/v3/objects/companies", new { properties = new { name = "c" } });
        Assert.Equal(b.Body.Str("updatedAt"), c.Body.Str("updatedAt"));
        emu.Control.SetClockOffset(TimeSpan.FromSeconds(1));
        var d = await emu.Post("/crm/v3/objects/companies", new { properties = new { name = "d" } });
        Assert.True(string.CompareOrdinal(d.Body.Str("updatedAt"), c.Body.Str("updatedAt")) > 0);
    }
}
