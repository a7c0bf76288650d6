using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>
/// Builds the budget report from the delivery model and the scored portfolio (its earned value as of the run).
/// A deal without a currency is taken to be in the project's currency (HubSpot then uses the portal's currency).
/// Project lines come by risk (<see cref="ByRisk"/>), then the won deals without a project by deal id.
/// </summary>
public static class BudgetReportBuilder
{
    public static BudgetReport Build(DeliveryModelSnapshot model, PortfolioHealth health)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(health);

        var links = LinkIndex.For(model, health.Links);
        var deals = model.Deals.Where(d => !d.Archived).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var companies = model.Companies.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var projects = model.Projects.Where(p => !p.Archived).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var lines = new List<BudgetReportLine>();

        foreach (var h in health.Projects)
        {
            if (!projects.TryGetValue(h.ProjectId, out var project))
            {
                continue;
            }

            lines.Add(ProjectLine(project, h, links, deals, companies));
        }

        lines.Sort(ByRisk);

        foreach (var deal in deals.Values.Where(d => d.IsClosedWon).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            if (links.Linked(EntityKind.Deal, deal.Id, EntityKind.Project).Any(projects.ContainsKey))
            {
                continue;
            }

            var client = string.Join("; ", links.Linked(EntityKind.Deal, deal.Id, EntityKind.Company)
                .Select(id => companies.TryGetValue(id, out var c) ? c.Name : null).OfType<string>().Order(StringComparer.Ordinal));
            lines.Add(new BudgetReportLine(
                BudgetLineKind.WonDealWithoutProject,
                null,
                null,
                deal.Name,
                client,
                deal.Currency ?? "",
                null,
                Money.Round(deal.Amount),
                null,
                0m,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                [deal.Id],
                [BudgetFlag.WonDealWithoutProject],
                $"deal {deal.Id} is closed won with no project"));
        }

        var totals = lines
            .GroupBy(l => l.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BudgetCurrencyTotal(
                g.Key,
                g.Count(),
                g.Sum(l => l.Sold ?? 0m),
                g.Sum(l => l.Budget ?? 0m),
                g.Sum(l => l.Ac),
                g.Sum(l => l.Eac ?? 0m),
                g.Sum(l => l.Vac ?? 0m),
                g.Sum(l => l.ForecastMargin ?? 0m),
                g.Count(l => l.Kind == BudgetLineKind.Project && l.Eac is null),
                g.Count(l => l.Flags.Count > 0))
            {
                LinesEacAtBudgetRate = g.Count(l => l.EacBasis == EacBasis.BudgetRate),
            })
            .ToList();

        var ragCounts = health.Projects.GroupBy(p => p.Rag).ToDictionary(g => g.Key, g => g.Count());
        return new BudgetReport(health.AsOf, lines, totals) { RagCounts = ragCounts };
    }

    private static BudgetReportLine ProjectLine(
        Project project,
        ProjectHealth h,
        LinkIndex links,
        Dictionary<string, Deal> deals,
        Dictionary<string, Company> companies)
    {
        var ev = h.EarnedValue;
        var linkedDeals = links.Linked(EntityKind.Project, project.Id, EntityKind.Deal)
            .Select(id => deals.GetValueOrDefault(id)).OfType<Deal>().OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var flags = new List<BudgetFlag>();
        var details = new List<string>();

        decimal? sold = null;
        foreach (var deal in linkedDeals.Where(d => d.IsClosedWon))
        {
            var currency = deal.Currency ?? project.Currency;
            if (!string.Equals(currency, project.Currency, StringComparison.OrdinalIgnoreCase))
            {
                AddOnce(flags, BudgetFlag.CurrencyMismatch);
                details.Add($"deal {deal.Id} is in {currency}, the project in {project.Currency}");
                continue;
            }

            sold = (sold ?? 0m) + (deal.Amount ?? 0m);
            if (deal.AmountChangedAt is { } changed && project.BudgetSetAt is { } set && changed > set)
            {
                AddOnce(flags, BudgetFlag.DealAmountChangedAfterBudget);
                details.Add($"deal {deal.Id} amount changed {TextFormat.Date(changed)}, budget set {TextFormat.Date(set)}");
            }
        }

        if (linkedDeals.Count == 0)
        {
            flags.Add(BudgetFlag.ProjectWithoutDeal);
        }
        else if (!linkedDeals.Any(d => d.IsClosedWon))
        {
            flags.Add(BudgetFlag.DealNotWon);
            details.AddRange(linkedDeals.Select(d => $"deal {d.Id} is not won (stage {d.Stage}): nothing sold yet"));
        }

        // Without a CPI (no cost booked yet, or nothing earned for it) the earned-value EAC is unknown; finance still
        // needs a forecast for every budget, so the remaining work is forecast at the budgeted rate (PMBOK: EAC =
        // AC + (BAC − EV)), which is the budget itself while nothing is booked. VAC = Budget − EAC then holds on every
        // line, and so in every total.
        var budget = Money.Round(ev.Bac);
        var basis = ev.Eac is not null ? EacBasis.Cpi : ev.Bac is not null ? EacBasis.BudgetRate : EacBasis.None;
        var eac = basis == EacBasis.BudgetRate ? Money.Round(ev.Ac + ev.Bac!.Value - (ev.Ev ?? 0m)) : Money.Round(ev.Eac);
        var soldRounded = Money.Round(sold);
        decimal? vac = budget is { } b && eac is { } e ? b - e : null;
        decimal? margin = soldRounded is { } s && eac is { } e2 ? s - e2 : null;
        decimal? marginPercent = margin is { } m && soldRounded is > 0m ? Money.RoundPercent(m / soldRounded.Value * 100m) : null;

        if (vac < 0m)
        {
            flags.Add(BudgetFlag.ForecastOverBudget);
        }

        if (budget is { } b2 && soldRounded is { } s2 && b2 > s2)
        {
            flags.Add(BudgetFlag.BudgetExceedsSold);
        }

        if (margin < 0m)
        {
            flags.Add(BudgetFlag.ForecastLoss);
        }

        return new BudgetReportLine(
            BudgetLineKind.Project,
            project.Id,
            project.Code,
            project.Name,
            HealthReport.ClientOf(project, links, companies),
            project.Currency,
            h.Rag,
            soldRounded,
            budget,
            Money.Round(ev.Ac),
            eac,
            vac,
            margin,
            marginPercent,
            Money.RoundPercent(ev.PlannedPercent),
            Money.RoundPercent(ev.EarnedPercent),
            Money.RoundPercent(ev.BurnPercent),
            linkedDeals.Select(d => d.Id).ToList(),
            flags,
            string.Join("; ", details))
        {
            Score = h.Score,
            EacBasis = basis,
        };
    }

    /// <summary>
    /// Riskiest first: project lines by RAG (red, amber, unknown, green), then lowest score, then lowest VAC (the
    /// largest forecast overrun; none last), then project code; won deals without a project after every project, by
    /// deal id.
    /// </summary>
    internal static int ByRisk(BudgetReportLine a, BudgetReportLine b)
    {
        var c = a.Kind.CompareTo(b.Kind);
        if (c != 0 || a.Kind != BudgetLineKind.Project)
        {
            return c != 0 ? c : string.CompareOrdinal(FirstDeal(a), FirstDeal(b));
        }

        c = (b.Rag ?? Rag.Unknown).Severity().CompareTo((a.Rag ?? Rag.Unknown).Severity());
        if (c == 0)
        {
            c = (a.Score ?? decimal.MaxValue).CompareTo(b.Score ?? decimal.MaxValue);
        }

        if (c == 0)
        {
            c = (a.Vac ?? decimal.MaxValue).CompareTo(b.Vac ?? decimal.MaxValue);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.ProjectCode, b.ProjectCode);
        }

        return c != 0 ? c : string.CompareOrdinal(a.ProjectId, b.ProjectId);
    }

    private static string? FirstDeal(BudgetReportLine line) => line.DealIds.Count > 0 ? line.DealIds[0] : null;

    private static void AddOnce(List<BudgetFlag> flags, BudgetFlag flag)
    {
        if (!flags.Contains(flag))
        {
            flags.Add(flag);
        }
    }
}
