using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Reporting;

/// <summary>A small portfolio with every RAG, two currencies, flags and hostile text, for the renderer tests.</summary>
internal static class SampleReports
{
    public static readonly DateTimeOffset AsOf = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    public const string HostileName = "<script>alert('x')</script> & \"Co\"";

    /// <summary>Projects with a budget: PRJ-0001..PRJ-0004 (PRJ-0005 has none).</summary>
    public const int ProjectsWithBudget = 4;

    public static (DeliveryModelSnapshot Model, PortfolioHealth Health) Portfolio()
    {
        var start = new DateOnly(2026, 3, 1);
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme")
            .WithCompany("c-2", HostileName)
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").WithName("On track").WithDates(start, start.AddDays(29)).WithPercentComplete(70m).WithUpdatedAt(AsOf).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").WithName("Slipping").WithDates(start, start.AddDays(29)).WithPercentComplete(45m).WithUpdatedAt(AsOf).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-3").WithCode("PRJ-0003").WithName("Burning =cash").WithBudget(20_000m, "USD").WithDates(start, start.AddDays(29)).WithPercentComplete(20m).WithUpdatedAt(AsOf.AddDays(-25)).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-4").WithCode("PRJ-0004").WithName(HostileName).WithDates(start, start.AddDays(29)).WithPercentComplete(66m).WithUpdatedAt(AsOf).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-5").WithCode("PRJ-0005").WithName("No data yet").WithBudget(null).WithDates(null, null).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-1").WithAmount(12_000m).Build())
            .WithDeal(new HealthDealBuilder().WithId("d-2").WithAmount(30_000m, "USD").Build())
            .WithDeal(new HealthDealBuilder().WithId("d-3").WithName("Retainer").WithAmount(4_000m, "EUR").Build())
            .WithTicket(new HealthTicketBuilder().WithId("t-1").WithPriority("URGENT").CreatedAt(AsOf.AddDays(-20)).Build())
            .Link(EntityKind.Company, "c-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Company, "c-1", EntityKind.Project, "p-2")
            .Link(EntityKind.Company, "c-2", EntityKind.Project, "p-3")
            .Link(EntityKind.Company, "c-2", EntityKind.Project, "p-4")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-2")
            .Link(EntityKind.Deal, "d-2", EntityKind.Project, "p-3")
            .Link(EntityKind.Deal, "d-3", EntityKind.Company, "c-1")
            .Link(EntityKind.Ticket, "t-1", EntityKind.Project, "p-2")
            .Build();
        var data = new DeliveryData(
        [
            new HealthTimeEntryBuilder().ForProject("PRJ-0001").On(new DateOnly(2026, 3, 19)).Costing(6_500m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0002").On(new DateOnly(2026, 3, 19)).Costing(6_000m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0003").On(new DateOnly(2026, 2, 20)).Costing(12_000m).Build(),
            new HealthTimeEntryBuilder().ForProject("PRJ-0004").On(new DateOnly(2026, 3, 18)).Costing(6_700m).Build(),
        ],
            [],
            []);
        return (model, PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, AsOf));
    }

    public static BudgetReport Budget()
    {
        var (model, health) = Portfolio();
        return BudgetReportBuilder.Build(model, health);
    }

    public static HealthReport Health()
    {
        var (model, health) = Portfolio();
        return HealthReport.Build(model, health, RollupCalculator.Rollup(model, health));
    }
}
