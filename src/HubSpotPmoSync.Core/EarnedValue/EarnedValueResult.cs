namespace HubSpotPmoSync.Core.EarnedValue;

/// <summary>How the planned value of a project was derived.</summary>
public enum PlannedValueMethod
{
    /// <summary>No plan: neither weighted milestones nor a start and due date.</summary>
    None,

    /// <summary>Weighted milestones: a milestone's share of the budget is planned on its planned date.</summary>
    Milestones,

    /// <summary>Linear between the start date and the due date (both inclusive).</summary>
    Linear,
}

/// <summary>How the earned value of a project was derived.</summary>
public enum EarnedValueMethod
{
    /// <summary>No budget, so nothing can be earned.</summary>
    None,

    /// <summary>Weighted percent complete of the milestones.</summary>
    Milestones,

    /// <summary>The project's own percent complete.</summary>
    ProjectPercentComplete,
}

/// <summary>
/// The earned-value figures of one project as of a date, unrounded, in the project's currency.
/// A figure that cannot be computed (missing budget, a zero divisor) is null, and <see cref="Notes"/> says why.
/// Formulas as in the PMBOK Guide (6th ed., table 7-1): CV = EV − AC, SV = EV − PV, CPI = EV ÷ AC,
/// SPI = EV ÷ PV, EAC = BAC ÷ CPI, ETC = EAC − AC, VAC = BAC − EAC, TCPI = (BAC − EV) ÷ (BAC − AC).
/// </summary>
public sealed record EarnedValueResult(
    string Currency,
    DateOnly AsOf,
    decimal? Bac,
    decimal? Pv,
    decimal? Ev,
    decimal Ac,
    PlannedValueMethod PlannedValueMethod,
    EarnedValueMethod EarnedValueMethod,
    IReadOnlyDictionary<EarnedValueFigure, string> Notes)
{
    /// <summary>Cost variance EV − AC.</summary>
    public decimal? Cv => Ev is { } ev ? ev - Ac : null;

    /// <summary>Schedule variance EV − PV.</summary>
    public decimal? Sv => Ev is { } ev && Pv is { } pv ? ev - pv : null;

    /// <summary>Cost performance index EV ÷ AC; null when no cost has been booked.</summary>
    public decimal? Cpi { get; init; }

    /// <summary>Schedule performance index EV ÷ PV; null when nothing was planned yet.</summary>
    public decimal? Spi { get; init; }

    /// <summary>Estimate at completion BAC ÷ CPI; null without a CPI or when CPI is 0.</summary>
    public decimal? Eac { get; init; }

    /// <summary>Estimate to complete EAC − AC.</summary>
    public decimal? Etc => Eac is { } eac ? eac - Ac : null;

    /// <summary>Variance at completion BAC − EAC (negative = forecast over budget).</summary>
    public decimal? Vac => Bac is { } bac && Eac is { } eac ? bac - eac : null;

    /// <summary>To-complete performance index (BAC − EV) ÷ (BAC − AC); null once the budget is spent.</summary>
    public decimal? Tcpi { get; init; }

    /// <summary>Planned progress PV ÷ BAC in percent.</summary>
    public decimal? PlannedPercent => Bac is > 0m && Pv is { } pv ? pv / Bac.Value * 100m : null;

    /// <summary>Earned progress EV ÷ BAC in percent.</summary>
    public decimal? EarnedPercent => Bac is > 0m && Ev is { } ev ? ev / Bac.Value * 100m : null;

    /// <summary>Budget burnt AC ÷ BAC in percent.</summary>
    public decimal? BurnPercent => Bac is > 0m ? Ac / Bac.Value * 100m : null;

    /// <summary>Forecast overrun (EAC − BAC) ÷ BAC in percent (negative = under budget).</summary>
    public decimal? ForecastOverrunPercent => Bac is > 0m && Eac is { } eac ? (eac - Bac.Value) / Bac.Value * 100m : null;
}

/// <summary>The figures a note in <see cref="EarnedValueResult.Notes"/> can explain.</summary>
public enum EarnedValueFigure
{
    Bac,
    Pv,
    Ev,
    Cpi,
    Spi,
    Eac,
    Tcpi,
}
