using System.Net.Http;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary>
/// Conflicting edits (issue 6) as far as the product lets them arise end to end: a person overwrites a value the
/// worker owns (computed health, policy local-wins) in HubSpot; the next sync restores the computed value and audits
/// the decision with before → after, policy and source. (A <c>both</c> field never produces an outbound value in this
/// product — see docs/write-back-benchmarks.md — so hubspot-wins and newest-wins cannot be reached through the real cycle.)
/// </summary>
public sealed class ConflictEndToEndTests
{
    [Fact]
    public async Task Sync_PersonEditsAComputedValueInHubSpot_LocalWinsOverwritesAndAuditsTheConflict()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");

        var project = h.Records("projects").First(p => !p.Archived && p.Prop("health_status") is "green" or "amber");
        var computed = project.Prop("health_status")!;
        var edited = computed == "green" ? "red" : "green";
        var patch = await h.Emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/objects/projects/{project.Id}", new Dictionary<string, object>
        {
            ["properties"] = new Dictionary<string, string> { ["health_status"] = edited },
        });
        Assert.Equal(200, patch.Status);
        var auditBefore = h.Audit().Count;

        var sync = await h.RunOkAsync("sync");

        Assert.Contains("1 conflicts overwritten", sync.Output, StringComparison.Ordinal);
        Assert.Equal(computed, h.Records("projects").Single(p => p.Id == project.Id).Prop("health_status"));
        var entry = Assert.Single(h.Audit().Skip(auditBefore), a => a.RecordKey == project.Id && a.Property == "health_status" && a.Decision == AuditDecisions.OverwroteHubSpot);
        Assert.Equal(edited, entry.Before);
        Assert.Equal(computed, entry.After);
        Assert.Equal("local-wins", entry.Policy);
        Assert.Equal("health:health_status", entry.Source);
    }
}
