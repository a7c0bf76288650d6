using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Outbound;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Outbound;

public sealed class ComputedFieldsTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    private static ProjectHealth Health(Project p, decimal eac) =>
        new(p.Id, p.Code, p.Name, AsOf, 80m, Rag.Green, [],
            new EarnedValueResult(p.Currency, DateOnly.FromDateTime(AsOf.UtcDateTime), p.Budget, null, null, 0m, PlannedValueMethod.None, EarnedValueMethod.None, new Dictionary<EarnedValueFigure, string>()) { Eac = eac },
            "on track");

    [Fact]
    public void Compute_RollupWithAProjectWithoutCurrency_NamesItAfterTheCurrencies()
    {
        // Listed and linked with the currency-less project first: the reason's order does not come from the input's.
        var none = new HealthProjectBuilder().WithId("p-1").WithCode("PRJ-0001").WithBudget(1_000m, "").Build();
        var usd = new HealthProjectBuilder().WithId("p-2").WithCode("PRJ-0002").WithBudget(5_000m, "USD").Build();
        var eur = new HealthProjectBuilder().WithId("p-3").WithCode("PRJ-0003").WithBudget(10_000m, "EUR").Build();
        var model = new HealthPortfolioBuilder()
            .WithCompany("c-1", "Acme")
            .WithDeal(new HealthDealBuilder().WithId("d-1").Build())
            .WithProject(none).WithProject(usd).WithProject(eur)
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-2")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-3")
            .Link(EntityKind.Project, "p-1", EntityKind.Company, "c-1")
            .Link(EntityKind.Project, "p-3", EntityKind.Company, "c-1")
            .Build();
        var health = new PortfolioHealth(AsOf, [Health(none, 750m), Health(usd, 5_500m), Health(eur, 12_000m)]);

        var values = ComputedFields.Compute(model, health, RollupCalculator.Rollup(model, health), AsOf);

        var deal = values[EntityKind.Deal]["d-1"];
        Assert.Equal(
            "3 projects (3 green); worst PRJ-0001: on track; variance by currency: EUR -2000.00, USD -500.00, no currency 250.00",
            deal[ProductSchema.DeliveryHealthReason]);
        Assert.Null(deal[ProductSchema.BudgetVariance]);
        Assert.EndsWith("; variance by currency: EUR -2000.00, no currency 250.00", values[EntityKind.Company]["c-1"][ProductSchema.DeliveryHealthReason], StringComparison.Ordinal);
    }
}
