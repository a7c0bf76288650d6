using System.Globalization;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>HubSpot's native Projects object (<c>0-970</c> / <c>projects</c>): core properties, pipelines, search, associations.</summary>
public sealed class ProjectsApiTests
{
    private static Dictionary<string, string> Project(string name, string stage = "planned", string? due = null)
    {
        var p = new Dictionary<string, string> { ["hs_name"] = name, ["hs_pipeline"] = "default", ["hs_pipeline_stage"] = stage };
        if (due is not null)
        {
            p["hs_target_due_date"] = due;
        }

        return p;
    }

    [Fact]
    public async Task Create_EnforcesTheRequiredCoreProperties_AndReadsBackByNameAndId()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var missing = await emu.Post("/crm/objects/2026-03/0-970", new { properties = new { hs_pipeline = "default" } });
        var error = missing.AssertError(400, "VALIDATION_ERROR");
        Assert.All(error.ErrorCodes(), c => Assert.Equal("REQUIRED_PROPERTY", c));
        Assert.Contains("hs_name", missing.Raw, StringComparison.Ordinal);
        Assert.Contains("hs_pipeline_stage", missing.Raw, StringComparison.Ordinal);
        (await emu.Post("/crm/v3/objects/projects/batch/create", new { inputs = new[] { new { properties = new { hs_name = "x" } } } })).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/objects/2026-09/projects", new { properties = Project("Bad date", due: "31/12/2026") })).AssertError(400, "VALIDATION_ERROR");
        (await emu.Post("/crm/objects/2026-09/projects", new { properties = Project("Bad stage", stage: "nope") })).AssertError(400, "VALIDATION_ERROR");
        Assert.Empty(emu.Control.ExportState().Objects["projects"]);

        var created = await emu.Post("/crm/objects/2026-03/0-970", new { properties = Project("Website relaunch", due: "2027-01-31") });
        Assert.Equal(201, created.Status);
        var id = created.Body.Str("id");
        foreach (var path in new[] { $"/crm/objects/2026-03/projects/{id}", $"/crm/objects/2026-09/0-970/{id}", $"/crm/v3/objects/project/{id}", $"/crm/v3/objects/0-970/{id}" })
        {
            var r = await emu.Get(path + "?properties=hs_name,hs_pipeline,hs_pipeline_stage,hs_target_due_date");
            Assert.True(r.Status == 200, $"{path}: {r}");
            Assert.Equal("Website relaunch", r.Body.Prop("hs_name"));
            Assert.Equal("planned", r.Body.Prop("hs_pipeline_stage"));
            Assert.Equal("2027-01-31", r.Body.Prop("hs_target_due_date"));
        }

        var byDefault = await emu.Get($"/crm/objects/2026-03/projects/{id}");
        Assert.Equal("Website relaunch", byDefault.Body.Prop("hs_name"));
        Assert.Equal("default", byDefault.Body.Prop("hs_pipeline"));

        var properties = (await emu.Get("/crm/properties/2026-03/0-970")).Results().ToDictionary(p => p.Str("name"), p => p.Str("type"));
        Assert.Equal("string", properties["hs_name"]);
        Assert.Equal("enumeration", properties["hs_pipeline"]);
        Assert.Equal("enumeration", properties["hs_pipeline_stage"]);
        Assert.Equal("date", properties["hs_target_due_date"]);
    }

    [Fact]
    public async Task Pipelines_AreServedUnder0970AndProjects_InBothFamilies_AndGuardTheStage()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var legacy = await emu.Get("/crm/v3/pipelines/projects");
        Assert.Equal(200, legacy.Status);
        foreach (var path in new[] { "/crm/pipelines/2026-03/0-970", "/crm/pipelines/2026-09/projects", "/crm/v3/pipelines/0-970" })
        {
            Assert.Equal(legacy.Raw, (await emu.Get(path)).Raw);
        }

        var pipeline = Assert.Single(legacy.Results());
        Assert.Equal("default", pipeline.Str("id"));
        var stages = await emu.Get("/crm/pipelines/2026-03/0-970/default/stages");
        Assert.Equal(["planned", "in_progress", "on_hold", "completed", "cancelled"], stages.Results().Select(s => s.Str("id")));

        var added = await emu.Post("/crm/pipelines/2026-03/0-970", new
        {
            label = "Retainers", displayOrder = 1,
            stages = new[] { new { label = "Open", displayOrder = 0, metadata = new { isClosed = "false" } }, new { label = "Done", displayOrder = 1, metadata = new { isClosed = "true" } } },
        });
        Assert.Equal(201, added.Status);
        var pipelineId = added.Body.Str("id");
        var stageId = added.Body.GetProperty("stages")[0].Str("id");
        var project = await emu.Post("/crm/v3/objects/projects", new { properties = new { hs_name = "R", hs_pipeline = pipelineId, hs_pipeline_stage = stageId } });
        Assert.Equal(201, project.Status);
        (await emu.Patch($"/crm/objects/2026-03/projects/{project.Body.Str("id")}", new { properties = new { hs_pipeline_stage = "planned" } }))
            .AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Search_FindsProjectsByCorePropertiesInBothFamilies()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await emu.CreateManyAsync("projects", [Project("Alpha", due: "2027-01-10"), Project("Beta", "completed", "2027-02-10"), Project("Gamma", due: "2027-03-10")]);
        object Body(string op, string value) => new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_target_due_date", @operator = op, value } } } },
            properties = new[] { "hs_name" },
            sorts = new[] { "hs_target_due_date" },
        };

        var dated = await emu.Post("/crm/objects/2026-03/0-970/search", Body("GTE", "2027-02-01"));
        Assert.Equal(200, dated.Status);
        Assert.Equal(["Beta", "Gamma"], dated.Results().Select(r => r.Prop("hs_name")));
        var legacy = await emu.Post("/crm/v3/objects/projects/search", Body("GTE", "2027-02-01"));
        Assert.Equal(dated.Results().Select(r => r.Str("id")), legacy.Results().Select(r => r.Str("id")));

        var byStage = await emu.Post("/crm/objects/2026-09/projects/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_pipeline_stage", @operator = "EQ", value = "completed" } } } },
            properties = new[] { "hs_name" },
        });
        Assert.Equal("Beta", Assert.Single(byStage.Results()).Prop("hs_name"));
        var byQuery = await emu.Post("/crm/objects/2026-03/projects/search", new { query = "gam" });
        Assert.Equal(1, byQuery.Body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Associations_WithDealsAndCompanies_UseTheTypeIdsTheLabelsEndpointExposes()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        async Task<int> Unlabelled(string path)
        {
            var labels = await emu.Get(path);
            Assert.True(labels.Status == 200, $"{path}: {labels}");
            var unlabelled = Assert.Single(labels.Results(), l => l.GetProperty("label").ValueKind == System.Text.Json.JsonValueKind.Null);
            Assert.Equal("HUBSPOT_DEFINED", unlabelled.Str("category"));
            return unlabelled.GetProperty("typeId").GetInt32();
        }

        Assert.Equal(1238, await Unlabelled("/crm/associations/2026-03/0-970/deals/labels"));
        Assert.Equal(1239, await Unlabelled("/crm/associations/2026-09/0-3/projects/labels"));
        Assert.Equal(1236, await Unlabelled("/crm/v4/associations/projects/companies/labels"));
        Assert.Equal(1237, await Unlabelled("/crm/associations/2026-03/companies/0-970/labels"));

        var project = await emu.CreateAsync("0-970", Project("P"));
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var link = await emu.Post("/crm/associations/2026-03/0-970/deals/batch/associate/default", new { inputs = new[] { new { from = new { id = project }, to = new { id = deal } } } });
        Assert.Equal(200, link.Status);
        var create = await emu.Post("/crm/associations/2026-03/companies/projects/batch/create", new
        {
            inputs = new[] { new { from = new { id = company }, to = new { id = project }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 1237 } } } },
        });
        Assert.Equal(201, create.Status);

        var fromDeal = await emu.Post("/crm/v4/associations/deals/projects/batch/read", new { inputs = new[] { new { id = deal } } });
        var toProject = Assert.Single(Assert.Single(fromDeal.Results()).GetProperty("to").EnumerateArray());
        Assert.Equal(project, toProject.GetProperty("toObjectId").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1239, toProject.GetProperty("associationTypes")[0].GetProperty("typeId").GetInt32());

        var fromProject = await emu.Post("/crm/associations/2026-09/projects/companies/batch/read", new { inputs = new[] { new { id = project } } });
        var toCompany = Assert.Single(Assert.Single(fromProject.Results()).GetProperty("to").EnumerateArray());
        Assert.Equal(company, toCompany.GetProperty("toObjectId").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1236, toCompany.GetProperty("associationTypes")[0].GetProperty("typeId").GetInt32());

        var withAssociations = await emu.Get($"/crm/objects/2026-03/projects/{project}?associations=deals,companies");
        Assert.Equal(deal, withAssociations.Body.GetProperty("associations").GetProperty("deals").GetProperty("results")[0].Str("id"));
        Assert.Equal(company, withAssociations.Body.GetProperty("associations").GetProperty("companies").GetProperty("results")[0].Str("id"));
    }
}
