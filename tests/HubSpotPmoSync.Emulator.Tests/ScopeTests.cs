using System.Text.Json;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary><c>--scopes</c>: granular scopes per call, HubSpot's 403 <c>MISSING_SCOPES</c>, and the doctor's probes.</summary>
public sealed class ScopeTests
{
    private const string CustomName = "engagement";

    /// <summary>Object type, the scope word its object and schema scopes use (tickets: the single <c>tickets</c> scope).</summary>
    public static TheoryData<string, string, string> Types => new()
    {
        { "deals", "crm.objects.deals.{0}", "crm.schemas.deals.{0}" },
        { "0-2", "crm.objects.companies.{0}", "crm.schemas.companies.{0}" },
        { "contacts", "crm.objects.contacts.{0}", "crm.schemas.contacts.{0}" },
        { "0-5", "tickets", "tickets" },
        { "tickets", "tickets", "tickets" },
        { "0-970", "crm.objects.projects.{0}", "crm.schemas.projects.{0}" },
        { "projects", "crm.objects.projects.{0}", "crm.schemas.projects.{0}" },
        { "p1234567_" + CustomName, "crm.objects.custom.{0}", "crm.schemas.custom.{0}" },
        { CustomName, "crm.objects.custom.{0}", "crm.schemas.custom.{0}" },
    };

    [Fact]
    public async Task MissingScope_Answers403MissingScopes_InHubSpotsExactShape()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Scopes = ["crm.objects.deals.read"]);
        var r = await emu.Post("/crm/objects/2026-03/deals/batch/update", new { inputs = Array.Empty<object>() });

        Assert.Equal(403, r.Status);
        var correlationId = r.Body.Str("correlationId");
        Assert.True(Guid.TryParse(correlationId, out _), r.Raw);
        Assert.Equal(
            "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.\","
            + $"\"correlationId\":\"{correlationId}\",\"category\":\"MISSING_SCOPES\",\"errors\":[{{\"message\":\"One or more of the following scopes are required.\","
            + "\"context\":{\"requiredGranularScopes\":[\"crm.objects.deals.write\"]}}],\"links\":{\"scopes\":\"https://developers.hubspot.com/scopes\"}}",
            r.Raw);
        Assert.Equal(correlationId, r.Header("X-HubSpot-Correlation-Id"));
        Assert.Equal(200, (await emu.Get("/crm/objects/2026-03/deals?limit=1")).Status);
        Assert.Equal(1, emu.Control.Stats().Requests["POST /crm/objects/2026-03/{objectType}/batch/update 403"]);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task DoctorProbes_Answer403NamingTheScope_WithoutIt_AndWriteNothingWithIt(string type, string objectScope, string schemaScope)
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        await CreateCustomObjectAsync(emu);
        var before = await SnapshotAsync(emu);
        var writesBefore = emu.Control.Stats().Writes.Values.Sum();
        var probes = new (HttpMethod Method, string Path, object? Body, string Scope)[]
        {
            (HttpMethod.Get, $"/crm/objects/2026-03/{type}?limit=1", null, Scope(objectScope, "read")),
            (HttpMethod.Post, $"/crm/objects/2026-03/{type}/batch/update", "{\"inputs\":[]}", Scope(objectScope, "write")),
            (HttpMethod.Get, $"/crm/properties/2026-03/{type}", null, Scope(schemaScope, "read")),
            (HttpMethod.Post, $"/crm/properties/2026-03/{type}/batch/create", "{\"inputs\":[]}", Scope(schemaScope, "write")),
            (HttpMethod.Post, "/crm-object-schemas/2026-03/schemas", "{}", "crm.schemas.custom.write"),
        };

        emu.Control.SetScopes([]);
        foreach (var (method, path, body, scope) in probes)
        {
            var denied = await emu.SendAsync(method, path, body);
            denied.AssertError(403, "MISSING_SCOPES");
            Assert.Equal([scope], RequiredScopes(denied));
        }

        foreach (var (method, path, body, scope) in probes)
        {
            var others = ScopeNames().Where(s => s != scope).ToList();
            emu.Control.SetScopes(others);
            Assert.Equal(403, (await emu.SendAsync(method, path, body)).Status);

            emu.Control.SetScopes([scope]);
            var allowed = await emu.SendAsync(method, path, body);
            Assert.True(allowed.Status != 403, $"{method} {path} with {scope}: {allowed}");
            Assert.True(allowed.Status < 500, allowed.ToString());
        }

        emu.Control.SetScopes(null);
        Assert.Equal(before, await SnapshotAsync(emu));
        Assert.Equal(writesBefore, emu.Control.Stats().Writes.Values.Sum());
    }

    [Fact]
    public async Task EmptyInputBatches_WithTheScope_Answer2xxWithEmptyResults_AndAnEmptySchemaIs400()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Scopes = ["crm.objects.deals.write", "crm.schemas.deals.write", "crm.schemas.custom.write"]);
        var update = await emu.Post("/crm/objects/2026-03/deals/batch/update", "{\"inputs\":[]}");
        Assert.Equal(200, update.Status);
        Assert.Empty(update.Results());
        var create = await emu.Post("/crm/properties/2026-03/deals/batch/create", "{\"inputs\":[]}");
        Assert.Equal(201, create.Status);
        Assert.Empty(create.Results());
        (await emu.Post("/crm-object-schemas/2026-03/schemas", "{}")).AssertError(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task NoScopesOption_GrantsEverything()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        Assert.Null(emu.Options.Scopes);
        Assert.Null(emu.Control.Scopes);
        foreach (var type in new[] { "deals", "companies", "contacts", "tickets", "projects" })
        {
            Assert.Equal(200, (await emu.Get($"/crm/objects/2026-09/{type}?limit=1")).Status);
            Assert.Equal(200, (await emu.Post($"/crm/objects/2026-09/{type}/batch/update", "{\"inputs\":[]}")).Status);
            Assert.Equal(200, (await emu.Get($"/crm/properties/2026-09/{type}")).Status);
            Assert.Equal(201, (await emu.Post($"/crm/properties/2026-09/{type}/batch/create", "{\"inputs\":[]}")).Status);
            Assert.NotEqual(403, (await emu.Get($"/crm/v3/pipelines/{type}")).Status);
        }

        Assert.Equal(200, (await emu.Get("/crm/pipelines/2026-03/0-970")).Status);

        Assert.Equal(200, (await emu.Get("/crm-object-schemas/v3/schemas")).Status);
        Assert.Equal(200, (await emu.Post("/crm/v4/associations/deals/companies/batch/read", "{\"inputs\":[]}")).Status);
    }

    [Fact]
    public async Task Associations_ReadNeedsBothReadScopes_WriteNeedsFromWriteAndToRead()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("D"));
        var link = new { inputs = new[] { new { from = new { id = deal }, to = new { id = company } } } };
        var read = new { inputs = new[] { new { id = deal } } };

        emu.Control.SetScopes(["crm.objects.deals.read"]);
        Assert.Equal(["crm.objects.companies.read"], RequiredScopes(await emu.Post("/crm/associations/2026-03/deals/companies/batch/read", read)));
        Assert.Equal(["crm.objects.deals.write", "crm.objects.companies.read"],
            RequiredScopes(await emu.Post("/crm/associations/2026-03/deals/companies/batch/associate/default", link)));
        Assert.Equal(["crm.objects.companies.read"], RequiredScopes(await emu.Get($"/crm/v4/objects/deals/{deal}/associations/companies")));
        Assert.Equal(["crm.objects.companies.read"], RequiredScopes(await emu.Get("/crm/associations/2026-09/deals/companies/labels")));

        emu.Control.SetScopes(["crm.objects.deals.write", "crm.objects.companies.read"]);
        Assert.Equal(200, (await emu.Post("/crm/associations/2026-03/deals/companies/batch/associate/default", link)).Status);
        Assert.Equal(["crm.objects.deals.read"], RequiredScopes(await emu.Post("/crm/associations/2026-03/deals/companies/batch/read", read)));
        Assert.Equal(["crm.objects.companies.write", "crm.objects.deals.read"],
            RequiredScopes(await emu.Put($"/crm/objects/2026-03/companies/{company}/associations/default/deals/{deal}")));

        emu.Control.SetScopes(["crm.objects.deals.read", "crm.objects.companies.read"]);
        Assert.Equal(200, (await emu.Post("/crm/v4/associations/deals/companies/batch/read", read)).Status);
        Assert.Equal(["crm.objects.deals.write"],
            RequiredScopes(await emu.Post("/crm/associations/2026-03/deals/companies/batch/archive", new { inputs = new[] { new { from = new { id = deal }, to = new[] { new { id = company } } } } })));
        Assert.Single(emu.Control.ExportState().Associations, a => a.FromType == "deals");
    }

    [Fact]
    public async Task PipelinesSchemasAndUsage_NeedTheirScopes()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Scopes = ["crm.objects.deals.read", "tickets"]);
        Assert.Equal(["crm.schemas.deals.read"], RequiredScopes(await emu.Get("/crm/pipelines/2026-03/deals")));
        Assert.Equal(200, (await emu.Get("/crm/pipelines/2026-03/0-5")).Status);
        Assert.Equal(["crm.schemas.projects.write"], RequiredScopes(await emu.Post("/crm/pipelines/2026-03/0-970", new { label = "X", displayOrder = 1, stages = Array.Empty<object>() })));
        Assert.Equal(["crm.schemas.custom.read"], RequiredScopes(await emu.Get("/crm-object-schemas/2026-03/schemas")));
        Assert.Equal(["crm.schemas.custom.read"], RequiredScopes(await emu.Get("/crm/v3/schemas/0-970")));
        Assert.Equal(["crm.schemas.deals.write"], RequiredScopes(await emu.Post("/crm/v3/properties/deals/groups", new { name = "g", label = "G" })));
        Assert.Equal(["crm.schemas.deals.write"], RequiredScopes(await emu.Patch("/crm/properties/2026-09/deals/dealname", new { label = "Name" })));
        Assert.Equal(200, (await emu.Patch("/crm/v3/properties/tickets/subject", new { label = "Subject line" })).Status);

        emu.Control.SetScopes([]);
        Assert.Equal(200, (await emu.Get("/account-info/2026-03/api-usage/daily/private-apps")).Status);
        Assert.Equal(200, (await emu.Get("/account-info/v3/api-usage/daily/private-apps")).Status);
    }

    [Fact]
    public async Task ScopeCheck_RunsAfterAuthentication_AndBeforeBodyValidation_OnUnknownTypesTheTypeErrorWins()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Scopes = ["crm.objects.deals.read"]);
        using var wrongToken = emu.CreateClient("wrong-token");
        (await EmulatorFixture.SendAsync(wrongToken, HttpMethod.Post, "/crm/objects/2026-03/deals/batch/update", "{\"inputs\":[]}"))
            .AssertError(401, "INVALID_AUTHENTICATION");

        Assert.Equal(["crm.objects.deals.write"], RequiredScopes(await emu.Post("/crm/objects/2026-03/deals/batch/create", "{not json")));
        Assert.Equal(["crm.objects.deals.write"], RequiredScopes(await emu.Post("/crm/v3/objects/deals", new { properties = new { nonsense = "x" } })));
        (await emu.Get("/crm/objects/2026-03/widgets")).AssertError(400, "VALIDATION_ERROR");
        Assert.Empty(emu.Control.ExportState().Objects["deals"]);
    }

    [Fact]
    public async Task Scopes_CanBeChangedAtRuntime_ThroughTheControlApi_AndUnknownNamesAreRefused()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var set = await emu.Post("/__emulator/scopes", new { scopes = new[] { "crm.objects.companies.read" } });
        Assert.Equal(200, set.Status);
        Assert.Equal(["crm.objects.companies.read"], emu.Control.Scopes);
        Assert.Equal(["crm.objects.deals.read"], RequiredScopes(await emu.Get("/crm/v3/objects/deals")));

        (await emu.Post("/__emulator/scopes", new { scopes = new[] { "crm.objects.deal.read" } })).AssertError(400, "VALIDATION_ERROR");
        Assert.Equal(["crm.objects.companies.read"], emu.Control.Scopes);

        Assert.Equal(200, (await emu.Post("/__emulator/scopes", new { scopes = (string[]?)null })).Status);
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Theory]
    [InlineData("crm.objects.deals.read, tickets", "crm.objects.deals.read|tickets")]
    [InlineData("tickets crm.schemas.custom.write", "crm.schemas.custom.write|tickets")]
    [InlineData("none", "")]
    public void ParseScopes_AcceptsCommaOrSpaceLists_AndNone(string value, string expected) =>
        Assert.Equal(expected, string.Join("|", EmulatorOptions.ParseScopes(value)));

    [Theory]
    [InlineData("crm.objects.deal.read", "'crm.objects.deal.read'")]
    [InlineData(" , ", "empty")]
    public void ParseScopes_BadValues_NameTheOptionAndTheValue(string value, string mentioned)
    {
        var e = Assert.Throws<FormatException>(() => EmulatorOptions.ParseScopes(value));
        Assert.StartsWith("--scopes:", e.Message, StringComparison.Ordinal);
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
        var options = new EmulatorOptions { Scopes = [value] };
        Assert.StartsWith("--scopes:", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
    }

    private static string Scope(string pattern, string access) => string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, access);

    private static IEnumerable<string> ScopeNames() => EmulatorOptions.KnownScopes;

    private static List<string> RequiredScopes(EmulatorResponse r)
    {
        var body = r.AssertError(403, "MISSING_SCOPES");
        return [.. body.GetProperty("errors")[0].GetProperty("context").GetProperty("requiredGranularScopes").EnumerateArray().Select(s => s.GetString()!)];
    }

    private static async Task CreateCustomObjectAsync(EmulatorFixture emu)
    {
        var schema = await emu.Post("/crm-object-schemas/2026-03/schemas", new
        {
            name = CustomName, labels = new { singular = "Engagement", plural = "Engagements" }, primaryDisplayProperty = "code",
            requiredProperties = new[] { "code" }, properties = new[] { new { name = "code", label = "Code", type = "string", fieldType = "text" } },
            associatedObjects = new[] { "0-3" },
        });
        Assert.Equal(201, schema.Status);
        emu.Control.ResetRateLimits();
    }

    /// <summary>Records, links, every type's property definitions and the schemas, as one string.</summary>
    private static async Task<string> SnapshotAsync(EmulatorFixture emu)
    {
        var state = JsonSerializer.Serialize(emu.Control.ExportState());
        var catalog = new List<string>();
        foreach (var path in new[] { "/crm/v3/properties/deals", "/crm/v3/properties/companies", "/crm/v3/properties/contacts", "/crm/v3/properties/tickets",
                     "/crm/v3/properties/projects", $"/crm/v3/properties/{CustomName}", "/crm/v3/properties/deals/groups", "/crm-object-schemas/v3/schemas" })
        {
            var r = await emu.Get(path);
            Assert.Equal(200, r.Status);
            catalog.Add(r.Raw);
        }

        return state + string.Join("\n", catalog);
    }
}
