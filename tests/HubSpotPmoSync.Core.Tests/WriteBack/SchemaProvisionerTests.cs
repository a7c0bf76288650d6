using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class SchemaProvisionerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ApplyAsync_RunTwice_SecondRunMakesNoChangeAndNoWriteCall()
    {
        var portal = new FakeCrmPortal();
        var provisioner = new SchemaProvisioner(portal, portal);
        var desired = ProductSchema.Desired(new ProductSchemaOptions());

        var first = await provisioner.ApplyAsync(desired, dryRun: false, None);
        portal.ResetCalls();
        var second = await provisioner.ApplyAsync(desired, dryRun: false, None);

        Assert.Equal(first.Plan.Changes.Count, first.Applied.Count);
        Assert.Equal(3 + desired.Properties.Count, first.Applied.Count);
        Assert.Empty(second.Applied);
        Assert.Empty(second.Plan.Changes);
        Assert.Equal(0, portal.WriteCalls);
        Assert.True(portal.PropertiesOf("projects")["project_code"].HasUniqueValue);
        Assert.Equal("pmo_delivery_health", portal.PropertiesOf("deals")["delivery_health"].GroupName);
    }

    [Fact]
    public async Task ApplyAsync_DryRun_ReturnsThePlanAndWritesNothing()
    {
        var portal = new FakeCrmPortal();

        var result = await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: true, None);

        Assert.True(result.DryRun);
        Assert.NotEmpty(result.Plan.Changes);
        Assert.Empty(result.Applied);
        Assert.Equal(0, portal.WriteCalls);
        Assert.False(portal.PropertiesOf("projects").ContainsKey("health_status"));
    }

    [Fact]
    public async Task ApplyAsync_ExistingPropertyOfAnotherType_CreatesNothingAndNamesIt()
    {
        var portal = new FakeCrmPortal();
        portal.DefineProperty("deals", new CrmPropertyDefinition("active_projects", "Active projects", "string", "text", "dealinformation"));

        var result = await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, None);

        Assert.True(result.HasConflicts);
        Assert.Empty(result.Applied);
        Assert.Equal(0, portal.WriteCalls);
        Assert.Equal("deals.active_projects: exists with type string, needs number", Assert.Single(result.Plan.Conflicts).ToString());
        Assert.DoesNotContain(portal.GroupsOf("projects"), g => g.Name == "pmo_delivery_health");
    }

    [Fact]
    public async Task ApplyAsync_PropertyDeletedInThePortal_ConflictSaysToRestoreItAndNothingIsCreated()
    {
        var portal = new FakeCrmPortal();
        var provisioner = new SchemaProvisioner(portal, portal);
        var desired = ProductSchema.Desired(new ProductSchemaOptions());
        await provisioner.ApplyAsync(desired, dryRun: false, None);
        portal.RemoveProperty("projects", "health_status");
        portal.RemoveProperty("deals", "delivery_health");
        portal.ResetCalls();

        var result = await provisioner.ApplyAsync(desired, dryRun: false, None);

        Assert.True(result.HasConflicts);
        Assert.Empty(result.Applied);
        Assert.Equal(0, portal.WriteCalls);
        Assert.Equal(
            ["deals.delivery_health", "projects.health_status"],
            result.Plan.Conflicts.Select(c => c.ObjectType + "." + c.PropertyName).Order(StringComparer.Ordinal));
        Assert.All(result.Plan.Conflicts, c => Assert.StartsWith("was deleted in HubSpot and is archived under this name", c.Reason, StringComparison.Ordinal));
        Assert.Contains("restore it in HubSpot", result.Plan.Render(), StringComparison.Ordinal);

        // Restored (defined again, as the admin's restore brings it back), the next run is clean.
        portal.DefineProperty("projects", desired.Properties.Single(p => p.ObjectType == "projects" && p.Definition.Name == "health_status").Definition);
        portal.DefineProperty("deals", desired.Properties.Single(p => p.ObjectType == "deals" && p.Definition.Name == "delivery_health").Definition);
        var clean = await provisioner.PlanAsync(desired, None);
        Assert.True(clean.IsValid);
        Assert.Empty(clean.Changes);
    }

    [Fact]
    public async Task PlanAsync_NothingToCreate_DoesNotReadArchivedProperties()
    {
        var portal = new FakeCrmPortal();
        var provisioner = new SchemaProvisioner(portal, portal);
        var desired = ProductSchema.Desired(new ProductSchemaOptions());
        var first = await provisioner.PlanAsync(desired, None);
        await provisioner.ApplyAsync(first, None);
        portal.ResetCalls();

        await provisioner.PlanAsync(desired, None);

        Assert.Equal(desired.ObjectTypes.Count, portal.Calls.Count(c => c.Method == "properties"));
    }

    [Fact]
    public async Task ApplyAsync_CustomProjectObject_CreatesTheSchemaAndPutsTheOtherPropertiesOnItsTypeId()
    {
        var portal = new FakeCrmPortal();
        var provisioner = new SchemaProvisioner(portal, portal);
        var desired = ProductSchema.Desired(new ProductSchemaOptions { UseCustomProjectObject = true });

        var first = await provisioner.ApplyAsync(desired, dryRun: false, None);
        var second = await provisioner.ApplyAsync(desired, dryRun: false, None);

        var typeId = first.ObjectTypeIds["pmo_project"];
        Assert.StartsWith("2-", typeId, StringComparison.Ordinal);
        Assert.Equal(typeId, second.ObjectTypeIds["pmo_project"]);
        var properties = portal.PropertiesOf(typeId);
        Assert.True(properties["project_code"].HasUniqueValue);
        Assert.Equal("enumeration", properties["health_status"].Type);
        Assert.Contains(portal.GroupsOf(typeId), g => g.Name == "pmo_delivery_health");
        Assert.Empty(second.Applied);
    }

    [Fact]
    public async Task ApplyAsync_EnumerationLacksAnOption_AddsItAndTheNextRunIsClean()
    {
        var portal = new FakeCrmPortal();
        var provisioner = new SchemaProvisioner(portal, portal);
        var desired = ProductSchema.Desired(new ProductSchemaOptions());
        await provisioner.ApplyAsync(desired, dryRun: false, None);
        var status = portal.PropertiesOf("projects")["health_status"];
        portal.DefineProperty("projects", status with { Options = status.Options!.Where(o => o.Value != "unknown").ToList() });

        var fix = await provisioner.ApplyAsync(desired, dryRun: false, None);
        var again = await provisioner.ApplyAsync(desired, dryRun: false, None);

        Assert.Equal(SchemaChangeKind.AddOptions, Assert.Single(fix.Applied).Kind);
        Assert.Contains(portal.PropertiesOf("projects")["health_status"].Options!, o => o.Value == "unknown");
        Assert.Empty(again.Applied);
    }

    [Fact]
    public async Task PlanAsync_NativeProjects_DoesNotReadCustomSchemas()
    {
        var portal = new FakeCrmPortal();

        await new SchemaProvisioner(portal, portal).PlanAsync(ProductSchema.Desired(new ProductSchemaOptions()), None);

        Assert.DoesNotContain(portal.Calls, c => c.Method == "schemas");
    }
}
