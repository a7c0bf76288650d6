using System.Globalization;
using System.Text;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;

namespace HubSpotPmoSync.Testing.Health;

/// <summary>
/// Every field of a scoring run as text, unrounded (decimals keep their scale), one line per record: two runs
/// produce the same text exactly when they produce the same result. Used to pin the engine's output.
/// </summary>
public static class HealthDump
{
    /// <summary>The whole run: projects with factors and earned value, then deal and company rollups.</summary>
    public static string Write(PortfolioHealth health, PortfolioRollup? rollup)
    {
        ArgumentNullException.ThrowIfNull(health);
        var sb = new StringBuilder();
        sb.Append("asOf ").Append(health.AsOf.ToString("O", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var p in health.Projects)
        {
            Project(sb, p);
        }

        if (rollup is not null)
        {
            foreach (var d in rollup.Deals)
            {
                Line(sb, "D", d.DealId, d.DealName, string.Join(",", d.ProjectIds), d.ProjectCount, d.WorstRag, d.LowestScore);
                Totals(sb, d.Totals);
            }

            foreach (var c in rollup.Companies)
            {
                Line(sb, "C", c.CompanyId, c.CompanyName, string.Join(",", c.ProjectIds), c.ActiveProjects, c.AtRiskProjects, c.DealCount, c.WorstRag, c.LowestScore);
                Totals(sb, c.Totals);
            }
        }

        return sb.ToString();
    }

    /// <summary>One project: its line, its factors, its earned value and the earned-value notes.</summary>
    public static string Project(ProjectHealth project)
    {
        var sb = new StringBuilder();
        Project(sb, project);
        return sb.ToString();
    }

    private static void Project(StringBuilder sb, ProjectHealth p)
    {
        ArgumentNullException.ThrowIfNull(p);
        Line(sb, "P", p.ProjectId, p.ProjectCode, p.ProjectName, p.AsOf.ToString("O", CultureInfo.InvariantCulture), p.Score, p.Rag, p.Trend, p.TopReason);
        foreach (var f in p.Factors)
        {
            Line(sb, " F", f.Factor, f.HasData, f.SubScore, f.Weight, f.EffectiveWeight, f.Contribution, f.PointsLost, f.Reason);
        }

        var e = p.EarnedValue;
        Line(sb, " E", e.Currency, e.AsOf.ToString("O", CultureInfo.InvariantCulture), e.Bac, e.Pv, e.Ev, e.Ac, e.PlannedValueMethod, e.EarnedValueMethod,
            e.Cpi, e.Spi, e.Eac, e.Tcpi, e.Cv, e.Sv, e.Etc, e.Vac, e.PlannedPercent, e.EarnedPercent, e.BurnPercent, e.ForecastOverrunPercent);
        foreach (var figure in Enum.GetValues<EarnedValueFigure>())
        {
            if (e.Notes.TryGetValue(figure, out var note))
            {
                Line(sb, " N", figure, note);
            }
        }

        Line(sb, " N#", e.Notes.Count);
    }

    private static void Totals(StringBuilder sb, IReadOnlyList<CurrencyTotals> totals)
    {
        foreach (var t in totals)
        {
            Line(sb, " T", t.Currency, t.Projects, t.Budget, t.Eac, t.Vac, t.ProjectsWithoutEac);
        }
    }

    private static void Line(StringBuilder sb, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('|');
            }

            sb.Append(values[i] switch
            {
                null => "null",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            });
        }

        sb.Append('\n');
    }
}
