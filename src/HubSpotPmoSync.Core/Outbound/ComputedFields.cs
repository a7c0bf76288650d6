using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.WriteBack;
using static HubSpotPmoSync.Core.WriteBack.ProductSchema;

namespace HubSpotPmoSync.Core.Outbound;

/// <summary>
/// The values the product computes for HubSpot, keyed by the local field names the mappings use
/// (<c>health_status</c>, <c>delivery_health</c> …), as HubSpot strings: numbers invariant with a fixed number of
/// decimals, enumerations in lower case, null where nothing can be said. Pure: the same inputs give the same strings,
/// so an unchanged portfolio produces no write. Field names are those of <see cref="WriteBack.ProductSchema"/>; the
/// local field of a computed value carries the same name as the HubSpot property the product creates for it.
/// </summary>
public static class ComputedFields
{
    /// <summary>How a rollup reason names the projects that have no currency.</summary>
    private const string NoCurrency = "no currency";

    /// <summary>Values per record of each kind: kind → record id → local field → HubSpot string.</summary>
    public static IReadOnlyDictionary<EntityKind, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>> Compute(
        DeliveryModelSnapshot model, PortfolioHealth health, PortfolioRollup rollup, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(rollup);
        var byId = health.ById();
        var active = model.Projects.Where(p => p.IsActive).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);

        var projects = health.Projects.ToDictionary(
            p => p.ProjectId,
            p => (IReadOnlyDictionary<string, string?>)ForProject(p, asOf),
            StringComparer.Ordinal);

        var deals = rollup.Deals.ToDictionary(
            d => d.DealId,
            d => (IReadOnlyDictionary<string, string?>)ForRollup(d.WorstRag, d.ProjectIds, d.ProjectIds.Count(active.Contains), d.Totals, byId),
            StringComparer.Ordinal);

        var companies = rollup.Companies.ToDictionary(
            c => c.CompanyId,
            c => (IReadOnlyDictionary<string, string?>)ForCompany(c, byId),
            StringComparer.Ordinal);

        return new Dictionary<EntityKind, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>>
        {
            [EntityKind.Project] = projects,
            [EntityKind.Deal] = deals,
            [EntityKind.Company] = companies,
        };
    }

    private static Dictionary<string, string?> ForProject(ProjectHealth p, DateTimeOffset asOf)
    {
        var ev = p.EarnedValue;
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [HealthStatus] = p.Rag.Name(),
            [HealthScore] = Fixed(p.Score, 1),
            [HealthReasons] = Reasons(p),
            [ProductSchema.HealthTrend] = p.Trend == Core.Health.HealthTrend.Unknown ? null : p.Trend.Name(),
            [HealthBudget] = Fixed(ev.Bac, 2),
            [HealthActualCost] = Fixed(ev.Ac, 2),
            [HealthEac] = Fixed(ev.Eac, 2),
            [HealthCpi] = Index(ev.Cpi),
            [HealthSpi] = Index(ev.Spi),
            [LastSyncedAt] = asOf.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static Dictionary<string, string?> ForCompany(CompanyRollup c, IReadOnlyDictionary<string, ProjectHealth> byId)
    {
        var values = ForRollup(c.WorstRag, c.ProjectIds, c.ActiveProjects, c.Totals, byId);
        values[AtRiskProjects] = c.AtRiskProjects.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    private static Dictionary<string, string?> ForRollup(
        Rag worst, IReadOnlyList<string> projectIds, int active, IReadOnlyList<CurrencyTotals> totals, IReadOnlyDictionary<string, ProjectHealth> byId)
    {
        var projects = projectIds.Select(id => byId.GetValueOrDefault(id)).OfType<ProjectHealth>().ToList();
        var atRisk = projects.Count(p => p.Rag is Rag.Red or Rag.Amber);
        var worstProject = projects
            .OrderByDescending(p => p.Rag.Severity())
            .ThenBy(p => p.Score ?? decimal.MaxValue)
            .ThenBy(p => p.ProjectCode, StringComparer.Ordinal)
            .FirstOrDefault();

        string reason;
        if (worstProject is null)
        {
            reason = "No projects";
        }
        else
        {
            var counts = string.Join(", ", projects.GroupBy(p => p.Rag).OrderByDescending(g => g.Key.Severity()).Select(g => $"{g.Count()} {g.Key.Name()}"));
            reason = $"{projects.Count} project{(projects.Count == 1 ? "" : "s")} ({counts}); worst {worstProject.ProjectCode}: {worstProject.TopReason}";
        }

        // A single number property cannot hold several currencies: the variance is given only when every project
        // shares one currency; otherwise the reason lists the variance per currency and the number stays empty.
        string? variance = null;
        var withVac = totals.Where(t => t.Projects > t.ProjectsWithoutEac).ToList();
        if (totals.Count == 1 && withVac.Count == 1)
        {
            variance = Fixed(withVac[0].Vac, 2);
        }
        else if (totals.Count > 1)
        {
            // The currencies by code, then the projects without a currency under a label of their own (an empty code
            // would read as a stray space in HubSpot).
            reason += "; variance by currency: " + string.Join(", ", totals
                .OrderBy(t => t.Currency.Length == 0)
                .ThenBy(t => t.Currency, StringComparer.Ordinal)
                .Select(t => $"{(t.Currency.Length == 0 ? NoCurrency : t.Currency)} {t.Vac.ToString("0.00", CultureInfo.InvariantCulture)}"));
        }

        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [DeliveryHealth] = worst.Name(),
            [DeliveryHealthReason] = Truncate(reason, 1000),
            [ActiveProjects] = active.ToString(CultureInfo.InvariantCulture),
            [AtRiskProjects] = atRisk.ToString(CultureInfo.InvariantCulture),
            [BudgetVariance] = variance,
        };
    }

    private static string Reasons(ProjectHealth p)
    {
        var lines = p.Factors.Where(f => f.HasData).OrderByDescending(f => f.PointsLost).Select(f => f.Reason).ToList();
        return Truncate(lines.Count == 0 ? p.TopReason : string.Join("\n", lines), 4000);
    }

    private static string? Fixed(decimal? value, int decimals) =>
        value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    /// <summary>An index as shown everywhere (<see cref="EarnedValueIndex"/>).</summary>
    private static string? Index(decimal? value) =>
        EarnedValueIndex.Round(value) is { } v ? v.ToString("F" + EarnedValueIndex.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
