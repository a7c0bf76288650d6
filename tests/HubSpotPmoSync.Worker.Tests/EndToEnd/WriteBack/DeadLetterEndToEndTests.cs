using System.Net.Http;
using System.Text.Json.Nodes;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary>
/// A poison record (issue 6): one project's value is an enumeration option HubSpot does not have. Its write becomes a
/// dead letter with HubSpot's message while the rest of its batch is written; <c>dlq list</c> shows it; after the option
/// is added through the properties API, <c>dlq replay</c> and <c>sync</c> write it.
/// </summary>
public sealed class DeadLetterEndToEndTests(ITestOutputHelper log)
{
    private const string Band = "pmo_score_band";

    [Fact]
    public async Task Sync_OneValueHubSpotRejects_DeadLetteredWhileTheRestOfTheBatchIsWrittenAndReplayAfterTheFixSucceeds()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await PortalSeeding.AddWonDealsAsync(h.Emulator, 80);
        await h.RunOkAsync("schema", "apply");
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");

        // A mapping that sends each project's health score (computed) to an enumeration property instead, one option per
        // value. The start-up portal check would refuse this mapping outright (a number into an enumeration), so the syncs
        // below skip it: what is proven is the push's own safety net, for a value HubSpot rejects all the same (as when a
        // person edits the property's options between the check and the push).
        var mappings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "mappings.json")))!;
        var score = mappings["objects"]!["projects"]!["fields"]!.AsArray().Single(f => (string?)f!["local"] == "health_score")!;
        score["hubspot"] = Band;
        h.MappingsPath = h.Write("mappings.json", mappings.ToJsonString());

        var plan = PrintedPlan.Parse((await h.RunOkAsync("sync", "--dry-run")).Output);
        var values = plan.Updates.Where(u => u.ObjectType == "projects" && u.Property == Band).ToList();
        Assert.True(values.Count > 100, $"{values.Count} projects get a band; a full batch of 100 needs more");
        var victim = values.GroupBy(v => v.After, StringComparer.Ordinal).First(g => g.Count() == 1).Single();
        var options = values.Select(v => v.After).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var created = await h.Emulator.SendAsync(HttpMethod.Post, "/crm/v3/properties/projects", new Dictionary<string, object?>
        {
            ["name"] = Band,
            ["label"] = "Score band",
            ["type"] = "enumeration",
            ["fieldType"] = "select",
            ["groupName"] = "pmo_delivery_health",
            ["options"] = Options(options.Where(o => o != victim.After)),
        });
        Assert.True(created.Status is 200 or 201, created.ToString());
        log.WriteLine($"{values.Count} projects; poison: project {victim.RecordKey} = {victim.After}");

        var before = h.Emulator.Control.Stats().Requests;
        var sync = await h.RunOkAsync("sync", "--skip-portal-check");
        log.WriteLine(string.Join('\n', sync.Output.Split('\n').Where(l => l.StartsWith("push:", StringComparison.Ordinal))));
        log.WriteLine(string.Join("; ", h.Emulator.Control.Stats().Requests
            .Where(r => r.Key.Contains("/batch/update", StringComparison.Ordinal))
            .Select(r => $"{r.Key} x{r.Value - before.GetValueOrDefault(r.Key)}")));

        var letters = h.DeadLetters();
        Assert.NotEmpty(letters);
        Assert.All(letters, d => Assert.Equal(victim.RecordKey, d.RecordKey));
        var letter = Assert.Single(letters, d => d.Property == Band);
        Assert.Equal(victim.After, letter.Value);
        Assert.Contains(victim.After, letter.Message, StringComparison.Ordinal);
        var projects = h.Records("projects").ToDictionary(p => p.Id, StringComparer.Ordinal);
        Assert.Null(projects[victim.RecordKey].Prop(Band));
        foreach (var v in values.Where(v => v.RecordKey != victim.RecordKey))
        {
            Assert.Equal(v.After, projects[v.RecordKey].Prop(Band));
        }

        var list = await h.RunOkAsync("dlq", "list");
        Assert.Contains(victim.RecordKey, list.Output, StringComparison.Ordinal);
        Assert.Contains(letter.Message, list.Output, StringComparison.Ordinal);

        // The fix: the missing option is added in HubSpot; replay and the next sync write the value.
        var patched = await h.Emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/properties/projects/{Band}", new Dictionary<string, object?> { ["options"] = Options(options) });
        Assert.Equal(200, patched.Status);
        var replay = await h.RunOkAsync("dlq", "replay");
        Assert.Contains($"{letters.Count} dead letter", replay.Output, StringComparison.Ordinal);
        await h.RunOkAsync("sync", "--skip-portal-check");

        Assert.Equal(victim.After, h.Records("projects").Single(p => p.Id == victim.RecordKey).Prop(Band));
        Assert.Empty(h.DeadLetters());
        Assert.Equal(0, h.Scalar("SELECT COUNT(*) FROM wb_outbox"));
        Assert.Contains(h.Audit(), a => a.RecordKey == victim.RecordKey && a.Property == Band && a.Decision == AuditDecisions.Pushed && a.After == victim.After);
    }

    /// <summary>
    /// A pushed property deleted in HubSpot after <c>schema apply</c> (and the start-up check skipped): HubSpot refuses
    /// every batch that carries it, naming the property. The client leaves it out and sends the batch again, so each
    /// project's other health values are written and only that property is dead-lettered, with HubSpot's reason: one
    /// refused call per batch of 100, where halving down to single inputs spent 199 and dead-lettered every value.
    /// </summary>
    [Fact]
    public async Task Sync_PushedPropertyDeletedInHubSpot_OnlyItIsDeadLetteredTheOtherValuesAreWritten()
    {
        const string Deleted = "health_status";
        await using var h = await WriteBackHarness.StartAsync("demo");
        await PortalSeeding.AddWonDealsAsync(h.Emulator, 150);
        await h.RunOkAsync("schema", "apply");
        var deleted = await h.Emulator.SendAsync(HttpMethod.Delete, $"/crm/v3/properties/projects/{Deleted}");
        Assert.True(deleted.Status == 204, deleted.ToString());

        var before = h.Emulator.Control.Stats().Requests;
        await h.RunOkAsync("sync", "--skip-portal-check");
        var after = h.Emulator.Control.Stats().Requests;
        long Calls(Func<string, bool> route) => after.Where(r => route(r.Key)).Sum(r => r.Value - before.GetValueOrDefault(r.Key));
        var refused = Calls(k => k.StartsWith("POST /crm/", StringComparison.Ordinal) && k.EndsWith("/{objectType}/batch/update 400", StringComparison.Ordinal));
        log.WriteLine($"batch updates refused: {refused}; routes: {h.WriteCallsByRoute()}");

        var projects = h.Records("projects");
        Assert.True(projects.Count > 100, $"{projects.Count} projects; more than one batch is needed");
        var letters = h.DeadLetters();
        Assert.All(letters, d => Assert.Equal((Deleted, $"Property \"{Deleted}\" does not exist"), (d.Property, d.Message)));
        Assert.Equal(projects.Select(p => p.Id).Order(StringComparer.Ordinal), letters.Select(d => d.RecordKey).Order(StringComparer.Ordinal));
        Assert.All(projects, p => Assert.NotNull(p.Prop("health_score")));
        Assert.Equal((projects.Count + 99) / 100, refused);
        Assert.Contains(h.Records("deals"), d => d.Prop("delivery_health") is not null);
        Assert.Contains(h.Audit(), a => a.Property == Deleted && a.Decision == AuditDecisions.DeadLettered);
        Assert.DoesNotContain(h.Audit(), a => a.Property == Deleted && a.Decision == AuditDecisions.Pushed);

        // The next cycle wants the same values: HubSpot would refuse them again, so none is sent, no dead letter is
        // added and the audit log does not grow with them; the dead letters stay for 'dlq replay'.
        var audited = h.Audit().Count;
        before = h.Emulator.Control.Stats().Requests;
        var second = await h.RunOkAsync("sync", "--skip-portal-check");
        after = h.Emulator.Control.Stats().Requests;
        Assert.Equal(0, Calls(k => k.StartsWith("POST /crm/", StringComparison.Ordinal) && k.EndsWith("/{objectType}/batch/update 400", StringComparison.Ordinal)));
        Assert.Equal(letters.Select(d => d.Id), h.DeadLetters().Select(d => d.Id));
        Assert.DoesNotContain(h.Audit().Skip(audited), a => a.Property == Deleted);
        Assert.Contains($"; {letters.Count} held as dead letters (rejected before)", second.Output, StringComparison.Ordinal);
        var list = await h.RunOkAsync("dlq", "list");
        Assert.Contains("[held]", list.Output, StringComparison.Ordinal);

        // schema apply cannot create it again: HubSpot keeps a deleted property's name archived. It says so and
        // creates nothing; once an admin restores the property, it points at the held values, and replayed they are written.
        var refusedSchema = await h.RunAsync("schema", "apply");
        Assert.True(refusedSchema.Code == ExitCodes.BadInput, $"exit {refusedSchema.Code}\n{refusedSchema.Output}\n{refusedSchema.Error}");
        Assert.Contains($"CONFLICT projects.{Deleted}: was deleted in HubSpot and is archived under this name", refusedSchema.Output, StringComparison.Ordinal);
        Assert.Contains("restore it in HubSpot", refusedSchema.Output, StringComparison.Ordinal);
        h.Emulator.Control.RestoreProperty("projects", Deleted);
        var schema = await h.RunOkAsync("schema", "apply");
        Assert.Contains($"{letters.Count} dead letters hold values HubSpot rejected for properties now in place: if the schema was the cause (a missing property or option), 'dlq replay' sends them again.", schema.Output, StringComparison.Ordinal);
        await h.RunOkAsync("dlq", "replay");
        await h.RunOkAsync("sync");
        Assert.Empty(h.DeadLetters());
        Assert.All(h.Records("projects").Where(p => !p.Archived), p => Assert.NotNull(p.Prop(Deleted)));
    }

    private static List<Dictionary<string, object>> Options(IEnumerable<string> values) =>
        values.Select((v, i) => new Dictionary<string, object> { ["label"] = v, ["value"] = v, ["displayOrder"] = i }).ToList();
}
