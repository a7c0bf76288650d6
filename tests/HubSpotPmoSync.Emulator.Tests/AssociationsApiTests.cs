using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 3: associations v4 over real HTTP.</summary>
public sealed class AssociationsApiTests
{
    [Fact]
    public async Task PutDefault_StoresBothDirectionsWithHubSpotDefinedTypeIds()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));

        var r = await emu.Put($"/crm/v4/objects/deal/{deal}/associations/default/company/{company}");
        Assert.Equal(200, r.Status);
        Assert.Equal(341, r.Results()[0].GetProperty("associationSpec").GetProperty("associationTypeId").GetInt32());

        var state = emu.Control.ExportState();
        Assert.Contains(state.Associations, a => a is { FromType: "deals", ToType: "companies" } && a.FromId == deal && a.ToId == company && a.TypeIds.SequenceEqual([341]));
        Assert.Contains(state.Associations, a => a is { FromType: "companies", ToType: "deals" } && a.FromId == company && a.ToId == deal && a.TypeIds.SequenceEqual([342]));
    }

    [Fact]
    public async Task BatchRead_ReturnsNumericToObjectIdsWithLabels_AndPagesPerInput()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var tickets = await emu.CreateManyAsync("tickets", Enumerable.Range(0, 501).Select(i => new { subject = $"T{i}", hs_pipeline = "0", hs_pipeline_stage = "1" }));
        var create = await emu.Post("/crm/v4/associations/deals/tickets/batch/create", new
        {
            inputs = tickets.Select(t => new { from = new { id = deal }, to = new { id = t }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 27 } } }),
        });
        Assert.Equal(201, create.Status);

        var page1 = await emu.Post("/crm/v4/associations/deals/tickets/batch/read", new { inputs = new[] { new { id = deal } } });
        Assert.Equal(200, page1.Status);
        var result = Assert.Single(page1.Results());
        var to = result.GetProperty("to").EnumerateArray().ToList();
        Assert.Equal(500, to.Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, to[0].GetProperty("toObjectId").ValueKind);
        Assert.Equal(27, to[0].GetProperty("associationTypes")[0].GetProperty("typeId").GetInt32());
        var after = result.GetProperty("paging").GetProperty("next").Str("after");

        var page2 = await emu.Post("/crm/v4/associations/deals/tickets/batch/read", new { inputs = new[] { new { id = deal, after } } });
        var rest = Assert.Single(page2.Results());
        Assert.Equal(tickets[^1], rest.GetProperty("to")[0].GetProperty("toObjectId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(rest.TryGetProperty("paging", out _));
    }

    [Fact]
    public async Task BatchRead_UnknownOrUnlinkedInputs_Are207Errors_AndOver1000InputsIs400()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Post("/crm/v4/associations/deal/company/batch/read", new { inputs = new[] { new { id = deal }, new { id = "77" } } });
        Assert.Equal(207, r.Status);
        Assert.Equal(2, r.Body.GetProperty("numErrors").GetInt32());
        (await emu.Post("/crm/v4/associations/deals/companies/batch/read", new { inputs = Enumerable.Range(0, 1001).Select(i => new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }) }))
            .AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Labels_CreateAndUse_ReplacesLabelsOfThePair_AndKeepsTheUnlabelledType()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));

        var label = await emu.Post("/crm/v4/associations/deals/companies/labels", new { label = "Billing client", name = "billing_client" });
        Assert.Equal(200, label.Status);
        var typeId = label.Results()[0].GetProperty("typeId").GetInt32();
        var labels = await emu.Get("/crm/v4/associations/deals/companies/labels");
        Assert.Contains(labels.Results(), l => l.GetProperty("typeId").GetInt32() == typeId && l.Str("label") == "Billing client");
        Assert.Contains(labels.Results(), l => l.GetProperty("typeId").GetInt32() == 341);
        (await emu.Post("/crm/v4/associations/deals/companies/labels", new { label = "Billing client", name = "billing_client" })).AssertError(409, "CONFLICT");

        var put = await emu.Put($"/crm/v4/objects/deals/{deal}/associations/companies/{company}", new[] { new { associationCategory = "USER_DEFINED", associationTypeId = typeId } });
        Assert.Equal(201, put.Status);
        Assert.Equal(["Billing client"], put.Body.GetProperty("labels").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, put.Body.GetProperty("toObjectId").ValueKind);
        var types = emu.Control.ExportState().Associations.Single(a => a.FromId == deal).TypeIds;
        Assert.Equal([341, typeId], types);

        await emu.Put($"/crm/v4/objects/deals/{deal}/associations/companies/{company}", new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } });
        Assert.Equal([5, 341], emu.Control.ExportState().Associations.Single(a => a.FromId == deal).TypeIds);
        (await emu.Put($"/crm/v4/objects/deals/{deal}/associations/companies/{company}", new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 27 } }))
            .AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Primary_MovesToTheNewCompany()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var a = await emu.CreateAsync("companies", new { name = "A" });
        var b = await emu.CreateAsync("companies", new { name = "B" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var spec = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } };
        await emu.Put($"/crm/v4/objects/deals/{deal}/associations/companies/{a}", spec);
        await emu.Put($"/crm/v4/objects/deals/{deal}/associations/companies/{b}", spec);

        var links = emu.Control.ExportState().Associations.Where(x => x.FromId == deal).ToDictionary(x => x.ToId, x => x.TypeIds);
        Assert.Equal([341], links[a]);
        Assert.Equal([5, 341], links[b]);
        var inverse = emu.Control.ExportState().Associations.Single(x => x.FromId == a && x.ToId == deal);
        Assert.Equal([342], inverse.TypeIds);
    }

    [Fact]
    public async Task BatchArchive_RemovesBothDirections_AndLabelsArchiveRemovesOnlyThatLabel()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "A" });
        var d1 = await emu.CreateAsync("deals", Http.Deal("D1"));
        var d2 = await emu.CreateAsync("deals", Http.Deal("D2"));
        var def = await emu.Post("/crm/v4/associations/deals/companies/batch/associate/default", new { inputs = new[] { new { from = new { id = d1 }, to = new { id = company } }, new { from = new { id = d2 }, to = new { id = company } } } });
        Assert.Equal(200, def.Status);
        await emu.Put($"/crm/v4/objects/deals/{d2}/associations/companies/{company}", new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } });

        Assert.Equal(204, (await emu.Post("/crm/v4/associations/deals/companies/batch/archive", new { inputs = new[] { new { from = new { id = d1 }, to = new[] { new { id = company } } } } })).Status);
        Assert.Equal(204, (await emu.Post("/crm/v4/associations/deals/companies/batch/labels/archive", new { inputs = new[] { new { from = new { id = d2 }, to = new { id = company }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 5 } } } } })).Status);

        var state = emu.Control.ExportState().Associations;
        Assert.DoesNotContain(state, a => a.FromId == d1 || a.ToId == d1);
        Assert.Equal([341], state.Single(a => a.FromId == d2).TypeIds);
        Assert.Equal([342], state.Single(a => a.ToId == d2).TypeIds);

        Assert.Equal(204, (await emu.Delete($"/crm/v4/objects/deals/{d2}/associations/companies/{company}")).Status);
        Assert.Empty(emu.Control.ExportState().Associations);
    }

    [Fact]
    public async Task ListForRecord_PagesWithLimit_AndProjectPairsUseTheirTypeIds()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var project = await emu.CreateAsync("projects", new { hs_name = "P", hs_pipeline = "default", hs_pipeline_stage = "planned" });
        var deals = await emu.CreateManyAsync("deals", Enumerable.Range(0, 3).Select(i => Http.Deal($"D{i}")));
        foreach (var d in deals)
        {
            Assert.Equal(200, (await emu.Put($"/crm/v4/objects/projects/{project}/associations/default/deals/{d}")).Status);
        }

        var page = await emu.Get($"/crm/v4/objects/0-970/{project}/associations/deals?limit=2");
        Assert.Equal(2, page.Results().Count);
        Assert.Equal(1238, page.Results()[0].GetProperty("associationTypes")[0].GetProperty("typeId").GetInt32());
        var rest = await emu.Get($"/crm/v4/objects/0-970/{project}/associations/deals?limit=2&after={page.NextAfter()}");
        Assert.Single(rest.Results());
        Assert.Contains(emu.Control.ExportState().Associations, a => a.FromType == "deals" && a.TypeIds.SequenceEqual([1239]));
    }
}
