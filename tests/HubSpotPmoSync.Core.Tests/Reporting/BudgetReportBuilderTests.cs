using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Reporting;

public sealed class BudgetReportBuilderTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BudgetSet = new(2026, 2, 20, 9, 0, 0, TimeSpan.Zero);

    private static BudgetReport Build(DeliveryModelSnapshot model, DeliveryData? data = null) =>
        BudgetReportBuilder.Build(model, PortfolioHealthEvaluator.Evaluate(model, data ?? DeliveryData.Empty, HealthRules.Default, AsOf));

    [Fact]
    public void Build_SoldIsWonDealsInProjectCurrency_OtherCurrencyFlagged()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithBudget(9_000m, "EUR").WithPercentComplete(50m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-1").WithAmount(8_000m, "EUR").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-2").WithAmount(2_000m, null).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-3").WithAmount(5_000m, "USD").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-4").WithAmount(7_000m, "EUR").Open().Build())
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-2", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-3", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-4", EntityKind.Project, "p-1")
            .Build();
        var data = new DeliveryData([new HealthTimeEntryBuilder().Costing(5_000m).Build()], [], []);

        var line = Assert.Single(Build(model, data).Lines);

        Assert.Equal(10_000m, line.Sold);
        Assert.Equal(9_000m, line.Budget);
        Assert.Equal(5_000m, line.Ac);
        Assert.Equal(10_000m, line.Eac);
        Assert.Equal(-1_000m, line.Vac);
        Assert.Equal(0m, line.ForecastMargin);
        Assert.Equal(0m, line.ForecastMarginPercent);
        Assert.Equal([BudgetFlag.CurrencyMismatch, BudgetFlag.ForecastOverBudget], line.Flags);
        Assert.Equal("deal d-3 is in USD, the project in EUR", line.Detail);
        Assert.Equal(["d-1", "d-2", "d-3", "d-4"], line.DealIds);
    }

    [Fact]
    public void Build_DealAmountChangedAfterBudgetSet_Flagged()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithBudgetSetAt(BudgetSet).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").WithBudgetSetAt(BudgetSet).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-1").WithAmountChangedAt(BudgetSet.AddDays(3)).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-2").WithAmountChangedAt(BudgetSet.AddDays(-3)).Build())
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-2", EntityKind.Project, "p-2")
            .Build();

        var lines = Build(model).Lines;

        Assert.Contains(BudgetFlag.DealAmountChangedAfterBudget, lines[0].Flags);
        Assert.DoesNotContain(BudgetFlag.DealAmountChangedAfterBudget, lines[1].Flags);
        Assert.StartsWith("deal d-1 amount changed 2026-02-23T09:00:00Z, budget set 2026-02-20T09:00:00Z", lines[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ProjectWithoutDealAndWonDealWithoutProject_BothFlagged()
    {
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme")
            .WithProject(new HealthProjectBuilder().WithId("p-1").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-9").WithName("Retainer").WithAmount(1_234.565m, "GBP").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-open").Open().Build())
            .Link(EntityKind.Deal, "d-9", EntityKind.Company, "c-1")
            .Build();

        var report = Build(model);

        Assert.Equal(2, report.Lines.Count);
        Assert.Equal([BudgetFlag.ProjectWithoutDeal], report.Lines[0].Flags);
        Assert.Null(report.Lines[0].Sold);
        var deal = report.Lines[1];
        Assert.Equal(BudgetLineKind.WonDealWithoutProject, deal.Kind);
        Assert.Equal([BudgetFlag.WonDealWithoutProject], deal.Flags);
        Assert.Equal("Acme", deal.Client);
        Assert.Equal(1_234.57m, deal.Sold);
        Assert.Equal("GBP", deal.Currency);
    }

    [Fact]
    public void Build_BudgetAboveSoldAndForecastLoss_Flagged()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithBudget(12_000m).WithPercentComplete(10m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-1").WithAmount(10_000m).Build())
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Build();
        var data = new DeliveryData([new HealthTimeEntryBuilder().Costing(2_400m).Build()], [], []);

        var line = Build(model, data).Lines.Single();

        Assert.Equal(24_000m, line.Eac);
        Assert.Equal(-14_000m, line.ForecastMargin);
        Assert.Equal(-140m, line.ForecastMarginPercent);
        Assert.Equal([BudgetFlag.ForecastOverBudget, BudgetFlag.BudgetExceedsSold, BudgetFlag.ForecastLoss], line.Flags);
    }

    /// <summary>
    /// Three projects each forecast at 100 ÷ 3 = 33.333…: each line shows 33.33 and the total must be the sum of
    /// what is shown, 99.99 — not 100.00, which rounding the unrounded sum would give. Likewise three costs of
    /// 0.005 show 0.01 each and total 0.03, not round(0.015) = 0.02; VAC 66.67 × 3 = 200.01, not 200.00.
    /// </summary>
    [Fact]
    public void Build_Totals_AreSumsOfRoundedLinesToTheCent()
    {
        var builder = new HealthPortfolioBuilder();
        var entries = new List<TimeEntry>();
        for (var i = 1; i <= 3; i++)
        {
            var code = $"PRJ-000{i}";
            builder.WithProject(new HealthProjectBuilder().WithId($"p-{i}").WithCode(code).WithBudget(100m).WithPercentComplete(0.015m).Build());
            entries.Add(new HealthTimeEntryBuilder().ForProject(code).WithHours(1m).WithCostRate(0.005m).Build());
        }

        var report = Build(builder.Build(), new DeliveryData(entries, [], []));

        Assert.All(report.Lines, l => Assert.Equal(33.33m, l.Eac));
        Assert.All(report.Lines, l => Assert.Equal(0.01m, l.Ac));
        var total = Assert.Single(report.Totals);
        Assert.Equal(99.99m, total.Eac);
        Assert.Equal(0.03m, total.Ac);
        Assert.Equal(200.01m, total.Vac);
        Assert.Equal(report.Lines.Sum(l => l.Eac), total.Eac);
        Assert.NotEqual(Math.Round(3 * (100m / 3m), 2), total.Eac);
    }

    [Fact]
    public void Build_TotalsPerCurrency_NeverMixed()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("A").WithBudget(1_000m, "EUR").Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("B").WithBudget(2_000m, "USD").Build())
            .WithProject(new HealthProjectBuilder().WithId("p-3").WithCode("C").WithBudget(3_000m, "EUR").Build())
            .Build();

        var report = Build(model);

        Assert.Equal([("EUR", 2, 4_000m), ("USD", 1, 2_000m)], report.Totals.Select(t => (t.Currency, t.Lines, t.Budget)));
        Assert.Equal(3, report.RagCounts.Values.Sum());
    }

    /// <summary>Issue 17: projects of deals not won showed Sold "—" with no flag, so Sold sat below Budget unexplained.</summary>
    [Fact]
    public void Build_ProjectOfADealNotWon_FlaggedDealNotWonWithTheDealInTheDetail()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0033").WithBudget(8_000m).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0034").WithBudget(8_000m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-open").WithAmount(10_000m).Open().Build())
            .WithDeal(new HealthDealBuilder().WithId("d-won").WithAmount(10_000m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-upsell").WithAmount(2_000m).Open().Build())
            .Link(EntityKind.Deal, "d-open", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-won", EntityKind.Project, "p-2")
            .Link(EntityKind.Deal, "d-upsell", EntityKind.Project, "p-2")
            .Build();

        var lines = Build(model).Lines.ToDictionary(l => l.ProjectCode!);

        Assert.Null(lines["PRJ-0033"].Sold);
        Assert.Equal([BudgetFlag.DealNotWon], lines["PRJ-0033"].Flags);
        Assert.Equal("deal d-open is not won (stage appointmentscheduled): nothing sold yet", lines["PRJ-0033"].Detail);
        Assert.Equal(10_000m, lines["PRJ-0034"].Sold);
        Assert.DoesNotContain(BudgetFlag.DealNotWon, lines["PRJ-0034"].Flags);
        Assert.Equal("deal-not-won", BudgetFlag.DealNotWon.Code());
    }

    /// <summary>
    /// Issue 17: Total VAC was not Total Budget − Total EAC, because a project without an EAC counted in Budget only.
    /// Such a project is forecast at the budgeted rate (EAC = AC + BAC − EV), so every line and every total keeps
    /// VAC = Budget − EAC, and the totals stay the sums of the lines.
    /// </summary>
    [Fact]
    public void Build_ProjectWithoutCpi_ForecastAtBudgetRate_VacIsBudgetMinusEacInLinesAndTotals()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("A").WithBudget(10_000m).WithPercentComplete(50m).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("B").WithBudget(6_000m).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-3").WithCode("C").WithBudget(4_000m).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-4").WithCode("D").WithBudget(null).Build())
            .Build();
        var data = new DeliveryData(
            [new HealthTimeEntryBuilder().ForProject("A").Costing(4_000m).Build(), new HealthTimeEntryBuilder().ForProject("C").Costing(500m).Build()], [], []);

        var report = Build(model, data);

        var lines = report.Lines.ToDictionary(l => l.ProjectCode!);
        Assert.Equal((8_000m, EacBasis.Cpi), (lines["A"].Eac!.Value, lines["A"].EacBasis));
        Assert.Equal((6_000m, 0m, EacBasis.BudgetRate), (lines["B"].Eac!.Value, lines["B"].Vac!.Value, lines["B"].EacBasis));
        Assert.Equal((4_500m, -500m, EacBasis.BudgetRate), (lines["C"].Eac!.Value, lines["C"].Vac!.Value, lines["C"].EacBasis));
        Assert.Equal((null, null, EacBasis.None), (lines["D"].Eac, lines["D"].Vac, lines["D"].EacBasis));
        var total = Assert.Single(report.Totals);
        Assert.Equal(total.Budget - total.Eac, total.Vac);
        Assert.Equal((20_000m, 18_500m, 1_500m), (total.Budget, total.Eac, total.Vac));
        Assert.Equal((2, 1), (total.LinesEacAtBudgetRate, total.LinesWithoutEac));
    }

    /// <summary>
    /// Issue 17: the rows were not sorted by risk. Projects come red, amber, unknown, green; within a RAG the lowest
    /// score first, then the largest overrun (lowest VAC), then by code; won deals without a project after them.
    /// </summary>
    [Fact]
    public void Build_Lines_SortedByRiskThenWonDealsWithoutProject()
    {
        var start = new DateOnly(2026, 3, 1);
        HealthProjectBuilder Project(string id, string code) =>
            new HealthProjectBuilder().WithId(id).WithCode(code).WithBudget(10_000m).WithDates(start, start.AddDays(29)).WithUpdatedAt(AsOf);
        var model = new HealthPortfolioBuilder()
            .WithProject(Project("p-1", "PRJ-0001").WithPercentComplete(70m).Build())
            .WithProject(Project("p-2", "PRJ-0002").WithPercentComplete(20m).Build())
            .WithProject(Project("p-3", "PRJ-0003").WithPercentComplete(45m).Build())
            .WithProject(Project("p-4", "PRJ-0004").WithBudget(null).WithDates(null, null).Build())
            .WithProject(Project("p-5", "PRJ-0005").WithPercentComplete(70m).Build())
            .WithProject(Project("p-6", "PRJ-0006").WithPercentComplete(10m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-9").WithAmount(1_000m).Build())
            .Build();
        var data = new DeliveryData(
        [
            new HealthTimeEntryBuilder().ForProject("PRJ-0001").On(new DateOnly(2026, 3, 19)).Costing(6_500m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0002").On(new DateOnly(2026, 3, 19)).Costing(6_000m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0003").On(new DateOnly(2026, 3, 19)).Costing(5_000m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0005").On(new DateOnly(2026, 3, 19)).Costing(7_500m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0006").On(new DateOnly(2026, 3, 19)).Costing(6_000m).Build(),
        ],
            [],
            []);

        var report = Build(model, data);

        var shown = report.Lines.Select(l => (l.ProjectCode ?? l.DealIds[0], l.Rag)).ToList();
        var projects = report.Lines.Where(l => l.Kind == BudgetLineKind.Project).ToList();
        Assert.Equal(projects.OrderByDescending(l => l.Rag!.Value.Severity()).Select(l => l.Rag), projects.Select(l => l.Rag));
        for (var i = 1; i < projects.Count; i++)
        {
            var (a, b) = (projects[i - 1], projects[i]);
            Assert.True(a.Rag != b.Rag || a.Score < b.Score || (a.Score == b.Score && (a.Vac ?? decimal.MaxValue) <= (b.Vac ?? decimal.MaxValue)), $"{a.ProjectCode} before {b.ProjectCode}: {string.Join(", ", shown)}");
        }

        Assert.Equal(Rag.Red, projects[0].Rag);
        Assert.Equal(Rag.Green, projects[^1].Rag);
        Assert.Contains(projects, l => l.Rag == Rag.Unknown);
        Assert.Equal(BudgetLineKind.WonDealWithoutProject, report.Lines[^1].Kind);
        Assert.NotEqual(projects.Select(l => l.ProjectCode).Order(StringComparer.Ordinal), projects.Select(l => l.ProjectCode));
    }

    /// <summary>Issue 17: <c>budget report --as-of 1999-01-01</c> listed projects that did not exist yet.</summary>
    [Fact]
    public void Build_AsOfBeforeTheProjectsExisted_NoProjectLine()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCreatedAt(AsOf.AddDays(-3)).Build())
            .Build();

        var report = BudgetReportBuilder.Build(model, PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Empty(report.Lines);
        Assert.Empty(report.Totals);
        Assert.Single(Build(model).Lines);
    }
}
