using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class WriteBackPlannerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task PlanAsync_ThenRealRun_AppliedChangesEqualThePlanAndPlanningWroteNothing()
    {
        var kit = new WriteBackTestKit();
        var projects = Enumerable.Range(1, 5).Select(i => kit.SeedProject("P" + i, status: "green")).ToList();
        var (wonDeal, wonCompany) = WriteBackTestKit.SeedDeal(kit.Portal, "New client");
        var (editedDeal, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Edited", "appointmentscheduled", 1000m);
        await kit.PullAsync(CrmObjectTypes.Projects, projects, "health_status", "health_score");
        await kit.PullAsync(CrmObjectTypes.Deals, [editedDeal], "amount");
        kit.Time.Advance(TimeSpan.FromMinutes(10));
        kit.Portal.EditAsPerson(CrmObjectTypes.Deals, editedDeal, "amount", "1500");
        await kit.PullAsync(CrmObjectTypes.Deals, [editedDeal], "amount");
        await kit.Store.EnqueueAsync([kit.Health(projects[4], "health_score", "10")], kit.Time.GetUtcNow(), None);
        kit.Time.Advance(TimeSpan.FromMinutes(10));
        var changes = new List<OutboundChange>
        {
            kit.Health(projects[0], "health_status", "green"),
            kit.Health(projects[1], "health_status", "red"),
            kit.Health(projects[1], "health_score", "35"),
            kit.Health(projects[2], "health_status", "amber"),
            kit.Health(projects[4], "health_score", "15"),
            new(CrmObjectTypes.Deals, editedDeal, "amount", "1200", "mapping:deals.amount", ConflictPolicy.HubSpotWins, kit.Time.GetUtcNow()),
            new(CrmObjectTypes.Deals, editedDeal, "delivery_health", "amber", "rollup", ConflictPolicy.LocalWins, kit.Time.GetUtcNow()),
        };
        var kickoffPlan = KickoffPlanner.Plan(WriteBackTestKit.Snapshot(kit.Portal), new KickoffOptions(), await kit.Portal.GetPipelinesAsync(CrmObjectTypes.Projects, None));
        kit.Portal.ResetCalls();
        var mutationsBefore = kit.Store.Mutations;

        var plan = await WriteBackPlanner.PlanAsync(kit.Store, changes, kickoffPlan, None);

        Assert.Equal(0, kit.Portal.WriteCalls);
        Assert.Equal(mutationsBefore, kit.Store.Mutations);

        var kickoff = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(kickoffPlan, None);
        await kit.Store.EnqueueAsync(changes, kit.Time.GetUtcNow(), None);
        var flush = await kit.CreateFlusher().FlushAsync(None);

        Assert.Equal(plan.Updates, flush.Applied);
        Assert.Equal(plan.KeptHubSpot, flush.KeptHubSpot);
        Assert.Equal(plan.Unchanged, flush.Unchanged);
        var created = Assert.Single(plan.Creates);
        Assert.Equal(kickoff.Created, plan.Creates.Count);
        var projectId = kickoff.ProjectIdsByDeal[wonDeal];
        Assert.Equal(created.Properties, kit.Portal.Get(CrmObjectTypes.Projects, projectId).Properties
            .Where(p => created.Properties.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value));
        Assert.Equal(
            plan.Associations.Select(a => (a.ToType, a.ToId)),
            kickoff.Associations.Select(a => (a.ToType, a.ToId)));
        Assert.Equal([wonCompany], kit.Portal.Associated(CrmObjectTypes.Projects, projectId, CrmObjectTypes.Companies));

        // What the plan announced is what HubSpot now holds.
        foreach (var update in plan.Updates)
        {
            Assert.Equal(update.After, kit.Portal.Get(update.ObjectType, update.RecordKey).Get(update.Property));
        }

        Assert.Equal("1500", kit.Portal.Get(CrmObjectTypes.Deals, editedDeal).Get("amount"));
    }

    [Fact]
    public async Task Render_PlanWithEveryKindOfChange_ShowsCreatesUpdatesByFieldLinksConflictsAndTotals()
    {
        var kit = new WriteBackTestKit();
        var project = kit.SeedProject("P1", status: "green");
        var (deal, company) = WriteBackTestKit.SeedDeal(kit.Portal, "Big deal", amount: 5000m);
        await kit.PullAsync(CrmObjectTypes.Projects, [project], "health_status");
        await kit.PullAsync(CrmObjectTypes.Deals, [deal], "amount");
        var kickoffPlan = KickoffPlanner.Plan(WriteBackTestKit.Snapshot(kit.Portal), new KickoffOptions(), await kit.Portal.GetPipelinesAsync(CrmObjectTypes.Projects, None));

        var plan = await WriteBackPlanner.PlanAsync(
            kit.Store,
            [
                kit.Health(project, "health_status", "red"),
                new(CrmObjectTypes.Deals, deal, "amount", "4000", "mapping:deals.amount", ConflictPolicy.HubSpotWins, kit.Time.GetUtcNow().AddDays(-1)),
            ],
            kickoffPlan,
            None);
        var text = plan.Render();

        Assert.Equal(
            $"""
            deals: 0 creates, 0 updates on 0 records, 0 associations, 1 conflict kept for HubSpot
              = keep {deal}.amount: HubSpot 5000, local 4000 [hubspot-wins: HubSpot's value is kept]
            projects: 1 create, 1 update on 1 record, 2 associations, 0 conflicts kept for HubSpot
              + create D{deal} (for won deal {deal}): health_budget=5000, hs_name="Big deal", hs_pipeline=0, hs_pipeline_stage=1000, project_code=D{deal}, project_currency=EUR
              ~ health_status: 1 update
                  {project}: green -> red  [conflict, local-wins: the local value overwrites HubSpot's]
              <> associate projects D{deal} -> companies {company}
              <> associate projects D{deal} -> deals {deal}
            Total: 1 create, 1 property update on 1 record, 2 associations, 1 conflict kept for HubSpot, 0 unchanged

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            text);
    }

    [Fact]
    public async Task PlanAsync_WithTheDryRunsFreshPull_MatchesARunThatRecordsThePullThenFlushes()
    {
        var kit = new WriteBackTestKit();
        var (deal, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Edited", "appointmentscheduled", 1000m);
        var project = kit.SeedProject("P1");
        await kit.PullAsync(CrmObjectTypes.Deals, [deal], "amount");
        await kit.EnqueueAndFlushAsync([kit.Health(project, "health_status", "green")]);
        kit.Time.Advance(TimeSpan.FromHours(1));
        kit.Portal.EditAsPerson(CrmObjectTypes.Deals, deal, "amount", "1500");
        kit.Time.Advance(TimeSpan.FromHours(1));
        var pulled = new[] { Observed(kit, CrmObjectTypes.Deals, deal, "amount"), Observed(kit, CrmObjectTypes.Projects, project, "health_status") };
        var changes = new List<OutboundChange>
        {
            new(CrmObjectTypes.Deals, deal, "amount", "1200", "mapping:deals.amount", ConflictPolicy.NewestWins, kit.Time.GetUtcNow().AddMinutes(-90)),
            kit.Health(project, "health_status", "green"),
        };

        var stale = await WriteBackPlanner.PlanAsync(kit.Store, changes, null, None);
        var fresh = await WriteBackPlanner.PlanAsync(kit.Store, changes, null, pulled, None);
        await kit.Store.RecordObservedAsync(pulled, None);
        var flush = await kit.EnqueueAndFlushAsync(changes);

        Assert.Single(stale.Updates);
        Assert.Empty(fresh.Updates);
        Assert.Equal(fresh.KeptHubSpot, flush.KeptHubSpot);
        Assert.Equal(fresh.Updates, flush.Applied);
        Assert.Equal("1500", Assert.Single(fresh.KeptHubSpot).Before);
    }

    private static ObservedRecord Observed(WriteBackTestKit kit, string type, string id, string property)
    {
        var record = kit.Portal.Get(type, id);
        return new ObservedRecord(type, id, new Dictionary<string, string?> { [property] = record.Get(property) }, record.UpdatedAt);
    }

    [Fact]
    public void Plan_NothingDiffers_IsEmpty()
    {
        var change = new OutboundChange("projects", "1", "health_status", "green", "health", ConflictPolicy.LocalWins, DateTimeOffset.UnixEpoch);
        var states = new Dictionary<PropertyKey, PropertyState> { [change.Key] = PropertyState.Unknown with { HasPushed = true, PushedValue = "green", PushedAt = DateTimeOffset.UnixEpoch } };

        var plan = WriteBackPlanner.Plan([change], states);

        Assert.True(plan.IsEmpty);
        Assert.Equal(1, plan.Unchanged);
    }

    [Fact]
    public void Plan_ValueHubSpotRejectedBefore_IsHeldNotPlannedAsAWrite_AndTheTotalsSaySo()
    {
        var held = new OutboundChange("projects", "1", "health_status", "purple", "health", ConflictPolicy.LocalWins, DateTimeOffset.UnixEpoch);
        var changed = held with { RecordId = "2", Value = "red" };
        var states = new Dictionary<PropertyKey, PropertyState>
        {
            [held.Key] = PropertyState.Unknown with { HasRejected = true, RejectedValue = "purple" },
            [changed.Key] = PropertyState.Unknown with { HasRejected = true, RejectedValue = "purple" },
        };

        var plan = WriteBackPlanner.Plan([held, changed], states);

        Assert.Equal(("2", 1, 0), (Assert.Single(plan.Updates).RecordKey, plan.HeldRejected, plan.Unchanged));
        Assert.EndsWith(", 0 unchanged, 1 held as dead letters (rejected before)\n", plan.Render(), StringComparison.Ordinal);
    }
}
