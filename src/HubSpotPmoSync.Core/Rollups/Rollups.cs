using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Rollups;

/// <summary>Money totals of several projects in one currency (amounts rounded to the cent per project, then summed).</summary>
/// <param name="Projects">Projects counted in this currency.</param>
/// <param name="Budget">Sum of the budgets (BAC) that are set.</param>
/// <param name="Eac">Sum of the estimates at completion that could be computed.</param>
/// <param name="Vac">Sum of the variances at completion (BAC − EAC) that could be computed; negative = overrun.</param>
/// <param name="ProjectsWithoutEac">Projects whose EAC is unknown (no budget, no cost yet or CPI 0): not in Eac/Vac.</param>
public sealed record CurrencyTotals(string Currency, int Projects, decimal Budget, decimal Eac, decimal Vac, int ProjectsWithoutEac);

/// <summary>A deal's delivery health: its projects rolled up.</summary>
/// <param name="WorstRag">Worst RAG of its projects (red, amber, unknown, green); unknown without projects.</param>
/// <param name="LowestScore">The lowest known score of its projects.</param>
/// <param name="ProjectIds">The projects counted, in code order.</param>
public sealed record DealRollup(
    string DealId,
    string DealName,
    IReadOnlyList<string> ProjectIds,
    Rag WorstRag,
    decimal? LowestScore,
    IReadOnlyList<CurrencyTotals> Totals)
{
    public int ProjectCount => ProjectIds.Count;
}

/// <summary>A company's delivery health: its active projects rolled up.</summary>
/// <param name="ActiveProjects">Active projects linked to the company directly or through one of its deals.</param>
/// <param name="AtRiskProjects">Those of them amber or red.</param>
/// <param name="DealCount">Distinct deals of the company that have at least one of these projects.</param>
public sealed record CompanyRollup(
    string CompanyId,
    string CompanyName,
    IReadOnlyList<string> ProjectIds,
    int ActiveProjects,
    int AtRiskProjects,
    int DealCount,
    Rag WorstRag,
    decimal? LowestScore,
    IReadOnlyList<CurrencyTotals> Totals);

/// <summary>All rollups of one scoring run.</summary>
public sealed record PortfolioRollup(IReadOnlyList<DealRollup> Deals, IReadOnlyList<CompanyRollup> Companies);
