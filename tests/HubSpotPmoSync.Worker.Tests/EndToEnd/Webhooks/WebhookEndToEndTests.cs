using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Webhooks;

/// <summary>
/// Issue 16, webhooks: the emulator delivering to a real <c>run</c> process. Between scheduled cycles (the next is an
/// hour away), a property change, a new deal, an archive, a merge and a link change each reach the store, and the
/// project's health reaches HubSpot. SIGKILL with events in the inbox: after a restart every event is processed once.
/// Waits poll the store and the emulator with a generous deadline; nothing is timed.
/// </summary>
public sealed class WebhookEndToEndTests
{
    [Fact]
    public async Task Edits_ReachTheStore_AndTheProjectsHealthReachesHubSpot()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var run = await WebhookRun.StartAsync(emulator);
        var state = emulator.Control.ExportState();
        var project = ActiveProjects(state).First();
        var reasonsBefore = run.HubSpotValue("projects", project, "health_reasons");
        var linkedDeals = state.Associations.Where(a => a.FromType == "projects" && a.ToType == "deals").Select(a => a.ToId).ToHashSet();
        var freeDeals = state.Objects["deals"].Where(d => !d.Archived && !linkedDeals.Contains(d.Id)).Select(d => d.Id).ToList();
        var archived = freeDeals[0];
        var (keep, gone) = (freeDeals[1], linkedDeals.First(d => state.Associations.Any(a => a.FromType == "projects" && a.ToId == d && ActiveProjects(state).Contains(a.FromId) && a.FromId != project)));
        var goneProject = state.Associations.First(a => a.FromType == "projects" && a.ToType == "deals" && a.ToId == gone).FromId;
        var (linkDeal, linkCompany) = Unlinked(state, freeDeals[2..]);

        // A property change that moves the project's health: due 400 days ago, a fifth done.
        var due = DateTime.UtcNow.Date.AddDays(-400).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Send(emulator, HttpMethod.Patch, $"/crm/v3/objects/projects/{project}", new { properties = new { project_due_date = due, project_percent_complete = "20" } });
        var created = await Send(emulator, HttpMethod.Post, "/crm/v3/objects/deals", new { properties = new { dealname = "Webhook deal", pipeline = "default", dealstage = "appointmentscheduled", amount = "4200" } });
        var newDeal = created.GetProperty("id").GetString()!;
        await Send(emulator, HttpMethod.Delete, $"/crm/v3/objects/deals/{archived}", null);
        emulator.Control.Merge("deals", keep, gone);
        await Send(emulator, HttpMethod.Put, $"/crm/v4/objects/deals/{linkDeal}/associations/default/companies/{linkCompany}", null);

        await run.WaitUntilAsync(() => run.StoredProperty("projects", project, "project_due_date") == due, "the property change in the store");
        await run.WaitUntilAsync(() => run.StoredArchived("deals", newDeal) == false && run.StoredProperty("deals", newDeal, "amount") == "4200", "the new deal in the store");
        await run.WaitUntilAsync(() => run.StoredArchived("deals", archived) == true, "the archived deal archived in the store");
        await run.WaitUntilAsync(
            () => run.StoredArchived("deals", gone) == true && run.StoredLink("projects", goneProject, "deals", keep) && !run.StoredLink("projects", goneProject, "deals", gone),
            "the merged-away deal archived, its project linked to the survivor");
        await run.WaitUntilAsync(() => run.StoredLink("deals", linkDeal, "companies", linkCompany), "the new link between two untouched records in the store");
        await run.WaitUntilAsync(
            () => run.HubSpotValue("projects", project, "health_reasons") is { } reasons && reasons != reasonsBefore && reasons.Contains("the due date overdue by", StringComparison.Ordinal),
            "the project's new health in HubSpot");

        await run.WaitUntilAsync(() => run.Inbox().All(row => row.Processed && row.Pushed), "every event in the inbox processed");
        Assert.DoesNotContain("incremental-sync: cycle started", run.Worker!.Error.Split("incremental-sync: cycle finished", 2)[1], StringComparison.Ordinal);
        Assert.DoesNotContain("webhooks: refused", run.Worker.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Events are stored and wait (a long debounce); the worker is killed with SIGKILL; the restarted worker processes
    /// each stored event once: every row ends processed and pushed, none twice, and each project's new health is
    /// written to HubSpot once.
    /// </summary>
    [Fact]
    public async Task Sigkill_WithEventsInTheInbox_AfterRestartEveryEventIsProcessedOnce()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var run = await WebhookRun.StartAsync(emulator, debounce: "00:01:00");
        var projects = ActiveProjects(emulator.Control.ExportState()).Take(3).ToList();
        var due = DateTime.UtcNow.Date.AddDays(-300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var p in projects)
        {
            await Send(emulator, HttpMethod.Patch, $"/crm/v3/objects/projects/{p}", new { properties = new { project_due_date = due } });
        }

        await run.WaitUntilAsync(() => projects.All(p => run.Inbox().Any(r => r.ObjectId == p && !r.Processed)), "the events stored in the inbox");
        var stored = run.Inbox();
        run.Worker!.Kill();

        await run.StartWorkerAsync(debounce: "00:00:00.200");
        await run.WaitUntilAsync(() => run.Inbox().Take(stored.Count).All(r => r.Processed && r.Pushed), "every stored event processed after the restart");
        await run.WaitUntilAsync(() => projects.All(p => run.HubSpotValue("projects", p, "health_reasons")?.Contains("overdue by 300 days", StringComparison.Ordinal) == true), "the new health in HubSpot");

        var after = run.Inbox();
        Assert.Equal(stored.Select(r => (r.ObjectId, r.Type)), after.Take(stored.Count).Select(r => (r.ObjectId, r.Type)));
        foreach (var p in projects)
        {
            var writes = run.Query(
                "SELECT COUNT(*) FROM wb_audit WHERE object_type = 'projects' AND record_key = $p AND property = 'health_reasons' AND decision = 'pushed' AND after_value LIKE '%overdue by 300 days%';",
                r => r.Read() ? r.GetInt64(0) : 0,
                ("$p", p));
            Assert.Equal(1, writes);
        }
    }

    private static List<string> ActiveProjects(HubSpotPmoSync.Emulator.EmulatorState state)
    {
        var withDeal = state.Associations.Where(a => a.FromType == "projects" && a.ToType == "deals").Select(a => a.FromId).ToHashSet();
        return [.. state.Objects["projects"]
            .Where(p => !p.Archived && withDeal.Contains(p.Id) && p.Properties.GetValueOrDefault("project_status") is not ("completed" or "cancelled" or "closed"))
            .Select(p => p.Id)];
    }

    private static (string Deal, string Company) Unlinked(HubSpotPmoSync.Emulator.EmulatorState state, IEnumerable<string> deals)
    {
        var companies = state.Objects["companies"].Where(c => !c.Archived).Select(c => c.Id).ToList();
        foreach (var d in deals)
        {
            var c = companies.FirstOrDefault(c => !state.Associations.Any(a => a.FromId == d && a.ToId == c));
            if (c is not null)
            {
                return (d, c);
            }
        }

        throw new InvalidOperationException("the demo portal has no unlinked deal and company");
    }

    private static async Task<JsonElement> Send(EmulatorFixture emulator, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await emulator.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
