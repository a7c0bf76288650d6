using System.Globalization;
using System.Net.Http;
using System.Text.Json.Nodes;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// "Why isn't this record in sync?" answered by the command line, over HTTP on the emulator and a real SQLite file:
/// <c>status --object T --id ID</c> shows a ticket failing its transform with the reason, a project's pushed values
/// with the one HubSpot refused (its dead letter) and its links, a record never seen with what that means; a bad
/// argument exits 2, and before the first sync nothing is created.
/// </summary>
public sealed class StatusRecordEndToEndTests(ITestOutputHelper log)
{
    [Fact]
    public async Task StatusOfOneRecord_ShowsWhyItIsOrIsNotInSyncAndWhatWasWrittenBackToIt()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");

        var early = await h.RunAsync("status", "--object", "deals", "--id", "1");
        Assert.Equal(ExitCodes.BadInput, early.Code);
        Assert.Contains($"no database at {h.DatabasePath} — run `sync` first", early.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(h.DatabasePath), "status created the database");

        // A pushed property deleted in HubSpot: its values become dead letters, the others are written.
        await h.RunOkAsync("schema", "apply");
        var deleted = await h.Emulator.SendAsync(HttpMethod.Delete, "/crm/v3/properties/projects/health_status");
        Assert.True(deleted.Status == 204, deleted.ToString());
        await h.RunOkAsync("sync", "--skip-portal-check");

        // A mapping whose priority map lacks URGENT: urgent tickets fail their transform on the next full sync.
        var mappings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "mappings.json")))!;
        var priority = mappings["objects"]!["tickets"]!["fields"]!.AsArray().Single(f => (string?)f!["local"] == "priority")!;
        priority["transform"] = new JsonObject { ["enum"] = new JsonObject { ["LOW"] = "LOW", ["MEDIUM"] = "MEDIUM", ["HIGH"] = "HIGH" } };
        h.MappingsPath = h.Write("mappings.json", mappings.ToJsonString());
        await h.RunOkAsync("sync", "--full", "--skip-portal-check");

        var urgent = h.Records("tickets").First(t => !t.Archived && t.Prop("hs_ticket_priority") == "URGENT");
        var ticket = (await h.RunOkAsync("status", "--object", "tickets", "--id", urgent.Id)).Output;
        log.WriteLine(ticket);
        Assert.StartsWith($"tickets {urgent.Id}\n", ticket, StringComparison.Ordinal);
        Assert.Contains("  ledger: failing: ", ticket, StringComparison.Ordinal);
        Assert.Contains("'URGENT' is not in the enum map (LOW, MEDIUM, HIGH)", ticket, StringComparison.Ordinal);
        Assert.Contains("  stored: live, left out of the delivery model (health, rollups, reports) while it fails; ", ticket, StringComparison.Ordinal);
        Assert.Contains("    hs_ticket_priority → priority (enum)  URGENT → (empty)\n", ticket, StringComparison.Ordinal);

        var project = h.Records("projects").First(p => !p.Archived);
        var score = project.Prop("health_score");
        Assert.NotNull(score);
        var dealId = h.Scalar($"SELECT CAST(to_id AS INTEGER) FROM crm_associations WHERE from_type = 'projects' AND from_id = '{project.Id}' AND to_type = 'deals'");
        var shown = (await h.RunOkAsync("status", "--object", "projects", "--id", project.Id)).Output;
        log.WriteLine(shown);
        Assert.Contains("  ledger: in sync\n", shown, StringComparison.Ordinal);
        Assert.Contains($"    project_code → code  ", shown, StringComparison.Ordinal);
        Assert.Contains($"    deal {dealId.ToString(CultureInfo.InvariantCulture)} (types ", shown, StringComparison.Ordinal);
        Assert.Matches($@"\n    health_score: the last pull saw {score} \(changed [^)]+\); pushed {score} at ", shown);
        Assert.Contains("  dead letters (1; 'dlq replay ID' sends one again):", shown, StringComparison.Ordinal);
        Assert.Matches(@"\n    #\d+ health_status = \w+ failed \S+Z: VALIDATION_ERROR: Property ""health_status"" does not exist \(held: not sent again until replayed or the value changes\)\n", shown);
        Assert.Matches($@"\n    \S+Z pushed health_score \(empty\) → {score} \[local-wins, health:health_score\]", shown);

        // A won deal the sync kicked off: its project, created by kickoff, shows under the deal.
        var created = h.Audit().First(a => a.Decision == "project-created");
        var wonDeal = created.Source["kickoff:deal ".Length..];
        var won = (await h.RunOkAsync("status", "--object", "deals", "--id", wonDeal)).Output;
        log.WriteLine(won);
        Assert.Contains("  kickoff (its project, newest first):\n", won, StringComparison.Ordinal);
        Assert.Matches($@"\n    \S+Z project-created projects/{created.RecordKey} \(project_code D{wonDeal}\)\n", won);
        Assert.Contains($"    project {created.RecordKey} (types ", won, StringComparison.Ordinal);

        var never = await h.RunOkAsync("status", "--object", "deals", "--id", "999999999999");
        Assert.Contains("deals 999999999999\n  never seen by the sync: no ledger row.\n  every change made to deals in HubSpot before ", never.Output, StringComparison.Ordinal);

        var summary = (await h.RunOkAsync("status", "--object", "tickets")).Output;
        Assert.Contains("\nticket ", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("\ndeal ", summary, StringComparison.Ordinal);
        Assert.Contains("  ticket failing ×", summary, StringComparison.Ordinal);

        foreach (var (args, message) in new[]
        {
            (new[] { "status", "--id", "1" }, "error: --id needs --object"),
            (new[] { "status", "--object", "widgets", "--id", "1" }, "error: --object 'widgets' is not an object type"),
            (new[] { "status", "--object", "deals", "--id", " " }, "error: --id must not be empty"),
            (new[] { "status", "--object", "deals", "--id", "1", "--audit", "-1" }, "error: status --audit: '-1' is not a whole number of 0 or more"),
        })
        {
            var bad = await h.RunAsync(args);
            Assert.True(bad.Code == ExitCodes.BadInput, $"{string.Join(' ', args)}: exit {bad.Code}\n{bad.Error}");
            Assert.StartsWith(message, bad.Error, StringComparison.Ordinal);
        }
    }
}
