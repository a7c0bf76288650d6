using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class KickoffPlannerTests
{
    private static readonly IReadOnlyList<CrmPipeline> Pipelines =
    [
        new("p1", "Delivery", [new CrmPipelineStage("s2", "Build", 2, false, null), new CrmPipelineStage("s1", "Kickoff", 1, false, null)]),
        new("p2", "Support", [new CrmPipelineStage("t1", "Open", 0, false, null)]),
    ];

    [Fact]
    public void Plan_WonDealWithoutProject_PlansOneProjectWithDerivedCodeAndFirstStage()
    {
        var snapshot = Snapshot([new Deal("77", "Brand refresh", "default", "closedwon", 9000.50m, "GBP", IsClosedWon: true)], links: [Link(EntityKind.Deal, "77", EntityKind.Company, "c1")]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions(), Pipelines);

        var kickoff = Assert.Single(plan.Projects);
        Assert.Equal(("77", "D77", null), (kickoff.DealId, kickoff.ProjectCode, kickoff.ExistingProjectId));
        Assert.Equal(["c1"], kickoff.CompanyIds);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["project_code"] = "D77", ["hs_name"] = "Brand refresh", ["hs_pipeline"] = "p1", ["hs_pipeline_stage"] = "s1",
                ["health_budget"] = "9000.50", ["project_currency"] = "GBP",
            },
            kickoff.Properties);
        Assert.Equal(["D77"], plan.Creates.Select(c => c.Key));
        Assert.Equal([("deals", "77"), ("companies", "c1")], plan.Associations.Select(a => (a.ToType, a.ToId)));
    }

    [Fact]
    public void Plan_DealNotWonOrArchivedOrAlreadyLinked_PlansNothing()
    {
        var snapshot = Snapshot(
            [
                new Deal("1", "Open", "default", "appointmentscheduled"),
                new Deal("2", "Archived", "default", "closedwon", IsClosedWon: true, Archived: true),
                new Deal("3", "Linked", "default", "closedwon", IsClosedWon: true),
            ],
            projects: [new Project("p9", "PRJ-9", "Existing", "active", null, null, null, "EUR")],
            links: [Link(EntityKind.Project, "p9", EntityKind.Deal, "3")]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions(), Pipelines);

        Assert.Empty(plan.Projects);
    }

    [Fact]
    public void Plan_ProjectWithTheCodeExistsButIsNotLinked_PlansLinksOnly()
    {
        var snapshot = Snapshot(
            [new Deal("5", "Crashed", "default", "closedwon", IsClosedWon: true)],
            projects: [new Project("p5", "D5", "Crashed", "active", null, null, null, "EUR")],
            links: [Link(EntityKind.Deal, "5", EntityKind.Company, "c5")]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions(), Pipelines);

        Assert.Equal("p5", Assert.Single(plan.Projects).ExistingProjectId);
        Assert.Empty(plan.Creates);
        Assert.Equal([("p5", "deals", "5"), ("p5", "companies", "c5")], plan.Associations.Select(a => (a.FromKey, a.ToType, a.ToId)));
    }

    [Fact]
    public void Plan_ProjectLinkedToDealButNotToTheCompany_PlansTheMissingLinks()
    {
        var snapshot = Snapshot(
            [new Deal("5", "Half linked", "default", "closedwon", IsClosedWon: true)],
            projects: [new Project("p5", "D5", "Half linked", "active", null, null, null, "EUR")],
            links: [Link(EntityKind.Deal, "5", EntityKind.Company, "c5"), Link(EntityKind.Project, "p5", EntityKind.Deal, "5")]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions(), Pipelines);

        Assert.Equal(["c5"], Assert.Single(plan.Projects).CompanyIds);
    }

    [Fact]
    public void Plan_ConfiguredClosedWonStages_UsesThemInsteadOfStageMetadata()
    {
        var snapshot = Snapshot([new Deal("1", "Signed", "default", "contractsigned"), new Deal("2", "Won", "default", "closedwon", IsClosedWon: true)]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions { ClosedWonStages = ["contractsigned"], CodePrefix = "PRJ-", ProjectPipelineId = "p2" }, Pipelines);

        var kickoff = Assert.Single(plan.Projects);
        Assert.Equal(("PRJ-1", "p2", "t1"), (kickoff.ProjectCode, kickoff.Properties["hs_pipeline"], kickoff.Properties["hs_pipeline_stage"]));
    }

    [Fact]
    public void Plan_NoProjectPipeline_ThrowsNamingTheObject()
    {
        var snapshot = Snapshot([new Deal("1", "Won", "default", "closedwon", IsClosedWon: true)]);

        var error = Assert.Throws<InvalidOperationException>(() => KickoffPlanner.Plan(snapshot, new KickoffOptions(), []));

        Assert.Contains("projects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ObjectWithoutPipeline_LeavesPipelinePropertiesOut()
    {
        var snapshot = Snapshot([new Deal("1", "Won", "default", "closedwon", IsClosedWon: true)]);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions { PipelineProperty = null, StageProperty = null, NameProperty = "project_name" }, []);

        Assert.Equal(["project_code", "project_name"], Assert.Single(plan.Projects).Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_MixedPortfolioWithLinksStoredEitherWay_PlansExactlyTheDealsWithoutACompleteProject()
    {
        // Deals 1–12 are won; links are stored in either direction (deal→company for odd deals, company→deal for even).
        var deals = Enumerable.Range(1, 12).Select(i => new Deal($"{i}", $"Deal {i}", "default", "closedwon", IsClosedWon: true)).ToList();
        var links = deals.Select(d => int.Parse(d.Id, CultureInfo.InvariantCulture) % 2 == 1
            ? Link(EntityKind.Deal, d.Id, EntityKind.Company, "c1")
            : Link(EntityKind.Company, "c1", EntityKind.Deal, d.Id)).ToList();
        links.AddRange(
        [
            Link(EntityKind.Deal, "1", EntityKind.Project, "p1"), Link(EntityKind.Project, "p1", EntityKind.Company, "c1"), // complete
            Link(EntityKind.Project, "p2", EntityKind.Deal, "2"),                                                           // company link missing
            Link(EntityKind.Deal, "3", EntityKind.Company, "c5"), Link(EntityKind.Deal, "3", EntityKind.Company, "cx"),     // p3 not linked at all
            Link(EntityKind.Project, "other", EntityKind.Deal, "4"),                                                        // another project
            Link(EntityKind.Deal, "5", EntityKind.Project, "p5"),                                                           // only an archived one
        ]);
        var projects = new List<Project>
        {
            new("p1", "D1", "One", "active", null, null, null, "EUR"),
            new("p2", "D2", "Two", "active", null, null, null, "EUR"),
            new("p3", "D3", "Three", "active", null, null, null, "EUR"),
            new("other", "PRJ-4", "Four", "active", null, null, null, "EUR"),
            new("p5", "D5", "Five", "active", null, null, null, "EUR", Archived: true),
        };
        var snapshot = new DeliveryModelSnapshot(
            [new Company("c1", "Acme"), new Company("c5", "Five"), new Company("cx", "Gone", Archived: true)], deals, [], projects, links);

        var plan = KickoffPlanner.Plan(snapshot, new KickoffOptions(), Pipelines);

        Assert.Equal(
            [
                ("10", null, "c1"), ("11", null, "c1"), ("12", null, "c1"), ("2", "p2", "c1"), ("3", "p3", "c1,c5"),
                ("5", null, "c1"), ("6", null, "c1"), ("7", null, "c1"), ("8", null, "c1"), ("9", null, "c1"),
            ],
            plan.Projects.Select(p => (p.DealId, p.ExistingProjectId, string.Join(',', p.CompanyIds))));
    }

    private static DeliveryLink Link(EntityKind from, string fromId, EntityKind to, string toId) => new(from, fromId, to, toId, []);

    private static DeliveryModelSnapshot Snapshot(IReadOnlyList<Deal> deals, IReadOnlyList<Project>? projects = null, IReadOnlyList<DeliveryLink>? links = null) =>
        new([new Company("c1", "Acme"), new Company("c5", "Five")], deals, [], projects ?? [], links ?? []);
}
