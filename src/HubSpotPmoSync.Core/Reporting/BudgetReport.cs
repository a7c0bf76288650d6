using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>What a budget report line is about.</summary>
public enum BudgetLineKind
{
    /// <summary>A delivery project.</summary>
    Project,

    /// <summary>A closed-won deal that no project delivers.</summary>
    WonDealWithoutProject,
}

/// <summary>Variances and inconsistencies finance must look at. Codes as in CSV/JSON are in <see cref="BudgetFlags.Code"/>.</summary>
public enum BudgetFlag
{
    /// <summary>A linked won deal's amount changed after the project's budget was set.</summary>
    DealAmountChangedAfterBudget,

    /// <summary>A closed-won deal without any project.</summary>
    WonDealWithoutProject,

    /// <summary>A project linked to no deal at all.</summary>
    ProjectWithoutDeal,

    /// <summary>A linked won deal is in another currency than the project (its amount is not in the sold amount).</summary>
    CurrencyMismatch,

    /// <summary>The forecast (EAC) is above the budget (VAC &lt; 0).</summary>
    ForecastOverBudget,

    /// <summary>The budget is above the sold amount: the project was planned at a loss.</summary>
    BudgetExceedsSold,

    /// <summary>The forecast (EAC) is above the sold amount: forecast margin negative.</summary>
    ForecastLoss,

    /// <summary>The project is linked to deals, none of them closed won: nothing is sold yet, so Sold is empty.</summary>
    DealNotWon,
}

/// <summary>Where a budget report line's EAC comes from.</summary>
public enum EacBasis
{
    /// <summary>No EAC: the project has no budget (or the line is a won deal without a project).</summary>
    None,

    /// <summary>BAC ÷ CPI, the earned-value forecast (as in the health report).</summary>
    Cpi,

    /// <summary>
    /// No CPI yet (no cost booked, or nothing earned for the cost): the remaining work at the budgeted rate,
    /// AC + (BAC − EV) — the budget itself while nothing is booked.
    /// </summary>
    BudgetRate,
}

/// <summary>Codes of the flags.</summary>
public static class BudgetFlags
{
    public static string Code(this BudgetFlag flag) => flag switch
    {
        BudgetFlag.DealAmountChangedAfterBudget => "deal-amount-changed-after-budget",
        BudgetFlag.WonDealWithoutProject => "won-deal-without-project",
        BudgetFlag.ProjectWithoutDeal => "project-without-deal",
        BudgetFlag.CurrencyMismatch => "currency-mismatch",
        BudgetFlag.ForecastOverBudget => "forecast-over-budget",
        BudgetFlag.BudgetExceedsSold => "budget-exceeds-sold",
        BudgetFlag.ForecastLoss => "forecast-loss",
        BudgetFlag.DealNotWon => "deal-not-won",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, null),
    };

    /// <summary>What the flag means, for the report legend.</summary>
    public static string Description(this BudgetFlag flag) => flag switch
    {
        BudgetFlag.DealAmountChangedAfterBudget => "a won deal's amount changed after the project budget was set",
        BudgetFlag.WonDealWithoutProject => "a closed-won deal has no project delivering it",
        BudgetFlag.ProjectWithoutDeal => "the project is linked to no deal",
        BudgetFlag.CurrencyMismatch => "a won deal is in another currency than the project; its amount is not in Sold",
        BudgetFlag.ForecastOverBudget => "the forecast at completion (EAC) is above the budget",
        BudgetFlag.BudgetExceedsSold => "the budget is above the sold amount",
        BudgetFlag.ForecastLoss => "the forecast at completion (EAC) is above the sold amount",
        BudgetFlag.DealNotWon => "the project's deal is not won yet: nothing is sold, so Sold is empty and the line adds nothing to the Sold total",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, null),
    };
}

/// <summary>
/// One line of the budget report. Money is rounded to the cent once, here; the totals add these rounded values.
/// </summary>
/// <param name="Sold">Sum of the linked closed-won deals' amounts in the line's currency; null without such a deal.</param>
/// <param name="ForecastMargin">Sold − EAC; null when either is unknown.</param>
/// <param name="ForecastMarginPercent">ForecastMargin ÷ Sold × 100, one decimal.</param>
/// <param name="PlannedPercent">PV ÷ BAC (work that should be done), one decimal.</param>
/// <param name="BurnPercent">AC ÷ BAC (budget burnt), one decimal.</param>
/// <param name="Detail">Why the flags were raised, readable.</param>
public sealed record BudgetReportLine(
    BudgetLineKind Kind,
    string? ProjectId,
    string? ProjectCode,
    string Name,
    string Client,
    string Currency,
    Rag? Rag,
    decimal? Sold,
    decimal? Budget,
    decimal Ac,
    decimal? Eac,
    decimal? Vac,
    decimal? ForecastMargin,
    decimal? ForecastMarginPercent,
    decimal? PlannedPercent,
    decimal? EarnedPercent,
    decimal? BurnPercent,
    IReadOnlyList<string> DealIds,
    IReadOnlyList<BudgetFlag> Flags,
    string Detail)
{
    /// <summary>The project's health score (null for a won deal without a project, or without enough data).</summary>
    public decimal? Score { get; init; }

    /// <summary>Where <see cref="Eac"/> comes from.</summary>
    public EacBasis EacBasis { get; init; }
}

/// <summary>Totals of one currency: sums of the rounded lines (unknown values are left out and counted).</summary>
public sealed record BudgetCurrencyTotal(
    string Currency,
    int Lines,
    decimal Sold,
    decimal Budget,
    decimal Ac,
    decimal Eac,
    decimal Vac,
    decimal ForecastMargin,
    int LinesWithoutEac,
    int FlaggedLines)
{
    /// <summary>Project lines forecast at the budgeted rate (<see cref="EacBasis.BudgetRate"/>): no CPI yet.</summary>
    public int LinesEacAtBudgetRate { get; init; }
}

/// <summary>The finance reconciliation: sold vs budget vs actual vs forecast per project, totals per currency.</summary>
public sealed record BudgetReport(DateTimeOffset AsOf, IReadOnlyList<BudgetReportLine> Lines, IReadOnlyList<BudgetCurrencyTotal> Totals)
{
    /// <summary>How many projects are in each RAG (for the portfolio chart).</summary>
    public IReadOnlyDictionary<Rag, int> RagCounts { get; init; } = new Dictionary<Rag, int>();
}
