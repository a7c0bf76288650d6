using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>One project row of the health report: rounded figures as shown and pushed.</summary>
public sealed record HealthReportRow(
    string ProjectId,
    string ProjectCode,
    string ProjectName,
    string Client,
    string Status,
    Rag Rag,
    decimal? Score,
    HealthTrend Trend,
    string TopReason,
    string Currency,
    decimal? Bac,
    decimal? Pv,
    decimal? Ev,
    decimal Ac,
    decimal? Cpi,
    decimal? Spi,
    decimal? Eac,
    decimal? Etc,
    decimal? Vac,
    decimal? Tcpi,
    IReadOnlyList<FactorResult> Factors);

/// <summary>The portfolio health report: project rows, and the rollups to deals and companies.</summary>
public sealed record HealthReport(DateTimeOffset AsOf, IReadOnlyList<HealthReportRow> Rows, PortfolioRollup Rollups)
{
    /// <summary>Builds the report; money is rounded to the cent, indices to two decimals (as shown and pushed everywhere).</summary>
    public static HealthReport Build(DeliveryModelSnapshot model, PortfolioHealth health, PortfolioRollup rollups)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(rollups);

        var links = LinkIndex.For(model, health.Links);
        var companies = model.Companies.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var projects = model.Projects.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var rows = new List<HealthReportRow>(health.Projects.Count);
        foreach (var h in health.Projects)
        {
            var ev = h.EarnedValue;
            var project = projects[h.ProjectId];
            rows.Add(new HealthReportRow(
                h.ProjectId,
                h.ProjectCode,
                h.ProjectName,
                ClientOf(project, links, companies),
                project.Status,
                h.Rag,
                h.Score,
                h.Trend,
                h.TopReason,
                ev.Currency,
                Money.Round(ev.Bac),
                Money.Round(ev.Pv),
                Money.Round(ev.Ev),
                Money.Round(ev.Ac),
                EarnedValueIndex.Round(ev.Cpi),
                EarnedValueIndex.Round(ev.Spi),
                Money.Round(ev.Eac),
                Money.Round(ev.Etc),
                ev.Eac is null ? null : Money.Round(ev.Bac!.Value) - Money.Round(ev.Eac.Value),
                EarnedValueIndex.Round(ev.Tcpi),
                h.Factors));
        }

        return new HealthReport(health.AsOf, rows, rollups);
    }

    /// <summary>The client of a project: the companies linked to it, else those of its deals, names joined with "; ".</summary>
    internal static string ClientOf(Project project, LinkIndex links, Dictionary<string, Company> companies)
    {
        IEnumerable<string> ids = links.Linked(EntityKind.Project, project.Id, EntityKind.Company);
        if (!ids.Any())
        {
            ids = links.Linked(EntityKind.Project, project.Id, EntityKind.Deal)
                .SelectMany(d => links.Linked(EntityKind.Deal, d, EntityKind.Company));
        }

        return string.Join("; ", ids.Distinct(StringComparer.Ordinal)
            .Select(id => companies.TryGetValue(id, out var c) ? c.Name : null)
            .OfType<string>()
            .Order(StringComparer.Ordinal));
    }
}
