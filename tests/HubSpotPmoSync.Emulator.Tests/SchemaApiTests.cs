using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 4: properties, schemas and pipelines over real HTTP.</summary>
public sealed class SchemaApiTests
{
    private static object Property(string name, string type = "string", string fieldType = "text", bool unique = false, object[]? options = null) =>
        new { name, label = name, type, fieldType, groupName = "dealinformation", hasUniqueValue = unique, options };

    [Fact]
    public async Task Properties_CreateListGetUpdateArchive()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var created = await emu.Post("/crm/v3/properties/deals", Property("health_rag", "enumeration", "select", options: [new { label = "Red", value = "red" }, new { label = "Green", value = "green" }]));
        Assert.Equal(201, created.Status);
        Assert.False(created.Body.GetProperty("hubspotDefined").GetBoolean());
        Assert.Contains((await emu.Get("/crm/v3/properties/deals")).Results(), p => p.Str("name") == "health_rag");
        Assert.Contains((await emu.Get("/crm/v3/properties/deals")).Results(), p => p.Str("name") == "dealstage" && p.GetProperty("options").GetArrayLength() == 7);

        var patched = await emu.Patch("/crm/v3/properties/deals/health_rag", new { label = "Health" });
        Assert.Equal("Health", patched.Body.Str("label"));
        (await emu.Patch("/crm/v3/properties/deals/health_rag", new { hasUniqueValue = true })).AssertError(400, "VALIDATION_ERROR");

        Assert.Equal(204, (await emu.Delete("/crm/v3/properties/deals/health_rag")).Status);
        (await emu.Get("/crm/v3/properties/deals/health_rag")).AssertError(404, "OBJECT_NOT_FOUND");
        Assert.Equal(200, (await emu.Get("/crm/v3/properties/deals/health_rag?archived=true")).Status);
        (await emu.Patch("/crm/v3/objects/deals/1", new { properties = new { health_rag = "red" } })).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task Properties_DeletedNameStaysTaken_ListedAsArchived_RestoredByTheControlApiWithItsValues()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var unique = Property("pmo_ref", unique: true);
        Assert.Equal(201, (await emu.Post("/crm/v3/properties/deals", unique)).Status);
        var deal = emu.Control.ExportState().Objects["deals"][0].Id;
        Assert.Equal(200, (await emu.Patch($"/crm/v3/objects/deals/{deal}", new { properties = new { pmo_ref = "R-1" } })).Status);
        Assert.Equal(204, (await emu.Delete("/crm/v3/properties/deals/pmo_ref")).Status);

        var again = await emu.Post("/crm/v3/properties/deals", unique);
        again.AssertError(409, "CONFLICT");
        Assert.Contains("(archived)", again.Raw, StringComparison.Ordinal);
        Assert.Equal(["pmo_ref"], (await emu.Get("/crm/v3/properties/deals?archived=true")).Results().Select(p => p.Str("name")));
        Assert.DoesNotContain((await emu.Get("/crm/v3/properties/deals")).Results(), p => p.Str("name") == "pmo_ref");

        Assert.Equal(200, (await emu.Post("/__emulator/properties/restore", new { objectType = "deals", name = "pmo_ref" })).Status);
        Assert.Equal(404, (await emu.Post("/__emulator/properties/restore", new { objectType = "deals", name = "pmo_ref" })).Status);
        Assert.Contains((await emu.Get("/crm/v3/properties/deals")).Results(), p => p.Str("name") == "pmo_ref");
        Assert.Equal("R-1", (await emu.Get($"/crm/v3/objects/deals/{deal}?properties=pmo_ref")).Body.GetProperty("properties").Str("pmo_ref"));
        Assert.Equal(deal, (await emu.Get("/crm/v3/objects/deals/R-1?idProperty=pmo_ref")).Body.Str("id"));
    }

    [Fact]
    public async Task Properties_Duplicate409_BadTypes400_AndAtMostTenUnique()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        Assert.Equal(201, (await emu.Post("/crm/v3/properties/deals", Property("x1"))).Status);
        (await emu.Post("/crm/v3/properties/deals", Property("x1"))).AssertError(409, "CONFLICT");
        (await emu.Post("/crm/v3/properties/deals", Property("dealname"))).AssertError(409, "CONFLICT");
        (await emu.Post("/crm/v3/properties/deals", Property("x2", "number", "text"))).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/v3/properties/deals", Property("x3", "money", "number"))).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/v3/properties/deals", Property("X-4"))).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/v3/properties/deals", new { name = "x5", label = "x5", type = "string", fieldType = "text", groupName = "nogroup" })).AssertError(400, "VALIDATION_ERROR");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(201, (await emu.Post("/crm/v3/properties/deals", Property($"u{i}", unique: true))).Status);
        }

        (await emu.Post("/crm/v3/properties/deals", Property("u10", unique: true))).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Properties_GroupsAndBatch()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        Assert.Equal(201, (await emu.Post("/crm/v3/properties/deals/groups", new { name = "delivery", label = "Delivery" })).Status);
        (await emu.Post("/crm/v3/properties/deals/groups", new { name = "delivery", label = "Delivery" })).AssertError(409, "CONFLICT");
        Assert.Contains((await emu.Get("/crm/v3/properties/deals/groups")).Results(), g => g.Str("name") == "delivery");

        var batch = await emu.Post("/crm/v3/properties/deals/batch/create", new { inputs = new[] { new { name = "b1", label = "B1", type = "number", fieldType = "number", groupName = "delivery" } } });
        Assert.Equal(201, batch.Status);
        var read = await emu.Post("/crm/v3/properties/deals/batch/read", new { inputs = new[] { new { name = "b1" }, new { name = "zz" } } });
        Assert.Equal(207, read.Status);
        Assert.Equal(204, (await emu.Post("/crm/v3/properties/deals/batch/archive", new { inputs = new[] { new { name = "b1" }, new { name = "zz" } } })).Status);
    }

    [Fact]
    public async Task Schemas_CreateListGet_EnforceRequiredProperties_AndDefineAssociations()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.PortalId = 42);
        var body = new
        {
            name = "cars", labels = new { singular = "Car", plural = "Cars" }, primaryDisplayProperty = "model",
            requiredProperties = new[] { "model", "vin" }, searchableProperties = new[] { "model" },
            properties = new object[] { new { name = "model", label = "Model" }, new { name = "vin", label = "VIN", hasUniqueValue = true }, new { name = "year", label = "Year", type = "number", fieldType = "number" } },
            associatedObjects = new[] { "0-2", "DEAL" },
        };
        var created = await emu.Post("/crm-object-schemas/v3/schemas", body);
        Assert.Equal(201, created.Status);
        var typeId = created.Body.Str("objectTypeId");
        Assert.Equal("p42_cars", created.Body.Str("fullyQualifiedName"));
        (await emu.Post("/crm-object-schemas/v3/schemas", body)).AssertError(409, "CONFLICT");

        Assert.Equal(typeId, Assert.Single((await emu.Get("/crm-object-schemas/v3/schemas")).Results()).Str("objectTypeId"));
        Assert.Equal(typeId, (await emu.Get("/crm/v3/schemas/p42_cars")).Body.Str("objectTypeId"));
        var assocId = created.Body.GetProperty("associations").EnumerateArray().Single(a => a.Str("toObjectTypeId") == "0-2").Str("id");

        var missing = await emu.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "T" } });
        Assert.Contains("REQUIRED_PROPERTY", missing.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
        var car = await emu.CreateAsync(typeId, new { model = "T", vin = "V1", year = "1925" });
        var company = await emu.CreateAsync("companies", new { name = "Ford" });
        Assert.Equal(200, (await emu.Put($"/crm/v4/objects/{typeId}/{car}/associations/default/companies/{company}")).Status);
        Assert.Contains(emu.Control.ExportState().Associations, a => a.FromType == typeId && a.TypeIds.SequenceEqual([int.Parse(assocId, System.Globalization.CultureInfo.InvariantCulture)]));

        var patched = await emu.Patch($"/crm-object-schemas/v3/schemas/{typeId}", new { requiredProperties = new[] { "model" } });
        Assert.Equal(42, patched.Body.GetProperty("portalId").GetInt64());
        Assert.Equal(201, (await emu.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "S" } })).Status);
        (await emu.Delete($"/crm-object-schemas/v3/schemas/{typeId}")).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm-object-schemas/v3/schemas", new { name = "bad", labels = new { singular = "B", plural = "Bs" }, requiredProperties = new[] { "nope" }, properties = Array.Empty<object>() }))
            .AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Pipelines_DealsTicketsAndProjectsHaveDefaultPipelinesWithMetadata()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var deals = Assert.Single((await emu.Get("/crm/v3/pipelines/deals")).Results());
        Assert.Equal("default", deals.Str("id"));
        var stages = deals.GetProperty("stages").EnumerateArray().ToDictionary(s => s.Str("id"), s => s.GetProperty("metadata"));
        Assert.Equal(["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"], stages.Keys);
        Assert.Equal("true", stages["closedwon"].Str("isClosed"));
        Assert.Equal("1.0", stages["closedwon"].Str("probability"));
        Assert.Equal("0.0", stages["closedlost"].Str("probability"));
        Assert.Equal("false", stages["appointmentscheduled"].Str("isClosed"));
        Assert.Equal("1970-01-01T00:00:00.000Z", deals.Str("createdAt"));

        var ticketStages = (await emu.Get("/crm/v3/pipelines/tickets/0/stages")).Results();
        Assert.Equal(["1", "2", "3", "4"], ticketStages.Select(s => s.Str("id")));
        Assert.Equal("CLOSED", ticketStages[3].GetProperty("metadata").Str("ticketState"));
        Assert.Equal("default", Assert.Single((await emu.Get("/crm/v3/pipelines/projects")).Results()).Str("id"));
        (await emu.Get("/crm/v3/pipelines/companies")).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Pipelines_CreateWithStages_ValidatesProbability_AndRecordsUseTheNewStages()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        (await emu.Post("/crm/v3/pipelines/deals", new { label = "Retainers", stages = new[] { new { label = "Open", displayOrder = 0, metadata = new { } } } })).AssertError(400, "VALIDATION_ERROR");
        var created = await emu.Post("/crm/v3/pipelines/deals", new
        {
            label = "Retainers", displayOrder = 1,
            stages = new[] { new { label = "Open", displayOrder = 0, metadata = new { probability = "0.5" } }, new { label = "Won", displayOrder = 1, metadata = new { probability = "1.0" } } },
        });
        Assert.Equal(201, created.Status);
        var pipeline = created.Body.Str("id");
        var won = created.Body.GetProperty("stages")[1];
        Assert.Equal("true", won.GetProperty("metadata").Str("isClosed"));

        var deal = await emu.Post("/crm/v3/objects/deals", new { properties = new { dealname = "R", pipeline, dealstage = won.Str("id") } });
        Assert.Equal(201, deal.Status);
        Assert.Equal("1.0", (await emu.Get($"/crm/v3/objects/deals/{deal.Body.Str("id")}?properties=hs_deal_stage_probability")).Body.Prop("hs_deal_stage_probability"));
        (await emu.Post("/crm/v3/objects/deals", new { properties = new { dealname = "R", pipeline, dealstage = "closedwon" } })).AssertError(400, "VALIDATION_ERROR");
        (await emu.Delete($"/crm/v3/pipelines/deals/{pipeline}/stages/{won.Str("id")}")).AssertError(400, "VALIDATION_ERROR");
    }
}
