using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>The health of every project in the portfolio as of one moment.</summary>
public sealed record PortfolioHealth(DateTimeOffset AsOf, IReadOnlyList<ProjectHealth> Projects)
{
    /// <summary>The link index built while scoring, reused by rollups and reports over the same snapshot.</summary>
    internal LinkIndex? Links { get; init; }

    /// <summary>The projects as scored (for rollups over the same snapshot), when this result came from the evaluator.</summary>
    internal ScoredProjects? Scored { get; init; }

    /// <summary>The projects keyed by their HubSpot id.</summary>
    public IReadOnlyDictionary<string, ProjectHealth> ById() => Projects.ToDictionary(p => p.ProjectId, StringComparer.Ordinal);
}

/// <summary>
/// Scores the whole portfolio: gathers each project's milestones, time, costs (by project code) and tickets
/// (linked to the project, or to its company — the company linked to the project, else the companies of its deals)
/// and runs <see cref="ProjectHealthCalculator"/>; with history, sets each project's trend.
/// Archived projects are left out, and so are projects that did not exist yet on the as-of day (created in HubSpot
/// and started after it, see <see cref="Project.ExistsOn"/>). The result is ordered by project code.
/// </summary>
/// <remarks>
/// Everything is grouped by project once, up front (time entries, milestones and snapshots by a project number,
/// links as numbers, each ticket's weight worked out once), so scoring a project scans nothing else and allocates
/// only its result. Projects are scored in parallel into fixed slots: the result does not depend on the threads.
/// </remarks>
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

        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        LinkIndex? links = null;
        Project[]? projects = null;
        Parallel.Invoke(() => links = LinkIndex.Of(model), () => projects = Sorted(model.Projects, day));
        var count = projects!.Length;

        // Project numbers (positions in code order). Time, costs and milestones name a project by code (ignoring case),
        // snapshots by id; a project sharing its code or id with an earlier one reads that one's group.
        var byCode = new Dictionary<string, int>(count, StringComparer.OrdinalIgnoreCase);
        var byId = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var codeGroup = new int[count];
        var idGroup = new int[count];
        var uniqueIds = true;
        for (var i = 0; i < count; i++)
        {
            codeGroup[i] = byCode.TryAdd(projects[i].Code, i) ? i : byCode[projects[i].Code];
            idGroup[i] = byId.TryAdd(projects[i].Id, i) ? i : byId[projects[i].Id];
            uniqueIds &= idGroup[i] == i;
        }

        var entries = data.TimeEntries;
        var entryProject = new int[entries.Count];
        Groups<Milestone>? milestones = null;
        Groups<HealthSnapshot>? snapshots = null;
        TicketLoad[]? tickets = null;
        var half = entries.Count / 2;
        Parallel.Invoke(
            () => Locate(entries, 0, half, byCode, day, entryProject),
            () => Locate(entries, half, entries.Count, byCode, day, entryProject),
            () => milestones = new Groups<Milestone>(data.Milestones, count, m => m.ProjectCode, byCode),
            () => snapshots = history is null ? null : new Groups<HealthSnapshot>(history as IReadOnlyList<HealthSnapshot> ?? [.. history], count, h => h.ProjectId, byId),
            () => tickets = TicketLoads(model.Tickets, links!, rules.Tickets, asOf));

        var (actualCost, lastEntry) = Actuals(entries, entryProject, data.CostEntries, byCode, day, count);
        var tables = new ScoringTables(rules, share: true);
        var results = new ProjectHealth[count];
        var linkNumbers = new int[count];
        Partitioned.For(count, () => new Scratch(links!), (i, scratch) =>
        {
            var p = projects[i];
            var number = linkNumbers[i] = links!.IndexOf(EntityKind.Project, p.Id);
            var summary = TicketsOf(number, links, tickets!, scratch, i + 1);
            var actuals = new ProjectActuals(actualCost[i], lastEntry[i] == 0 ? null : DateOnly.FromDayNumber(lastEntry[i] - 1));
            var past = snapshots is null ? [] : snapshots[idGroup[i]];
            results[i] = ProjectHealthCalculator.Evaluate(p, milestones![codeGroup[i]], summary, actuals, past, tables, asOf);
        });

        return new PortfolioHealth(asOf, results)
        {
            Links = links,
            Scored = new ScoredProjects(model.Projects, projects, linkNumbers, results, uniqueIds),
        };
    }

    /// <summary>The projects that are not archived and existed on the day (<see cref="Project.ExistsOn"/>), by code, then id (ordinal).</summary>
    private static Project[] Sorted(IReadOnlyList<Project> all, DateOnly day)
    {
        var live = new List<Project>(all.Count);
        foreach (var p in all)
        {
            if (!p.Archived && p.ExistsOn(day))
            {
                live.Add(p);
            }
        }

        var codes = new string[live.Count];
        var ids = new string[live.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = live[i].Code;
            ids[i] = live[i].Id;
        }

        var order = OrdinalOrder.Of(codes, ids);
        var sorted = new Project[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            sorted[i] = live[order[i]];
        }

        return sorted;
    }

    /// <summary>The project number of each time entry in [from, to) dated on or before the day; −1 for the others.</summary>
    private static void Locate(IReadOnlyList<TimeEntry> entries, int from, int to, Dictionary<string, int> byCode, DateOnly day, int[] project)
    {
        string? lastCode = null;
        var last = -1;
        for (var e = from; e < to; e++)
        {
            var t = entries[e];
            if (t.Date > day)
            {
                project[e] = -1;
                continue;
            }

            if (!string.Equals(t.ProjectCode, lastCode, StringComparison.Ordinal))
            {
                lastCode = t.ProjectCode;
                last = byCode.TryGetValue(lastCode, out var i) ? i : -1;
            }

            project[e] = last;
        }
    }

    /// <summary>
    /// Actual cost (time entries in their order, then cost entries) and the last time entry's day + 1 (0: none) per
    /// project. The projects are split into contiguous ranges summed in parallel, each project's sum in entry order.
    /// </summary>
    private static (decimal[] ActualCost, int[] LastEntry) Actuals(
        IReadOnlyList<TimeEntry> entries,
        int[] entryProject,
        IReadOnlyList<CostEntry> costs,
        Dictionary<string, int> byCode,
        DateOnly day,
        int count)
    {
        var actualCost = new decimal[count];
        var lastEntry = new int[count];
        var ranges = Math.Clamp(Environment.ProcessorCount, 1, 8);
        Parallel.For(0, ranges, r =>
        {
            var low = (int)((long)count * r / ranges);
            var high = (int)((long)count * (r + 1) / ranges);
            for (var e = 0; e < entryProject.Length; e++)
            {
                var i = entryProject[e];
                if (i >= low && i < high)
                {
                    var t = entries[e];
                    actualCost[i] += t.Hours * t.CostRate;
                    lastEntry[i] = Math.Max(lastEntry[i], t.Date.DayNumber + 1);
                }
            }
        });

        foreach (var c in costs)
        {
            if (c.Date <= day && byCode.TryGetValue(c.ProjectCode, out var i))
            {
                actualCost[i] += c.Amount;
            }
        }

        return (actualCost, lastEntry);
    }

    /// <summary>What each ticket (by its link number) adds to a tickets factor; a ticket id given twice: the last one.</summary>
    private static TicketLoad[] TicketLoads(IReadOnlyList<Ticket> tickets, LinkIndex links, TicketRules rules, DateTimeOffset asOf)
    {
        var loads = new TicketLoad[links.Count(EntityKind.Ticket)];
        foreach (var t in tickets)
        {
            var n = links.IndexOf(EntityKind.Ticket, t.Id);
            if (n >= 0)
            {
                loads[n] = TicketLoad.Of(t, rules, asOf);
            }
        }

        return loads;
    }

    /// <summary>
    /// The tickets of a project (by its link number), each once: those linked to it, then those of its companies (the
    /// companies linked to it, else those of its deals, in the order found).
    /// </summary>
    private static TicketSummary TicketsOf(int project, LinkIndex links, TicketLoad[] loads, Scratch scratch, int stamp)
    {
        var summary = default(TicketSummary);
        if (project < 0)
        {
            return summary;
        }

        void Take(ReadOnlySpan<int> tickets, ref TicketSummary summary)
        {
            foreach (var t in tickets)
            {
                if (scratch.Tickets[t] != stamp)
                {
                    scratch.Tickets[t] = stamp;
                    summary.Add(loads[t]);
                }
            }
        }

        Take(links.Linked(EntityKind.Project, project, EntityKind.Ticket), ref summary);
        var companies = links.Linked(EntityKind.Project, project, EntityKind.Company);
        if (!companies.IsEmpty)
        {
            foreach (var c in companies)
            {
                Take(links.Linked(EntityKind.Company, c, EntityKind.Ticket), ref summary);
            }

            return summary;
        }

        foreach (var d in links.Linked(EntityKind.Project, project, EntityKind.Deal))
        {
            foreach (var c in links.Linked(EntityKind.Deal, d, EntityKind.Company))
            {
                if (scratch.Companies[c] != stamp)
                {
                    scratch.Companies[c] = stamp;
                    Take(links.Linked(EntityKind.Company, c, EntityKind.Ticket), ref summary);
                }
            }
        }

        return summary;
    }

    /// <summary>One thread's marks of the tickets and companies already counted for a project (by the project's stamp).</summary>
    private sealed class Scratch(LinkIndex links)
    {
        public int[] Tickets { get; } = new int[links.Count(EntityKind.Ticket)];

        public int[] Companies { get; } = new int[links.Count(EntityKind.Company)];
    }
}

/// <summary>
/// The projects of an evaluation, position by position with its results: the project, its link number (−1 without
/// links), and whether the ids are unique. Lets the rollups skip looking projects up again.
/// </summary>
/// <param name="Source">The model's project list the evaluation read.</param>
internal sealed record ScoredProjects(IReadOnlyList<Project> Source, Project[] Projects, int[] LinkNumbers, ProjectHealth[] Results, bool UniqueIds);
