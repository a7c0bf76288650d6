using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Mapping;

public sealed class MappingValidatorTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Mapping", "Fixtures", name);

    private static Dictionary<string, IReadOnlyList<CrmPropertyDefinition>> Portal() => PortalProperties.Seed();

    public static TheoryData<string, string, int, int, string> PortalMismatches => new()
    {
        { "unknown-property-portal.json", "$.objects.deals.fields[3].hubspot", 10, 21, "property 'deal_amount' does not exist on HubSpot object 'deals'" },
        { "type-mismatch-portal.json", "$.objects.deals.fields[3].transform", 10, 73, "HubSpot property 'hubspot_owner_id' is of type enumeration (select), incompatible with transform 'money' (needs number)" },
        { "both-on-read-only-portal.json", "$.objects.tickets.fields[3].direction", 10, 71, "HubSpot property 'closed_date' is read-only; direction 'both' would write to it (use inbound)" },
        { "key-not-unique-portal.json", "$.objects.projects.keyProperty", 5, 22, "key property 'hs_name' does not have unique values (hasUniqueValue is false), so it cannot identify a record" },
        { "filter-unknown-property-portal.json", "$.objects.deals.filters[0].property", 7, 22, "property 'deal_pipeline' does not exist on HubSpot object 'deals'" },
    };

    [Theory]
    [MemberData(nameof(PortalMismatches))]
    public void ValidateAgainstPortal_Mismatch_ReportsTheSpotAndTheReason(string file, string jsonPath, int line, int column, string message)
    {
        var path = Fixture(file);
        var loaded = MappingLoader.Load(path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));

        var errors = MappingValidator.ValidateAgainstPortal(loaded.Mappings!, Portal());

        Assert.Equal(new MappingError(path, jsonPath, line, column, message), Assert.Single(errors));
    }

    [Fact]
    public void ValidateAgainstPortal_DefaultsOnSeedPortal_OnlyWarnsToRunSchemaApply()
    {
        var errors = MappingValidator.ValidateAgainstPortal(TestMappings.Default, Portal());

        Assert.DoesNotContain(errors, e => e.IsError);
        Assert.Equal(19, errors.Count);
        Assert.All(errors, e => Assert.EndsWith("yet; run `schema apply` to create it", e.Message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.JsonPath == "$.objects.projects.fields[10].hubspot" && e.Message.StartsWith("outbound property 'health_status'", StringComparison.Ordinal));
        Assert.StartsWith(TestMappings.DefaultPath + ":", errors[0].ToString(), StringComparison.Ordinal);
        Assert.Contains(": warning: $.objects.", errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstPortal_AfterSchemaApply_HasNoFindings()
    {
        var portal = Portal();
        foreach (var mapping in TestMappings.Default.Objects.Values)
        {
            var extra = mapping.Fields.Where(f => !f.IsInbound).Select(f => f.Transform.Kind switch
            {
                TransformKind.Number or TransformKind.Money => new CrmPropertyDefinition(f.HubSpot, f.HubSpot, "number", "number", "pmo"),
                TransformKind.DateTime => new CrmPropertyDefinition(f.HubSpot, f.HubSpot, "datetime", "date", "pmo"),
                _ when f.LocalField.AllowedValues is { } values => new CrmPropertyDefinition(f.HubSpot, f.HubSpot, "enumeration", "select", "pmo",
                    Options: values.Select((v, i) => new CrmPropertyOption(v, v, i)).ToList()),
                _ => new CrmPropertyDefinition(f.HubSpot, f.HubSpot, "string", "textarea", "pmo"),
            });
            portal[mapping.HubSpotObject] = [.. portal[mapping.HubSpotObject], .. extra];
        }

        Assert.Empty(MappingValidator.ValidateAgainstPortal(TestMappings.Default, portal));
    }

    [Fact]
    public void ValidateAgainstPortal_MissingObject_IsAnError()
    {
        var portal = Portal();
        portal.Remove("projects");

        var error = Assert.Single(MappingValidator.ValidateAgainstPortal(TestMappings.Default, portal), e => e.IsError);

        Assert.Equal("$.objects.projects.hubspotObject", error.JsonPath);
        Assert.Equal("HubSpot object 'projects' was not found in the portal", error.Message);
    }

    [Fact]
    public void ValidateAgainstPortal_OutboundEnumValueNotAnOption_IsAnError()
    {
        var portal = Portal();
        portal["projects"] = [.. portal["projects"], new CrmPropertyDefinition("health_status", "Health", "enumeration", "select", "pmo",
            Options: [new("green", "Green"), new("amber", "Amber"), new("red", "Red")])];

        var errors = MappingValidator.ValidateAgainstPortal(TestMappings.Default, portal).Where(e => e.IsError).ToList();

        Assert.Equal("local value 'unknown' of 'health_status' is not an option of HubSpot property 'health_status'; HubSpot would reject it", Assert.Single(errors).Message);
    }

    [Fact]
    public void ValidateAgainstPortal_InboundOptionWithoutLocalValue_Warns()
    {
        var portal = Portal();
        portal["tickets"] = portal["tickets"].Select(p => p.Name == "hs_ticket_priority"
            ? p with { Options = [.. p.Options!, new CrmPropertyOption("BLOCKER", "Blocker")] }
            : p).ToList();

        var finding = Assert.Single(MappingValidator.ValidateAgainstPortal(TestMappings.Default, portal), e => e.JsonPath.StartsWith("$.objects.tickets", StringComparison.Ordinal));

        Assert.Equal(MappingSeverity.Warning, finding.Severity);
        Assert.Equal("option 'BLOCKER' of HubSpot property 'hs_ticket_priority' is not a value of local field 'priority' (LOW, MEDIUM, HIGH, URGENT); records holding it will be marked failing", finding.Message);
    }
}
