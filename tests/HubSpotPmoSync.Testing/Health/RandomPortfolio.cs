using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Testing.Health;

/// <summary>A generated portfolio with everything the health engine reads, as of one moment.</summary>
public sealed record RandomPortfolio(DeliveryModelSnapshot Model, DeliveryData Data, IReadOnlyList<HealthSnapshot> History, DateTimeOffset AsOf)
{
    private static readonly AssociationKind Default = new(AssociationKind.HubSpotDefined, 1, null);
    private static readonly string[] Statuses = ["active", "active", "active", "planned", "on_hold", "completed", "cancelled", "closed"];
    private static readonly string?[] Priorities = ["LOW", "MEDIUM", "HIGH", "URGENT", "high", "Urgent", null];
    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];

    /// <summary>
    /// A seeded portfolio full of edge cases: archived records, projects without budget, dates or milestones,
    /// budgets of 0 or below, milestones of weight 0, data dated after the as-of moment, project codes in another
    /// case, costs, tickets closed before or after as-of, links in both directions (some twice, some to missing
    /// records), projects reaching a company only through their deals, and snapshots before and after as-of.
    /// Project codes are unique (ignoring case).
    /// </summary>
    public static RandomPortfolio Generate(int seed, int projectCount)
    {
        var random = new Random(seed);
        var asOf = new DateTimeOffset(2026, 6, 30, 18, 0, 0, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(asOf.UtcDateTime);
        var companyCount = Math.Max(1, projectCount / 4);
        var dealCount = Math.Max(1, projectCount * 3 / 2);
        var links = new List<DeliveryLink>();
        void Link(EntityKind from, string fromId, EntityKind to, string toId) => links.Add(new DeliveryLink(from, fromId, to, toId, [Default]));
        bool Chance(int percent) => random.Next(100) < percent;
        string Id(string prefix, int n) => prefix + n.ToString(CultureInfo.InvariantCulture);

        var companies = new List<Company>(companyCount);
        for (var c = 0; c < companyCount; c++)
        {
            companies.Add(new Company(Id("c", c), "Client " + Id("", c), Archived: Chance(5)));
        }

        var deals = new List<Deal>(dealCount);
        for (var d = 0; d < dealCount; d++)
        {
            deals.Add(new Deal(Id("d", d), "Deal " + Id("", d), "default", "closedwon", 1_000m + random.Next(0, 90_000), Chance(10) ? null : Currencies[random.Next(3)], IsClosedWon: true, Archived: Chance(5)));
            if (Chance(90))
            {
                Link(EntityKind.Deal, Id("d", d), EntityKind.Company, Id("c", random.Next(companyCount)));
            }
        }

        var projects = new List<Project>(projectCount);
        var milestones = new List<Milestone>();
        for (var p = 0; p < projectCount; p++)
        {
            var id = Id("p", p);
            var code = "PRJ-" + p.ToString("D5", CultureInfo.InvariantCulture);
            DateOnly? start = Chance(90) ? today.AddDays(random.Next(-200, 30)) : null;
            DateOnly? due = start is { } s && Chance(90) ? s.AddDays(random.Next(-10, 250)) : null;
            decimal? budget = random.Next(20) switch
            {
                0 => null,
                1 => 0m,
                2 => -500m,
                _ => random.Next(1_000, 200_000) + random.Next(100) / 100m,
            };
            DateTimeOffset? updated = Chance(80) ? asOf.AddHours(-random.Next(-48, 24 * 60)) : null;
            projects.Add(new Project(id, code, "Project " + code, Statuses[random.Next(Statuses.Length)], start, due, budget, Currencies[random.Next(3)],
                random.Next(0, 1001) / 10m, Archived: Chance(4), UpdatedAt: updated));

            switch (random.Next(10))
            {
                case < 5:
                    Link(EntityKind.Deal, Id("d", random.Next(dealCount)), EntityKind.Project, id);
                    break;
                case < 8:
                    Link(EntityKind.Project, id, EntityKind.Deal, Id("d", random.Next(dealCount)));
                    Link(EntityKind.Deal, Id("d", random.Next(dealCount)), EntityKind.Project, id);
                    break;
                case 8:
                    Link(EntityKind.Project, id, EntityKind.Deal, "d-missing");
                    break;
                default:
                    break;
            }

            if (Chance(60))
            {
                var company = Id("c", random.Next(companyCount));
                Link(EntityKind.Project, id, EntityKind.Company, company);
                if (Chance(10))
                {
                    Link(EntityKind.Company, company, EntityKind.Project, id);
                }
            }

            var milestoneCount = start is null ? 0 : random.Next(-2, 6);
            for (var m = 0; m < milestoneCount; m++)
            {
                var planned = start!.Value.AddDays(random.Next(0, 200));
                var percent = random.Next(4) == 0 ? 100m : random.Next(0, 1001) / 10m;
                DateOnly? actual = percent == 100m && Chance(70) ? planned.AddDays(random.Next(-5, 40)) : null;
                var weight = random.Next(12) switch
                {
                    0 => 0m,
                    1 => -1m,
                    _ => random.Next(1, 8) + random.Next(4) / 4m,
                };
                milestones.Add(new Milestone(Chance(20) ? code.ToLowerInvariant() : code, "M" + Id("", m), planned, actual, weight, percent));
            }
        }

        var tickets = new List<Ticket>(projectCount * 2);
        for (var t = 0; t < projectCount * 2; t++)
        {
            var id = Id("t", t);
            var created = asOf.AddHours(-random.Next(-72, 24 * 90));
            DateTimeOffset? closed = Chance(30) ? created.AddHours(random.Next(1, 24 * 40)) : null;
            tickets.Add(new Ticket(id, "Ticket " + id, Priorities[random.Next(Priorities.Length)], "0", "1", Chance(70), created, closed, Archived: Chance(5)));
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    Link(EntityKind.Ticket, id, EntityKind.Project, Id("p", random.Next(projectCount)));
                    break;
                case 2:
                    Link(EntityKind.Project, Id("p", random.Next(projectCount)), EntityKind.Ticket, id);
                    break;
                case 3:
                case 4:
                    Link(EntityKind.Ticket, id, EntityKind.Company, Id("c", random.Next(companyCount)));
                    break;
                default:
                    break;
            }
        }

        var entries = new List<TimeEntry>(projectCount * 10);
        var costs = new List<CostEntry>();
        for (var e = 0; e < projectCount * 10; e++)
        {
            var p = projects[random.Next(projectCount)];
            var code = random.Next(50) switch
            {
                0 => "UNKNOWN-1",
                1 => p.Code.ToLowerInvariant(),
                _ => p.Code,
            };
            var day = today.AddDays(random.Next(-180, 10));
            entries.Add(new TimeEntry(day, code, "Person " + Id("", e % 40), random.Next(1, 33) / 4m, 40m + random.Next(0, 6000) / 100m, 120m));
            if (Chance(5))
            {
                costs.Add(new CostEntry(day, code, "licence", random.Next(1, 100_000) / 100m));
            }
        }

        var history = new List<HealthSnapshot>();
        foreach (var p in projects)
        {
            for (var h = random.Next(-1, 6); h > 0; h--)
            {
                var at = asOf.AddDays(-random.Next(-2, 30)).AddMinutes(-random.Next(0, 3));
                decimal? score = Chance(10) ? null : random.Next(0, 1001) / 10m;
                history.Add(new HealthSnapshot(p.Id, p.Code, at.AddMinutes(random.Next(0, 2)), at, score, Rag.Unknown, HealthTrend.Unknown, null, null, null, p.Currency, "earlier"));
            }
        }

        history.Add(new HealthSnapshot("p-missing", "PRJ-MISSING", asOf.AddDays(-1), asOf.AddDays(-1), 50m, Rag.Amber, HealthTrend.Unknown, null, null, null, "EUR", "gone"));
        return new RandomPortfolio(new DeliveryModelSnapshot(companies, deals, tickets, projects, links), new DeliveryData(entries, costs, milestones), history, asOf);
    }
}
