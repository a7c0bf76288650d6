using HubSpotPmoSync.Core.EarnedValue;

namespace HubSpotPmoSync.Core.Health;

/// <summary>Red/amber/green; <see cref="Unknown"/> when there is too little data to judge.</summary>
public enum Rag
{
    Unknown,
    Green,
    Amber,
    Red,
}

/// <summary>Direction of a project's score against its recent snapshots.</summary>
public enum HealthTrend
{
    /// <summary>No earlier snapshot with a score, or no score now.</summary>
    Unknown,
    Improving,
    Steady,
    Worsening,
}

/// <summary>Ordering and names of <see cref="Rag"/> values.</summary>
public static class RagExtensions
{
    /// <summary>Severity for worst-of rollups: green 0, unknown 1, amber 2, red 3.</summary>
    /// <remarks>Unknown ranks above green: a portfolio with a project nobody can judge is not "all green".</remarks>
    public static int Severity(this Rag rag) => rag switch
    {
        Rag.Green => 0,
        Rag.Unknown => 1,
        Rag.Amber => 2,
        Rag.Red => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(rag), rag, null),
    };

    /// <summary>The worse of two values.</summary>
    public static Rag Worst(this Rag a, Rag b) => b.Severity() > a.Severity() ? b : a;

    /// <summary>Lower-case name: green, amber, red, unknown.</summary>
    public static string Name(this Rag rag) => rag switch
    {
        Rag.Green => "green",
        Rag.Amber => "amber",
        Rag.Red => "red",
        _ => "unknown",
    };

    /// <summary>Whether the project needs attention (amber or red).</summary>
    public static bool IsAtRisk(this Rag rag) => rag is Rag.Amber or Rag.Red;

    /// <summary>Lower-case name: improving, steady, worsening, unknown.</summary>
    public static string Name(this HealthTrend trend) => trend switch
    {
        HealthTrend.Improving => "improving",
        HealthTrend.Steady => "steady",
        HealthTrend.Worsening => "worsening",
        _ => "unknown",
    };

    /// <summary>Lower-case name of a factor.</summary>
    public static string Name(this HealthFactor factor) => factor switch
    {
        HealthFactor.Schedule => "schedule",
        HealthFactor.Budget => "budget",
        HealthFactor.Tickets => "tickets",
        HealthFactor.Staleness => "staleness",
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };
}

/// <summary>One factor's part in a score.</summary>
/// <param name="HasData">False when the factor could not be judged (it is then left out and the other weights rescaled).</param>
/// <param name="SubScore">0–100, null without data.</param>
/// <param name="Weight">The configured weight.</param>
/// <param name="EffectiveWeight">The weight after rescaling over the factors with data (0 without data).</param>
/// <param name="Contribution">SubScore × EffectiveWeight: the points this factor adds to the score.</param>
/// <param name="Reason">A sentence a person can read, e.g. "Budget: CPI 0.82, forecast 18 % over budget".</param>
public sealed record FactorResult(
    HealthFactor Factor,
    bool HasData,
    decimal? SubScore,
    decimal Weight,
    decimal EffectiveWeight,
    decimal Contribution,
    string Reason)
{
    /// <summary>Points lost against a perfect score, weighted: what makes a factor the top reason.</summary>
    public decimal PointsLost => HasData ? (100m - SubScore!.Value) * EffectiveWeight : 0m;
}

/// <summary>The health of one project as of a moment.</summary>
/// <param name="Score">0–100 rounded to one decimal; null when <see cref="Rag"/> is unknown.</param>
/// <param name="TopReason">The reason of the factor that costs the most points, or "On track".</param>
public sealed record ProjectHealth(
    string ProjectId,
    string ProjectCode,
    string ProjectName,
    DateTimeOffset AsOf,
    decimal? Score,
    Rag Rag,
    IReadOnlyList<FactorResult> Factors,
    EarnedValueResult EarnedValue,
    string TopReason)
{
    /// <summary>The trend against earlier snapshots (set by <see cref="HealthTrendCalculator"/>).</summary>
    public HealthTrend Trend { get; init; } = HealthTrend.Unknown;

    /// <summary>The result of one factor.</summary>
    public FactorResult Factor(HealthFactor factor) => Factors.First(f => f.Factor == factor);
}
