using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// Scores one project: four factors, each 0–100 with a readable reason, weighted into a score and a RAG.
/// Pure and deterministic for an as-of moment: data dated after it is ignored.
/// </summary>
public static class ProjectHealthCalculator
{
    /// <summary>Staleness reasons by idle days, made once (most projects share a handful of values).</summary>
    private static readonly string?[] IdleReasons = new string?[StalenessKeys.Idle];

    /// <summary>The statuses of projects no longer active (see <see cref="Project.IsActive"/>), and their staleness reasons.</summary>
    private static readonly string[] NotActive = ["completed", "cancelled", "closed"];

    private static readonly string[] NotApplicable = [.. NotActive.Select(s => "Staleness: not applicable (project " + s + ")")];

    /// <summary>Scores the project in <paramref name="input"/> as of <paramref name="asOf"/>.</summary>
    public static ProjectHealth Evaluate(ProjectHealthInput input, HealthRules rules, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rules);

        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var actuals = ProjectActuals.From(input.TimeEntries, input.CostEntries, day);
        var tickets = default(TicketSummary);
        foreach (var t in input.Tickets)
        {
            tickets.Add(TicketLoad.Of(t, rules.Tickets, asOf));
        }

        var milestones = input.Milestones as Milestone[] ?? [.. input.Milestones];
        return Evaluate(input.Project, milestones, tickets, actuals, [], new ScoringTables(rules, share: false), asOf);
    }

    /// <summary>
    /// Scores a project whose time and costs are summed up to the as-of day and whose tickets are summed up, with its
    /// trend against <paramref name="history"/> (its earlier snapshots; none: unknown).
    /// </summary>
    internal static ProjectHealth Evaluate(
        Project project,
        ReadOnlySpan<Milestone> milestones,
        TicketSummary tickets,
        ProjectActuals actuals,
        ReadOnlySpan<HealthSnapshot> history,
        ScoringTables tables,
        DateTimeOffset asOf)
    {
        var rules = tables.Rules;
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var ev = EarnedValueCalculator.Of(project, milestones, actuals.ActualCost, day);
        var schedule = Schedule(project, milestones, ev, rules.Schedule, day);
        var budget = Budget(ev, rules.Budget);
        var staleness = Staleness(project, actuals.LastTimeEntry, rules.Staleness, asOf, day);

        // Which factors have data (tickets always have) picks the precomputed weights (16 combinations). The tickets and
        // staleness results recur across projects: equal ones are shared.
        var mask = (schedule.Score is null ? 0 : 1) | (budget.Score is null ? 0 : 2) | 4 | (staleness.Score is null ? 0 : 8);
        var weights = tables.Weights(mask);
        var factors = new FactorResult[]
        {
            tables.Create(HealthFactor.Schedule, mask, schedule),
            tables.Create(HealthFactor.Budget, mask, budget),
            tables.Tickets(mask, tickets),
            tables.Staleness(mask, staleness),
        };
        var total = 0m;
        FactorResult? worst = null;
        var worstLost = 0m;
        foreach (var f in factors)
        {
            total += f.Contribution;

            // The factor losing the most weighted points; ties go to the first in factor order.
            var lost = f.PointsLost;
            if (f.HasData && lost > 0m && (worst is null || lost > worstLost))
            {
                worst = f;
                worstLost = lost;
            }
        }

        decimal? finalScore = null;
        var rag = Rag.Unknown;
        if (weights.Enough)
        {
            finalScore = Math.Round(total, 1, MidpointRounding.AwayFromZero);
            rag = finalScore >= rules.Rag.GreenMin ? Rag.Green : finalScore >= rules.Rag.AmberMin ? Rag.Amber : Rag.Red;
        }

        var topReason = finalScore is null ? weights.UnknownReason : worst?.Reason ?? "On track";
        return new ProjectHealth(project.Id, project.Code, project.Name, asOf, finalScore, rag, factors, ev, topReason)
        {
            Trend = HealthTrendCalculator.Trend(finalScore, history, asOf, rules.Trend),
        };
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

    private static FactorScore Schedule(Project project, ReadOnlySpan<Milestone> milestones, EarnedValueResult ev, ScheduleRules rules, DateOnly day)
    {
        // A project no longer delivered has no open risk on its schedule: its open milestones are history.
        if (project.Status is "completed" or "closed")
        {
            return Finished(project, milestones, ev, rules, day);
        }

        if (project.Status == "cancelled")
        {
            return new FactorScore(null, "Schedule: not applicable (project cancelled)");
        }

        // Overdue items in order (milestones, then the due date); the worst is the first of the latest.
        var overdue = 0;
        string? worstName = null;
        var worstDays = 0;
        void Overdue(string name, int days)
        {
            if (overdue++ == 0 || days > worstDays)
            {
                worstName = name;
                worstDays = days;
            }
        }

        foreach (var m in milestones)
        {
            var done = m.ActualDate is { } actual && actual <= day || m.PercentComplete >= 100m;
            var late = day.DayNumber - m.PlannedDate.DayNumber;
            if (!done && late > rules.OverdueGraceDays)
            {
                Overdue(m.Name, late);
            }
        }

        if (project.IsActive && project.DueDate is { } due && project.PercentComplete < 100m)
        {
            var late = day.DayNumber - due.DayNumber;
            var allMilestonesDone = milestones.Length > 0;
            foreach (var m in milestones)
            {
                allMilestonesDone &= m.PercentComplete >= 100m;
            }

            if (late > rules.OverdueGraceDays && !allMilestonesDone)
            {
                Overdue("the due date", late);
            }
        }

        if (ev.Spi is null && overdue == 0)
        {
            var why = ev.Notes.TryGetValue(EarnedValueFigure.Spi, out var n) ? n : "no plan";
            return new FactorScore(null, "Schedule: no data (" + why + ")");
        }

        var score = ev.Spi is { } spi ? Linear(spi, rules.SpiGood, rules.SpiBad) : 100m;
        score -= overdue * rules.OverduePenalty;
        if (overdue > 0 && worstDays >= rules.OverdueRedDays)
        {
            score = 0m;
        }

        var spiText = ev.Spi is { } s ? string.Create(CultureInfo.InvariantCulture, $"SPI {EarnedValueIndex.Round(s):0.00}, ") : "";
        var reason = overdue switch
        {
            0 => "Schedule: " + spiText + "no milestone overdue",
            1 => string.Create(CultureInfo.InvariantCulture, $"Schedule: {spiText}{worstName} overdue by {worstDays} day{(worstDays == 1 ? "" : "s")}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"Schedule: {spiText}{overdue} milestones overdue (worst: {worstName}, {worstDays} day{(worstDays == 1 ? "" : "s")})"),
        };
        return new FactorScore(Clamp(score), reason);
    }

    /// <summary>
    /// The schedule of a completed project: when it finished (its last milestone reached on or before the day) against
    /// when it was due (its due date, else its last planned milestone). Finished later than the grace period costs one
    /// overdue penalty; as late as <see cref="ScheduleRules.OverdueRedDays"/> or more, the factor is 0. The result no
    /// longer changes as time passes. Without a finish date it falls back on the SPI; without either, no data.
    /// </summary>
    private static FactorScore Finished(Project project, ReadOnlySpan<Milestone> milestones, EarnedValueResult ev, ScheduleRules rules, DateOnly day)
    {
        DateOnly? finished = null;
        DateOnly? lastPlanned = null;
        foreach (var m in milestones)
        {
            if (m.ActualDate is { } actual && actual <= day && (finished is null || actual > finished))
            {
                finished = actual;
            }

            if (lastPlanned is null || m.PlannedDate > lastPlanned)
            {
                lastPlanned = m.PlannedDate;
            }
        }

        var planned = project.DueDate ?? lastPlanned;
        if (finished is not { } end || planned is not { } due)
        {
            return ev.Spi is { } spi
                ? new FactorScore(Clamp(Linear(spi, rules.SpiGood, rules.SpiBad)), string.Create(CultureInfo.InvariantCulture, $"Schedule: completed, SPI {EarnedValueIndex.Round(spi):0.00} (no finish date recorded)"))
                : new FactorScore(null, "Schedule: no data (completed; no finish date recorded)");
        }

        var late = end.DayNumber - due.DayNumber;
        var dates = string.Create(CultureInfo.InvariantCulture, $"(due {due:yyyy-MM-dd}, last milestone reached {end:yyyy-MM-dd})");
        if (late <= rules.OverdueGraceDays)
        {
            return new FactorScore(100m, "Schedule: completed on plan " + dates);
        }

        var score = late >= rules.OverdueRedDays ? 0m : 100m - rules.OverduePenalty;
        return new FactorScore(Clamp(score), string.Create(CultureInfo.InvariantCulture, $"Schedule: completed {late} day{(late == 1 ? "" : "s")} late {dates}"));
    }

    private static FactorScore Budget(EarnedValueResult ev, BudgetRules rules)
    {
        if (ev.Bac is not > 0m)
        {
            return new FactorScore(null, "Budget: no data (" + (ev.Notes.TryGetValue(EarnedValueFigure.Bac, out var n) ? n : "the budget is 0") + ")");
        }

        if (ev.Ac == 0m)
        {
            return new FactorScore(100m, "Budget: no cost booked yet");
        }

        // The lowest of the scores that apply (the first of equal ones), and the parts of the reason in the same order.
        decimal? lowest = null;
        void Score(decimal score)
        {
            if (lowest is null || score < lowest.Value)
            {
                lowest = score;
            }
        }

        var handler = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[160]);
        handler.AppendLiteral("Budget: ");
        var parts = 0;
        if (ev.Cpi is { } cpi)
        {
            Score(Linear(cpi, rules.CpiGood, rules.CpiBad));
            handler.AppendLiteral("CPI ");
            handler.AppendFormatted(EarnedValueIndex.Round(cpi), "0.00");
            parts++;
        }

        if (ev.ForecastOverrunPercent is { } overrun)
        {
            Score(Linear(overrun, rules.OverrunGoodPercent, rules.OverrunBadPercent));
            handler.AppendLiteral(parts++ > 0 ? ", forecast " : "forecast ");
            handler.AppendFormatted(Math.Round(overrun >= 0m ? overrun : -overrun, 0, MidpointRounding.AwayFromZero), "0");
            handler.AppendLiteral(overrun >= 0m ? " % over budget" : " % under budget");
        }

        if (ev.BurnPercent is { } burn && ev.EarnedPercent is { } earned)
        {
            var ahead = burn - earned;
            Score(Linear(ahead, rules.BurnAheadGoodPoints, rules.BurnAheadBadPoints));
            handler.AppendLiteral(parts++ > 0 ? ", " : "");
            handler.AppendFormatted(Math.Round(burn, 0, MidpointRounding.AwayFromZero), "0");
            handler.AppendLiteral(" % of budget burnt for ");
            handler.AppendFormatted(Math.Round(earned, 0, MidpointRounding.AwayFromZero), "0");
            handler.AppendLiteral(" % done");
        }

        var reason = handler.ToStringAndClear();
        return new FactorScore(Clamp(lowest ?? throw new InvalidOperationException("Sequence contains no elements")), reason);
    }

    /// <summary>The tickets factor of a summary (tickets always have data).</summary>
    internal static FactorScore Tickets(TicketSummary tickets)
    {
        if (tickets.Count == 0)
        {
            return new FactorScore(100m, "Tickets: no open high or urgent ticket");
        }

        var oldest = tickets.Oldest;
        var reason = tickets.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"Tickets: 1 open {(tickets.Urgent == 1 ? "urgent" : "high")} ticket, oldest {oldest} day{(oldest == 1 ? "" : "s")}")
            : string.Create(CultureInfo.InvariantCulture, $"Tickets: {tickets.Count} open high/urgent tickets ({tickets.Urgent} urgent), oldest {oldest} day{(oldest == 1 ? "" : "s")}");
        return new FactorScore(Clamp(100m - tickets.Penalty), reason);
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

    private static FactorScore Staleness(Project project, DateOnly? lastEntry, StalenessRules rules, DateTimeOffset asOf, DateOnly day)
    {
        if (!project.IsActive)
        {
            var known = Array.IndexOf(NotActive, project.Status);
            return known >= 0
                ? new FactorScore(null, NotApplicable[known], StalenessKeys.NotActive + known)
                : new FactorScore(null, "Staleness: not applicable (project " + project.Status + ")");
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
                return new FactorScore(null, "Staleness: no data (no time entry or update yet)", StalenessKeys.NoData);
            }
        }

        var idle = day.DayNumber - last.Value.DayNumber;
        var score = Linear(idle, rules.GoodWithinDays, rules.BadAfterDays);
        return new FactorScore(Clamp(score), IdleReason(idle), idle >= 0 && idle < StalenessKeys.Idle ? idle : -1);
    }

    private static string IdleReason(int idle)
    {
        if (idle <= 0)
        {
            return "Staleness: activity today";
        }

        if (idle < IdleReasons.Length)
        {
            // A race makes two equal strings; either may be kept.
            return IdleReasons[idle] ??= Idle(idle);
        }

        return Idle(idle);

        static string Idle(int days) => string.Create(CultureInfo.InvariantCulture, $"Staleness: no time entry or update for {days} day{(days == 1 ? "" : "s")}");
    }

    private static decimal Clamp(decimal score) => Math.Clamp(score, 0m, 100m);

    /// <summary>One factor's score (null without data) and reason; <paramref name="Key"/> (≥ 0) names a recurring pair.</summary>
    internal readonly record struct FactorScore(decimal? Score, string Reason, int Key = -1);
}

/// <summary>What one ticket adds to the tickets factor as of a moment (nothing unless it is open, HIGH or URGENT).</summary>
internal readonly record struct TicketLoad(bool Counts, bool Urgent, int Age, decimal Penalty)
{
    public static TicketLoad Of(Ticket t, TicketRules rules, DateTimeOffset asOf)
    {
        if (!ProjectHealthCalculator.IsOpenHighOrUrgent(t, asOf))
        {
            return default;
        }

        var urgent = string.Equals(t.Priority, "URGENT", StringComparison.OrdinalIgnoreCase);
        var age = (int)Math.Floor((asOf - t.CreatedAt).TotalDays);
        var p = urgent ? rules.UrgentPenalty : rules.HighPenalty;
        return new TicketLoad(true, urgent, age, age > rules.AgedAfterDays ? p * rules.AgedMultiplier : p);
    }
}

/// <summary>The open HIGH/URGENT tickets of a project summed up, in the order they are added.</summary>
internal struct TicketSummary
{
    public int Count { get; private set; }

    public int Urgent { get; private set; }

    public int Oldest { get; private set; }

    public decimal Penalty { get; private set; }

    public void Add(TicketLoad load)
    {
        if (!load.Counts)
        {
            return;
        }

        Penalty += load.Penalty;
        Count++;
        Urgent += load.Urgent ? 1 : 0;
        Oldest = Math.Max(Oldest, load.Age);
    }
}

/// <summary>
/// What depends only on the rules, worked out once per run: for each combination of factors with data, the
/// effective weights, whether they weigh enough for a score, and the "too little data" reason.
/// </summary>
internal sealed class ScoringTables
{
    /// <summary>The weights of each rules instance, worked out once (the rules are immutable).</summary>
    private static readonly ConditionalWeakTable<HealthRules, FactorWeightsFor[]> WeightsOf = [];

    private readonly FactorWeightsFor[] _weights;
    private readonly ConcurrentDictionary<TicketKey, FactorResult>? _tickets;
    private readonly FactorResult?[]?[]? _staleness;

    /// <param name="share">Share equal tickets and staleness results between the projects of this run.</param>
    public ScoringTables(HealthRules rules, bool share)
    {
        Rules = rules;
        _weights = WeightsOf.GetValue(rules, Compute);
        if (share)
        {
            _tickets = new ConcurrentDictionary<TicketKey, FactorResult>();
            _staleness = new FactorResult?[]?[16];
        }
    }

    public HealthRules Rules { get; }

    private static FactorWeightsFor[] Compute(HealthRules rules)
    {
        var weights = new FactorWeightsFor[16];
        for (var mask = 0; mask < weights.Length; mask++)
        {
            var dataWeight = 0m;
            for (var i = 0; i < 4; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    dataWeight += rules.WeightOf((HealthFactor)i);
                }
            }

            var effective = new decimal[4];
            var missing = new List<string>(4);
            for (var i = 0; i < 4; i++)
            {
                var hasData = (mask & (1 << i)) != 0;
                effective[i] = hasData && dataWeight > 0m ? rules.WeightOf((HealthFactor)i) / dataWeight : 0m;
                if (!hasData)
                {
                    missing.Add(((HealthFactor)i).Name());
                }
            }

            var enough = dataWeight >= rules.Rag.MinimumDataWeight && dataWeight > 0m;
            weights[mask] = new FactorWeightsFor(effective, enough, "Unknown: too little data (" + string.Join(", ", missing) + " without data)");
        }

        return weights;
    }

    /// <summary>The weights when the factors in <paramref name="mask"/> (bit = factor number) have data.</summary>
    public FactorWeightsFor Weights(int mask) => _weights[mask];

    /// <summary>A factor's result with the weights of <paramref name="mask"/>.</summary>
    public FactorResult Create(HealthFactor factor, int mask, ProjectHealthCalculator.FactorScore raw)
    {
        var effective = _weights[mask].Effective[(int)factor];
        return new FactorResult(factor, raw.Score is not null, raw.Score, Rules.WeightOf(factor), effective, raw.Score is { } s ? s * effective : 0m, raw.Reason);
    }

    /// <summary>The tickets factor: one shared result per summary (count, urgent, oldest, penalty to the bit) and mask.</summary>
    public FactorResult Tickets(int mask, TicketSummary tickets)
    {
        if (_tickets is null)
        {
            return Create(HealthFactor.Tickets, mask, ProjectHealthCalculator.Tickets(tickets));
        }

        var key = new TicketKey(mask, tickets.Count, tickets.Urgent, tickets.Oldest, DecimalBits.Of(tickets.Penalty));
        if (_tickets.TryGetValue(key, out var shared))
        {
            return shared;
        }

        return _tickets.GetOrAdd(key, Create(HealthFactor.Tickets, mask, ProjectHealthCalculator.Tickets(tickets)));
    }

    /// <summary>The staleness factor: shared per key (idle days, no data, not active) and mask.</summary>
    public FactorResult Staleness(int mask, ProjectHealthCalculator.FactorScore raw)
    {
        if (raw.Key < 0 || _staleness is null)
        {
            return Create(HealthFactor.Staleness, mask, raw);
        }

        // A race makes two equal results; either may be kept.
        var byKey = _staleness[mask] ??= new FactorResult?[StalenessKeys.Count];
        return byKey[raw.Key] ??= Create(HealthFactor.Staleness, mask, raw);
    }

    private readonly record struct TicketKey(int Mask, int Count, int Urgent, int Oldest, DecimalBits Penalty);
}

/// <summary>The keys of recurring staleness results: idle days 0–511, then no data, then the three inactive statuses.</summary>
internal static class StalenessKeys
{
    public const int Idle = 512;
    public const int NoData = Idle;
    public const int NotActive = NoData + 1;
    public const int Count = NotActive + 3;
}

/// <summary>A decimal's exact representation (value and scale), for keys where 1.0 and 1.00 must differ.</summary>
internal readonly record struct DecimalBits(int Lo, int Mid, int Hi, int Flags)
{
    public static DecimalBits Of(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return new DecimalBits(bits[0], bits[1], bits[2], bits[3]);
    }
}

/// <summary>Effective weights by factor, whether they weigh enough for a score, and the reason when they do not.</summary>
internal sealed record FactorWeightsFor(decimal[] Effective, bool Enough, string UnknownReason);
