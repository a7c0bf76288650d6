using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class ProductSchemaTests
{
    [Fact]
    public void Desired_NativeProjects_HasTheHealthPropertiesOnProjectsAndTheRollupsOnDealsAndCompanies()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions());

        string Describe(string type, string name)
        {
            var d = desired.Properties.Single(p => p.ObjectType == type && p.Definition.Name == name).Definition;
            return $"{d.Type}/{d.FieldType}{(d.HasUniqueValue ? "/unique" : string.Empty)}[{string.Join("|", (d.Options ?? []).Select(o => o.Value))}]";
        }

        Assert.Null(desired.CustomObject);
        Assert.Equal("enumeration/select[green|amber|red|unknown]", Describe("projects", "health_status"));
        Assert.Equal("enumeration/select[improving|steady|worsening|unknown]", Describe("projects", "health_trend"));
        Assert.Equal("string/textarea[]", Describe("projects", "health_reasons"));
        Assert.Equal("datetime/date[]", Describe("projects", "last_synced_at"));
        Assert.Equal("string/text/unique[]", Describe("projects", "project_code"));
        foreach (var number in new[] { "health_score", "health_budget", "health_actual_cost", "health_eac", "health_cpi", "health_spi" })
        {
            Assert.Equal("number/number[]", Describe("projects", number));
        }

        foreach (var type in new[] { "deals", "companies" })
        {
            Assert.Equal("enumeration/select[green|amber|red|unknown]", Describe(type, "delivery_health"));
            Assert.Equal("string/textarea[]", Describe(type, "delivery_health_reason"));
            Assert.Equal("number/number[]", Describe(type, "active_projects"));
            Assert.Equal("number/number[]", Describe(type, "at_risk_projects"));
            Assert.Equal("number/number[]", Describe(type, "budget_variance"));
        }

        Assert.All(desired.Properties, p => Assert.Equal("pmo_delivery_health", p.Definition.GroupName));
    }

    [Fact]
    public void Desired_ExtraPropertyDuplicatingACatalogueProperty_IsNotAddedTwice()
    {
        var desired = ProductSchema.Desired(new ProductSchemaOptions
        {
            ExtraProperties = [new DesiredProperty("projects", new Crm.CrmPropertyDefinition("health_score", "Score", "number", "number", ""))],
        });

        Assert.Single(desired.Properties, p => p.ObjectType == "projects" && p.Definition.Name == "health_score");
    }
}
