using System.Net;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests.Api;

/// <summary>
/// Every call of every operation (client and diagnostics) goes to the configured API family, and only to it: the paths a
/// recording handler saw, in order, for 2026-03, 2026-09 and legacy.
/// </summary>
public sealed class ApiFamilyPathTests
{
    private const string SchemaJson =
        """{"id":"1","objectTypeId":"2-1","fullyQualifiedName":"p1_pmo_project","name":"pmo_project","labels":{"singular":"Project","plural":"Projects"},"primaryDisplayProperty":"hs_name","requiredProperties":[],"properties":[],"associations":[]}""";

    /// <summary>What each operation sends, written once per family by hand (not derived by the mapping under test).</summary>
    private static readonly string[] Dated =
    [
        "GET /crm/objects/{v}/deals?limit=100&archived=false&properties=dealname",
        "POST /crm/objects/{v}/deals/batch/read?archived=false",
        "POST /crm/objects/{v}/deals/search",
        "POST /crm/associations/{v}/deals/companies/batch/read",
        "GET /crm/properties/{v}/deals",
        "GET /crm/properties/{v}/deals?archived=true",
        "GET /crm/pipelines/{v}/projects",
        "GET /crm-object-schemas/{v}/schemas",
        "POST /crm/objects/{v}/deals/batch/update",
        "POST /crm/objects/{v}/projects/batch/upsert",
        "POST /crm/objects/{v}/deals/batch/create",
        "POST /crm/objects/{v}/deals/batch/archive",
        "POST /crm/associations/{v}/projects/deals/batch/associate/default",
        "POST /crm/associations/{v}/projects/deals/batch/create",
        "POST /crm/associations/{v}/deals/companies/batch/archive",
        "GET /crm/properties/{v}/deals/groups",
        "POST /crm/properties/{v}/deals/groups",
        "POST /crm/properties/{v}/deals",
        "PATCH /crm/properties/{v}/deals/health_status",
        "POST /crm-object-schemas/{v}/schemas",
        "GET /crm/associations/{v}/projects/deals/labels",
        "GET /crm/objects/{v}/companies?limit=1&archived=false",
        "GET /crm/objects/{v}/deals?limit=1&archived=false",
        "POST /crm/objects/{v}/deals/batch/update",
        "GET /crm/properties/{v}/deals",
        "POST /crm/properties/{v}/deals/batch/create",
        "POST /crm-object-schemas/{v}/schemas",
        "GET /account-info/{v}/api-usage/daily/private-apps",
    ];

    private static readonly string[] Legacy =
    [
        "GET /crm/v3/objects/deals?limit=100&archived=false&properties=dealname",
        "POST /crm/v3/objects/deals/batch/read?archived=false",
        "POST /crm/v3/objects/deals/search",
        "POST /crm/v4/associations/deals/companies/batch/read",
        "GET /crm/v3/properties/deals",
        "GET /crm/v3/properties/deals?archived=true",
        "GET /crm/v3/pipelines/projects",
        "GET /crm-object-schemas/v3/schemas",
        "POST /crm/v3/objects/deals/batch/update",
        "POST /crm/v3/objects/projects/batch/upsert",
        "POST /crm/v3/objects/deals/batch/create",
        "POST /crm/v3/objects/deals/batch/archive",
        "POST /crm/v4/associations/projects/deals/batch/associate/default",
        "POST /crm/v4/associations/projects/deals/batch/create",
        "POST /crm/v4/associations/deals/companies/batch/archive",
        "GET /crm/v3/properties/deals/groups",
        "POST /crm/v3/properties/deals/groups",
        "POST /crm/v3/properties/deals",
        "PATCH /crm/v3/properties/deals/health_status",
        "POST /crm-object-schemas/v3/schemas",
        "GET /crm/v4/associations/projects/deals/labels",
        "GET /crm/v3/objects/companies?limit=1&archived=false",
        "GET /crm/v3/objects/deals?limit=1&archived=false",
        "POST /crm/v3/objects/deals/batch/update",
        "GET /crm/v3/properties/deals",
        "POST /crm/v3/properties/deals/batch/create",
        "POST /crm-object-schemas/v3/schemas",
        "GET /account-info/v3/api-usage/daily/private-apps",
    ];

    [Theory]
    [InlineData("2026-03")]
    [InlineData("2026-09")]
    [InlineData("legacy")]
    public async Task EveryOperation_GoesToTheConfiguredFamilyOnly(string version)
    {
        var stub = new StubHttpMessageHandler((r, _) =>
            r.Method == HttpMethod.Post && r.Uri.AbsolutePath.EndsWith("/schemas", StringComparison.Ordinal) && r.Body != "{}"
                ? Responses.Status(201, SchemaJson)
                : Responses.Ok("""{"status":"COMPLETE","results":[],"total":0}"""));
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = version });

        await ExerciseEveryOperationAsync(host);

        var expected = version == "legacy" ? Legacy : Dated.Select(p => p.Replace("{v}", version, StringComparison.Ordinal)).ToArray();
        Assert.Equal(expected, stub.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        var others = version == "legacy" ? ["2026-"] : new[] { "/v3/", "/v4/", version == "2026-03" ? "2026-09" : "2026-03" };
        Assert.All(stub.Requests, r => Assert.DoesNotContain(others, o => r.PathAndQuery.Contains(o, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("2026-03", "POST /crm/objects/2026-03/{objectType}/batch/update", "POST /crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read")]
    [InlineData("legacy", "POST /crm/v3/objects/{objectType}/batch/update", "POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read")]
    public async Task Usage_IsCountedUnderTheRouteTemplateOfTheFamilyCalled(string version, string updateRoute, string associationRoute)
    {
        using var host = new HubSpotTestHost(
            new StubHttpMessageHandler((_, _) => Responses.Ok("""{"status":"COMPLETE","results":[]}""")),
            new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = version });

        await host.Writer.BatchUpdateAsync("deals", [new CrmUpdate("1", new Dictionary<string, string?>())], CancellationToken.None);
        await host.Source.ReadAssociationsAsync("deals", "companies", ["1"], CancellationToken.None);

        var calls = host.Usage.Snapshot().Calls;
        Assert.Equal(1, calls[updateRoute]["200"]);
        Assert.Equal(1, calls[associationRoute]["200"]);
        Assert.Equal(2, host.Usage.Snapshot().TotalCalls);
    }

    private static async Task ExerciseEveryOperationAsync(HubSpotTestHost host)
    {
        var ct = CancellationToken.None;
        await foreach (var unused in host.Source.ListAsync("deals", ["dealname"], new CrmListOptions(), ct))
        {
        }

        await host.Source.BatchReadAsync("deals", ["1"], ["dealname"], ct);
        await foreach (var unused in host.Source.SearchModifiedAsync("deals", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), [], ct))
        {
        }

        await host.Source.ReadAssociationsAsync("deals", "companies", ["1"], ct);
        await host.Source.GetPropertiesAsync("deals", ct);
        await host.Source.GetArchivedPropertiesAsync("deals", ct);
        await host.Source.GetPipelinesAsync("projects", ct);
        await host.Source.GetSchemasAsync(ct);
        await host.Writer.BatchUpdateAsync("deals", [new CrmUpdate("1", new Dictionary<string, string?> { ["amount"] = "1" })], ct);
        await host.Writer.BatchUpsertAsync("projects", "project_code", [new CrmUpsert("P1", new Dictionary<string, string?> { ["hs_name"] = "p" })], ct);
        await host.Writer.BatchCreateAsync("deals", [new CrmCreate("t1", new Dictionary<string, string?> { ["dealname"] = "d" })], ct);
        await host.Writer.BatchArchiveAsync("deals", ["1"], ct);
        await host.Writer.CreateAssociationsAsync("projects", "deals", [new("1", "2"), new("1", "3", [new AssociationKind("USER_DEFINED", 36, "Delivery")])], ct);
        await host.Writer.ArchiveAssociationsAsync("deals", "companies", [("1", "2")], ct);
        await host.Writer.GetPropertyGroupsAsync("deals", ct);
        await host.Writer.CreatePropertyGroupAsync("deals", new CrmPropertyGroup("pmo", "PMO", 0), ct);
        var property = new CrmPropertyDefinition("health_status", "Health", "string", "text", "pmo");
        await host.Writer.CreatePropertyAsync("deals", property, ct);
        await host.Writer.UpdatePropertyAsync("deals", property, ct);
        await host.Writer.CreateSchemaAsync(new CrmObjectSchema("pmo_project", "Project", "Projects", "hs_name", ["hs_name"], [property], ["0-3"]), ct);
        await host.Client.GetAssociationLabelsAsync("projects", "deals", ct);
        await host.Diagnostics.PingAsync(ct);
        await host.Diagnostics.CheckScopesAsync(
            [
                new("crm.objects.deals.read", HubSpotScopeProbe.ObjectRead, "deals", "read deals"),
                new("crm.objects.deals.write", HubSpotScopeProbe.ObjectWrite, "deals", "push rollups to deals"),
                new("crm.schemas.deals.read", HubSpotScopeProbe.SchemaRead, "deals", "check the properties of deals"),
                new("crm.schemas.deals.write", HubSpotScopeProbe.SchemaWrite, "deals", "schema apply"),
                new("crm.schemas.custom.write", HubSpotScopeProbe.CustomSchemaWrite, "2-1", "create the custom project object"),
            ],
            ct);
        await host.Diagnostics.GetDailyUsageAsync(ct);
    }
}
