using System.Text;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Mapping;

public sealed class MappingLoaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Mapping", "Fixtures", name);

    public static TheoryData<string, string, int, int, string> BrokenFiles => new()
    {
        { "invalid-json.json", "$", 8, 7, "invalid JSON: The JSON array contains a trailing comma at the end which is not supported in this mode." },
        { "not-an-object.json", "$", 1, 1, "the mappings must be a JSON object, not an array" },
        { "unknown-object.json", "$.objects.contacts", 3, 17, "unknown object 'contacts'; expected one of companies, deals, tickets, projects" },
        { "unknown-local-field.json", "$.objects.deals.fields[3].local", 10, 39, "unknown local field 'colour' for deals; known fields: name, amount, currency, close_date, pipeline, stage, owner_id, delivery_health, delivery_health_reason, active_projects, at_risk_projects, budget_variance" },
        { "duplicate-local-field.json", "$.objects.deals.fields[4].local", 11, 40, "duplicate local field 'amount' (already mapped at $.objects.deals.fields[3])" },
        { "unknown-transform.json", "$.objects.deals.fields[3].transform", 10, 63, "unknown transform 'currency'; expected number, money, date, datetime, bool or {\"enum\": {…}}" },
        { "transform-incompatible.json", "$.objects.deals.fields[3].transform", 10, 63, "transform 'date' is incompatible with local field 'amount' of type money; expected money or number" },
        { "computed-field-inbound.json", "$.objects.deals.fields[3].direction", 10, 81, "local field 'delivery_health' is computed by the product; its direction must be outbound, not inbound" },
        { "missing-key-property.json", "$.objects.deals", 3, 14, "missing key property: 'keyProperty' names the HubSpot property that identifies a record (e.g. hs_object_id)" },
        { "unknown-direction.json", "$.objects.deals.fields[3].direction", 10, 63, "unknown direction 'sideways'; expected inbound, outbound or both" },
        { "invalid-hubspot-object.json", "$.objects.projects.hubspotObject", 4, 24, "'delivery_projects' is not a HubSpot object for projects; expected 'projects' (HubSpot's native object, 0-970), a custom object id '2-N' or its fully qualified name 'p{portalId}_{name}'" },
        { "enum-map-unknown-value.json", "$.objects.tickets.fields[3].transform.enum.HIGH", 10, 109, "'CRITICAL' is not a value of local field 'priority'; allowed: LOW, MEDIUM, HIGH, URGENT" },
        { "required-field-missing.json", "$.objects.deals.fields", 6, 17, "required local field 'stage' of deals is not mapped inbound" },
        { "association-unmapped-object.json", "$.associations[0].to", 14, 29, "object 'companies' is not mapped under $.objects" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Load_BrokenFile_ReportsTheSpotAndTheReason(string file, string jsonPath, int line, int column, string message)
    {
        var path = Fixture(file);

        var result = MappingLoader.Load(path);

        Assert.Null(result.Mappings);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new MappingError(path, jsonPath, line, column, message), error);
        Assert.Equal($"{path}:{line}:{column}: {jsonPath}: {message}", error.ToString());
    }

    [Fact]
    public void Load_DefaultMappings_LoadsAllFourObjectsAndSixPairs()
    {
        var result = MappingLoader.Load(TestMappings.DefaultPath);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        var mappings = result.Mappings!;
        Assert.Equal(EntityKinds.All.Order(), mappings.Objects.Keys.Order());
        Assert.Equal(6, mappings.Associations.Count);
        Assert.Equal("projects", mappings.For(EntityKind.Project)!.HubSpotObject);
        Assert.Equal("project_code", mappings.For(EntityKind.Project)!.KeyProperty);
        var amount = mappings.For(EntityKind.Deal)!.Fields.Single(f => f.Local == "amount");
        Assert.Equal(("amount", TransformKind.Money, MappingDirection.Inbound), (amount.HubSpot, amount.Transform.Kind, amount.Direction));
        Assert.All(mappings.For(EntityKind.Project)!.Fields.Where(f => f.LocalField.Computed), f => Assert.Equal(MappingDirection.Outbound, f.Direction));
    }

    [Fact]
    public void Load_MissingFile_ReportsFileNotFound()
    {
        var path = Fixture("does-not-exist.json");

        var result = MappingLoader.Load(path);

        Assert.Equal(new MappingError(path, "$", null, null, "file not found"), Assert.Single(result.Errors));
        Assert.Equal($"{path}: $: file not found", result.Errors[0].ToString());
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOne()
    {
        const string json = """
            {
              "objects": {
                "deals": {
                  "hubspotObject": "deals",
                  "keyProperty": "hs_object_id",
                  "fields": [
                    {"hubspot": "dealname", "local": "name", "conflict": "whoever"},
                    {"hubspot": "pipeline", "local": "pipeline", "colour": "red"},
                    {"hubspot": "dealstage", "local": "stage"}
                  ]
                }
              },
              "extra": true
            }
            """;

        var result = MappingLoader.Parse("m.json", Encoding.UTF8.GetBytes(json));

        Assert.Equal(
            [
                "m.json:8:64: $.objects.deals.fields[1].colour: unknown property 'colour'; expected hubspot, local, direction, conflict, transform",
                "m.json:7:62: $.objects.deals.fields[0].conflict: unknown conflict policy 'whoever'; expected hubspot-wins, local-wins or newest-wins",
                "m.json:13:12: $.extra: unknown property 'extra'; expected $schema, objects, associations",
            ],
            result.Errors.Select(e => e.ToString()).OrderBy(s => s.Contains("colour", StringComparison.Ordinal) ? 0 : s.Contains("conflict", StringComparison.Ordinal) ? 1 : 2));
    }

    [Fact]
    public void Parse_ConflictPolicies_DefaultLocalWinsOnOutboundAndHubSpotWinsOnBothAndAnyPolicyOnAComputedField()
    {
        const string json = """
            {"objects": {"deals": {"hubspotObject": "deals", "keyProperty": "hs_object_id",
              "fields": [
                {"hubspot": "dealname", "local": "name", "direction": "both"},
                {"hubspot": "delivery_health", "local": "delivery_health", "direction": "outbound"},
                {"hubspot": "delivery_health_reason", "local": "delivery_health_reason", "direction": "outbound", "conflict": "newest-wins"},
                {"hubspot": "active_projects", "local": "active_projects", "direction": "outbound", "conflict": "hubspot-wins", "transform": "number"},
                {"hubspot": "dealstage", "local": "stage", "direction": "both", "conflict": "local-wins"},
                {"hubspot": "pipeline", "local": "pipeline"}
              ]}}}
            """;

        var result = MappingLoader.Parse("m.json", Encoding.UTF8.GetBytes(json));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            [ConflictPolicy.HubSpotWins, ConflictPolicy.LocalWins, ConflictPolicy.NewestWins, ConflictPolicy.HubSpotWins, ConflictPolicy.LocalWins, ConflictPolicy.HubSpotWins],
            result.Mappings!.For(EntityKind.Deal)!.Fields.Select(f => f.Conflict));
    }

    [Fact]
    public void Parse_BothOnAComputedFieldWithAPolicy_IsStillRefused()
    {
        const string json = """
            {"objects": {"deals": {"hubspotObject": "deals", "keyProperty": "hs_object_id",
              "fields": [{"hubspot": "delivery_health", "local": "delivery_health", "direction": "both", "conflict": "newest-wins"}]}}}
            """;

        var result = MappingLoader.Parse("m.json", Encoding.UTF8.GetBytes(json));

        Assert.Contains(result.Errors, e => e.JsonPath == "$.objects.deals.fields[0].direction" && e.Message.Contains("computed", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EnumMapAndFilters_BuildsThem()
    {
        const string json = """
            {"objects": {"tickets": {"hubspotObject": "0-5", "keyProperty": "hs_object_id",
              "filters": [{"property": "hs_pipeline", "in": ["0", "support"]}],
              "fields": [
                {"hubspot": "subject", "local": "subject"},
                {"hubspot": "hs_pipeline", "local": "pipeline"},
                {"hubspot": "hs_pipeline_stage", "local": "stage"},
                {"hubspot": "prio", "local": "priority", "transform": {"enum": {"1": "LOW", "4": "URGENT"}}}
              ]}}}
            """;

        var result = MappingLoader.Parse("m.json", Encoding.UTF8.GetBytes(json));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var tickets = result.Mappings!.For(EntityKind.Ticket)!;
        Assert.Equal(["0", "support"], Assert.Single(tickets.Filters).In);
        Assert.Equal("URGENT", tickets.Fields[3].Transform.EnumMap!["4"]);
        Assert.Equal(["hs_pipeline", "hs_pipeline_stage", "prio", "subject"], tickets.StoredProperties);
    }

    [Theory]
    [InlineData("2-3465404", true)]
    [InlineData("p1234_projects", true)]
    [InlineData("0-970", true)]
    [InlineData("projects", true)]
    [InlineData("p_projects", false)]
    [InlineData("deals", false)]
    public void IsValidHubSpotObject_ProjectForms_AcceptsNativeAndCustomOnly(string name, bool valid)
    {
        Assert.Equal(valid, MappingLoader.IsValidHubSpotObject(EntityKind.Project, name));
    }
}
