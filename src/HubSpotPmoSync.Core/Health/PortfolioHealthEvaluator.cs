using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>The health of every project in the portfolio as of one moment.</summary>
public sealed record PortfolioHealth(DateTimeOffset AsOf, IReadOnlyList<ProjectHealth> Projects)
{
    /// <summary>The projects keyed by their HubSpot id.</summary>
    public IReadOnlyDictionary<string, ProjectHealth> ById() => Projects.ToDictionary(p => p.ProjectId, StringComparer.Ordinal);
}

/// <summary>
/// Scores the whole portfolio: gathers each project's milestones, time, costs (by project code) and tickets
/// (linked to the project, or to its company — the company linked to the project, else the companies of its deals)
/// and runs <see cref="ProjectHealthCalculator"/>; with history, sets each project's trend.
/// Archived projects are left out. The result is ordered by project code.
/// </summary>
public static class PortfolioHealthEvaluator
{
    public static PortfolioHealth Evaluate(
        DeliveryModelSnapshot model,
        DeliveryData data,
        HealthRules rules,
        DateTimeOffset asOf,
        IEnumerable<HealthSnapshot>? history = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rules);

        var links = new LinkIndex(model.Links);
        var time = GroupByCode(data.TimeEntries, t => t.ProjectCode);
        var costs = GroupByCode(data.CostEntries, c => c.ProjectCode);
        var milestones = GroupByCode(data.Milestones, m => m.ProjectCode);
        var tickets = model.Tickets.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var historyByProject = history?.GroupBy(h => h.ProjectId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var projects = model.Projects.Where(p => !p.Archived).OrderBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();
        var results = new ProjectHealth[projects.Length];

        // Each project is independent; the result does not depend on the order or the partitioning.
        Parallel.For(0, projects.Length, i =>
        {
            var p = projects[i];
            var input = new ProjectHealthInput(
                p,
                milestones.GetValueOrDefault(p.Code) ?? [],
                time.GetValueOrDefault(p.Code) ?? [],
                costs.GetValueOrDefault(p.Code) ?? [],
                TicketsOf(p, links, tickets));
            var health = ProjectHealthCalculator.Evaluate(input, rules, asOf);
            if (historyByProject is not null)
            {
                var past = historyByProject.GetValueOrDefault(p.Id) ?? [];
                health = health with { Trend = HealthTrendCalculator.Trend(health.Score, past, asOf, rules.Trend) };
            }

            results[i] = health;
        });

        return new PortfolioHealth(asOf, results);
    }

    internal static List<Ticket> TicketsOf(Project project, LinkIndex links, Dictionary<string, Ticket> tickets)
    {
        var ids = new HashSet<string>(links.Linked(EntityKind.Project, project.Id, EntityKind.Ticket), StringComparer.Ordinal);
        IEnumerable<string> companies = links.Linked(EntityKind.Project, project.Id, EntityKind.Company);
        if (!companies.Any())
        {
            companies = links.Linked(EntityKind.Project, project.Id, EntityKind.Deal)
                .SelectMany(d => links.Linked(EntityKind.Deal, d, EntityKind.Company))
                .Distinct(StringComparer.Ordinal);
        }

        foreach (var c in companies)
        {
            ids.UnionWith(links.Linked(EntityKind.Company, c, EntityKind.Ticket));
        }

        var list = new List<Ticket>(ids.Count);
        foreach (var id in ids)
        {
            if (tickets.TryGetValue(id, out var t))
            {
                list.Add(t);
            }
        }

        return list;
    }

    private static Dictionary<string, List<T>> GroupByCode<T>(IReadOnlyList<T> items, Func<T, string> code)
    {
        var map = new Dictionary<string, List<T>>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var key = code(item);
            if (!map.TryGetValue(key, out var list))
            {
                list = [];
                map[key] = list;
            }

            list.Add(item);
        }

        return map;
    }
}
