using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.EarnedValue;

public sealed class EarnedValueCalculatorTests
{
    private static readonly DateOnly Day1 = new(2026, 3, 2);

    /// <summary>
    /// Rita Mulcahy, "PMP Exam Prep", earned value exercise "build a new fence" (p. 210 in the edition quoted by
    /// studylib.net/doc/5898152): four sides, one day and $1,000 each, built one after the other; at the end of
    /// day 3 sides 1 and 2 are complete (spent $1,000 and $1,200), side 3 is 50 % done (spent $600), side 4 not
    /// started. The book's answers: PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV −300; CPI .893; SV −500;
    /// SPI .833; EAC 4,479; ETC 1,679; VAC −479 — the book divides by the CPI rounded to .893; unrounded, EAC is
    /// exactly 4,480.
    /// </summary>
    [Fact]
    public void Compute_MulcahyFenceExercise_ReproducesTheBookFigures()
    {
        var project = new HealthProjectBuilder().WithCode("FENCE").WithBudget(4_000m, "USD").WithDates(Day1, Day1.AddDays(3)).Build();
        Milestone Side(int n, decimal percent) => new("FENCE", $"Side {n}", Day1.AddDays(n - 1), percent == 100m ? Day1.AddDays(n - 1) : null, 1m, percent);
        var milestones = new[] { Side(1, 100m), Side(2, 100m), Side(3, 50m), Side(4, 0m) };
        var costs = new[]
        {
            new CostEntry(Day1, "FENCE", "side 1", 1_000m),
            new CostEntry(Day1.AddDays(1), "FENCE", "side 2", 1_200m),
            new CostEntry(Day1.AddDays(2), "FENCE", "side 3", 600m),
        };

        var ev = EarnedValueCalculator.Compute(project, milestones, [], costs, asOf: Day1.AddDays(2));

        Assert.Equal(PlannedValueMethod.Milestones, ev.PlannedValueMethod);
        Assert.Equal(3_000m, ev.Pv);
        Assert.Equal(2_500m, ev.Ev);
        Assert.Equal(2_800m, ev.Ac);
        Assert.Equal(4_000m, ev.Bac);
        Assert.Equal(-300m, ev.Cv);
        Assert.Equal(0.893m, Math.Round(ev.Cpi!.Value, 3));
        Assert.Equal(-500m, ev.Sv);
        Assert.Equal(0.833m, Math.Round(ev.Spi!.Value, 3));
        Assert.Equal(4_480m, Math.Round(ev.Eac!.Value, 10));
        Assert.Equal(1_680m, Math.Round(ev.Etc!.Value, 10));
        Assert.Equal(-480m, Math.Round(ev.Vac!.Value, 10));
        Assert.Equal(1.25m, ev.Tcpi);

        // The book's own arithmetic: BAC over the CPI rounded to three places.
        var bookEac = Math.Round(ev.Bac!.Value / Math.Round(ev.Cpi.Value, 3), 0);
        Assert.Equal(4_479m, bookEac);
        Assert.Equal(1_679m, bookEac - ev.Ac);
        Assert.Equal(-479m, ev.Bac.Value - bookEac);
    }

    /// <summary>
    /// Boston University MET AD 644 "Earned Value Exercise", case 1 (linear plan, EAC = BAC ÷ CPI after Anbari 2003;
    /// docplayer.net/15617207): 10 days, budget 100,000; at the end of day 6 the job is 70 % complete and 65,000 is
    /// spent. Answers: EV 70,000; SPI 1.17; CPI 1.08; TCPI 0.86; EAC 92,857.14; ETC 27,857.14; VAC 7,142.86.
    /// </summary>
    [Fact]
    public void Compute_LinearPlanExercise_ReproducesTheCourseFigures()
    {
        var project = new HealthProjectBuilder().WithBudget(100_000m, "USD").WithDates(Day1, Day1.AddDays(9)).WithPercentComplete(70m).Build();
        var spent = new TimeEntryFor(65_000m);

        var ev = EarnedValueCalculator.Compute(project, [], [spent.Entry], [], asOf: Day1.AddDays(5));

        Assert.Equal(PlannedValueMethod.Linear, ev.PlannedValueMethod);
        Assert.Equal(EarnedValueMethod.ProjectPercentComplete, ev.EarnedValueMethod);
        Assert.Equal(60_000m, ev.Pv);
        Assert.Equal(70_000m, ev.Ev);
        Assert.Equal(65_000m, ev.Ac);
        Assert.Equal(1.17m, Math.Round(ev.Spi!.Value, 2));
        Assert.Equal(1.08m, Math.Round(ev.Cpi!.Value, 2));
        Assert.Equal(0.86m, Math.Round(ev.Tcpi!.Value, 2));
        Assert.Equal(92_857.14m, Math.Round(ev.Eac!.Value, 2));
        Assert.Equal(27_857.14m, Math.Round(ev.Etc!.Value, 2));
        Assert.Equal(7_142.86m, Math.Round(ev.Vac!.Value, 2));
    }

    [Fact]
    public void Compute_NoBudget_FiguresNullWithReasons()
    {
        var project = new HealthProjectBuilder().WithBudget(null).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [new HealthTimeEntryBuilder().Build()], [], Day1);

        Assert.Null(ev.Bac);
        Assert.Null(ev.Pv);
        Assert.Null(ev.Ev);
        Assert.Null(ev.Cpi);
        Assert.Null(ev.Eac);
        Assert.Null(ev.Vac);
        Assert.Equal(400m, ev.Ac);
        Assert.Equal("no budget set on the project", ev.Notes[EarnedValueFigure.Bac]);
    }

    [Fact]
    public void Compute_NoBudget_SpiStillFromPercentages()
    {
        var project = new HealthProjectBuilder().WithBudget(null).WithDates(Day1, Day1.AddDays(9)).WithPercentComplete(40m).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [], [], Day1.AddDays(4));

        Assert.Equal(0.8m, ev.Spi);
        Assert.Null(ev.Pv);
        Assert.Equal("from percent earned over percent planned (no budget)", ev.Notes[EarnedValueFigure.Spi]);
    }

    [Fact]
    public void Compute_NoCostYet_CpiAndEacNullNotDivisionByZero()
    {
        var project = new HealthProjectBuilder().WithPercentComplete(10m).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [], [], Day1);

        Assert.Equal(0m, ev.Ac);
        Assert.Null(ev.Cpi);
        Assert.Null(ev.Eac);
        Assert.Equal("no actual cost booked yet", ev.Notes[EarnedValueFigure.Cpi]);
        Assert.Equal(0.9m, ev.Tcpi);
    }

    [Fact]
    public void Compute_BeforeAnythingIsPlanned_SpiNullWithReason()
    {
        var project = new HealthProjectBuilder().WithPercentComplete(5m).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [], [], new DateOnly(2026, 2, 1));

        Assert.Equal(0m, ev.Pv);
        Assert.Null(ev.Spi);
        Assert.Equal("nothing planned by this date yet", ev.Notes[EarnedValueFigure.Spi]);
    }

    [Fact]
    public void Compute_CostButNothingEarned_CpiZeroAndEacNull()
    {
        var project = new HealthProjectBuilder().Build();

        var ev = EarnedValueCalculator.Compute(project, [], [new HealthTimeEntryBuilder().Build()], [], Day1);

        Assert.Equal(0m, ev.Cpi);
        Assert.Null(ev.Eac);
        Assert.Equal("nothing earned for the cost booked (CPI 0)", ev.Notes[EarnedValueFigure.Eac]);
    }

    [Fact]
    public void Compute_BudgetAlreadySpent_TcpiNullWithReason()
    {
        var project = new HealthProjectBuilder().WithBudget(1_000m).WithPercentComplete(50m).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [new HealthTimeEntryBuilder().Costing(1_000m).Build()], [], Day1);

        Assert.Null(ev.Tcpi);
        Assert.Equal("the budget is already spent", ev.Notes[EarnedValueFigure.Tcpi]);
        Assert.Equal(2_000m, ev.Eac);
    }

    [Fact]
    public void Compute_NoMilestonesNoDates_PvNullWithReason()
    {
        var project = new HealthProjectBuilder().WithDates(null, null).WithPercentComplete(20m).Build();

        var ev = EarnedValueCalculator.Compute(project, [], [], [], Day1);

        Assert.Null(ev.Pv);
        Assert.Equal(PlannedValueMethod.None, ev.PlannedValueMethod);
        Assert.Equal(2_000m, ev.Ev);
        Assert.Equal("no milestones and no start and due date to plan against", ev.Notes[EarnedValueFigure.Pv]);
    }

    [Fact]
    public void Compute_EntriesAfterAsOf_AreIgnored()
    {
        var project = new HealthProjectBuilder().Build();
        var entries = new[]
        {
            new HealthTimeEntryBuilder().On(Day1).Costing(100m).Build(),
            new HealthTimeEntryBuilder().On(Day1.AddDays(1)).Costing(999m).Build(),
        };
        var costs = new[] { new CostEntry(Day1.AddDays(1), "PRJ-0001", "licence", 50m), new CostEntry(Day1, "PRJ-0001", "hosting", 25m) };

        var ev = EarnedValueCalculator.Compute(project, [], entries, costs, Day1);

        Assert.Equal(125m, ev.Ac);
    }

    [Fact]
    public void Compute_WeightedMilestones_EarnedIsWeightedPercentComplete()
    {
        var project = new HealthProjectBuilder().WithBudget(10_000m).WithPercentComplete(99m).Build();
        var milestones = new[]
        {
            new HealthMilestoneBuilder().WithName("a").WithWeight(1m).WithPercentComplete(100m).PlannedOn(new DateOnly(2026, 3, 10)).Build(),
            new HealthMilestoneBuilder().WithName("b").WithWeight(3m).WithPercentComplete(50m).PlannedOn(new DateOnly(2026, 3, 20)).Build(),
            new HealthMilestoneBuilder().WithName("zero weight is ignored").WithWeight(0m).WithPercentComplete(0m).Build(),
        };

        var ev = EarnedValueCalculator.Compute(project, milestones, [], [], new DateOnly(2026, 3, 15));

        Assert.Equal(6_250m, ev.Ev);
        Assert.Equal(2_500m, ev.Pv);
        Assert.Equal(EarnedValueMethod.Milestones, ev.EarnedValueMethod);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0.1)]
    [InlineData(4, 0.5)]
    [InlineData(9, 1)]
    [InlineData(30, 1)]
    public void LinearShare_DaysInclusive_ClampedBetweenZeroAndOne(int daysAfterStart, double expected)
    {
        var share = EarnedValueCalculator.LinearShare(Day1, Day1.AddDays(9), Day1.AddDays(daysAfterStart));

        Assert.Equal((decimal)expected, share);
    }

    [Fact]
    public void LinearShare_OneDayProject_PlannedFullyOnItsDay()
    {
        Assert.Equal(1m, EarnedValueCalculator.LinearShare(Day1, Day1, Day1));
        Assert.Equal(0m, EarnedValueCalculator.LinearShare(Day1, Day1, Day1.AddDays(-1)));
    }

    private sealed class TimeEntryFor(decimal amount)
    {
        public TimeEntry Entry { get; } = new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 2)).Costing(amount).Build();
    }
}
