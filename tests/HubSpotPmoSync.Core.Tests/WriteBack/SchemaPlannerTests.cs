using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class SchemaPlannerTests
{
    private static readonly DesiredSchema Native = ProductSchema.Desired(new ProductSchemaOptions());

    [Fact]
    public void Plan_EmptyPortal_CreatesGroupsAndEveryProperty()
    {
        var plan = SchemaPlanner.Plan(Native, Empty<CrmPropertyDefinition>(), Empty<CrmPropertyGroup>(), []);

        Assert.True(plan.IsValid);
        Assert.Equal(3, plan.Changes.Count(c => c.Kind == SchemaChangeKind.CreateGroup));
        Assert.Equal(Native.Properties.Count, plan.Changes.Count(c => c.Kind == SchemaChangeKind.CreateProperty));
        Assert.Equal(0, plan.Unchanged);
    }

    [Fact]
    public void Plan_EverythingExistsWithTheRightTypes_NoChanges()
    {
        var (properties, groups) = Existing(Native);

        var plan = SchemaPlanner.Plan(Native, properties, groups, []);

        Assert.Empty(plan.Changes);
        Assert.True(plan.IsValid);
        Assert.Equal(Native.Properties.Count + 3, plan.Unchanged);
    }

    [Fact]
    public void Plan_PropertyWithAnotherTypeOrFieldType_IsInvalidAndNamesEachProperty()
    {
        var (properties, groups) = Existing(Native, p => p.Name switch
        {
            "health_score" => p with { Type = "string", FieldType = "text" },
            "health_reasons" => p with { FieldType = "text" },
            _ => p,
        });

        var plan = SchemaPlanner.Plan(Native, properties, groups, []);

        Assert.False(plan.IsValid);
        Assert.Equal(["projects.health_reasons", "projects.health_score"], plan.Conflicts.Select(c => c.ObjectType + "." + c.PropertyName).Order(StringComparer.Ordinal));
        Assert.Contains("exists with type string, needs number", plan.Render(), StringComparison.Ordinal);
        Assert.Contains("nothing will be created", plan.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ProjectCodeWithoutUniqueValues_IsAConflict()
    {
        var (properties, groups) = Existing(Native, p => p.Name == "project_code" ? p with { HasUniqueValue = false } : p);

        var plan = SchemaPlanner.Plan(Native, properties, groups, []);

        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal("project_code", conflict.PropertyName);
        Assert.Contains("hasUniqueValue", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EnumerationMissingAnOption_AddsItKeepingTheExistingOnes()
    {
        var (properties, groups) = Existing(Native, p => p.Name == "health_status" && p.GroupName.Length > 0
            ? p with { Options = [new CrmPropertyOption("green", "Green"), new CrmPropertyOption("red", "Red"), new CrmPropertyOption("blue", "Blue")] }
            : p);

        var plan = SchemaPlanner.Plan(Native, properties, groups, []);

        var changes = plan.Changes.Where(c => c.Kind == SchemaChangeKind.AddOptions).ToList();
        var change = Assert.Single(changes);
        Assert.Equal(["green", "red", "blue", "amber", "unknown"], change.Property!.Options!.Select(o => o.Value));
    }

    [Fact]
    public void Plan_ExtraOutboundPropertyOfTheMappings_IsCreatedInTheGroup()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions
        {
            ExtraProperties = [new DesiredProperty("deals", new CrmPropertyDefinition("delivery_margin", "Delivery margin", "number", "number", ""))],
        });
        var (properties, groups) = Existing(Native);

        var plan = SchemaPlanner.Plan(desired, properties, groups, []);

        var change = Assert.Single(plan.Changes);
        Assert.Equal(("deals", "delivery_margin", "pmo_delivery_health"), (change.ObjectType, change.Property!.Name, change.Property.GroupName));
    }

    [Fact]
    public void Plan_ReadOnlyExistingProperty_IsAConflict()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions
        {
            ExtraProperties = [new DesiredProperty("deals", new CrmPropertyDefinition("hs_deal_stage_probability", "Probability", "number", "number", ""))],
        });
        var (properties, groups) = Existing(Native);
        var deals = properties["deals"].Append(new CrmPropertyDefinition("hs_deal_stage_probability", "Probability", "number", "number", "dealinformation", Calculated: true)).ToList();

        var plan = SchemaPlanner.Plan(desired, new Dictionary<string, IReadOnlyList<CrmPropertyDefinition>>(properties) { ["deals"] = deals }, groups, []);

        Assert.Contains("read-only", Assert.Single(plan.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CustomProjectObjectMissing_CreatesTheSchemaThenTheRestOfItsProperties()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions { UseCustomProjectObject = true });

        var plan = SchemaPlanner.Plan(desired, Empty<CrmPropertyDefinition>(), Empty<CrmPropertyGroup>(), []);

        var schema = Assert.Single(plan.Changes, c => c.Kind == SchemaChangeKind.CreateSchema).Schema!;
        Assert.Equal(("pmo_project", "project_name"), (schema.Name, schema.PrimaryDisplayProperty));
        Assert.Equal(["project_name", "project_code"], schema.RequiredProperties);
        Assert.True(schema.Properties.Single(p => p.Name == "project_code").HasUniqueValue);
        Assert.DoesNotContain(plan.Changes, c => c.ObjectType == "pmo_project" && c.Property?.Name is "project_code" or "project_name");
        Assert.Contains(plan.Changes, c => c.ObjectType == "pmo_project" && c.Property?.Name == "health_status");
        Assert.DoesNotContain(plan.Changes, c => c.ObjectType == "projects");
    }

    [Fact]
    public void Plan_CustomProjectObjectExists_AddressesItByObjectTypeId()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions { UseCustomProjectObject = true });
        var existingSchema = desired.CustomObject! with { ObjectTypeId = "2-555", FullyQualifiedName = "p1_pmo_project" };

        var plan = SchemaPlanner.Plan(desired, Empty<CrmPropertyDefinition>(), Empty<CrmPropertyGroup>(), [existingSchema]);

        Assert.Equal("2-555", plan.ObjectTypeIds["pmo_project"]);
        Assert.DoesNotContain(plan.Changes, c => c.Kind == SchemaChangeKind.CreateSchema);
        Assert.DoesNotContain(plan.Changes, c => c.Property?.Name == "project_code");
    }

    [Fact]
    public void Render_Changes_ListsEachChangeAndTheTotals()
    {
        var plan = SchemaPlanner.Plan(Native, Empty<CrmPropertyDefinition>(), Empty<CrmPropertyGroup>(), []);

        var text = plan.Render();

        Assert.Contains("  + create property group projects.pmo_delivery_health \"Delivery health (PMO sync)\"\n", text, StringComparison.Ordinal);
        Assert.Contains("  + create property projects.health_status (enumeration/select [green|amber|red|unknown])\n", text, StringComparison.Ordinal);
        Assert.Contains("  + create property projects.project_code (string/text, unique)\n", text, StringComparison.Ordinal);
        Assert.EndsWith($"{plan.Changes.Count} changes, 0 unchanged, 0 conflicts\n", text, StringComparison.Ordinal);
    }

    private static Dictionary<string, IReadOnlyList<T>> Empty<T>() => new(StringComparer.Ordinal);

    private static (Dictionary<string, IReadOnlyList<CrmPropertyDefinition>> Properties, Dictionary<string, IReadOnlyList<CrmPropertyGroup>> Groups) Existing(
        DesiredSchema desired, Func<CrmPropertyDefinition, CrmPropertyDefinition>? change = null)
    {
        var properties = desired.ObjectTypes.ToDictionary(
            t => t,
            t => (IReadOnlyList<CrmPropertyDefinition>)desired.Properties.Where(p => p.ObjectType == t).Select(p => (change ?? (x => x))(p.Definition)).ToList(),
            StringComparer.Ordinal);
        var groups = desired.ObjectTypes.ToDictionary(t => t, _ => (IReadOnlyList<CrmPropertyGroup>)[desired.Group], StringComparer.Ordinal);
        return (properties, groups);
    }
}
