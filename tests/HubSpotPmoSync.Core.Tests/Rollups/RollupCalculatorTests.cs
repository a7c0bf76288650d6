using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Rollups;

public sealed class RollupCalculatorTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    private static ProjectHealth Health(Project p, Rag rag, decimal? score, decimal? eac) =>
        new(p.Id, p.Code, p.Name, AsOf, score, rag, [],
            new EarnedValueResult(p.Currency, DateOnly.FromDateTime(AsOf.UtcDateTime), p.Budget, null, null, 0m, PlannedValueMethod.None, EarnedValueMethod.None, new Dictionary<EarnedValueFigure, string>()) { Eac = eac },
            "x");

    /// <summary>
    /// Acme has deals d-1 and d-2; Beta has d-3. p-1 (EUR) is on d-1 and d-2 and linked to Acme directly; p-2 (USD) is
    /// on d-2; p-3 (EUR, completed) is on d-1 and linked to Acme; p-4 (GBP) is on d-3 and linked to Beta directly.
    /// </summary>
    private static (DeliveryModelSnapshot Model, PortfolioHealth Health) Portfolio()
    {
        var p1 = new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").WithBudget(10_000m, "EUR").Build();
        var p2 = new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").WithBudget(5_000m, "USD").Build();
        var p3 = new HealthProjectBuilder().WithId("p-3").WithCode("PRJ-0003").WithBudget(2_000m, "EUR").WithStatus("completed").Build();
        var p4 = new HealthProjectBuilder().WithId("p-4").WithCode("PRJ-0004").WithBudget(3_000m, "GBP").Build();
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme").WithCompany("c-2", "Beta")
            .WithDeal(new HealthDealBuilder().WithId("d-1").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-2").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-3").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-4").WithName("no projects").Build())
            .WithProject(p1).WithProject(p2).WithProject(p3).WithProject(p4)
            .Link(EntityKind.Company, "c-1", EntityKind.Deal, "d-1")
            .Link(EntityKind.Deal, "d-2", EntityKind.Company, "c-1")
            .Link(EntityKind.Company, "c-2", EntityKind.Deal, "d-3")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Project, "p-1", EntityKind.Deal, "d-2")
            .Link(EntityKind.Deal, "d-2", EntityKind.Project, "p-2")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-3")
            .Link(EntityKind.Project, "p-1", EntityKind.Company, "c-1")
            .Link(EntityKind.Project, "p-3", EntityKind.Company, "c-1")
            .Link(EntityKind.Deal, "d-3", EntityKind.Project, "p-4")
            .Link(EntityKind.Project, "p-4", EntityKind.Company, "c-2")
            .Build();
        var health = new PortfolioHealth(AsOf,
        [
            Health(p1, Rag.Amber, 60m, 12_000.004m),
            Health(p2, Rag.Green, 90m, 4_500m),
            Health(p3, Rag.Red, 20m, 2_500m),
            Health(p4, Rag.Unknown, null, null),
        ]);
        return (model, health);
    }

    [Fact]
    public void Rollup_ProjectOnTwoDeals_CountsInBoth()
    {
        var (model, health) = Portfolio();

        var rollup = RollupCalculator.Rollup(model, health);

        var d1 = rollup.Deals.Single(d => d.DealId == "d-1");
        var d2 = rollup.Deals.Single(d => d.DealId == "d-2");
        Assert.Equal(["p-1", "p-3"], d1.ProjectIds);
        Assert.Equal(["p-1", "p-2"], d2.ProjectIds);
        Assert.Equal(Rag.Red, d1.WorstRag);
        Assert.Equal(20m, d1.LowestScore);
        Assert.Equal(Rag.Amber, d2.WorstRag);
        Assert.Equal(60m, d2.LowestScore);
    }

    [Fact]
    public void Rollup_MixedCurrencies_TotalsPerCurrencyNeverSummed()
    {
        var (model, health) = Portfolio();

        var d2 = RollupCalculator.Rollup(model, health).Deals.Single(d => d.DealId == "d-2");

        Assert.Equal(
        [
            new CurrencyTotals("EUR", 1, 10_000m, 12_000m, -2_000m, 0),
            new CurrencyTotals("USD", 1, 5_000m, 4_500m, 500m, 0),
        ], d2.Totals);
    }

    [Fact]
    public void Rollup_DealSumsBudgetAndEacOfItsProjects()
    {
        var (model, health) = Portfolio();

        var d1 = RollupCalculator.Rollup(model, health).Deals.Single(d => d.DealId == "d-1");

        Assert.Equal([new CurrencyTotals("EUR", 2, 12_000m, 14_500m, -2_500m, 0)], d1.Totals);
    }

    [Fact]
    public void Rollup_Company_ActiveProjectsOnceDealsOnce()
    {
        var (model, health) = Portfolio();

        var acme = RollupCalculator.Rollup(model, health).Companies.Single(c => c.CompanyId == "c-1");

        // p-1 is reached directly and through d-1 and d-2 but counts once; p-3 is completed.
        Assert.Equal(["p-1", "p-2"], acme.ProjectIds);
        Assert.Equal(2, acme.ActiveProjects);
        Assert.Equal(1, acme.AtRiskProjects);
        Assert.Equal(2, acme.DealCount);
        Assert.Equal(Rag.Amber, acme.WorstRag);
        Assert.Equal(60m, acme.LowestScore);
        Assert.Equal(["EUR", "USD"], acme.Totals.Select(t => t.Currency));
        Assert.Equal(-2_000m, acme.Totals[0].Vac);
        Assert.Equal(500m, acme.Totals[1].Vac);
    }

    [Fact]
    public void Rollup_UnknownHealth_RanksAboveGreenAndLeavesEacOut()
    {
        var (model, health) = Portfolio();

        var beta = RollupCalculator.Rollup(model, health).Companies.Single(c => c.CompanyId == "c-2");

        Assert.Equal(1, beta.ActiveProjects);
        Assert.Equal(1, beta.DealCount);
        Assert.Equal(Rag.Unknown, beta.WorstRag);
        Assert.Null(beta.LowestScore);
        Assert.Equal([new CurrencyTotals("GBP", 1, 3_000m, 0m, 0m, 1)], beta.Totals);
    }

    [Fact]
    public void Rollup_DealWithoutProjects_UnknownAndEmpty()
    {
        var (model, health) = Portfolio();

        var d4 = RollupCalculator.Rollup(model, health).Deals.Single(d => d.DealId == "d-4");

        Assert.Equal(0, d4.ProjectCount);
        Assert.Equal(Rag.Unknown, d4.WorstRag);
        Assert.Empty(d4.Totals);
    }

    /// <summary>Deal d-1 linked to project id p-1, with the projects given (HubSpot ids are unique: two live p-1 are a caller's bug).</summary>
    private static DeliveryModelSnapshot DealWith(params Project[] projects) => new HealthPortfolioBuilder()
        .WithDeal(new HealthDealBuilder().WithId("d-1").Build())
        .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
        .Build() with { Projects = projects };

    private static HealthProjectBuilder Project(string id, string code, string currency) =>
        new HealthProjectBuilder().WithId(id).WithCode(code).WithBudget(1_000m, currency);

    [Fact]
    public void Rollup_TwoLiveProjectsWithOneId_RefusedNamingTheId()
    {
        var eur = Project("p-1", "PRJ-0001", "EUR").Build();
        var usd = Project("p-1", "PRJ-0002", "USD").Build();
        var model = DealWith(eur, usd);
        var scored = PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf);
        var byHand = new PortfolioHealth(AsOf, [Health(usd, Rag.Green, 90m, 1_000m)]);

        // Whether the health came from the evaluator or was built by hand, neither project is dropped unseen.
        Assert.Contains("'p-1'", Assert.Throws<ArgumentException>("model", () => RollupCalculator.Rollup(model, scored)).Message, StringComparison.Ordinal);
        Assert.Contains("'p-1'", Assert.Throws<ArgumentException>("model", () => RollupCalculator.Rollup(model, byHand)).Message, StringComparison.Ordinal);

        // Also when the projects sharing an id have no links: they count nowhere, but the model is still wrong.
        var unlinked = DealWith(Project("p-9", "PRJ-0009", "EUR").Build(), Project("p-9", "PRJ-0010", "EUR").Build());
        Assert.Contains("'p-9'", Assert.Throws<ArgumentException>("model", () => RollupCalculator.Rollup(unlinked, byHand)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollup_ArchivedProjectSharingALiveOnesId_OnlyTheLiveOneCounts()
    {
        var live = Project("p-1", "PRJ-0002", "USD").Build();
        var model = DealWith(Project("p-1", "PRJ-0001", "EUR").Archived().Build(), live);

        var fromEvaluator = RollupCalculator.Rollup(model, PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf));
        var byHand = RollupCalculator.Rollup(model, new PortfolioHealth(AsOf, [Health(live, Rag.Amber, 60m, 1_500m)]));

        Assert.Equal([new CurrencyTotals("USD", 1, 1_000m, 1_500m, -500m, 0)], Assert.Single(byHand.Deals).Totals);
        Assert.Equal(["USD"], Assert.Single(fromEvaluator.Deals).Totals.Select(t => t.Currency));
    }

    [Fact]
    public void Rollup_TwoLiveDealsOrCompaniesWithOneId_RefusedNamingTheId_ArchivedTwinsAllowed()
    {
        var (model, health) = Portfolio();
        var deal = model.Deals[0];
        var company = model.Companies[0];

        // Rolled up twice, one record would show twice in HubSpot's rollup fields' source: refused instead.
        var twoDeals = model with { Deals = [.. model.Deals, deal with { Name = "Twin" }] };
        var twoCompanies = model with { Companies = [.. model.Companies, company with { Name = "Twin" }] };
        Assert.Contains($"Two live deals have the id '{deal.Id}'", Assert.Throws<ArgumentException>("model", () => RollupCalculator.Rollup(twoDeals, health)).Message, StringComparison.Ordinal);
        Assert.Contains($"Two live companies have the id '{company.Id}'", Assert.Throws<ArgumentException>("model", () => RollupCalculator.Rollup(twoCompanies, health)).Message, StringComparison.Ordinal);

        // An archived twin is left out, as archived records are.
        var archivedTwins = model with
        {
            Deals = [.. model.Deals, deal with { Archived = true }],
            Companies = [.. model.Companies, company with { Archived = true }],
        };
        Assert.Equal(RollupCalculator.Rollup(model, health).Deals.Count, RollupCalculator.Rollup(archivedTwins, health).Deals.Count);
        Assert.Equal(RollupCalculator.Rollup(model, health).Companies.Count, RollupCalculator.Rollup(archivedTwins, health).Companies.Count);
    }

    [Fact]
    public void Rollup_TwoHealthResultsForOneProjectId_RefusedNamingTheId()
    {
        var (model, health) = Portfolio();
        var twice = new PortfolioHealth(AsOf, [.. health.Projects, health.Projects[1] with { Rag = Rag.Red }]);

        var refused = Assert.Throws<ArgumentException>("health", () => RollupCalculator.Rollup(model, twice));

        Assert.Contains("'p-2'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Rag.Green, Rag.Unknown, Rag.Unknown)]
    [InlineData(Rag.Unknown, Rag.Amber, Rag.Amber)]
    [InlineData(Rag.Red, Rag.Amber, Rag.Red)]
    [InlineData(Rag.Green, Rag.Green, Rag.Green)]
    public void Worst_SeverityOrder(Rag a, Rag b, Rag expected)
    {
        Assert.Equal(expected, a.Worst(b));
        Assert.Equal(expected, b.Worst(a));
    }
}
