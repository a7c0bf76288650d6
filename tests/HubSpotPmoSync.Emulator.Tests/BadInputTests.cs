using System.Text;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Bad input never crashes the emulator: every answer keeps HubSpot's error shape, and it keeps serving.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("POST", "/crm/v3/objects/deals", "{\"properties\":")]
    [InlineData("POST", "/crm/v3/objects/deals", "[1,2,3]")]
    [InlineData("POST", "/crm/v3/objects/deals", "{\"properties\":[\"a\"]}")]
    [InlineData("POST", "/crm/v3/objects/deals", "{\"properties\":{\"dealname\":{\"x\":1}}}")]
    [InlineData("POST", "/crm/v3/objects/deals/batch/create", "{\"inputs\":{}}")]
    [InlineData("POST", "/crm/v3/objects/deals/batch/read", "{}")]
    [InlineData("POST", "/crm/v3/objects/deals/batch/read", "{\"inputs\":[{\"id\":{}}]}")]
    [InlineData("POST", "/crm/v3/objects/deals/search", "{\"filterGroups\":\"x\"}")]
    [InlineData("POST", "/crm/v3/objects/deals/search", "{\"limit\":\"many\"}")]
    [InlineData("POST", "/crm/v3/objects/deals/search", "{\"filterGroups\":[{\"filters\":[{\"operator\":\"EQ\"}]}]}")]
    [InlineData("POST", "/crm/v4/associations/deals/companies/batch/create", "{\"inputs\":[{\"from\":1}]}")]
    [InlineData("PUT", "/crm/v4/objects/deals/1/associations/companies/2", "{}")]
    [InlineData("POST", "/crm/v3/properties/deals", "{\"name\":5}")]
    [InlineData("POST", "/crm-object-schemas/v3/schemas", "{\"name\":\"x\"}")]
    [InlineData("POST", "/crm/v3/pipelines/deals", "{\"label\":\"x\",\"stages\":\"none\"}")]
    [InlineData("POST", "/crm/v3/objects/deals", "")]
    public async Task MalformedOrWrongTypedBody_Returns4xxInHubSpotShape(string method, string path, string body)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var r = await emu.SendAsync(new HttpMethod(method), path, body);
        Assert.True(r.Status is 400 or 404, r.ToString());
        r.AssertError(r.Status, r.Status == 400 ? "VALIDATION_ERROR" : "OBJECT_NOT_FOUND");
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public async Task MoreThan100Inputs_Returns400()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var inputs = Enumerable.Range(0, 101).Select(i => new { properties = Http.Deal($"D{i}") });
        var r = await emu.Post("/crm/v3/objects/deals/batch/create", new { inputs });
        Assert.Contains("TOO_MANY_INPUTS", r.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
        Assert.Empty((await emu.Get("/crm/v3/objects/deals")).Results());
    }

    [Fact]
    public async Task OversizedBody_Returns413InHubSpotShape()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var huge = "{\"properties\":{\"dealname\":\"" + new string('x', 4 * 1024 * 1024) + "\"}}";
        var r = await emu.Post("/crm/v3/objects/deals", huge);
        r.AssertError(413, "VALIDATION_ERROR");
        var tooLong = await emu.Post("/crm/v3/objects/deals", new { properties = new { dealname = new string('y', 65_537), pipeline = "default", dealstage = "closedwon" } });
        Assert.Contains("INVALID_LENGTH", tooLong.AssertError(400, "VALIDATION_ERROR").ErrorCodes());
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AnswerInHubSpotShape()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        (await emu.Get("/crm/v3/nothing")).AssertError(404, "OBJECT_NOT_FOUND");
        (await emu.Get("/crm/v3/objects/deals/1/2/3/4")).AssertError(404, "OBJECT_NOT_FOUND");
        (await emu.SendAsync(HttpMethod.Put, "/crm/v3/objects/deals", "{}")).AssertError(405, "VALIDATION_ERROR");
        (await emu.Get("/__emulator/nothing")).AssertError(404, "OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task NonUtf8AndDeepJson_DoNotCrash()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        using var content = new ByteArrayContent([0xff, 0xfe, 0x7b, 0x00]);
        content.Headers.ContentType = new("application/json");
        using var response = await emu.Client.PostAsync("/crm/v3/objects/deals", content);
        Assert.Equal(400, (int)response.StatusCode);
        var deep = new StringBuilder().Insert(0, "[", 5000).ToString();
        (await emu.Post("/crm/v3/objects/deals", deep)).AssertError(400, "VALIDATION_ERROR");
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }
}
