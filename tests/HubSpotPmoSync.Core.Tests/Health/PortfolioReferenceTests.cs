using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Testing.Health;

namespace HubSpotPmoSync.Core.Tests.Health;

/// <summary>
/// Pins the portfolio engine (the evaluator's grouping by project, links, tickets through companies and deals, trend,
/// and the rollups) against a straightforward reference: per project, plain LINQ over the whole model and data
/// (<see cref="Linked"/> scans every link, not the engine's <see cref="LinkIndex"/>), one <see cref="ProjectHealthCalculator.Evaluate(ProjectHealthInput, HealthRules, DateTimeOffset)"/>
/// call, the trend rule and the rollup rules written out as the docs state them. Compared field by field, unrounded,
/// on generated portfolios full of edge cases.
/// </summary>
public sealed class PortfolioReferenceTests
{
    private static readonly HealthRules Rules = HealthRules.Default;

    [Theory]
    [InlineData(1, 300)]
    [InlineData(20260630, 400)]
    public void Evaluate_AndRollup_MatchTheReference(int seed, int projects)
    {
        var portfolio = RandomPortfolio.Generate(seed, projects);
        var (model, data, history, asOf) = (portfolio.Model, portfolio.Data, portfolio.History, portfolio.AsOf);

        var health = PortfolioHealthEvaluator.Evaluate(model, data, Rules, asOf, history);
        var rollup = RollupCalculator.Rollup(model, health);

        var expected = new PortfolioHealth(asOf, ReferenceHealth(portfolio));
        AssertSameLines(HealthDump.Write(expected, ReferenceRollup(model, expected.Projects)), HealthDump.Write(health, rollup));
    }

    [Fact]
    public void Rollup_OfHealthNotFromTheEvaluator_MatchesTheReference()
    {
        var portfolio = RandomPortfolio.Generate(7, 300);
        var scored = PortfolioHealthEvaluator.Evaluate(portfolio.Model, portfolio.Data, Rules, portfolio.AsOf, portfolio.History);

        // Built by hand (no link index or project order attached), in another order: the rollups look everything up.
        var health = new PortfolioHealth(scored.AsOf, [.. scored.Projects.Reverse()]);

        AssertSameLines(
            HealthDump.Write(health, ReferenceRollup(portfolio.Model, health.Projects)),
            HealthDump.Write(health, RollupCalculator.Rollup(portfolio.Model, health)));
    }

    [Fact]
    public void Evaluate_IsTheSameEveryTime()
    {
        var portfolio = RandomPortfolio.Generate(3, 2_000);
        string Run()
        {
            var health = PortfolioHealthEvaluator.Evaluate(portfolio.Model, portfolio.Data, Rules, portfolio.AsOf, portfolio.History);
            return HealthDump.Write(health, RollupCalculator.Rollup(portfolio.Model, health));
        }

        var first = Run();

        Assert.Contains("|Red|", first, StringComparison.Ordinal);
        Assert.Equal(first, Run());
    }

    private static List<ProjectHealth> ReferenceHealth(RandomPortfolio portfolio)
    {
        var (model, data, asOf) = (portfolio.Model, portfolio.Data, portfolio.AsOf);
        var results = new List<ProjectHealth>();
        foreach (var project in model.Projects.Where(p => !p.Archived).OrderBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            bool Ours(string code) => string.Equals(code, project.Code, StringComparison.OrdinalIgnoreCase);

            // Tickets on the project, then on its companies (linked directly, else through its deals), each once; a
            // ticket id given twice in the model is the last one.
            var companies = Linked(model, EntityKind.Project, project.Id, EntityKind.Company).ToList();
            if (companies.Count == 0)
            {
                companies = [.. Linked(model, EntityKind.Project, project.Id, EntityKind.Deal)
                    .SelectMany(d => Linked(model, EntityKind.Deal, d, EntityKind.Company)).Distinct(StringComparer.Ordinal)];
            }

            var tickets = Linked(model, EntityKind.Project, project.Id, EntityKind.Ticket)
                .Concat(companies.SelectMany(c => Linked(model, EntityKind.Company, c, EntityKind.Ticket)))
                .Distinct(StringComparer.Ordinal)
                .Select(id => model.Tickets.LastOrDefault(t => t.Id == id))
                .OfType<Ticket>()
                .ToList();

            var input = new ProjectHealthInput(
                project,
                [.. data.Milestones.Where(m => Ours(m.ProjectCode))],
                [.. data.TimeEntries.Where(t => Ours(t.ProjectCode))],
                [.. data.CostEntries.Where(c => Ours(c.ProjectCode))],
                tickets);
            var health = ProjectHealthCalculator.Evaluate(input, Rules, asOf);
            results.Add(health with { Trend = ReferenceTrend(health.Score, portfolio.History.Where(h => h.ProjectId == project.Id), asOf) });
        }

        return results;
    }

    /// <summary>The trend rule as documented: the score against the mean of the last window of earlier scored snapshots.</summary>
    private static HealthTrend ReferenceTrend(decimal? score, IEnumerable<HealthSnapshot> history, DateTimeOffset asOf)
    {
        var previous = history
            .Where(s => s.AsOf < asOf && s.Score is not null)
            .OrderByDescending(s => s.AsOf)
            .ThenByDescending(s => s.RunAt)
            .Take(Rules.Trend.Window)
            .Select(s => s.Score!.Value)
            .ToList();
        if (score is null || previous.Count == 0)
        {
            return HealthTrend.Unknown;
        }

        var delta = score.Value - previous.Average();
        return delta > Rules.Trend.DeadBand ? HealthTrend.Improving : delta < -Rules.Trend.DeadBand ? HealthTrend.Worsening : HealthTrend.Steady;
    }

    /// <summary>The rollup rules as documented (docs/health.md, "Rollups"), with LINQ over the whole model.</summary>
    private static PortfolioRollup ReferenceRollup(DeliveryModelSnapshot model, IReadOnlyList<ProjectHealth> healths)
    {
        var live = model.Projects.Where(p => !p.Archived).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var scored = new Dictionary<string, ProjectHealth>(StringComparer.Ordinal);
        foreach (var h in healths)
        {
            scored[h.ProjectId] = h;
        }

        List<(Project Project, ProjectHealth Health)> Members(IEnumerable<string> ids) => [.. ids
            .Where(id => live.ContainsKey(id) && scored.ContainsKey(id))
            .Select(id => (live[id], scored[id]))
            .OrderBy(m => m.Item1.Code, StringComparer.Ordinal)];

        var deals = model.Deals.Where(d => !d.Archived).OrderBy(d => d.Id, StringComparer.Ordinal).Select(d =>
        {
            var members = Members(Linked(model, EntityKind.Deal, d.Id, EntityKind.Project));
            return new DealRollup(d.Id, d.Name, [.. members.Select(m => m.Project.Id)], Worst(members), members.Min(m => m.Health.Score), Totals(members));
        }).ToList();

        var companies = model.Companies.Where(c => !c.Archived).OrderBy(c => c.Id, StringComparer.Ordinal).Select(c =>
        {
            bool Active(string id) => live.TryGetValue(id, out var p) && p.IsActive && scored.ContainsKey(id);
            var viaDeals = Linked(model, EntityKind.Company, c.Id, EntityKind.Deal)
                .SelectMany(d => Linked(model, EntityKind.Deal, d, EntityKind.Project).Where(Active).Select(p => (Deal: d, Project: p)))
                .ToList();
            var members = Members(Linked(model, EntityKind.Company, c.Id, EntityKind.Project).Where(Active)
                .Concat(viaDeals.Select(v => v.Project)).Distinct(StringComparer.Ordinal));
            return new CompanyRollup(
                c.Id,
                c.Name,
                [.. members.Select(m => m.Project.Id)],
                members.Count,
                members.Count(m => m.Health.Rag.IsAtRisk()),
                viaDeals.Select(v => v.Deal).Distinct(StringComparer.Ordinal).Count(),
                Worst(members),
                members.Min(m => m.Health.Score),
                Totals(members));
        }).ToList();

        return new PortfolioRollup(deals, companies);
    }

    /// <summary>Ids of the <paramref name="to"/> entities linked to the entity (either link direction), each once: a scan of every link.</summary>
    private static IEnumerable<string> Linked(DeliveryModelSnapshot model, EntityKind from, string id, EntityKind to) =>
        model.Links.Where(l => l.From == from && l.FromId == id && l.To == to).Select(l => l.ToId)
            .Concat(model.Links.Where(l => l.To == from && l.ToId == id && l.From == to).Select(l => l.FromId))
            .Distinct(StringComparer.Ordinal);

    private static Rag Worst(List<(Project Project, ProjectHealth Health)> members) =>
        members.Count == 0 ? Rag.Unknown : members.Aggregate(Rag.Green, (worst, m) => worst.Worst(m.Health.Rag));

    private static List<CurrencyTotals> Totals(List<(Project Project, ProjectHealth Health)> members) => [.. members
        .GroupBy(m => m.Project.Currency, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new CurrencyTotals(
            g.Key,
            g.Count(),
            g.Sum(m => Money.Round(m.Health.EarnedValue.Bac) ?? 0m),
            g.Sum(m => Money.Round(m.Health.EarnedValue.Eac) ?? 0m),
            g.Sum(m => m.Health.EarnedValue.Eac is { } eac ? Money.Round(m.Health.EarnedValue.Bac!.Value) - Money.Round(eac) : 0m),
            g.Count(m => m.Health.EarnedValue.Eac is null)))];

    /// <summary>Equal texts, or the first differing line with its number.</summary>
    private static void AssertSameLines(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            Assert.True(e[i] == a[i], $"line {i + 1} differs:\n  reference: {e[i]}\n  engine:    {a[i]}");
        }

        Assert.Equal(e.Length, a.Length);
    }
}
