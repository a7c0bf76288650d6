using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Core.Tests.Sync.Completeness;

public sealed class CompletenessPlannerTests
{
    // The default mappings' pairs: deals→companies, tickets→companies, deals→tickets, projects→deals/companies/tickets.
    private static readonly (EntityKind, EntityKind)[] Pairs =
    [
        (EntityKind.Deal, EntityKind.Company), (EntityKind.Ticket, EntityKind.Company), (EntityKind.Deal, EntityKind.Ticket),
        (EntityKind.Project, EntityKind.Deal), (EntityKind.Project, EntityKind.Company), (EntityKind.Project, EntityKind.Ticket),
    ];

    private static readonly CompletenessOptions Defaults = new();

    // scale:N seeds N/4 companies, N deals, 2N tickets and N/10 projects.
    private static List<KindSize> Scale(int n, double archivedShare = 0.01) =>
    [
        new(EntityKind.Company, n / 4, (long)(n / 4 * archivedShare)),
        new(EntityKind.Deal, n, (long)(n * archivedShare)),
        new(EntityKind.Ticket, 2L * n, (long)(2 * n * archivedShare)),
        new(EntityKind.Project, n / 10, (long)(n / 10 * archivedShare)),
    ];

    [Fact]
    public void Cost_Scale2000_ArchivedListsPlusAssociationReads()
    {
        // Archived lists: companies 5, deals 20, tickets 40, projects 2 archived → one page each = 4.
        // Links: deals 2 pairs × 2 + tickets 1 × 4 + projects 3 × 1 = 11.
        Assert.Equal(15, CompletenessPlanner.Cost(Scale(2000), Pairs, 1));
    }

    [Fact]
    public void Plan_PortalWithinBudget_ChecksEverythingEveryCycle()
    {
        var plan = CompletenessPlanner.Plan(Scale(2000), Pairs, Defaults, TimeSpan.FromMinutes(5));

        Assert.True(plan.WithinBudget);
        Assert.Equal(1, plan.Fraction);
        Assert.Equal(1, plan.CyclesPerPass);
        Assert.Equal(4000, plan.Slices[EntityKind.Ticket]);
        Assert.Equal(15, plan.EstimatedCost);
    }

    [Fact]
    public void Plan_LargePortalBudgetBuysMoreThanTheWindowNeeds_SliceFromTheBudget()
    {
        // scale:20000: 40+40+6 association reads and 4+2+4+1 list pages = 97 calls for everything.
        var sizes = Scale(20000, 0.005);
        var plan = CompletenessPlanner.Plan(sizes, Pairs, Defaults, TimeSpan.FromMinutes(5));

        Assert.False(plan.WithinBudget);
        Assert.True(plan.EstimatedCost <= Defaults.CompletenessBudget, $"cost {plan.EstimatedCost}");
        Assert.True(plan.Fraction > 1.0 / 12, $"fraction {plan.Fraction}");
        Assert.Equal((int)Math.Ceiling(1 / plan.Fraction - 1e-9), plan.CyclesPerPass);
        Assert.Equal(TimeSpan.FromMinutes(5) * plan.CyclesPerPass, plan.PassEvery);
        Assert.True(plan.PassEvery <= Defaults.CompletenessWindow);
    }

    /// <summary>The budget's share is found a hair above 0.5: the slices must round as the cost did (10,000 ids, not 10,001).</summary>
    [Fact]
    public void Plan_BudgetShareAtAChunkBoundary_SlicesCostWhatThePlanCounted()
    {
        var plan = CompletenessPlanner.Plan(Scale(20000, 0), Pairs, Defaults, TimeSpan.FromSeconds(5));

        Assert.Equal(10000, plan.Slices[EntityKind.Deal]);
        Assert.Equal(20000, plan.Slices[EntityKind.Ticket]);
        Assert.Equal(1000, plan.Slices[EntityKind.Project]);
        Assert.Equal(47, plan.EstimatedCost);
    }

    [Fact]
    public void Plan_BudgetTooSmallForTheWindow_SliceFromTheWindowAboveTheBudget()
    {
        var options = new CompletenessOptions { CompletenessBudget = 10, CompletenessWindow = TimeSpan.FromHours(1) };

        var plan = CompletenessPlanner.Plan(Scale(60000), Pairs, options, TimeSpan.FromMinutes(5));

        // ⌊60 / 5⌋ = 12 cycles a pass: each checks a twelfth, whatever that costs.
        Assert.Equal(1.0 / 12, plan.Fraction, 9);
        Assert.Equal(12, plan.CyclesPerPass);
        Assert.Equal(TimeSpan.FromHours(1), plan.PassEvery);
        Assert.True(plan.EstimatedCost > options.CompletenessBudget);
        Assert.Equal(10000, plan.Slices[EntityKind.Ticket]);
    }

    [Fact]
    public void Plan_PeriodNotDividingTheWindow_PassFitsInsideTheWindow()
    {
        var options = new CompletenessOptions { CompletenessBudget = 0, CompletenessWindow = TimeSpan.FromHours(1) };

        var plan = CompletenessPlanner.Plan(Scale(20000), Pairs, options, TimeSpan.FromMinutes(7));

        Assert.Equal(8, plan.CyclesPerPass);
        Assert.Equal(TimeSpan.FromMinutes(56), plan.PassEvery);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    [InlineData(600)]
    public void Plan_NoPreviousCheckOrAWindowSinceTheLast_ChecksEverythingNow(int minutes)
    {
        var options = new CompletenessOptions { CompletenessBudget = 10 };

        var plan = CompletenessPlanner.Plan(Scale(60000), Pairs, options, TimeSpan.FromMinutes(minutes));

        Assert.Equal(1, plan.Fraction);
        Assert.Equal(120000, plan.Slices[EntityKind.Ticket]);
        Assert.False(plan.WithinBudget);
    }

    [Fact]
    public void BudgetFraction_FloorsAlone_OverBudget_IsZero()
    {
        // One list call per type and one read per pair is the least a slice costs: 4 + 6 = 10.
        Assert.Equal(0, CompletenessPlanner.BudgetFraction(Scale(20000), Pairs, 9));
        Assert.True(CompletenessPlanner.BudgetFraction(Scale(20000), Pairs, 10) > 0);
    }

    [Fact]
    public void Plan_EmptyStore_SlicesAreEmptyAndCostOneListPerType()
    {
        List<KindSize> empty = [new(EntityKind.Company, 0, 0), new(EntityKind.Deal, 0, 0)];

        var plan = CompletenessPlanner.Plan(empty, [(EntityKind.Deal, EntityKind.Company)], Defaults, TimeSpan.FromMinutes(5));

        Assert.Equal(2, plan.WholeCost);
        Assert.Equal(0, plan.Slices[EntityKind.Deal]);
    }

    [Fact]
    public void Validate_NegativeBudgetAndTinyWindow_NameBothKeys()
    {
        var problems = new CompletenessOptions { CompletenessBudget = -1, CompletenessWindow = TimeSpan.FromSeconds(5) }.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Sync:CompletenessBudget", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sync:CompletenessWindow", StringComparison.Ordinal));
    }
}
