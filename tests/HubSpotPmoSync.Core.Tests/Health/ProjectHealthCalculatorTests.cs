using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class ProjectHealthCalculatorTests
{
    private static readonly DateOnly Start = new(2026, 3, 1);
    private static readonly DateOnly Due = new(2026, 3, 10);
    private static readonly DateTimeOffset AsOf = new(2026, 3, 10, 18, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(AsOf.UtcDateTime);

    private static HealthRules Only(HealthFactor factor, HealthRules? rules = null) => (rules ?? HealthRules.Default) with
    {
        Weights = new FactorWeights(
            factor == HealthFactor.Schedule ? 1m : 0m,
            factor == HealthFactor.Budget ? 1m : 0m,
            factor == HealthFactor.Tickets ? 1m : 0m,
            factor == HealthFactor.Staleness ? 1m : 0m),
    };

    private static ProjectHealth Evaluate(
        Project project,
        HealthRules rules,
        IReadOnlyList<Milestone>? milestones = null,
        IReadOnlyList<TimeEntry>? entries = null,
        IReadOnlyList<Ticket>? tickets = null,
        DateTimeOffset? asOf = null) =>
        ProjectHealthCalculator.Evaluate(new ProjectHealthInput(project, milestones ?? [], entries ?? [], [], tickets ?? []), rules, asOf ?? AsOf);

    private static HealthProjectBuilder TenDayProject() => new HealthProjectBuilder().WithDates(Start, Due).WithUpdatedAt(AsOf.AddHours(-1));

    // ---- schedule ----

    [Theory]
    [InlineData(95, 100)]
    [InlineData(100, 100)]
    [InlineData(85, 50)]
    [InlineData(75, 0)]
    [InlineData(60, 0)]
    public void Evaluate_ScheduleSpiBetweenThresholds_ScoresLinearly(int percentComplete, int expected)
    {
        var project = TenDayProject().WithPercentComplete(percentComplete).Build();

        var health = Evaluate(project, Only(HealthFactor.Schedule));

        Assert.Equal(expected, health.Factor(HealthFactor.Schedule).SubScore);
        Assert.Equal(expected, health.Score);
        Assert.StartsWith($"Schedule: SPI {percentComplete / 100m:0.00}", health.Factor(HealthFactor.Schedule).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 100, "no milestone overdue")]
    [InlineData(3, 80, "Design sign-off overdue by 3 days")]
    [InlineData(29, 80, "Design sign-off overdue by 29 days")]
    [InlineData(30, 0, "Design sign-off overdue by 30 days")]
    public void Evaluate_OverdueMilestone_GraceThenPenaltyThenRed(int daysLate, int expected, string reasonPart)
    {
        var project = new HealthProjectBuilder().WithDates(Today.AddDays(-60), Today.AddDays(60)).Build();
        var milestones = new[]
        {
            new HealthMilestoneBuilder().WithName("Kickoff").PlannedOn(Today.AddDays(-40)).ReachedOn(Today.AddDays(-40)).Build(),
            new HealthMilestoneBuilder().WithName("Design sign-off").PlannedOn(Today.AddDays(-daysLate)).WithPercentComplete(90m).Build(),
        };

        var health = Evaluate(project, Only(HealthFactor.Schedule), milestones);

        var schedule = health.Factor(HealthFactor.Schedule);
        Assert.Equal(expected, schedule.SubScore);
        Assert.Equal($"Schedule: SPI 0.95, {reasonPart}", schedule.Reason);
    }

    [Fact]
    public void Evaluate_PastDueDateNotDone_CountsAsOverdue()
    {
        var project = new HealthProjectBuilder().WithDates(Today.AddDays(-40), Today.AddDays(-5)).WithPercentComplete(97m).Build();

        var health = Evaluate(project, Only(HealthFactor.Schedule));

        Assert.Equal(80m, health.Factor(HealthFactor.Schedule).SubScore);
        Assert.Equal("Schedule: SPI 0.97, the due date overdue by 5 days", health.Factor(HealthFactor.Schedule).Reason);
    }

    [Fact]
    public void Evaluate_MilestoneReached_NotOverdue()
    {
        var project = new HealthProjectBuilder().WithDates(Today.AddDays(-60), Today.AddDays(60)).Build();
        var milestone = new HealthMilestoneBuilder().PlannedOn(Today.AddDays(-20)).ReachedOn(Today.AddDays(-15)).Build();

        var health = Evaluate(project, Only(HealthFactor.Schedule), [milestone]);

        Assert.Equal(100m, health.Factor(HealthFactor.Schedule).SubScore);
    }

    [Fact]
    public void Evaluate_ScheduleWithoutPlan_NoData()
    {
        var project = new HealthProjectBuilder().WithDates(null, null).Build();

        var health = Evaluate(project, HealthRules.Default);

        var schedule = health.Factor(HealthFactor.Schedule);
        Assert.False(schedule.HasData);
        Assert.Equal(0m, schedule.EffectiveWeight);
        Assert.Equal("Schedule: no data (no plan: no milestones, no start and due date)", schedule.Reason);
    }

    /// <summary>
    /// Issue 17: a completed project was scored amber and "worsening" for "UAT passed overdue by 10 days". Its open
    /// milestones are history: the schedule is judged on when it finished against its plan, and the score does not
    /// move as the as-of date moves on.
    /// </summary>
    [Fact]
    public void Evaluate_CompletedProjectWithOpenOverdueMilestone_JudgedOnFinishAgainstPlanNotOverdue()
    {
        var project = new HealthProjectBuilder().WithStatus("completed").WithPercentComplete(100m).WithDates(Today.AddDays(-90), Today.AddDays(-20)).Build();
        var milestones = new[]
        {
            new HealthMilestoneBuilder().WithName("Build complete").PlannedOn(Today.AddDays(-40)).ReachedOn(Today.AddDays(-40)).WithWeight(3m).Build(),
            new HealthMilestoneBuilder().WithName("Go-live").PlannedOn(Today.AddDays(-20)).ReachedOn(Today.AddDays(-21)).Build(),
            new HealthMilestoneBuilder().WithName("UAT passed").PlannedOn(Today.AddDays(-10)).WithPercentComplete(25m).Build(),
        };

        var now = Evaluate(project, Only(HealthFactor.Schedule), milestones);
        var later = Evaluate(project, Only(HealthFactor.Schedule), milestones, asOf: AsOf.AddDays(30));

        var schedule = now.Factor(HealthFactor.Schedule);
        Assert.Equal(100m, schedule.SubScore);
        Assert.Equal(Rag.Green, now.Rag);
        Assert.Equal("Schedule: completed on plan (due " + Today.AddDays(-20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ", last milestone reached " + Today.AddDays(-21).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ")", schedule.Reason);
        Assert.DoesNotContain("overdue", schedule.Reason, StringComparison.Ordinal);
        Assert.Equal(now.Score, later.Score);
        Assert.Equal(schedule.Reason, later.Factor(HealthFactor.Schedule).Reason);
    }

    [Theory]
    [InlineData(2, 100, "completed on plan")]
    [InlineData(12, 80, "completed 12 days late")]
    [InlineData(30, 0, "completed 30 days late")]
    public void Evaluate_CompletedProjectFinishedLate_ScheduleLosesPointsAsForOneOverdueItem(int daysLate, int expected, string reasonPart)
    {
        var due = Today.AddDays(-60);
        var project = new HealthProjectBuilder().WithStatus("completed").WithPercentComplete(100m).WithDates(due.AddDays(-90), due).Build();
        var milestones = new[]
        {
            new HealthMilestoneBuilder().WithName("Build complete").PlannedOn(due.AddDays(-30)).ReachedOn(due.AddDays(-30)).Build(),
            new HealthMilestoneBuilder().WithName("Go-live").PlannedOn(due).ReachedOn(due.AddDays(daysLate)).Build(),
        };

        var health = Evaluate(project, Only(HealthFactor.Schedule), milestones);

        Assert.Equal(expected, health.Factor(HealthFactor.Schedule).SubScore);
        Assert.StartsWith("Schedule: " + reasonPart, health.Factor(HealthFactor.Schedule).Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 17: one CPI showed as 12.99 in the table, 12.98 in HubSpot and in the reason, and 12.985 in the JSON. An
    /// index is rounded once, to two decimals, halves away from zero: 1.28499 is 1.28 everywhere (not 1.285, then
    /// 1.29), and 1.285 is 1.29 (not 1.28, banker's rounding).
    /// </summary>
    [Theory]
    [InlineData(1284.99, 1000, 1.28)]
    [InlineData(1285, 1000, 1.29)]
    public void Evaluate_CpiInTheReason_RoundedOnceToTwoDecimalsHalfAwayFromZero(double earned, double cost, double expected)
    {
        var project = TenDayProject().WithBudget(10_000m).WithPercentComplete((decimal)earned / 100m).Build();

        var health = Evaluate(project, Only(HealthFactor.Budget), entries: [new HealthTimeEntryBuilder().Costing((decimal)cost).Build()]);

        Assert.StartsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Budget: CPI {(decimal)expected:0.00}"), health.Factor(HealthFactor.Budget).Reason, StringComparison.Ordinal);
        Assert.Equal((decimal)expected, HubSpotPmoSync.Core.EarnedValue.EarnedValueIndex.Round(health.EarnedValue.Cpi));
    }

    // ---- budget ----

    private static readonly HealthRules CpiOnly = Only(HealthFactor.Budget) with
    {
        Budget = new BudgetRules(OverrunGoodPercent: 1000m, OverrunBadPercent: 2000m, BurnAheadGoodPoints: 1000m, BurnAheadBadPoints: 2000m),
    };

    [Theory]
    [InlineData(9_500, 100)]
    [InlineData(8_500, 50)]
    [InlineData(7_500, 0)]
    public void Evaluate_BudgetCpiBetweenThresholds_ScoresLinearly(int earned, int expected)
    {
        var project = TenDayProject().WithBudget(20_000m).WithPercentComplete(earned / 200m).Build();
        var cost = new HealthTimeEntryBuilder().On(Start).Costing(10_000m).Build();

        var health = Evaluate(project, CpiOnly, entries: [cost]);

        Assert.Equal(expected, health.Factor(HealthFactor.Budget).SubScore);
    }

    private static readonly HealthRules OverrunOnly = Only(HealthFactor.Budget) with
    {
        Budget = new BudgetRules(CpiGood: 0.02m, CpiBad: 0.01m, BurnAheadGoodPoints: 1000m, BurnAheadBadPoints: 2000m),
    };

    [Theory]
    [InlineData(2_100, 100, "forecast 5 % over budget")]
    [InlineData(2_300, 50, "forecast 15 % over budget")]
    [InlineData(2_500, 0, "forecast 25 % over budget")]
    [InlineData(1_800, 100, "forecast 10 % under budget")]
    public void Evaluate_ForecastOverrun_ScoresLinearly(int actualCost, int expected, string reasonPart)
    {
        var project = TenDayProject().WithBudget(10_000m).WithPercentComplete(20m).Build();
        var cost = new HealthTimeEntryBuilder().On(Start).Costing(actualCost).Build();

        var health = Evaluate(project, OverrunOnly, entries: [cost]);

        Assert.Equal(expected, health.Factor(HealthFactor.Budget).SubScore);
        Assert.Contains(reasonPart, health.Factor(HealthFactor.Budget).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000, 100)]
    [InlineData(3_000, 50)]
    [InlineData(4_000, 0)]
    public void Evaluate_BurnAheadOfProgress_ScoresLinearly(int actualCost, int expected)
    {
        var rules = Only(HealthFactor.Budget) with
        {
            Budget = new BudgetRules(CpiGood: 0.02m, CpiBad: 0.01m, OverrunGoodPercent: 1000m, OverrunBadPercent: 2000m),
        };
        var project = TenDayProject().WithBudget(10_000m).WithPercentComplete(10m).Build();

        var health = Evaluate(project, rules, entries: [new HealthTimeEntryBuilder().On(Start).Costing(actualCost).Build()]);

        Assert.Equal(expected, health.Factor(HealthFactor.Budget).SubScore);
    }

    [Fact]
    public void Evaluate_BudgetBehind_ReasonReadsLikeAPerson()
    {
        var project = TenDayProject().WithBudget(10_000m).WithPercentComplete(40m).Build();
        var cost = new HealthTimeEntryBuilder().On(Start).Costing(5_000m).Build();

        var health = Evaluate(project, HealthRules.Default, entries: [cost]);

        Assert.Equal("Budget: CPI 0.80, forecast 25 % over budget, 50 % of budget burnt for 40 % done", health.Factor(HealthFactor.Budget).Reason);
        Assert.Equal(0m, health.Factor(HealthFactor.Budget).SubScore);
    }

    [Fact]
    public void Evaluate_NoCostYet_BudgetFull()
    {
        var health = Evaluate(TenDayProject().Build(), Only(HealthFactor.Budget));

        Assert.Equal(100m, health.Factor(HealthFactor.Budget).SubScore);
        Assert.Equal("Budget: no cost booked yet", health.Factor(HealthFactor.Budget).Reason);
    }

    [Fact]
    public void Evaluate_NoBudget_BudgetNoData()
    {
        var health = Evaluate(TenDayProject().WithBudget(null).Build(), HealthRules.Default);

        Assert.False(health.Factor(HealthFactor.Budget).HasData);
        Assert.Equal("Budget: no data (no budget set on the project)", health.Factor(HealthFactor.Budget).Reason);
    }

    // ---- tickets ----

    [Theory]
    [InlineData("HIGH", 14, 90, "Tickets: 1 open high ticket, oldest 14 days")]
    [InlineData("HIGH", 15, 80, "Tickets: 1 open high ticket, oldest 15 days")]
    [InlineData("URGENT", 1, 75, "Tickets: 1 open urgent ticket, oldest 1 day")]
    [InlineData("urgent", 30, 50, "Tickets: 1 open urgent ticket, oldest 30 days")]
    public void Evaluate_OpenHighOrUrgentTicket_PenaltyDoubledWhenAged(string priority, int ageDays, int expected, string reason)
    {
        var ticket = new HealthTicketBuilder().WithPriority(priority).CreatedAt(AsOf.AddDays(-ageDays)).Build();

        var health = Evaluate(TenDayProject().Build(), Only(HealthFactor.Tickets), tickets: [ticket]);

        Assert.Equal(expected, health.Factor(HealthFactor.Tickets).SubScore);
        Assert.Equal(reason, health.Factor(HealthFactor.Tickets).Reason);
    }

    [Fact]
    public void Evaluate_ManyTickets_ScoreFloorsAtZero()
    {
        var tickets = Enumerable.Range(1, 3).Select(i => new HealthTicketBuilder().WithId($"t{i}").WithPriority("URGENT").CreatedAt(AsOf.AddDays(-20)).Build()).ToList();

        var health = Evaluate(TenDayProject().Build(), Only(HealthFactor.Tickets), tickets: tickets);

        Assert.Equal(0m, health.Factor(HealthFactor.Tickets).SubScore);
        Assert.Equal("Tickets: 3 open high/urgent tickets (3 urgent), oldest 20 days", health.Factor(HealthFactor.Tickets).Reason);
    }

    [Fact]
    public void Evaluate_TicketsNotOpenHighAtAsOf_Ignored()
    {
        var tickets = new[]
        {
            new HealthTicketBuilder().WithId("low").WithPriority("LOW").Build(),
            new HealthTicketBuilder().WithId("medium").WithPriority("MEDIUM").Build(),
            new HealthTicketBuilder().WithId("closed").ClosedAt(AsOf.AddDays(-1)).Build(),
            new HealthTicketBuilder().WithId("future").CreatedAt(AsOf.AddHours(1)).Build(),
            new HealthTicketBuilder().WithId("archived").Archived().Build(),
        };

        var health = Evaluate(TenDayProject().Build(), Only(HealthFactor.Tickets), tickets: tickets);

        Assert.Equal(100m, health.Factor(HealthFactor.Tickets).SubScore);
        Assert.Equal("Tickets: no open high or urgent ticket", health.Factor(HealthFactor.Tickets).Reason);
    }

    [Fact]
    public void Evaluate_TicketClosedAfterAsOf_StillOpenAsOf()
    {
        var ticket = new HealthTicketBuilder().CreatedAt(AsOf.AddDays(-2)).ClosedAt(AsOf.AddDays(1)).Build();

        var health = Evaluate(TenDayProject().Build(), Only(HealthFactor.Tickets), tickets: [ticket]);

        Assert.Equal(90m, health.Factor(HealthFactor.Tickets).SubScore);
    }

    // ---- staleness ----

    [Theory]
    [InlineData(0, 100, "Staleness: activity today")]
    [InlineData(7, 100, "Staleness: no time entry or update for 7 days")]
    [InlineData(14, 50, "Staleness: no time entry or update for 14 days")]
    [InlineData(21, 0, "Staleness: no time entry or update for 21 days")]
    public void Evaluate_DaysWithoutActivity_ScoresLinearly(int idleDays, int expected, string reason)
    {
        var project = TenDayProject().WithUpdatedAt(null).Build();
        var entry = new HealthTimeEntryBuilder().On(Today.AddDays(-idleDays)).Build();

        var health = Evaluate(project, Only(HealthFactor.Staleness), entries: [entry]);

        Assert.Equal(expected, health.Factor(HealthFactor.Staleness).SubScore);
        Assert.Equal(reason, health.Factor(HealthFactor.Staleness).Reason);
    }

    [Fact]
    public void Evaluate_UpdateMoreRecentThanEntries_CountsAsActivity()
    {
        var project = TenDayProject().WithUpdatedAt(AsOf.AddDays(-3)).Build();
        var entry = new HealthTimeEntryBuilder().On(Today.AddDays(-30)).Build();

        var health = Evaluate(project, Only(HealthFactor.Staleness), entries: [entry]);

        Assert.Equal(100m, health.Factor(HealthFactor.Staleness).SubScore);
    }

    [Fact]
    public void Evaluate_StoredProjectWhoseLocalValuesChanged3DaysAgo_StaleFromThatEditNotFromTheLaterHealthPush()
    {
        // HubSpot's updatedAt is an hour ago (the worker's health push); a person last edited an inbound value 3 days ago.
        var stored = new StoredRecord(
            EntityKind.Project,
            "7",
            false,
            null,
            AsOf.AddDays(-60),
            AsOf.AddHours(-1),
            new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["code"] = "P-7", ["status"] = "active", ["start_date"] = "2026-01-05", ["percent_complete"] = "40" },
            LocalChangedAt: AsOf.AddDays(-3));
        var entry = new HealthTimeEntryBuilder().On(Today.AddDays(-30)).Build();

        var health = Evaluate(DeliveryEntityFactory.ToProject(stored), Only(HealthFactor.Staleness), entries: [entry]);

        Assert.Equal("Staleness: no time entry or update for 3 days", health.Factor(HealthFactor.Staleness).Reason);
        Assert.Equal(100m, health.Factor(HealthFactor.Staleness).SubScore);
    }

    [Fact]
    public void Evaluate_StoredProjectWhoseLocalValuesNeverChanged_StaleFromTheLastTimeEntry()
    {
        var stored = new StoredRecord(
            EntityKind.Project, "7", false, null, AsOf.AddDays(-60), AsOf.AddHours(-1), new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["code"] = "P-7", ["status"] = "active", ["start_date"] = "2026-01-05" });
        var entry = new HealthTimeEntryBuilder().On(Today.AddDays(-16)).Build();

        var health = Evaluate(DeliveryEntityFactory.ToProject(stored), Only(HealthFactor.Staleness), entries: [entry]);

        Assert.Equal("Staleness: no time entry or update for 16 days", health.Factor(HealthFactor.Staleness).Reason);
    }

    [Fact]
    public void Evaluate_ActivityAfterAsOf_Ignored()
    {
        var project = TenDayProject().WithUpdatedAt(AsOf.AddDays(1)).Build();
        var entries = new[] { new HealthTimeEntryBuilder().On(Today.AddDays(-21)).Build(), new HealthTimeEntryBuilder().On(Today.AddDays(1)).Build() };

        var health = Evaluate(project, Only(HealthFactor.Staleness), entries: entries);

        Assert.Equal(0m, health.Factor(HealthFactor.Staleness).SubScore);
    }

    [Fact]
    public void Evaluate_StartedAndNeverTouched_StaleSinceStart()
    {
        var project = new HealthProjectBuilder().WithDates(Today.AddDays(-14), Today.AddDays(30)).Build();

        var health = Evaluate(project, Only(HealthFactor.Staleness));

        Assert.Equal(50m, health.Factor(HealthFactor.Staleness).SubScore);
    }

    [Fact]
    public void Evaluate_CompletedProject_StalenessNotApplicable()
    {
        var project = TenDayProject().WithStatus("completed").Build();

        var health = Evaluate(project, HealthRules.Default);

        Assert.False(health.Factor(HealthFactor.Staleness).HasData);
        Assert.Equal("Staleness: not applicable (project completed)", health.Factor(HealthFactor.Staleness).Reason);
    }

    // ---- score and RAG ----

    private static readonly HealthRules ScoreIsStaleness = Only(HealthFactor.Staleness) with { Staleness = new StalenessRules(0, 100) };

    [Theory]
    [InlineData(0, Rag.Green)]
    [InlineData(25, Rag.Green)]
    [InlineData(26, Rag.Amber)]
    [InlineData(50, Rag.Amber)]
    [InlineData(51, Rag.Red)]
    public void Evaluate_ScoreAtThresholds_GreenFromGreenMinAmberFromAmberMin(int idleDays, Rag expected)
    {
        var project = TenDayProject().WithUpdatedAt(AsOf.AddDays(-idleDays)).Build();

        var health = Evaluate(project, ScoreIsStaleness);

        Assert.Equal(100 - idleDays, health.Score);
        Assert.Equal(expected, health.Rag);
    }

    [Fact]
    public void Evaluate_TooLittleData_Unknown()
    {
        var project = new HealthProjectBuilder().WithBudget(null).WithDates(null, null).Build();

        var health = Evaluate(project, HealthRules.Default);

        Assert.Equal(Rag.Unknown, health.Rag);
        Assert.Null(health.Score);
        Assert.Equal("Unknown: too little data (schedule, budget, staleness without data)", health.TopReason);
    }

    [Fact]
    public void Evaluate_FactorWithoutData_OtherWeightsRescaled()
    {
        var project = TenDayProject().WithBudget(null).WithPercentComplete(85m).Build();

        var health = Evaluate(project, HealthRules.Default);

        // schedule 50 (SPI 0.85) × 0.35/0.65, tickets 100 × 0.15/0.65, staleness 100 × 0.15/0.65
        Assert.Equal(Math.Round((50m * 0.35m + 100m * 0.15m + 100m * 0.15m) / 0.65m, 1, MidpointRounding.AwayFromZero), health.Score);
        Assert.Equal(1m, health.Factors.Sum(f => f.EffectiveWeight), 10);
        Assert.Equal(Rag.Amber, health.Rag);
        Assert.StartsWith("Schedule: SPI 0.85", health.TopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AllFine_OnTrack()
    {
        var project = TenDayProject().WithPercentComplete(100m).Build();

        var health = Evaluate(project, HealthRules.Default, entries: [new HealthTimeEntryBuilder().On(Today).Costing(5_000m).Build()]);

        Assert.Equal(100m, health.Score);
        Assert.Equal(Rag.Green, health.Rag);
        Assert.Equal("On track", health.TopReason);
    }

    [Fact]
    public void Evaluate_SameInputsAndAsOf_SameResultEvenWithLaterData()
    {
        var project = TenDayProject().WithPercentComplete(60m).Build();
        var entries = new List<TimeEntry> { new HealthTimeEntryBuilder().On(Start).Costing(7_000m).Build() };
        var tickets = new List<Ticket> { new HealthTicketBuilder().CreatedAt(AsOf.AddDays(-3)).Build() };

        var first = Evaluate(project, HealthRules.Default, entries: entries, tickets: tickets);
        entries.Add(new HealthTimeEntryBuilder().On(Today.AddDays(2)).Costing(50_000m).Build());
        tickets.Add(new HealthTicketBuilder().WithId("later").WithPriority("URGENT").CreatedAt(AsOf.AddDays(1)).Build());
        var second = Evaluate(project, HealthRules.Default, entries: entries, tickets: tickets);

        Assert.Equal(first.Score, second.Score);
        Assert.Equal(first.Rag, second.Rag);
        Assert.Equal(first.TopReason, second.TopReason);
        Assert.Equal(first.Factors, second.Factors);
        Assert.Equal(first.EarnedValue.Ac, second.EarnedValue.Ac);
    }

    [Theory]
    [InlineData(1.0, 1.0, 0.5, 100)]
    [InlineData(0.5, 1.0, 0.5, 0)]
    [InlineData(0.75, 1.0, 0.5, 50)]
    [InlineData(5.0, 5.0, 25.0, 100)]
    [InlineData(15.0, 5.0, 25.0, 50)]
    [InlineData(30.0, 5.0, 25.0, 0)]
    public void Linear_BothDirections_ClampedBetweenGoodAndBad(double value, double good, double bad, int expected)
    {
        Assert.Equal(expected, ProjectHealthCalculator.Linear((decimal)value, (decimal)good, (decimal)bad));
    }
}
