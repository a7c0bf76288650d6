using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue points 5 and 6: validation errors and auth in HubSpot's shape, over real HTTP.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("""{"nope":"x"}""", "PROPERTY_DOESNT_EXIST")]
    [InlineData("""{"amount":"12abc"}""", "INVALID_INTEGER")]
    [InlineData("""{"deal_currency_code":"eur"}""", "INVALID_OPTION")]
    [InlineData("""{"dealstage":"won"}""", "INVALID_OPTION")]
    [InlineData("""{"closedate":"next tuesday"}""", "INVALID_DATE")]
    [InlineData("""{"hs_object_id":"5"}""", "READ_ONLY_VALUE")]
    [InlineData("""{"hs_lastmodifieddate":"2026-01-01T00:00:00Z"}""", "READ_ONLY_VALUE")]
    public async Task Patch_InvalidValue_Returns400WithTheErrorCode(string properties, string code)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("deals", Http.Deal("D"));
        var r = await emu.Patch($"/crm/v3/objects/deals/{id}", $$"""{"properties":{{properties}}}""");
        var body = r.AssertError(400, "VALIDATION_ERROR");
        Assert.Contains(code, body.ErrorCodes());
        Assert.StartsWith("Property values were not valid: [{\"isValid\":false", body.Str("message"), StringComparison.Ordinal);
        Assert.True(body.GetProperty("errors")[0].GetProperty("context").TryGetProperty("propertyName", out _));
    }

    [Theory]
    [InlineData("2026-02-03", "2026-02-03")]
    [InlineData("1770076800000", "2026-02-03")]
    [InlineData("2026-02-03T00:00:00.000Z", "2026-02-03")]
    public async Task DateProperty_AcceptsIsoAndMidnightEpoch_ReturnsYyyyMmDd(string value, string expected)
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var r = await emu.Post("/crm/v3/objects/projects", new { properties = new Dictionary<string, string> { ["hs_name"] = "P", ["hs_pipeline"] = "default", ["hs_pipeline_stage"] = "planned", ["project_start_date"] = value } });
        Assert.Equal(201, r.Status);
        Assert.Equal(expected, r.Body.Prop("project_start_date"));
    }

    [Fact]
    public async Task DateProperty_NotMidnight_Is400_DatetimeFromEpochIsIso()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var bad = await emu.Post("/crm/v3/objects/projects", new { properties = new Dictionary<string, string> { ["hs_name"] = "P", ["hs_pipeline"] = "default", ["hs_pipeline_stage"] = "planned", ["project_start_date"] = "1770080000000" } });
        Assert.Contains("INVALID_DATE", bad.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
        var deal = await emu.Post("/crm/v3/objects/deals", new { properties = new Dictionary<string, string> { ["dealname"] = "D", ["pipeline"] = "default", ["dealstage"] = "closedwon", ["closedate"] = "1770080000123" } });
        Assert.Equal("2026-02-03T00:53:20.123Z", deal.Body.Prop("closedate"));
    }

    [Theory]
    [InlineData("deals", """{"dealname":"D"}""")]
    [InlineData("tickets", """{"subject":"S","hs_pipeline":"0"}""")]
    [InlineData("projects", """{"hs_name":"P"}""")]
    [InlineData("companies", """{"industry":"RETAIL"}""")]
    public async Task Create_MissingRequired_Returns400(string type, string properties)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.Post($"/crm/v3/objects/{type}", $$"""{"properties":{{properties}}}""");
        Assert.Contains("REQUIRED_PROPERTY", r.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
    }

    [Fact]
    public async Task DuplicateUniqueValue_Returns409_OnCreateUpdateAndWithinABatch()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var props = (string code) => new Dictionary<string, string> { ["hs_name"] = "P", ["hs_pipeline"] = "default", ["hs_pipeline_stage"] = "planned", ["project_code"] = code };
        var id = await emu.CreateAsync("projects", props("U-1"));
        (await emu.Post("/crm/v3/objects/projects", new { properties = props("U-1") })).AssertError(409, "CONFLICT");
        var other = await emu.CreateAsync("projects", props("U-2"));
        (await emu.Patch($"/crm/v3/objects/projects/{other}", new { properties = new { project_code = "U-1" } })).AssertError(409, "CONFLICT");
        (await emu.Post("/crm/v3/objects/projects/batch/create", new { inputs = new[] { new { properties = props("U-3") }, new { properties = props("U-3") } } })).AssertError(409, "CONFLICT");

        await emu.Delete($"/crm/v3/objects/projects/{id}");
        Assert.Equal(201, (await emu.Post("/crm/v3/objects/projects", new { properties = props("U-1") })).Status);
        await emu.CreateAsync("contacts", new { email = "a@x.com" });
        var dup = await emu.Post("/crm/v3/objects/contacts", new { properties = new { email = "a@x.com" } });
        Assert.StartsWith("Contact already exists. Existing ID: ", dup.AssertError(409, "CONFLICT").Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownObjectType_Is400_UnknownId404()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        (await emu.Get("/crm/v3/objects/widgets")).AssertError(400, "VALIDATION_ERROR");
        (await emu.Patch("/crm/v3/objects/deals/123", new { properties = new { dealname = "x" } })).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task MultiCheckbox_LeadingSemicolonAppends()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var id = await emu.CreateAsync("tickets", new { subject = "S", hs_pipeline = "0", hs_pipeline_stage = "1", hs_ticket_category = "BILLING_ISSUE" });
        var r = await emu.Patch($"/crm/v3/objects/tickets/{id}", new { properties = new { hs_ticket_category = ";FEATURE_REQUEST" } });
        Assert.Equal("BILLING_ISSUE;FEATURE_REQUEST", r.Body.Prop("hs_ticket_category"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task MissingOrWrongToken_Returns401InvalidAuthentication(string? token)
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Token = "pat-na1-secret");
        using var client = emu.CreateClient(token);
        var r = await EmulatorFixture.SendAsync(client, HttpMethod.Get, "/crm/v3/objects/deals");
        r.AssertError(401, "INVALID_AUTHENTICATION");
        Assert.StartsWith("Authentication credentials not found.", r.Body.Str("message"), StringComparison.Ordinal);
        var unknownRoute = await EmulatorFixture.SendAsync(client, HttpMethod.Get, "/nothing/here");
        unknownRoute.AssertError(401, "INVALID_AUTHENTICATION");
        Assert.Equal(200, (await EmulatorFixture.SendAsync(client, HttpMethod.Get, "/__emulator/health")).Status);
        using var good = emu.CreateClient("pat-na1-secret");
        Assert.Equal(200, (await EmulatorFixture.SendAsync(good, HttpMethod.Get, "/crm/v3/objects/deals")).Status);
    }
}
