using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// Scores one project: four factors, each 0–100 with a readable reason, weighted into a score and a RAG.
/// Pure and deterministic for an as-of moment: data dated after it is ignored.
/// </summary>
public static class ProjectHealthCalculator
{
    /// <summary>Scores the project in <paramref name="input"/> as of <paramref name="asOf"/>.</summary>
    public static ProjectHealth Evaluate(ProjectHealthInput input, HealthRules rules, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rules);

        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var actuals = ProjectActuals.From(input.TimeEntries, input.CostEntries, day);
        return Evaluate(input.Project, input.Milestones, input.Tickets, actuals, rules, asOf);
    }

    /// <summary>Scores a project whose time and costs are already summed up to the as-of day.</summary>
    internal static ProjectHealth Evaluate(
        Project project,
        IReadOnlyList<Milestone> milestones,
        IReadOnlyList<Ticket> tickets,
        ProjectActuals actuals,
        HealthRules rules,
        DateTimeOffset asOf)
    {
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var ev = EarnedValueCalculator.Compute(project, milestones, actuals.ActualCost, day);
        var raw = new (HealthFactor Factor, decimal? Score, string Reason)[]
        {
            Schedule(project, milestones, ev, rules.Schedule, day),
            Budget(ev, rules.Budget),
            Tickets(tickets, rules.Tickets, asOf),
            Staleness(project, actuals.LastTimeEntry, rules.Staleness, asOf, day),
        };

        return Combine(project, raw, ev, rules, asOf);
    }

    private static ProjectHealth Combine(
        Project project,
        (HealthFactor Factor, decimal? Score, string Reason)[] raw,
        EarnedValueResult ev,
        HealthRules rules,
        DateTimeOffset asOf)
    {
        var dataWeight = 0m;
        foreach (var (factor, score, _) in raw)
        {
            if (score is not null)
            {
                dataWeight += rules.WeightOf(factor);
            }
        }

        var factors = new FactorResult[raw.Length];
        var i = 0;
        var total = 0m;
        foreach (var (factor, score, reason) in raw)
        {
            var weight = rules.WeightOf(factor);
            var effective = score is not null && dataWeight > 0m ? weight / dataWeight : 0m;
            var contribution = score is { } s ? s * effective : 0m;
            total += contribution;
            factors[i++] = new FactorResult(factor, score is not null, score, weight, effective, contribution, reason);
        }

        decimal? finalScore = null;
        var rag = Rag.Unknown;
        if (dataWeight >= rules.Rag.MinimumDataWeight && dataWeight > 0m)
        {
            finalScore = Math.Round(total, 1, MidpointRounding.AwayFromZero);
            rag = finalScore >= rules.Rag.GreenMin ? Rag.Green : finalScore >= rules.Rag.AmberMin ? Rag.Amber : Rag.Red;
        }

        string topReason;
        if (finalScore is null)
        {
            topReason = "Unknown: too little data (" + string.Join(", ", factors.Where(f => !f.HasData).Select(f => f.Factor.Name())) + " without data)";
        }
        else
        {
            // The factor losing the most weighted points; ties go to the first in factor order.
            FactorResult? worst = null;
            foreach (var f in factors)
            {
                if (f.HasData && f.PointsLost > 0m && (worst is null || f.PointsLost > worst.PointsLost))
                {
                    worst = f;
                }
            }

            topReason = worst?.Reason ?? "On track";
        }

        return new ProjectHealth(project.Id, project.Code, project.Name, asOf, finalScore, rag, factors, ev, topReason);
    }

    /// <summary>Linear score: 100 at (or beyond) good, 0 at (or beyond) bad; works in both directions.</summary>
    internal static decimal Linear(decimal value, decimal good, decimal bad)
    {
        if (good > bad)
        {
            return value >= good ? 100m : value <= bad ? 0m : (value - bad) / (good - bad) * 100m;
        }

        return value <= good ? 100m : value >= bad ? 0m : (bad - value) / (bad - good) * 100m;
    }

    private static (HealthFactor, decimal?, string) Schedule(Project project, IReadOnlyList<Milestone> milestones, EarnedValueResult ev, ScheduleRules rules, DateOnly day)
    {
        List<(string Name, int Days)>? overdue = null;
        foreach (var m in milestones)
        {
            var done = m.ActualDate is { } actual && actual <= day || m.PercentComplete >= 100m;
            var late = day.DayNumber - m.PlannedDate.DayNumber;
            if (!done && late > rules.OverdueGraceDays)
            {
                (overdue ??= []).Add((m.Name, late));
            }
        }

        if (project.IsActive && project.DueDate is { } due && project.PercentComplete < 100m)
        {
            var late = day.DayNumber - due.DayNumber;
            var allMilestonesDone = milestones.Count > 0;
            foreach (var m in milestones)
            {
                allMilestonesDone &= m.PercentComplete >= 100m;
            }

            if (late > rules.OverdueGraceDays && !allMilestonesDone)
            {
                (overdue ??= []).Add(("the due date", late));
            }
        }

        overdue ??= [];

        if (ev.Spi is null && overdue.Count == 0)
        {
            var why = ev.Notes.TryGetValue(EarnedValueFigure.Spi, out var n) ? n : "no plan";
            return (HealthFactor.Schedule, null, "Schedule: no data (" + why + ")");
        }

        var score = ev.Spi is { } spi ? Linear(spi, rules.SpiGood, rules.SpiBad) : 100m;
        score -= overdue.Count * rules.OverduePenalty;
        var worst = overdue.Count > 0 ? overdue.MaxBy(o => o.Days) : default;
        if (overdue.Count > 0 && worst.Days >= rules.OverdueRedDays)
        {
            score = 0m;
        }

        var parts = new List<string>(2);
        if (ev.Spi is { } s)
        {
            parts.Add("SPI " + F2(s));
        }

        parts.Add(overdue.Count switch
        {
            0 => "no milestone overdue",
            1 => $"{worst.Name} overdue by {Days(worst.Days)}",
            _ => $"{overdue.Count.ToString(CultureInfo.InvariantCulture)} milestones overdue (worst: {worst.Name}, {Days(worst.Days)})",
        });
        return (HealthFactor.Schedule, Clamp(score), "Schedule: " + string.Join(", ", parts));
    }

    private static (HealthFactor, decimal?, string) Budget(EarnedValueResult ev, BudgetRules rules)
    {
        if (ev.Bac is not > 0m)
        {
            return (HealthFactor.Budget, null, "Budget: no data (" + (ev.Notes.TryGetValue(EarnedValueFigure.Bac, out var n) ? n : "the budget is 0") + ")");
        }

        if (ev.Ac == 0m)
        {
            return (HealthFactor.Budget, 100m, "Budget: no cost booked yet");
        }

        var scores = new List<decimal>(3);
        var parts = new List<string>(3);
        if (ev.Cpi is { } cpi)
        {
            scores.Add(Linear(cpi, rules.CpiGood, rules.CpiBad));
            parts.Add("CPI " + F2(cpi));
        }

        if (ev.ForecastOverrunPercent is { } overrun)
        {
            scores.Add(Linear(overrun, rules.OverrunGoodPercent, rules.OverrunBadPercent));
            parts.Add(overrun >= 0m ? $"forecast {P0(overrun)} % over budget" : $"forecast {P0(-overrun)} % under budget");
        }

        if (ev.BurnPercent is { } burn && ev.EarnedPercent is { } earned)
        {
            var ahead = burn - earned;
            scores.Add(Linear(ahead, rules.BurnAheadGoodPoints, rules.BurnAheadBadPoints));
            parts.Add($"{P0(burn)} % of budget burnt for {P0(earned)} % done");
        }

        return (HealthFactor.Budget, Clamp(scores.Min()), "Budget: " + string.Join(", ", parts));
    }

    private static (HealthFactor, decimal?, string) Tickets(IReadOnlyList<Ticket> tickets, TicketRules rules, DateTimeOffset asOf)
    {
        var count = 0;
        var urgent = 0;
        var oldest = 0;
        var penalty = 0m;
        foreach (var t in tickets)
        {
            if (!IsOpenHighOrUrgent(t, asOf))
            {
                continue;
            }

            var isUrgent = string.Equals(t.Priority, "URGENT", StringComparison.OrdinalIgnoreCase);
            var age = (int)Math.Floor((asOf - t.CreatedAt).TotalDays);
            var p = isUrgent ? rules.UrgentPenalty : rules.HighPenalty;
            penalty += age > rules.AgedAfterDays ? p * rules.AgedMultiplier : p;
            count++;
            urgent += isUrgent ? 1 : 0;
            oldest = Math.Max(oldest, age);
        }

        if (count == 0)
        {
            return (HealthFactor.Tickets, 100m, "Tickets: no open high or urgent ticket");
        }

        var what = count == 1 ? (urgent == 1 ? "1 open urgent ticket" : "1 open high ticket")
            : $"{count.ToString(CultureInfo.InvariantCulture)} open high/urgent tickets ({urgent.ToString(CultureInfo.InvariantCulture)} urgent)";
        return (HealthFactor.Tickets, Clamp(100m - penalty), $"Tickets: {what}, oldest {Days(oldest)}");
    }

    /// <summary>Whether the ticket was open, not archived and HIGH or URGENT at <paramref name="asOf"/>.</summary>
    internal static bool IsOpenHighOrUrgent(Ticket t, DateTimeOffset asOf)
    {
        if (t.Archived || t.CreatedAt > asOf)
        {
            return false;
        }

        var open = t.ClosedAt is { } closed ? closed > asOf : t.IsOpen;
        return open && (string.Equals(t.Priority, "HIGH", StringComparison.OrdinalIgnoreCase) || string.Equals(t.Priority, "URGENT", StringComparison.OrdinalIgnoreCase));
    }

    private static (HealthFactor, decimal?, string) Staleness(Project project, DateOnly? lastEntry, StalenessRules rules, DateTimeOffset asOf, DateOnly day)
    {
        if (!project.IsActive)
        {
            return (HealthFactor.Staleness, null, "Staleness: not applicable (project " + project.Status + ")");
        }

        DateOnly? last = lastEntry;
        if (project.UpdatedAt is { } updated && updated <= asOf)
        {
            var u = DateOnly.FromDateTime(updated.UtcDateTime);
            last = last is null || u > last ? u : last;
        }

        if (last is null)
        {
            if (project.StartDate is { } start && start <= day)
            {
                // Started and never touched: stale since the start.
                last = start;
            }
            else
            {
                return (HealthFactor.Staleness, null, "Staleness: no data (no time entry or update yet)");
            }
        }

        var idle = day.DayNumber - last.Value.DayNumber;
        var score = Linear(idle, rules.GoodWithinDays, rules.BadAfterDays);
        var reason = idle <= 0 ? "Staleness: activity today" : $"Staleness: no time entry or update for {Days(idle)}";
        return (HealthFactor.Staleness, Clamp(score), reason);
    }

    private static decimal Clamp(decimal score) => Math.Clamp(score, 0m, 100m);

    private static string F2(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero).ToString("0.00", CultureInfo.InvariantCulture);

    private static string P0(decimal value) => Math.Round(value, 0, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);

    private static string Days(int days) => days == 1 ? "1 day" : days.ToString(CultureInfo.InvariantCulture) + " days";
}
