using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class PortfolioHealthEvaluatorTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Evaluate_TicketsOnProjectAndOnItsCompany_BothCountOnce()
    {
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme")
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").Build())
            .WithTicket(new HealthTicketBuilder().WithId("t-project").CreatedAt(AsOf.AddDays(-1)).Build())
            .WithTicket(new HealthTicketBuilder().WithId("t-company").CreatedAt(AsOf.AddDays(-1)).Build())
            .WithTicket(new HealthTicketBuilder().WithId("t-elsewhere").CreatedAt(AsOf.AddDays(-1)).Build())
            .Link(EntityKind.Project, "p-1", EntityKind.Company, "c-1")
            .Link(EntityKind.Ticket, "t-project", EntityKind.Project, "p-1")
            .Link(EntityKind.Company, "c-1", EntityKind.Ticket, "t-company")
            .Link(EntityKind.Ticket, "t-project", EntityKind.Company, "c-1")
            .Build();

        var health = PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf);

        var tickets = Assert.Single(health.Projects).Factor(HealthFactor.Tickets);
        Assert.Equal(80m, tickets.SubScore);
        Assert.StartsWith("Tickets: 2 open", tickets.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CompanyReachedThroughDeal_WhenNoDirectCompanyLink()
    {
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme")
            .WithDeal(new HealthDealBuilder().WithId("d-1").Build())
            .WithProject(new HealthProjectBuilder().WithId("p-1").Build())
            .WithTicket(new HealthTicketBuilder().WithId("t-1").WithPriority("URGENT").CreatedAt(AsOf.AddDays(-1)).Build())
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-1", EntityKind.Company, "c-1")
            .Link(EntityKind.Ticket, "t-1", EntityKind.Company, "c-1")
            .Build();

        var health = PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf);

        Assert.Equal(75m, health.Projects[0].Factor(HealthFactor.Tickets).SubScore);
    }

    [Fact]
    public void Evaluate_DataMatchedByProjectCode_ArchivedLeftOut_OrderedByCode()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").Build())
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").Build())
            .WithProject(new HealthProjectBuilder().WithId("p-3").WithCode("PRJ-0003").Archived().Build())
            .Build();
        var data = new DeliveryData(
            [new HealthTimeEntryBuilder().ForProject("prj-0002").Costing(300m).Build(), new HealthTimeEntryBuilder().ForProject("PRJ-0001").Costing(100m).Build()],
            [new CostEntry(new DateOnly(2026, 3, 3), "PRJ-0002", "licence", 20m)],
            [new HealthMilestoneBuilder().ForProject("PRJ-0001").WithPercentComplete(50m).Build()]);

        var health = PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, AsOf);

        Assert.Equal(["PRJ-0001", "PRJ-0002"], health.Projects.Select(p => p.ProjectCode));
        Assert.Equal(100m, health.Projects[0].EarnedValue.Ac);
        Assert.Equal(5_000m, health.Projects[0].EarnedValue.Ev);
        Assert.Equal(320m, health.Projects[1].EarnedValue.Ac);
    }

    [Fact]
    public void Evaluate_WithHistory_SetsTrend()
    {
        var model = new HealthPortfolioBuilder().WithProject(new HealthProjectBuilder().WithId("p-1").WithUpdatedAt(AsOf).Build()).Build();
        var history = new[] { new HealthSnapshot("p-1", "PRJ-0001", AsOf.AddDays(-1), AsOf.AddDays(-1), 40m, Rag.Red, HealthTrend.Unknown, null, null, null, "EUR", "x") };

        var health = PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf, history);

        Assert.Equal(HealthTrend.Improving, health.Projects[0].Trend);
    }

    /// <summary>Issue 17: <c>--as-of 1999-01-01</c> listed projects that did not exist yet.</summary>
    [Fact]
    public void Evaluate_ProjectCreatedAndStartedAfterAsOf_LeftOut()
    {
        var day = DateOnly.FromDateTime(AsOf.UtcDateTime);
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").WithCreatedAt(AsOf.AddDays(-30)).WithDates(day.AddDays(10), day.AddDays(60)).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").WithCreatedAt(AsOf.AddDays(1)).WithDates(day.AddDays(5), day.AddDays(60)).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-3").WithCode("PRJ-0003").WithCreatedAt(AsOf.AddDays(40)).WithDates(day.AddDays(-20), day.AddDays(60)).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-4").WithCode("PRJ-0004").WithCreatedAt(AsOf.AddHours(6)).WithDates(day.AddDays(3), day.AddDays(60)).Build())
            .WithProject(new HealthProjectBuilder().WithId("p-5").WithCode("PRJ-0005").WithCreatedAt(null).WithDates(null, null).Build())
            .Build();

        var health = PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, AsOf);

        // p-1 was created before (not started yet), p-3 was entered later but had started, p-4 was created later the
        // same day, p-5 has no date to tell; p-2 was neither created nor started by then.
        Assert.Equal(["PRJ-0001", "PRJ-0003", "PRJ-0004", "PRJ-0005"], health.Projects.Select(p => p.ProjectCode));
        Assert.Equal(["PRJ-0005"], PortfolioHealthEvaluator.Evaluate(model, DeliveryData.Empty, HealthRules.Default, new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero)).Projects.Select(p => p.ProjectCode));
    }
}
