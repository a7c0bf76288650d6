using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;

namespace HubSpotPmoSync.Core.Rollups;

/// <summary>
/// Rolls project health up to deals and companies. Links are many-to-many: a project linked to two deals counts
/// in both; a project reached through several paths (directly and through deals) counts once per company, and a
/// deal once per company. Amounts in different currencies are never added together: totals are per currency.
/// </summary>
public static class RollupCalculator
{
    public static PortfolioRollup Rollup(DeliveryModelSnapshot model, PortfolioHealth health)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(health);

        var links = LinkIndex.For(model, health.Links);
        var byId = new Dictionary<string, ProjectHealth>(health.Projects.Count, StringComparer.Ordinal);
        foreach (var p in health.Projects)
        {
            byId[p.ProjectId] = p;
        }

        var projects = model.Projects.Where(p => !p.Archived).ToDictionary(p => p.Id, StringComparer.Ordinal);

        // Deals and companies are independent of each other: rolled up in parallel into fixed slots (deterministic order).
        var dealList = model.Deals.Where(d => !d.Archived).OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        var deals = new DealRollup[dealList.Length];
        Parallel.For(0, dealList.Length, i =>
        {
            var deal = dealList[i];
            var members = new List<(Project Project, ProjectHealth Health)>();
            foreach (var id in links.Linked(EntityKind.Deal, deal.Id, EntityKind.Project))
            {
                if (projects.TryGetValue(id, out var p) && byId.TryGetValue(id, out var h))
                {
                    members.Add((p, h));
                }
            }

            members.Sort((a, b) => string.CompareOrdinal(a.Project.Code, b.Project.Code));
            deals[i] = new DealRollup(deal.Id, deal.Name, Ids(members), Worst(members), Lowest(members), Totals(members));
        });

        var companyList = model.Companies.Where(c => !c.Archived).OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
        var companies = new CompanyRollup[companyList.Length];
        Parallel.For(0, companyList.Length, i =>
        {
            var company = companyList[i];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var members = new List<(Project Project, ProjectHealth Health)>();
            var dealIds = new HashSet<string>(StringComparer.Ordinal);

            void Take(string projectId, string? viaDeal)
            {
                if (projects.TryGetValue(projectId, out var p) && p.IsActive && byId.TryGetValue(projectId, out var h))
                {
                    if (viaDeal is not null)
                    {
                        dealIds.Add(viaDeal);
                    }

                    if (seen.Add(projectId))
                    {
                        members.Add((p, h));
                    }
                }
            }

            foreach (var id in links.Linked(EntityKind.Company, company.Id, EntityKind.Project))
            {
                Take(id, null);
            }

            foreach (var dealId in links.Linked(EntityKind.Company, company.Id, EntityKind.Deal))
            {
                foreach (var id in links.Linked(EntityKind.Deal, dealId, EntityKind.Project))
                {
                    Take(id, dealId);
                }
            }

            members.Sort((a, b) => string.CompareOrdinal(a.Project.Code, b.Project.Code));
            var atRisk = 0;
            foreach (var m in members)
            {
                atRisk += m.Health.Rag.IsAtRisk() ? 1 : 0;
            }

            companies[i] = new CompanyRollup(company.Id, company.Name, Ids(members), members.Count, atRisk, dealIds.Count, Worst(members), Lowest(members), Totals(members));
        });

        return new PortfolioRollup(deals, companies);
    }

    private static string[] Ids(List<(Project Project, ProjectHealth Health)> members)
    {
        var ids = new string[members.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = members[i].Project.Id;
        }

        return ids;
    }

    private static Rag Worst(List<(Project Project, ProjectHealth Health)> members)
    {
        if (members.Count == 0)
        {
            return Rag.Unknown;
        }

        var worst = Rag.Green;
        foreach (var m in members)
        {
            worst = worst.Worst(m.Health.Rag);
        }

        return worst;
    }

    private static decimal? Lowest(List<(Project Project, ProjectHealth Health)> members)
    {
        decimal? lowest = null;
        foreach (var m in members)
        {
            if (m.Health.Score is { } s && (lowest is null || s < lowest))
            {
                lowest = s;
            }
        }

        return lowest;
    }

    private static List<CurrencyTotals> Totals(List<(Project Project, ProjectHealth Health)> members)
    {
        // Few currencies per deal or company: a list beats a sorted dictionary here.
        var totals = new List<CurrencyTotals>(1);
        foreach (var (project, health) in members)
        {
            var ev = health.EarnedValue;
            var index = totals.FindIndex(t => string.Equals(t.Currency, project.Currency, StringComparison.Ordinal));
            var t = index >= 0 ? totals[index] : new CurrencyTotals(project.Currency, 0, 0m, 0m, 0m, 0);
            t = t with
            {
                Projects = t.Projects + 1,
                Budget = t.Budget + (Money.Round(ev.Bac) ?? 0m),
                Eac = t.Eac + (Money.Round(ev.Eac) ?? 0m),
                Vac = t.Vac + (ev.Eac is not null ? Money.Round(ev.Bac!.Value) - Money.Round(ev.Eac.Value) : 0m),
                ProjectsWithoutEac = t.ProjectsWithoutEac + (ev.Eac is null ? 1 : 0),
            };
            if (index >= 0)
            {
                totals[index] = t;
            }
            else
            {
                totals.Add(t);
            }
        }

        if (totals.Count > 1)
        {
            totals.Sort((a, b) => string.CompareOrdinal(a.Currency, b.Currency));
        }

        return totals;
    }
}
