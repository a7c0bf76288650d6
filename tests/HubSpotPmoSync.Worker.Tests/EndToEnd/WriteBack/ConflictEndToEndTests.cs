using System.Net.Http;
using System.Text.Json.Nodes;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary>
/// Conflicting edits (issue 6) end to end, over HTTP against the emulator: a person types over values the worker
/// computes, through HubSpot's API. Each field resolves per its mapping's <c>conflict</c> policy — local-wins restores
/// the computed value, hubspot-wins and newest-wins keep the person's — and every decision is audited (before → after,
/// policy, source) once; newest-wins writes the local value again only after it changes.
/// </summary>
public sealed class ConflictEndToEndTests(ITestOutputHelper log)
{
    private const string Reason = "delivery_health_reason";

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
        await EditAsync(h, "projects", project.Id, "health_status", edited);
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

    [Fact]
    public async Task Sync_PersonEditsUnderEachPolicy_ResolvedPerPolicyAuditedOnceAndNewestWinsWritesOnlyALaterLocalChange()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        h.MappingsPath = h.Write("mappings.json", Mappings(("deals", Reason, "newest-wins"), ("companies", Reason, "hubspot-wins"), ("projects", "health_status", "local-wins")));
        await h.RunOkAsync("schema", "apply");
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");

        // A deal with a computed reason, one of its companies with one, and a project with a computed status.
        var state = h.Emulator.Control.ExportState();
        var deal = state.Live("deals").First(d => d.Prop(Reason) is not null && state.Linked("deals", d.Id, "companies").Any(c => Company(state, c).Prop(Reason) is not null));
        var company = Company(state, state.Linked("deals", deal.Id, "companies").First(c => Company(state, c).Prop(Reason) is not null));
        var project = state.Live("projects").First(p => p.Prop("health_status") is "green" or "amber");
        var (dealReason, companyReason, status) = (deal.Prop(Reason)!, company.Prop(Reason)!, project.Prop("health_status")!);
        log.WriteLine($"deal {deal.Id}: {dealReason}\ncompany {company.Id}: {companyReason}\nproject {project.Id}: {status}");

        // A person types over all three in HubSpot.
        const string PersonOnDeal = "On hold until the client signs the change request";
        const string PersonOnCompany = "Key account: see the QBR notes";
        var personStatus = status == "green" ? "red" : "green";
        await EditAsync(h, "deals", deal.Id, Reason, PersonOnDeal);
        await EditAsync(h, "companies", company.Id, Reason, PersonOnCompany);
        await EditAsync(h, "projects", project.Id, "health_status", personStatus);
        var audited = h.Audit().Count;

        var resolved = await h.RunOkAsync("sync");
        log.WriteLine(Push(resolved));

        Assert.Contains("1 conflicts overwritten, 2 kept for HubSpot", resolved.Output, StringComparison.Ordinal);
        Assert.Equal(status, Live(h, "projects", project.Id).Prop("health_status"));
        Assert.Equal(PersonOnDeal, Live(h, "deals", deal.Id).Prop(Reason));
        Assert.Equal(PersonOnCompany, Live(h, "companies", company.Id).Prop(Reason));
        var decisions = h.Audit().Skip(audited).Where(a => a.Decision is AuditDecisions.OverwroteHubSpot or AuditDecisions.KeptHubSpot).ToList();
        Assert.Equal(
            new[]
            {
                new AuditRow("companies", company.Id, Reason, PersonOnCompany, companyReason, "hubspot-wins", AuditDecisions.KeptHubSpot, "rollup:" + Reason),
                new AuditRow("deals", deal.Id, Reason, PersonOnDeal, dealReason, "newest-wins", AuditDecisions.KeptHubSpot, "rollup:" + Reason),
                new AuditRow("projects", project.Id, "health_status", personStatus, status, "local-wins", AuditDecisions.OverwroteHubSpot, "health:health_status"),
            },
            decisions.OrderBy(a => a.ObjectType, StringComparer.Ordinal));

        // Nothing changed since: the kept values are not written and not audited again.
        (audited, var writes) = (h.Audit().Count, h.WriteCalls());
        var idle = await h.RunOkAsync("sync");
        log.WriteLine(Push(idle));

        Assert.Contains("0 conflicts overwritten, 2 kept for HubSpot", idle.Output, StringComparison.Ordinal);
        Assert.True(h.WriteCalls() == writes, $"the unchanged cycle made {h.WriteCalls() - writes} write calls: {h.WriteCallsByRoute()}");
        Assert.Equal(audited, h.Audit().Count);

        // The local values change after the person's edits: a project added in HubSpot to the deal and the company
        // changes both reasons. The plan says newest-wins now writes the deal's and hubspot-wins still keeps the company's.
        await AddProjectAsync(h, deal.Id, company.Id);
        await h.RunOkAsync("sync", "--no-push");
        var dry = await h.RunOkAsync("sync", "--dry-run");
        var plan = PrintedPlan.Parse(dry.Output);
        log.WriteLine(string.Join('\n', dry.Output.Split('\n').SkipWhile(l => !l.StartsWith("write plan", StringComparison.Ordinal))));

        var overwrite = Assert.Single(plan.Updates, u => u.IsConflict);
        Assert.Equal(("deals", deal.Id, Reason, WriteBackValues.Display(PersonOnDeal)), (overwrite.ObjectType, overwrite.RecordKey, overwrite.Property, overwrite.Before));
        Assert.NotEqual(WriteBackValues.Display(dealReason), overwrite.After);
        var keep = Assert.Single(plan.Kept);
        Assert.Equal(("companies", company.Id, Reason, WriteBackValues.Display(PersonOnCompany)), (keep.ObjectType, keep.RecordKey, keep.Property, keep.Before));
        Assert.NotEqual(WriteBackValues.Display(companyReason), keep.After);

        audited = h.Audit().Count;
        var changed = await h.RunOkAsync("sync");
        log.WriteLine(Push(changed));
        var added = h.Audit().Skip(audited).ToList();

        Assert.Contains("1 conflicts overwritten, 1 kept for HubSpot", changed.Output, StringComparison.Ordinal);
        Assert.Equal(overwrite.After, WriteBackValues.Display(Live(h, "deals", deal.Id).Prop(Reason)));
        Assert.Equal(PersonOnCompany, Live(h, "companies", company.Id).Prop(Reason));
        Assert.Equal(status, Live(h, "projects", project.Id).Prop("health_status"));

        // Plan equals run: every planned write is audited as written, every kept conflict as kept, and nothing else.
        Assert.Equal(
            plan.Updates.Select(u => Shown(u.ObjectType, u.RecordKey, u.Property, u.IsConflict ? AuditDecisions.OverwroteHubSpot : AuditDecisions.Pushed, u.Before, u.After)).Order(),
            added.Where(a => a.Decision is AuditDecisions.Pushed or AuditDecisions.OverwroteHubSpot).Select(Shown).Order());
        Assert.Equal(
            plan.Kept.Select(k => Shown(k.ObjectType, k.RecordKey, k.Property, AuditDecisions.KeptHubSpot, k.Before, k.After)),
            added.Where(a => a.Decision == AuditDecisions.KeptHubSpot).Select(Shown));
        Assert.All(added, a => Assert.Contains(a.Decision, new[] { AuditDecisions.Pushed, AuditDecisions.OverwroteHubSpot, AuditDecisions.KeptHubSpot }));
        var dealWritten = Assert.Single(added, a => a.ObjectType == "deals" && a.Property == Reason);
        Assert.Equal(("newest-wins", AuditDecisions.OverwroteHubSpot, PersonOnDeal, "rollup:" + Reason), (dealWritten.Policy, dealWritten.Decision, dealWritten.Before, dealWritten.Source));
    }

    /// <summary>The product's mappings with the given <c>conflict</c> policies on (object, local field).</summary>
    private static string Mappings(params (string Object, string Local, string Policy)[] policies)
    {
        var mappings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "mappings.json")))!;
        foreach (var (objectName, local, policy) in policies)
        {
            mappings["objects"]![objectName]!["fields"]!.AsArray().Single(f => (string?)f!["local"] == local)!["conflict"] = policy;
        }

        return mappings.ToJsonString();
    }

    private static async Task EditAsync(WriteBackHarness h, string objectType, string id, string property, string value)
    {
        var patch = await h.Emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/objects/{objectType}/{id}", new Dictionary<string, object>
        {
            ["properties"] = new Dictionary<string, string> { [property] = value },
        });
        Assert.True(patch.Status == 200, patch.ToString());
    }

    /// <summary>A project a person creates in HubSpot and links to the deal and the company.</summary>
    private static async Task AddProjectAsync(WriteBackHarness h, string dealId, string companyId)
    {
        var template = h.Records("projects").First(p => !p.Archived && p.Prop("hs_pipeline") is not null);
        var created = await h.Emulator.SendAsync(HttpMethod.Post, "/crm/v3/objects/projects", new Dictionary<string, object>
        {
            ["properties"] = new Dictionary<string, string?>
            {
                ["hs_name"] = "Change request",
                ["project_code"] = "CR-E2E-1",
                ["project_currency"] = "EUR",
                ["hs_pipeline"] = template.Prop("hs_pipeline"),
                ["hs_pipeline_stage"] = template.Prop("hs_pipeline_stage"),
            },
        });
        Assert.True(created.Status == 201, created.ToString());
        var id = created.Body.GetProperty("id").GetString()!;
        foreach (var (toType, toId) in new[] { ("deals", dealId), ("companies", companyId) })
        {
            var link = await h.Emulator.SendAsync(HttpMethod.Put, $"/crm/v4/objects/projects/{id}/associations/default/{toType}/{toId}");
            Assert.True(link.Status is 200 or 201, link.ToString());
        }
    }

    private static ExportedRecord Company(EmulatorState state, string id) => state.Live("companies").Single(c => c.Id == id);

    private static ExportedRecord Live(WriteBackHarness h, string objectType, string id) => h.Emulator.Control.ExportState().Live(objectType).Single(r => r.Id == id);

    private static string Push(CommandResult result) => string.Join('\n', result.Output.Split('\n').Where(l => l.StartsWith("push:", StringComparison.Ordinal)));

    /// <summary>An audited or planned decision as the plan displays it; <c>last_synced_at</c> is the run's own time, so its value is left out.</summary>
    private static string Shown(string objectType, string recordKey, string property, string decision, string before, string after) =>
        $"{objectType}/{recordKey}.{property} {decision}: {before} -> {(property == "last_synced_at" ? "*" : after)}";

    private static string Shown(AuditRow a) =>
        Shown(a.ObjectType, a.RecordKey, a.Property!, a.Decision, WriteBackValues.Display(a.Before), WriteBackValues.Display(a.After));
}
