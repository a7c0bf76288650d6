using System.Net.Http;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary><c>schema apply</c> against the emulator over HTTP (issue 6, "apply twice → second run 0 changes").</summary>
public sealed class SchemaApplyEndToEndTests
{
    [Fact]
    public async Task SchemaApply_Twice_SecondReportsZeroChangesAndMakesNoWriteCalls()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");

        var first = await h.RunOkAsync("schema", "apply");
        Assert.DoesNotContain("applied 0 changes", first.Output, StringComparison.Ordinal);
        Assert.True(h.WriteCalls() > 0, "the first apply should create the group and properties");
        var health = await h.Emulator.SendAsync(HttpMethod.Get, "/crm/v3/properties/projects/health_status");
        Assert.Equal(200, health.Status);

        var before = h.WriteCalls();
        var second = await h.RunOkAsync("schema", "apply");

        Assert.Contains("applied 0 changes.", second.Output, StringComparison.Ordinal);
        Assert.Equal(before, h.WriteCalls());
    }

    [Fact]
    public async Task SchemaApply_PropertyOfAnotherTypeExists_Exits2NamingItAndCreatesNothing()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        var groups = await h.Emulator.SendAsync(HttpMethod.Get, "/crm/v3/properties/projects/groups");
        var group = groups.Body.GetProperty("results")[0].GetProperty("name").GetString();
        var created = await h.Emulator.SendAsync(HttpMethod.Post, "/crm/v3/properties/projects", new Dictionary<string, object?>
        {
            ["name"] = "health_score",
            ["label"] = "Health score (typed by a person)",
            ["type"] = "string",
            ["fieldType"] = "text",
            ["groupName"] = group,
        });
        Assert.True(created.Status is 200 or 201, created.ToString());
        var before = h.WriteCalls();

        var result = await h.RunAsync("schema", "apply");

        Assert.Equal(2, result.Code);
        Assert.Contains("health_score", result.Error + result.Output, StringComparison.Ordinal);
        Assert.Equal(before, h.WriteCalls());
        Assert.Equal(404, (await h.Emulator.SendAsync(HttpMethod.Get, "/crm/v3/properties/projects/health_status")).Status);
        Assert.Equal(404, (await h.Emulator.SendAsync(HttpMethod.Get, "/crm/v3/properties/deals/delivery_health")).Status);
    }
}
