using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class KickoffServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly KickoffOptions Options = new();

    [Fact]
    public async Task RunAsync_WonDealWithoutProject_CreatesProjectLinkedToDealAndCompany()
    {
        var kit = new WriteBackTestKit();
        var (dealId, companyId) = WriteBackTestKit.SeedDeal(kit.Portal, "Website relaunch", amount: 48000m);
        var plan = await PlanAsync(kit.Portal);

        var report = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(plan, None);

        var project = Assert.Single(kit.Portal.All(CrmObjectTypes.Projects));
        Assert.Equal(("D" + dealId, "Website relaunch", "0", "1000", "48000", "EUR"), (
            project.Get("project_code"), project.Get("hs_name"), project.Get("hs_pipeline"), project.Get("hs_pipeline_stage"),
            project.Get("health_budget"), project.Get("project_currency")));
        Assert.Equal([dealId], kit.Portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Deals));
        Assert.Equal([companyId], kit.Portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Companies));
        Assert.Equal((1, 0, project.Id), (report.Created, report.Matched, report.ProjectIdsByDeal[dealId]));
        Assert.Contains(kit.Store.Audit, a => a.Decision == AuditDecisions.ProjectCreated && a.RecordKey == project.Id && a.After == "D" + dealId);
        Assert.Equal(2, kit.Store.Audit.Count(a => a.Decision == AuditDecisions.Associated));
    }

    [Fact]
    public async Task RunAsync_RunTwiceWithTheSameStalePlan_CreatesOneProject()
    {
        var kit = new WriteBackTestKit();
        WriteBackTestKit.SeedDeal(kit.Portal, "Website");
        var plan = await PlanAsync(kit.Portal);
        var service = new KickoffService(kit.Portal, kit.Store, kit.Time);

        await service.RunAsync(plan, None);
        var second = await service.RunAsync(plan, None);

        Assert.Single(kit.Portal.All(CrmObjectTypes.Projects));
        Assert.Equal((0, 1), (second.Created, second.Matched));
        Assert.Empty((await PlanAsync(kit.Portal)).Projects);
    }

    [Fact]
    public async Task RunAsync_ProjectRejectedByHubSpot_ReportsTheFailureAndLinksTheOthers()
    {
        var kit = new WriteBackTestKit();
        var (good, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Good");
        var (bad, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Bad");
        var plan = await PlanAsync(kit.Portal);
        var broken = plan with
        {
            Projects = plan.Projects.Select(p => p.DealId == bad ? p with { Properties = new Dictionary<string, string?>(p.Properties) { ["health_budget"] = "lots" } } : p).ToList(),
        };

        var report = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(broken, None);

        var failure = Assert.Single(report.Failures);
        Assert.Equal(bad, failure.DealId);
        Assert.StartsWith("VALIDATION_ERROR", failure.Reason, StringComparison.Ordinal);
        Assert.Equal([good], report.ProjectIdsByDeal.Keys);
        Assert.Contains(kit.Store.Audit, a => a.Decision == AuditDecisions.KickoffFailed);
    }

    [Fact]
    public async Task RunAsync_230WonDeals_UpsertsInCallsOf100AndLinksEveryProject()
    {
        var kit = new WriteBackTestKit();
        var deals = Enumerable.Range(1, 230).Select(i => WriteBackTestKit.SeedDeal(kit.Portal, "Deal " + i)).ToList();
        var plan = await PlanAsync(kit.Portal);
        kit.Portal.ResetCalls();

        var report = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(plan, None);

        Assert.Equal([100, 100, 30], kit.Portal.Calls.Where(c => c.Method == "batch/upsert").Select(c => c.Inputs));
        Assert.Equal(230, report.Created);
        Assert.Equal(460, report.Associations.Count);
        Assert.All(deals, d => Assert.Equal([d.CompanyId], kit.Portal.Associated(CrmObjectTypes.Projects, report.ProjectIdsByDeal[d.DealId], CrmObjectTypes.Companies)));
    }

    [Fact]
    public async Task RunAsync_UpsertCallFailsForGood_ReportsTheDealsAndTheNextRunCreatesThem()
    {
        var kit = new WriteBackTestKit();
        var (dealId, companyId) = WriteBackTestKit.SeedDeal(kit.Portal, "Flaky");
        kit.Portal.WriteFault = (method, _) => method == "batch/upsert" ? new CrmException("503 after retries", 503, null) : null;

        var failed = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(await PlanAsync(kit.Portal), None);
        kit.Portal.WriteFault = null;
        var retried = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(await PlanAsync(kit.Portal), None);

        Assert.Equal(dealId, Assert.Single(failed.Failures).DealId);
        Assert.Empty(failed.Associations);
        Assert.Equal(1, retried.Created);
        Assert.Equal([companyId], kit.Portal.Associated(CrmObjectTypes.Projects, retried.ProjectIdsByDeal[dealId], CrmObjectTypes.Companies));
    }

    [Fact]
    public async Task RunAsync_CompanyLinkCallFails_ReportsItAndTheNextRunLinksWithoutCreating()
    {
        var kit = new WriteBackTestKit();
        var (dealId, companyId) = WriteBackTestKit.SeedDeal(kit.Portal, "Half");
        kit.Portal.ResetCalls();
        var companyCalls = 0;
        kit.Portal.WriteFault = (method, _) => method == "associations/batch/create" && ++companyCalls == 2 ? new CrmException("connection reset", null, null) : null;

        var first = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(await PlanAsync(kit.Portal), None);
        kit.Portal.WriteFault = null;
        var secondPlan = await PlanAsync(kit.Portal);
        var second = await new KickoffService(kit.Portal, kit.Store, kit.Time).RunAsync(secondPlan, None);

        Assert.Single(first.LinkFailures);
        Assert.Equal(first.ProjectIdsByDeal[dealId], Assert.Single(secondPlan.Projects).ExistingProjectId);
        Assert.Equal((0, 1), (second.Created, second.Matched));
        Assert.Single(kit.Portal.All(CrmObjectTypes.Projects));
        Assert.Equal([companyId], kit.Portal.Associated(CrmObjectTypes.Projects, first.ProjectIdsByDeal[dealId], CrmObjectTypes.Companies));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public async Task RunAsync_ProcessKilledAtARandomPointThenRerun_ExactlyOneLinkedProjectPerWonDeal(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider();
        var portal = new FakeCrmPortal(time);
        await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, None);
        var deals = Enumerable.Range(1, 130).Select(i => WriteBackTestKit.SeedDeal(portal, "Deal " + i, i % 3 == 0 ? "appointmentscheduled" : "closedwon")).ToList();
        var won = deals.Where(d => portal.Get(CrmObjectTypes.Deals, d.DealId).Get("dealstage") == "closedwon").ToList();

        // Inputs a clean run sends: one upsert per won deal, then a deal link and a company link per project.
        var killAfterInputs = random.Next(0, won.Count * 3);
        var firstPlan = await PlanAsync(portal);
        var killer = new KillingWriter(portal, killAfterInputs);
        await Assert.ThrowsAsync<ProcessKilledException>(() => new KickoffService(killer, null, time).RunAsync(firstPlan, None));

        // The rerun pulls again (odd seeds) or, as if the pull had not seen the killed run's writes yet, reuses the old plan.
        var rerunPlan = seed % 2 == 1 ? await PlanAsync(portal) : firstPlan;
        await new KickoffService(portal, null, time).RunAsync(rerunPlan, None);
        var settled = await PlanAsync(portal);
        await new KickoffService(portal, null, time).RunAsync(settled, None);

        var projects = portal.All(CrmObjectTypes.Projects);
        Assert.Equal(won.Count, projects.Count);
        foreach (var (dealId, companyId) in won)
        {
            var project = Assert.Single(projects, p => p.Get("project_code") == "D" + dealId);
            Assert.Equal([dealId], portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Deals));
            Assert.Equal([companyId], portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Companies));
        }

        Assert.Empty((await PlanAsync(portal)).Projects);
    }

    private static async Task<KickoffPlan> PlanAsync(FakeCrmPortal portal) =>
        KickoffPlanner.Plan(WriteBackTestKit.Snapshot(portal), Options, await portal.GetPipelinesAsync(CrmObjectTypes.Projects, None));

    private sealed class ProcessKilledException : Exception
    {
        public ProcessKilledException()
            : base("killed")
        {
        }
    }

    /// <summary>
    /// Dies after HubSpot has applied a given number of inputs — possibly in the middle of a batch, as a kill during
    /// a request whose body HubSpot had partly processed would leave it.
    /// </summary>
    private sealed class KillingWriter(FakeCrmPortal portal, int budget) : DelegatingCrmWriter(portal)
    {
        private int _left = budget;

        public override async Task<CrmBatchResult> BatchUpsertAsync(string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken)
        {
            var allowed = Take(upserts.Count);
            CrmBatchResult? result = null;
            if (allowed > 0)
            {
                result = await base.BatchUpsertAsync(objectType, idProperty, upserts.Take(allowed).ToList(), cancellationToken);
            }

            // Killed part-way through the batch, or after HubSpot applied it but before the answer was used.
            if (allowed < upserts.Count || _left == 0)
            {
                throw new ProcessKilledException();
            }

            return result!;
        }

        public override async Task CreateAssociationsAsync(string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken)
        {
            var allowed = Take(links.Count);
            if (allowed > 0)
            {
                await base.CreateAssociationsAsync(fromType, toType, links.Take(allowed).ToList(), cancellationToken);
            }

            if (allowed < links.Count || _left == 0)
            {
                throw new ProcessKilledException();
            }
        }

        private int Take(int wanted)
        {
            var allowed = Math.Min(wanted, _left);
            _left -= allowed;
            return allowed;
        }
    }
}
