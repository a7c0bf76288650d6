using System.Collections.ObjectModel;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.EarnedValue;

/// <summary>
/// Computes a project's earned value as of a date. Pure: the same inputs give the same figures.
/// Entries dated after <c>asOf</c> are ignored; milestone dates count as whole days (a milestone planned
/// on the as-of date is planned by the end of it).
/// </summary>
public static class EarnedValueCalculator
{
    /// <summary>Computes BAC, PV, EV, AC and the derived indices of <paramref name="project"/>.</summary>
    /// <param name="milestones">The project's milestones (others are ignored).</param>
    /// <param name="timeEntries">The project's time entries; hours × cost rate count as actual cost.</param>
    /// <param name="costEntries">The project's other costs.</param>
    public static EarnedValueResult Compute(
        Project project,
        IEnumerable<Milestone> milestones,
        IEnumerable<TimeEntry> timeEntries,
        IEnumerable<CostEntry> costEntries,
        DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(timeEntries);
        ArgumentNullException.ThrowIfNull(costEntries);

        var ac = 0m;
        foreach (var t in timeEntries)
        {
            if (t.Date <= asOf)
            {
                ac += t.Hours * t.CostRate;
            }
        }

        foreach (var c in costEntries)
        {
            if (c.Date <= asOf)
            {
                ac += c.Amount;
            }
        }

        return Compute(project, milestones, ac, asOf);
    }

    /// <summary>Computes the figures from an actual cost already summed up to <paramref name="asOf"/>.</summary>
    public static EarnedValueResult Compute(Project project, IEnumerable<Milestone> milestones, decimal actualCost, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(milestones);
        return Of(project, milestones as Milestone[] ?? [.. milestones], actualCost, asOf);
    }

    /// <summary>Computes the figures of a project from its milestones and an actual cost already summed up to <paramref name="asOf"/>.</summary>
    internal static EarnedValueResult Of(Project project, ReadOnlySpan<Milestone> milestones, decimal actualCost, DateOnly asOf)
    {
        var notes = default(NoteSet);
        var totalWeight = 0m;
        var plannedWeight = 0m;
        var earnedWeight = 0m;
        var milestoneCount = 0;
        foreach (var m in milestones)
        {
            if (m.Weight <= 0m)
            {
                continue;
            }

            milestoneCount++;
            totalWeight += m.Weight;
            if (m.PlannedDate <= asOf)
            {
                plannedWeight += m.Weight;
            }

            earnedWeight += m.Weight * Math.Clamp(m.PercentComplete, 0m, 100m) * 0.01m;
        }

        var bac = project.Budget;
        decimal? pv = null;
        decimal? ev = null;
        var pvMethod = PlannedValueMethod.None;
        var evMethod = EarnedValueMethod.None;

        // Planned and earned shares of the work as fractions (numerator, denominator): divisions are done once, on
        // short operands (decimal division by a 28-digit quotient such as a CPI is slow). SPI is a ratio of shares,
        // so it is defined without a budget too.
        var (plannedNum, plannedDen, earnedNum, earnedDen) = Shares(project, milestoneCount, totalWeight, plannedWeight, earnedWeight, asOf);

        if (bac is null)
        {
            notes.Add(EarnedValueFigure.Bac, 1);
        }
        else if (bac < 0m)
        {
            notes.Add(EarnedValueFigure.Bac, 2);
            bac = null;
        }

        if (bac is { } budget)
        {
            if (milestoneCount > 0)
            {
                pvMethod = PlannedValueMethod.Milestones;
                pv = budget * plannedNum!.Value / plannedDen;
                evMethod = EarnedValueMethod.Milestones;
                ev = budget * earnedNum / earnedDen;
            }
            else
            {
                evMethod = EarnedValueMethod.ProjectPercentComplete;
                ev = budget * earnedNum / earnedDen;
                if (plannedNum is not null)
                {
                    pvMethod = PlannedValueMethod.Linear;
                    pv = budget * plannedNum.Value / plannedDen;
                }
                else
                {
                    notes.Add(EarnedValueFigure.Pv, project.StartDate is null || project.DueDate is null ? 1 : 2);
                }
            }
        }
        else
        {
            notes.Add(EarnedValueFigure.Pv, 3);
            notes.Add(EarnedValueFigure.Ev, 1);
        }

        decimal? cpi = null;
        if (ev is not null)
        {
            if (actualCost > 0m)
            {
                cpi = ev.Value / actualCost;
            }
            else
            {
                notes.Add(EarnedValueFigure.Cpi, 1);
            }
        }
        else
        {
            notes.Add(EarnedValueFigure.Cpi, 2);
        }

        decimal? spi = null;
        if (plannedNum is null)
        {
            notes.Add(EarnedValueFigure.Spi, 1);
        }
        else if (plannedNum.Value > 0m)
        {
            spi = earnedNum * plannedDen / (earnedDen * plannedNum.Value);
            if (bac is null)
            {
                notes.Add(EarnedValueFigure.Spi, 2);
            }
        }
        else
        {
            notes.Add(EarnedValueFigure.Spi, 3);
        }

        decimal? eac = null;
        if (bac is > 0m && cpi is > 0m)
        {
            // BAC ÷ CPI = BAC × AC ÷ EV = AC × earnedDen ÷ earnedNum: the same value, one division of short operands.
            eac = actualCost * earnedDen / earnedNum;
        }
        else
        {
            notes.Add(EarnedValueFigure.Eac, cpi is null ? 1 : 2);
        }

        decimal? tcpi = null;
        if (bac is not null && ev is not null)
        {
            var remainingBudget = bac.Value - actualCost;
            if (remainingBudget > 0m)
            {
                tcpi = (bac.Value - ev.Value) / remainingBudget;
            }
            else
            {
                notes.Add(EarnedValueFigure.Tcpi, 1);
            }
        }
        else
        {
            notes.Add(EarnedValueFigure.Tcpi, 2);
        }

        return new EarnedValueResult(project.Currency, asOf, bac, pv, ev, actualCost, pvMethod, evMethod, notes.ToDictionary())
        {
            Cpi = cpi,
            Spi = spi,
            Eac = eac,
            Tcpi = tcpi,
        };
    }

    /// <summary>Planned share (numerator null without a plan) and earned share of the work as fractions, as of the day.</summary>
    private static (decimal? PlannedNum, decimal PlannedDen, decimal EarnedNum, decimal EarnedDen) Shares(
        Project project, int milestoneCount, decimal totalWeight, decimal plannedWeight, decimal earnedWeight, DateOnly asOf)
    {
        if (milestoneCount > 0)
        {
            return (plannedWeight, totalWeight, earnedWeight, totalWeight);
        }

        var earned = Math.Clamp(project.PercentComplete, 0m, 100m) * 0.01m;
        if (project.StartDate is { } start && project.DueDate is { } due && due >= start)
        {
            var (elapsed, total) = LinearDays(start, due, asOf);
            return (elapsed, total, earned, 1m);
        }

        return (null, 1m, earned, 1m);
    }

    /// <summary>Days of a linear plan done by the end of <paramref name="asOf"/> (clamped) and the plan's days, both inclusive.</summary>
    private static (int Elapsed, int Total) LinearDays(DateOnly start, DateOnly due, DateOnly asOf)
    {
        var total = due.DayNumber - start.DayNumber + 1;
        var elapsed = asOf.DayNumber - start.DayNumber + 1;
        return (Math.Clamp(elapsed, 0, total), total);
    }

    /// <summary>
    /// The share of a linear plan done by the end of <paramref name="asOf"/>: days elapsed since the start
    /// (inclusive) over the days from start to due (both inclusive), clamped to 0–1.
    /// </summary>
    internal static decimal LinearShare(DateOnly start, DateOnly due, DateOnly asOf)
    {
        var totalDays = due.DayNumber - start.DayNumber + 1;
        var elapsed = asOf.DayNumber - start.DayNumber + 1;
        if (elapsed <= 0)
        {
            return 0m;
        }

        return elapsed >= totalDays ? 1m : (decimal)elapsed / totalDays;
    }

    /// <summary>
    /// The notes of one result as a number: which text, if any, explains each figure (two bits per figure). Results
    /// with the same notes share one read-only dictionary, so a portfolio run allocates none per project. The
    /// dictionary lists the notes in <see cref="EarnedValueFigure"/> order, the order the calculator finds them in.
    /// </summary>
    private struct NoteSet
    {
        /// <summary>The texts per figure, in <see cref="EarnedValueFigure"/> order; a note is its figure's text number 1–3.</summary>
        private static readonly string[][] Texts =
        [
            ["no budget set on the project", "the budget is negative"],
            ["no milestones and no start and due date to plan against", "the due date is before the start date", "no budget to plan"],
            ["no budget to earn"],
            ["no actual cost booked yet", "no earned value"],
            ["no plan: no milestones, no start and due date", "from percent earned over percent planned (no budget)", "nothing planned by this date yet"],
            ["no cost performance index", "nothing earned for the cost booked (CPI 0)"],
            ["the budget is already spent", "no budget or earned value"],
        ];

        private static readonly IReadOnlyDictionary<EarnedValueFigure, string>?[] Shared = new IReadOnlyDictionary<EarnedValueFigure, string>?[1 << (2 * 7)];

        private int _key;

        public void Add(EarnedValueFigure figure, int text) => _key |= text << (2 * (int)figure);

        public readonly IReadOnlyDictionary<EarnedValueFigure, string> ToDictionary()
        {
            // A race builds two equal dictionaries; either may be kept.
            return Shared[_key] ??= Create(_key);
        }

        private static ReadOnlyDictionary<EarnedValueFigure, string> Create(int key)
        {
            var notes = new Dictionary<EarnedValueFigure, string>(4);
            for (var figure = 0; figure < Texts.Length; figure++)
            {
                var text = (key >> (2 * figure)) & 3;
                if (text > 0)
                {
                    notes[(EarnedValueFigure)figure] = Texts[figure][text - 1];
                }
            }

            return new ReadOnlyDictionary<EarnedValueFigure, string>(notes);
        }
    }
}
