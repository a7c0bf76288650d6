using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.HubSpot.Tests.Diagnostics;

public sealed class HubSpotScopesTests
{
    [Fact]
    public void Required_DefaultMappings_ReadWriteAndSchemaReadScopesWithReasons()
    {
        var required = HubSpotScopes.Required(TestMappings.Default, forSchemaApply: false);

        Assert.Equal(
            [
                "crm.objects.companies.read", "crm.objects.companies.write", "crm.schemas.companies.read",
                "crm.objects.deals.read", "crm.objects.deals.write", "crm.schemas.deals.read",
                "tickets",
                "crm.objects.projects.read", "crm.objects.projects.write", "crm.schemas.projects.read",
            ],
            required.Select(r => r.Scope));
        var dealsWrite = required.Single(r => r.Scope == "crm.objects.deals.write");
        Assert.Equal((HubSpotScopeProbe.ObjectWrite, "deals", "push rollups to deals"), (dealsWrite.Probe, dealsWrite.ObjectType, dealsWrite.Reason));
        Assert.Equal(
            "push health to projects, create projects for won deals (kickoff) and link them",
            required.Single(r => r.Scope == "crm.objects.projects.write").Reason);
        Assert.Equal("read tickets, check the properties of tickets", required.Single(r => r.Scope == "tickets").Reason);
        Assert.DoesNotContain(required, r => r.Scope.Contains("custom", StringComparison.Ordinal));
    }

    [Fact]
    public void Required_SchemaApplyOnNativeProjects_AddsSchemaWriteForDealsCompaniesAndProjects()
    {
        var required = HubSpotScopes.Required(TestMappings.Default, forSchemaApply: true);

        var writes = required.Where(r => r.Probe == HubSpotScopeProbe.SchemaWrite).Select(r => r.Scope).ToList();
        Assert.Equal(["crm.schemas.deals.write", "crm.schemas.companies.write", "crm.schemas.projects.write"], writes);
        Assert.DoesNotContain(required, r => r.Scope == "crm.schemas.custom.write");
    }

    [Theory]
    [InlineData("2-123")]
    [InlineData("p1234_pmo_project")]
    public void Required_CustomProjectObject_CustomScopesAndTheSchemaCreateProbe(string projectObject)
    {
        var mappings = TestMappings.Parse(File.ReadAllText(TestMappings.DefaultPath)
            .Replace("\"hubspotObject\": \"projects\"", $"\"hubspotObject\": \"{projectObject}\"", StringComparison.Ordinal));

        var sync = HubSpotScopes.Required(mappings, forSchemaApply: false).Select(r => r.Scope).ToList();
        var apply = HubSpotScopes.Required(mappings, forSchemaApply: true);

        Assert.Contains("crm.objects.custom.read", sync);
        Assert.Contains("crm.objects.custom.write", sync);
        Assert.Contains("crm.schemas.custom.read", sync);
        Assert.DoesNotContain(sync, s => s.Contains("projects", StringComparison.Ordinal));
        var custom = apply.Single(r => r.Scope == "crm.schemas.custom.write");
        Assert.Equal(HubSpotScopeProbe.CustomSchemaWrite, custom.Probe);
        Assert.Contains("create the custom project object (schema apply)", custom.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2-123", true)]
    [InlineData("p1234_pmo_project", true)]
    [InlineData("pmo_project", true)]
    [InlineData("projects", false)]
    [InlineData("0-970", false)]
    [InlineData("deals", false)]
    [InlineData("0-5", false)]
    public void IsCustom_TellsCustomFromStandardObjects(string objectType, bool custom)
    {
        Assert.Equal(custom, HubSpotScopes.IsCustom(objectType));
    }
}
