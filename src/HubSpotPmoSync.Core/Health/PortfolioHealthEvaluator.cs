using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>The health of every project in the portfolio as of one moment.</summary>
public sealed record PortfolioHealth(DateTimeOffset AsOf, IReadOnlyList<ProjectHealth> Projects)
{
    /// <summary>The link index built while scoring, reused by rollups and reports over the same snapshot.</summary>
    internal LinkIndex? Links { get; init; }

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
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var projects = model.Projects.Where(p => !p.Archived).OrderBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();

        // Sum time and costs per project in one pass over the entries (no per-project lists): this is most of the work.
        var indexByCode = new Dictionary<string, int>(projects.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < projects.Length; i++)
        {
            indexByCode.TryAdd(projects[i].Code, i);
        }

        var actualCost = new decimal[projects.Length];
        var lastEntry = new int[projects.Length];
        foreach (var t in data.TimeEntries)
        {
            if (t.Date <= day && indexByCode.TryGetValue(t.ProjectCode, out var i))
            {
                actualCost[i] += t.Hours * t.CostRate;
                lastEntry[i] = Math.Max(lastEntry[i], t.Date.DayNumber + 1);
            }
        }

        foreach (var c in data.CostEntries)
        {
            if (c.Date <= day && indexByCode.TryGetValue(c.ProjectCode, out var i))
            {
                actualCost[i] += c.Amount;
            }
        }

        var milestones = new Dictionary<string, List<Milestone>>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in data.Milestones)
        {
            if (!milestones.TryGetValue(m.ProjectCode, out var list))
            {
                list = [];
                milestones[m.ProjectCode] = list;
            }

            list.Add(m);
        }

        var tickets = new Dictionary<string, Ticket>(model.Tickets.Count, StringComparer.Ordinal);
        foreach (var t in model.Tickets)
        {
            tickets[t.Id] = t;
        }

        var historyByProject = history?.GroupBy(h => h.ProjectId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var results = new ProjectHealth[projects.Length];

        // Each project is independent; the result does not depend on the order or the partitioning.
        Parallel.For(0, projects.Length, i =>
        {
            var p = projects[i];
            var actuals = new ProjectActuals(actualCost[i], lastEntry[i] == 0 ? null : DateOnly.FromDayNumber(lastEntry[i] - 1));
            var health = ProjectHealthCalculator.Evaluate(p, milestones.GetValueOrDefault(p.Code) ?? [], TicketsOf(p, links, tickets), actuals, rules, asOf);
            if (historyByProject is not null)
            {
                var past = historyByProject.GetValueOrDefault(p.Id) ?? [];
                health = health with { Trend = HealthTrendCalculator.Trend(health.Score, past, asOf, rules.Trend) };
            }

            results[i] = health;
        });

        return new PortfolioHealth(asOf, results) { Links = links };
    }

    internal static IReadOnlyList<Ticket> TicketsOf(Project project, LinkIndex links, Dictionary<string, Ticket> tickets)
    {
        var direct = links.Linked(EntityKind.Project, project.Id, EntityKind.Ticket);
        IReadOnlyList<string> companies = links.Linked(EntityKind.Project, project.Id, EntityKind.Company);
        if (companies.Count == 0)
        {
            var viaDeals = new List<string>();
            foreach (var d in links.Linked(EntityKind.Project, project.Id, EntityKind.Deal))
            {
                foreach (var c in links.Linked(EntityKind.Deal, d, EntityKind.Company))
                {
                    if (!viaDeals.Contains(c, StringComparer.Ordinal))
                    {
                        viaDeals.Add(c);
                    }
                }
            }

            companies = viaDeals;
        }

        List<Ticket>? list = null;
        HashSet<string>? seen = null;
        void Take(string id)
        {
            if (tickets.TryGetValue(id, out var t) && (seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(id))
            {
                (list ??= []).Add(t);
            }
        }

        foreach (var id in direct)
        {
            Take(id);
        }

        foreach (var c in companies)
        {
            foreach (var id in links.Linked(EntityKind.Company, c, EntityKind.Ticket))
            {
                Take(id);
            }
        }

        return (IReadOnlyList<Ticket>?)list ?? [];
    }
}
