namespace HubSpotPmoSync.Core.Health;

/// <summary>The factors that make up a project's health score.</summary>
public enum HealthFactor
{
    Schedule,
    Budget,
    Tickets,
    Staleness,
}

/// <summary>
/// The health rules, as written in <c>config/health.json</c>. Every sub-score is 0–100; a factor's score moves
/// linearly from 100 at its "good" threshold to 0 at its "bad" threshold. Defaults are the shipped rules.
/// </summary>
public sealed record HealthRules
{
    public static HealthRules Default { get; } = new();

    public FactorWeights Weights { get; init; } = new();

    public RagRules Rag { get; init; } = new();

    public ScheduleRules Schedule { get; init; } = new();

    public BudgetRules Budget { get; init; } = new();

    public TicketRules Tickets { get; init; } = new();

    public StalenessRules Staleness { get; init; } = new();

    public TrendRules Trend { get; init; } = new();

    /// <summary>The weight of a factor.</summary>
    public decimal WeightOf(HealthFactor factor) => factor switch
    {
        HealthFactor.Schedule => Weights.Schedule,
        HealthFactor.Budget => Weights.Budget,
        HealthFactor.Tickets => Weights.Tickets,
        HealthFactor.Staleness => Weights.Staleness,
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };
}

/// <summary>The weight of each factor in the score; they sum to 1.</summary>
public sealed record FactorWeights(decimal Schedule = 0.35m, decimal Budget = 0.35m, decimal Tickets = 0.15m, decimal Staleness = 0.15m);

/// <summary>
/// Score bands: green from <see cref="GreenMin"/>, amber from <see cref="AmberMin"/>, red below.
/// The RAG is unknown when the factors with data weigh less than <see cref="MinimumDataWeight"/> together.
/// </summary>
public sealed record RagRules(decimal GreenMin = 75m, decimal AmberMin = 50m, decimal MinimumDataWeight = 0.5m);

/// <summary>Schedule: SPI between good and bad, minus a penalty per overdue milestone.</summary>
/// <param name="OverdueGraceDays">Days a milestone (or the due date) may slip before it counts as overdue.</param>
/// <param name="OverduePenalty">Points taken off per overdue milestone (the due date counts as one).</param>
/// <param name="OverdueRedDays">A milestone overdue by this many days or more takes the schedule score to 0.</param>
public sealed record ScheduleRules(
    decimal SpiGood = 0.95m,
    decimal SpiBad = 0.75m,
    int OverdueGraceDays = 2,
    decimal OverduePenalty = 20m,
    int OverdueRedDays = 30);

/// <summary>
/// Budget: the lowest of three scores — CPI, burn ahead of progress (budget burnt % minus work done %, in
/// percentage points) and forecast overrun ((EAC − BAC) ÷ BAC in %).
/// </summary>
public sealed record BudgetRules(
    decimal CpiGood = 0.95m,
    decimal CpiBad = 0.75m,
    decimal BurnAheadGoodPoints = 10m,
    decimal BurnAheadBadPoints = 30m,
    decimal OverrunGoodPercent = 5m,
    decimal OverrunBadPercent = 25m);

/// <summary>
/// Tickets: 100 minus a penalty per open HIGH or URGENT ticket on the project or its company;
/// a ticket open longer than <see cref="AgedAfterDays"/> costs <see cref="AgedMultiplier"/> times its penalty.
/// </summary>
public sealed record TicketRules(decimal HighPenalty = 10m, decimal UrgentPenalty = 25m, int AgedAfterDays = 14, decimal AgedMultiplier = 2m);

/// <summary>Staleness: days without a time entry or a project update; 100 up to good, 0 from bad.</summary>
public sealed record StalenessRules(int GoodWithinDays = 7, int BadAfterDays = 21);

/// <summary>
/// Trend: the score against the mean of the last <see cref="Window"/> snapshots; a change larger than
/// <see cref="DeadBand"/> points is improving or worsening, anything within it is steady.
/// </summary>
public sealed record TrendRules(int Window = 3, decimal DeadBand = 5m);
