using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>
/// Fills a <see cref="FakeCrmSource"/> like the emulator's seed: the seed property definitions and pipelines, and
/// companies, deals, tickets and projects with the seed property names and associations between them.
/// </summary>
public sealed class SeedPortal
{
    private int _companies = 3;
    private int _deals = 4;
    private int _tickets = 5;
    private int _projects = 2;
    private DateTimeOffset? _modifiedAt;

    public SeedPortal WithCompanies(int count)
    {
        _companies = count;
        return this;
    }

    public SeedPortal WithDeals(int count)
    {
        _deals = count;
        return this;
    }

    public SeedPortal WithTickets(int count)
    {
        _tickets = count;
        return this;
    }

    public SeedPortal WithProjects(int count)
    {
        _projects = count;
        return this;
    }

    /// <summary>Gives every seeded record the same modification time.</summary>
    public SeedPortal ModifiedAt(DateTimeOffset at)
    {
        _modifiedAt = at;
        return this;
    }

    /// <summary>Seeds the source; returns the ids per object type in creation order.</summary>
    public SeedIds Build(FakeCrmSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (type, definitions) in PortalProperties.Seed())
        {
            source.SetProperties(type, definitions);
        }

        source.SetPipelines(CrmObjectTypes.Deals, DealPipelines);
        source.SetPipelines(CrmObjectTypes.Tickets, TicketPipelines);
        source.SetPipelines(CrmObjectTypes.Projects, ProjectPipelines);

        var companies = new List<string>();
        var deals = new List<string>();
        var tickets = new List<string>();
        var projects = new List<string>();
        for (var i = 0; i < _companies; i++)
        {
            var id = source.NewId();
            source.Upsert(CrmObjectTypes.Companies, id, Company(i), _modifiedAt);
            companies.Add(id);
        }

        for (var i = 0; i < _deals; i++)
        {
            var id = source.NewId();
            source.Upsert(CrmObjectTypes.Deals, id, Deal(i), _modifiedAt);
            deals.Add(id);
            if (companies.Count > 0)
            {
                source.Associate(CrmObjectTypes.Deals, id, CrmObjectTypes.Companies, companies[i % companies.Count], 341, 342);
                if (i % 3 == 0)
                {
                    source.Associate(CrmObjectTypes.Deals, id, CrmObjectTypes.Companies, companies[i % companies.Count], 5, 6, "Primary");
                }
            }
        }

        for (var i = 0; i < _tickets; i++)
        {
            var id = source.NewId();
            source.Upsert(CrmObjectTypes.Tickets, id, Ticket(i), _modifiedAt);
            tickets.Add(id);
            if (companies.Count > 0)
            {
                source.Associate(CrmObjectTypes.Tickets, id, CrmObjectTypes.Companies, companies[i % companies.Count], 339, 340);
            }

            if (deals.Count > 0 && i % 2 == 0)
            {
                source.Associate(CrmObjectTypes.Deals, deals[i % deals.Count], CrmObjectTypes.Tickets, id, 27, 28);
            }
        }

        for (var i = 0; i < _projects; i++)
        {
            var id = source.NewId();
            source.Upsert(CrmObjectTypes.Projects, id, Project(i), _modifiedAt);
            projects.Add(id);
            if (deals.Count > 0)
            {
                source.Associate(CrmObjectTypes.Projects, id, CrmObjectTypes.Deals, deals[i % deals.Count], 1238, 1239);
            }

            if (companies.Count > 0)
            {
                source.Associate(CrmObjectTypes.Projects, id, CrmObjectTypes.Companies, companies[i % companies.Count], 1236, 1237);
            }

            if (tickets.Count > 0)
            {
                source.Associate(CrmObjectTypes.Projects, id, CrmObjectTypes.Tickets, tickets[i % tickets.Count], 1240, 1241);
            }
        }

        return new SeedIds(companies, deals, tickets, projects);
    }

    public static Dictionary<string, string?> Company(int i) => new()
    {
        ["name"] = $"Client {i} Ltd",
        ["domain"] = $"client{i}.example",
        ["industry"] = i % 2 == 0 ? "COMPUTER_SOFTWARE" : "MARKETING_AND_ADVERTISING",
    };

    public static Dictionary<string, string?> Deal(int i) => new()
    {
        ["dealname"] = $"Website rebuild {i}",
        ["amount"] = (10_000 + (i * 250)).ToString(CultureInfo.InvariantCulture) + ".50",
        ["deal_currency_code"] = i % 4 == 0 ? "EUR" : "USD",
        ["closedate"] = "2026-03-1" + (i % 10).ToString(CultureInfo.InvariantCulture) + "T12:00:00.000Z",
        ["pipeline"] = "default",
        ["dealstage"] = i % 2 == 0 ? "closedwon" : "appointmentscheduled",
        ["hubspot_owner_id"] = "9001",
    };

    public static Dictionary<string, string?> Ticket(int i) => new()
    {
        ["subject"] = $"Bug report {i}: “checkout” fails",
        ["content"] = "Steps:\n1. add to cart\n2. pay",
        ["hs_ticket_priority"] = new[] { "LOW", "MEDIUM", "HIGH", "URGENT" }[i % 4],
        ["hs_pipeline"] = "0",
        ["hs_pipeline_stage"] = i % 3 == 0 ? "4" : "1",
        ["closed_date"] = i % 3 == 0 ? "2026-02-01T10:00:00.000Z" : null,
        ["createdate"] = "2026-01-0" + ((i % 9) + 1).ToString(CultureInfo.InvariantCulture) + "T08:30:00.000Z",
    };

    public static Dictionary<string, string?> Project(int i) => new()
    {
        ["hs_name"] = $"Project {i}",
        ["hs_pipeline"] = "projects-default",
        ["hs_pipeline_stage"] = "in-progress",
        ["project_code"] = "PRJ-" + (1000 + i).ToString(CultureInfo.InvariantCulture),
        ["project_budget"] = "48000",
        ["project_currency"] = "USD",
        ["project_start_date"] = "2026-01-05",
        ["project_due_date"] = "2026-06-30",
        ["project_percent_complete"] = "35",
        ["project_status"] = "active",
    };

    public static IReadOnlyList<CrmPipeline> DealPipelines { get; } =
    [
        new("default", "Sales", [
            new("appointmentscheduled", "Appointment scheduled", 0, false, 0.2m),
            new("qualifiedtobuy", "Qualified to buy", 1, false, 0.4m),
            new("contractsent", "Contract sent", 2, false, 0.9m),
            new("closedwon", "Closed won", 3, true, 1.0m),
            new("closedlost", "Closed lost", 4, true, 0.0m),
        ]),
    ];

    public static IReadOnlyList<CrmPipeline> TicketPipelines { get; } =
    [
        new("0", "Support", [
            new("1", "New", 0, false, null),
            new("2", "Waiting on contact", 1, false, null),
            new("3", "Waiting on us", 2, false, null),
            new("4", "Closed", 3, true, null),
        ]),
    ];

    public static IReadOnlyList<CrmPipeline> ProjectPipelines { get; } =
    [
        new("projects-default", "Delivery", [
            new("planned", "Planned", 0, false, null),
            new("in-progress", "In progress", 1, false, null),
            new("done", "Done", 2, true, null),
        ]),
    ];
}

/// <summary>Ids created by <see cref="SeedPortal.Build"/>.</summary>
public sealed record SeedIds(IReadOnlyList<string> Companies, IReadOnlyList<string> Deals, IReadOnlyList<string> Tickets, IReadOnlyList<string> Projects);
