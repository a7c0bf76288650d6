using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 5, "Bad input": each broken mapping file (Core's fixtures, used in place) makes the real process exit 2 with
/// <c>file:line:col: $.json.path: reason</c> — for <c>sync</c> (a full cycle, push included) and for
/// <c>mappings validate</c> — and leaves the database byte for byte as it was (or not created) with no write sent to
/// HubSpot. The first fourteen are caught by the loader, the last five only against the portal's live properties.
/// </summary>
public sealed class BadMappingTests(BadMappingPortal portal) : IClassFixture<BadMappingPortal>
{
    public static TheoryData<string, string, int, int, string> BrokenFiles => new()
    {
        { "invalid-json.json", "$", 8, 7, "invalid JSON: The JSON array contains a trailing comma" },
        { "not-an-object.json", "$", 1, 1, "the mappings must be a JSON object, not an array" },
        { "unknown-object.json", "$.objects.contacts", 3, 17, "unknown object 'contacts'" },
        { "unknown-local-field.json", "$.objects.deals.fields[3].local", 10, 39, "unknown local field 'colour' for deals" },
        { "duplicate-local-field.json", "$.objects.deals.fields[4].local", 11, 40, "duplicate local field 'amount'" },
        { "unknown-transform.json", "$.objects.deals.fields[3].transform", 10, 63, "unknown transform 'currency'" },
        { "transform-incompatible.json", "$.objects.deals.fields[3].transform", 10, 63, "transform 'date' is incompatible with local field 'amount'" },
        { "computed-field-inbound.json", "$.objects.deals.fields[3].direction", 10, 81, "local field 'delivery_health' is computed by the product" },
        { "missing-key-property.json", "$.objects.deals", 3, 14, "missing key property" },
        { "unknown-direction.json", "$.objects.deals.fields[3].direction", 10, 63, "unknown direction 'sideways'" },
        { "invalid-hubspot-object.json", "$.objects.projects.hubspotObject", 4, 24, "'delivery_projects' is not a HubSpot object for projects" },
        { "enum-map-unknown-value.json", "$.objects.tickets.fields[3].transform.enum.HIGH", 10, 109, "'CRITICAL' is not a value of local field 'priority'" },
        { "required-field-missing.json", "$.objects.deals.fields", 6, 17, "required local field 'stage' of deals is not mapped inbound" },
        { "association-unmapped-object.json", "$.associations[0].to", 14, 29, "object 'companies' is not mapped under $.objects" },
        { "unknown-property-portal.json", "$.objects.deals.fields[3].hubspot", 10, 21, "property 'deal_amount' does not exist on HubSpot object 'deals'" },
        { "type-mismatch-portal.json", "$.objects.deals.fields[3].transform", 10, 73, "HubSpot property 'hubspot_owner_id' is of type enumeration" },
        { "both-on-read-only-emulator.json", "$.objects.tickets.fields[3].direction", 10, 71, "HubSpot property 'createdate' is read-only; direction 'both' would write to it" },
        { "key-not-unique-portal.json", "$.objects.projects.keyProperty", 5, 22, "key property 'hs_name' does not have unique values" },
        { "filter-unknown-property-portal.json", "$.objects.deals.filters[0].property", 7, 22, "property 'deal_pipeline' does not exist on HubSpot object 'deals'" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Sync_BrokenMappingFile_Exits2NamingTheSpotAndWritesNothing(string file, string jsonPath, int line, int column, string reason)
    {
        var path = Fixture(file);
        var before = portal.DatabaseFingerprint();
        var writes = portal.Writes();

        var (code, output, error) = await WorkerProcess.RunAsync(
            portal.Workspace.Directory, With(portal.Workspace.Environment, path), TimeSpan.FromMinutes(1), "sync");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains($"{path}:{line}:{column}: {jsonPath}: {reason}", error, StringComparison.Ordinal);
        Assert.Equal(before, portal.DatabaseFingerprint());
        Assert.Equal(writes, portal.Writes());
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task MappingsValidate_BrokenMappingFile_Exits2NamingTheSpotAndCreatesNoDatabase(string file, string jsonPath, int line, int column, string reason)
    {
        var path = Fixture(file);
        var database = Path.Combine(portal.Workspace.Directory, $"never-{Guid.NewGuid():N}.db");
        var environment = With(portal.Workspace.Environment, path);
        environment["Storage__DatabasePath"] = database;
        var writes = portal.Writes();

        var (code, output, error) = await WorkerProcess.RunAsync(portal.Workspace.Directory, environment, TimeSpan.FromMinutes(1), "mappings", "validate");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains($"{path}:{line}:{column}: {jsonPath}: {reason}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(database), "mappings validate must not create the database");
        Assert.Equal(writes, portal.Writes());
    }

    // Core's fixture uses `both` on tickets' closed_date, read-only in Core's portal snapshot but writable in the
    // emulator; this one uses createdate, read-only in both.
    private const string BothOnReadOnly = """
        {
          "objects": {
            "tickets": {
              "hubspotObject": "tickets",
              "keyProperty": "hs_object_id",
              "fields": [
                {"hubspot": "subject", "local": "subject"},
                {"hubspot": "hs_pipeline", "local": "pipeline"},
                {"hubspot": "hs_pipeline_stage", "local": "stage"},
                {"hubspot": "createdate", "local": "created_at", "direction": "both", "transform": "datetime"}
              ]
            }
          }
        }

        """;

    private string Fixture(string name)
    {
        if (name == "both-on-read-only-emulator.json")
        {
            var path = Path.Combine(portal.Workspace.Directory, name);
            File.WriteAllText(path, BothOnReadOnly);
            return path;
        }

        return TestMappings.RepositoryFile(Path.Combine("tests", "HubSpotPmoSync.Core.Tests", "Mapping", "Fixtures", name));
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> environment, string mappings) =>
        new(environment, StringComparer.Ordinal) { ["Sync__MappingsPath"] = mappings };
}
