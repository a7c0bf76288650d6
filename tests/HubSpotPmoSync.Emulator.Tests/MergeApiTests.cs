using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Merges (<c>POST …/merge</c>, both families) and restoring an archived record through the control API.</summary>
public sealed class MergeApiTests
{
    [Theory]
    [InlineData("/crm/v3/objects/companies/merge")]
    [InlineData("/crm/objects/2026-03/companies/merge")]
    public async Task Merge_TwoCompanies_SurvivorKeepsItsIdTakesMissingValuesAndLinksMergedIsArchived(string path)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var primary = await emu.CreateAsync("companies", new { name = "Acme" });
        var merged = await emu.CreateAsync("companies", new { name = "ACME Ltd", domain = "acme.example", industry = "COMPUTER_SOFTWARE" });
        var dealOfMerged = await emu.CreateAsync("deals", Http.Deal("D1"), new[] { Link(merged, 5) });
        var dealOfPrimary = await emu.CreateAsync("deals", Http.Deal("D2"), new[] { Link(primary, 5) });
        var before = await emu.Get($"/crm/v3/objects/companies/{primary}");
        emu.Control.AdvanceClock(TimeSpan.FromSeconds(5));

        var r = await emu.Post(path, new { primaryObjectId = primary, objectIdToMerge = merged });

        Assert.Equal(200, r.Status);
        Assert.Equal(primary, r.Body.Str("id"));
        Assert.Equal("Acme", r.Body.Prop("name"));
        var survivor = await emu.Get($"/crm/v3/objects/companies/{primary}?properties=name,domain,hs_merged_object_ids");
        Assert.Equal("acme.example", survivor.Body.Prop("domain"));
        Assert.Equal(merged, survivor.Body.Prop("hs_merged_object_ids"));
        Assert.True(string.CompareOrdinal(survivor.Body.Str("updatedAt"), before.Body.Str("updatedAt")) > 0, "the survivor's modification time moves");

        // The merged-away record is archived: gone from reads, listed with archived=true.
        Assert.Equal(404, (await emu.Get($"/crm/v3/objects/companies/{merged}")).Status);
        var archived = await emu.Get("/crm/v3/objects/companies?archived=true&limit=100");
        Assert.Contains(archived.Results(), x => x.Str("id") == merged && x.GetProperty("archived").GetBoolean());

        // Its links moved to the survivor; the deal that had its own primary company keeps it.
        var links = await emu.Post("/crm/v4/associations/deals/companies/batch/read", new { inputs = new[] { new { id = dealOfMerged }, new { id = dealOfPrimary } } });
        var to = links.Results().ToDictionary(x => x.GetProperty("from").Str("id"), x => x.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("toObjectId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        Assert.Equal([primary], to[dealOfMerged]);
        Assert.Equal([primary], to[dealOfPrimary]);
        var fromMerged = await emu.Post("/crm/v4/associations/companies/deals/batch/read", new { inputs = new[] { new { id = merged } } });
        Assert.DoesNotContain(fromMerged.Results(), x => x.GetProperty("to").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Merge_ChainOfMerges_SurvivorListsEveryMergedId()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var ids = await emu.CreateManyAsync("deals", [Http.Deal("A"), Http.Deal("B"), Http.Deal("C")]);

        Assert.Equal(200, (await emu.Post("/crm/v3/objects/deals/merge", new { primaryObjectId = ids[1], objectIdToMerge = ids[2] })).Status);
        Assert.Equal(200, (await emu.Post("/crm/v3/objects/deals/merge", new { primaryObjectId = ids[0], objectIdToMerge = ids[1] })).Status);

        var survivor = await emu.Get($"/crm/v3/objects/deals/{ids[0]}?properties=hs_merged_object_ids");
        Assert.Equal($"{ids[1]};{ids[2]}", survivor.Body.Prop("hs_merged_object_ids"));
    }

    [Fact]
    public async Task Merge_BadRequests_AnswerHubSpotErrors()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var a = await emu.CreateAsync("companies", new { name = "A" });
        var b = await emu.CreateAsync("companies", new { name = "B" });
        Assert.Equal(204, (await emu.Delete($"/crm/v3/objects/companies/{b}")).Status);

        (await emu.Post("/crm/v3/objects/companies/merge", new { primaryObjectId = a, objectIdToMerge = a })).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/v3/objects/companies/merge", new { primaryObjectId = a, objectIdToMerge = b })).AssertError(404, "OBJECT_NOT_FOUND");
        (await emu.Post("/crm/v3/objects/companies/merge", new { primaryObjectId = a })).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task RestoreRecord_Archived_IsLiveAgainWithItsModificationTimeAndLinksMergedOneCannot()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "A" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"), new[] { Link(company, 5) });
        var before = await emu.Get($"/crm/v3/objects/companies/{company}");
        Assert.Equal(204, (await emu.Delete($"/crm/v3/objects/companies/{company}")).Status);
        emu.Control.AdvanceClock(TimeSpan.FromSeconds(5));

        emu.Control.RestoreRecord("companies", company);

        var after = await emu.Get($"/crm/v3/objects/companies/{company}");
        Assert.Equal(200, after.Status);
        Assert.Equal(before.Body.Str("updatedAt"), after.Body.Str("updatedAt"));
        var links = await emu.Post("/crm/v4/associations/deals/companies/batch/read", new { inputs = new[] { new { id = deal } } });
        Assert.Single(links.Results().Single().GetProperty("to").EnumerateArray());

        var other = await emu.CreateAsync("companies", new { name = "B" });
        Assert.Equal(200, (await emu.Post("/crm/v3/objects/companies/merge", new { primaryObjectId = company, objectIdToMerge = other })).Status);
        var refused = await emu.Post("/__emulator/records/restore", new { objectType = "companies", id = other });
        Assert.Equal(400, refused.Status);
    }

    private static object Link(string toId, int typeId) => new
    {
        to = new { id = toId },
        types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = typeId } },
    };

}
