using System.Globalization;
using HubSpotPmoSync.Emulator.Api;
using HubSpotPmoSync.Emulator.Model;

namespace HubSpotPmoSync.Emulator.Seed;

/// <summary>
/// Deterministic data: <c>demo</c> (a small agency portfolio) and <c>scale:N</c> (N deals, N/4 companies, 2N tickets,
/// N/10 projects, with associations). The same seed and clock always give the same records, ids and links.
/// </summary>
internal sealed class SeedGenerator(CrmStore store, PropertiesApi properties)
{
    private const long Day = 86_400_000;

    private static readonly string[] NameStarts =
        ["North", "Blue", "Silver", "Bright", "Iron", "Green", "Summit", "Harbor", "Nova", "Oak", "Stone", "River", "Alpine", "Cedar", "Atlas", "Falcon", "Lumen", "Vertex"];

    private static readonly string[] NameEnds =
        ["wind", "field", "gate", "point", "bridge", "works", "line", "forge", "crest", "path", "mark", "light"];

    private static readonly string[] Suffixes = ["GmbH", "AG", "Ltd", "BV", "SAS", "Inc", "Group", "& Co"];

    private static readonly string[] Services =
        ["Website relaunch", "SEO retainer", "Brand strategy", "E-commerce build", "CRM rollout", "Performance campaign",
         "Mobile app", "Content programme", "Data dashboard", "UX audit", "Marketing automation", "Intranet redesign"];

    private static readonly string[] Issues =
        ["Login fails on mobile", "Checkout error 500", "Broken links after deploy", "Slow page load", "Wrong VAT on invoice",
         "Newsletter not sent", "Form submissions missing", "Tracking pixel not firing", "Image upload fails", "SSL certificate warning",
         "Search returns no results", "Translation missing", "Report numbers differ", "Access request for new colleague"];

    private static readonly string[] Cities = ["Berlin", "Munich", "Amsterdam", "Vienna", "Zurich", "London", "Paris", "Hamburg"];

    private static readonly string[] OpenStages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"];

    private static readonly string[] OpenTicketStages = ["1", "2", "3"];

    private static readonly string[] TicketCategories = ["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"];

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

    public void Seed(string spec, int seedRandom)
    {
        var s = EmulatorOptions.ParseSeed(spec);
        if (s == "none")
        {
            return;
        }

        store.Write(() =>
        {
            EnsureAgencyProperties();
            if (s == "demo")
            {
                Demo(new Random(seedRandom));
            }
            else
            {
                Scale(int.Parse(s.AsSpan(6), CultureInfo.InvariantCulture), new Random(seedRandom));
            }

            // Seed data is what the portal already held: the search index has it all.
            store.SettleIndexNow();
        });
    }

    /// <summary>The custom properties an agency using this product has already set up on the projects object.</summary>
    private void EnsureAgencyProperties()
    {
        var projects = store.ResolveType("projects");
        var group = "projectinformation";
        void Add(string name, string label, string type, string fieldType, bool unique = false, string[]? options = null)
        {
            if (!projects.Properties.ContainsKey(name))
            {
                properties.CreateChecked(projects, name, label, type, fieldType, group, unique,
                    options is null ? [] : [.. options.Select((o, i) => new PropertyOption(o.Replace('_', ' '), o, i, false, null))]);
            }
        }

        Add("project_code", "Project code", "string", "text", unique: true);
        Add("project_budget", "Budget", "number", "number");
        Add("project_currency", "Budget currency", "string", "text");
        Add("project_start_date", "Start date", "date", "date");
        Add("project_due_date", "Due date", "date", "date");
        Add("project_percent_complete", "Percent complete", "number", "number");
        Add("project_status", "Delivery status", "enumeration", "select", options: ["planned", "active", "on_hold", "completed", "cancelled"]);
    }

    private void Demo(Random rnd)
    {
        var now = store.Clock.NowMs;
        var companies = store.ResolveType("companies");
        var deals = store.ResolveType("deals");
        var tickets = store.ResolveType("tickets");
        var projects = store.ResolveType("projects");
        var industries = companies.Properties["industry"].Options.Select(o => o.Value).ToArray();
        var created = now - (365 * Day);
        long NextCreated() => created += (Day / 4) + rnd.Next(0, (int)(Day / 2));

        var companyIds = new List<CrmRecord>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 30; i++)
        {
            string name;
            do
            {
                name = $"{Pick(rnd, NameStarts)}{Pick(rnd, NameEnds)} {Pick(rnd, Suffixes)}";
            }
            while (!usedNames.Add(name));

            var domain = new string([.. name.ToLowerInvariant().TakeWhile(c => c != ' ')]) + (i % 3 == 0 ? ".de" : i % 3 == 1 ? ".com" : ".eu");
            companyIds.Add(Create(companies, NextCreated(), now, rnd, ("name", name), ("domain", domain), ("industry", Pick(rnd, industries)),
                ("city", Pick(rnd, Cities)),
                ("numberofemployees", rnd.Next(10, 2000).ToString(CultureInfo.InvariantCulture)),
                ("hubspot_owner_id", Pick(rnd, CrmStore.Owners).Id)));
        }

        var stagesByIndex = Enumerable.Repeat("closedwon", 36).Concat(Enumerable.Repeat("closedlost", 10))
            .Concat(OpenStages.SelectMany(s => Enumerable.Repeat(s, 7))).Take(80).ToList();
        while (stagesByIndex.Count < 80)
        {
            stagesByIndex.Add("contractsent");
        }

        Shuffle(rnd, stagesByIndex);
        var dealRecords = new List<(CrmRecord Deal, CrmRecord Company, string Stage, string Currency, decimal Amount, long Close)>();
        foreach (var stage in stagesByIndex)
        {
            var company = companyIds[rnd.Next(companyIds.Count)];
            var currency = rnd.NextDouble() switch { < 0.7 => "EUR", < 0.85 => "USD", _ => "GBP" };
            var amount = rnd.Next(50, 2500) * 100m;
            var closed = stage is "closedwon" or "closedlost";
            var close = closed ? now - (rnd.Next(1, 300) * Day) : now + (rnd.Next(5, 180) * Day);
            var companyName = store.Value(companies, companies.Properties["name"], RecordView.Of(company));
            var deal = Create(deals, NextCreated(), now, rnd, ("dealname", $"{companyName} – {Pick(rnd, Services)}"),
                ("amount", amount.ToString(CultureInfo.InvariantCulture)), ("deal_currency_code", currency), ("pipeline", "default"),
                ("dealstage", stage), ("closedate", JsonOut.Iso(close - (close % Day) + (10 * 3_600_000))),
                ("hubspot_owner_id", Pick(rnd, CrmStore.Owners).Id), ("dealtype", rnd.Next(3) == 0 ? "existingbusiness" : "newbusiness"));
            Link(deals, deal, companies, company, 5);
            dealRecords.Add((deal, company, stage, currency, amount, close));
        }

        var won = dealRecords.Where(d => d.Stage == "closedwon").ToList();
        var withProject = won.Take(32).Concat(dealRecords.Where(d => d.Stage is "contractsent" or "decisionmakerboughtin").Take(8)).ToList();
        var projectRecords = new List<(CrmRecord Project, CrmRecord Deal, CrmRecord Company)>();
        var seq = 0;
        foreach (var d in withProject)
        {
            seq++;
            var start = (d.Close / Day * Day) + (rnd.Next(7, 22) * Day);
            var due = start + (rnd.Next(30, 240) * Day);
            var elapsed = Math.Clamp((now - start) / (double)(due - start), 0, 1.3);
            var status = d.Stage != "closedwon" ? "planned"
                : elapsed >= 1.0 && rnd.NextDouble() < 0.7 ? "completed"
                : rnd.NextDouble() switch { < 0.08 => "on_hold", < 0.12 => "cancelled", _ => now < start ? "planned" : "active" };
            var percent = status switch
            {
                "completed" => 100,
                "planned" => 0,
                _ => Math.Clamp((int)Math.Round((elapsed * 100) + rnd.Next(-25, 15)), 0, 99),
            };
            var stageId = status switch { "active" => "in_progress", _ => status };
            var dealName = store.Value(deals, deals.Properties["dealname"], RecordView.Of(d.Deal));
            var budget = Math.Round(d.Amount * (decimal)(0.6 + (rnd.NextDouble() * 0.4)) / 100m) * 100m;
            var project = Create(projects, NextCreated(), now, rnd, ("hs_name", dealName), ("hs_pipeline", "default"), ("hs_pipeline_stage", stageId),
                ("project_code", $"PRJ-{seq:0000}"),
                ("project_budget", budget.ToString(CultureInfo.InvariantCulture)), ("project_currency", d.Currency),
                ("project_start_date", Date(start)), ("project_due_date", Date(due)),
                ("project_percent_complete", percent.ToString(CultureInfo.InvariantCulture)), ("project_status", status),
                ("hubspot_owner_id", Pick(rnd, CrmStore.Owners).Id));
            Link(projects, project, deals, d.Deal, 1238);
            Link(projects, project, companies, d.Company, 1236);
            projectRecords.Add((project, d.Deal, d.Company));
        }

        for (var i = 0; i < 300; i++)
        {
            var priority = rnd.NextDouble() switch { < 0.35 => "LOW", < 0.7 => "MEDIUM", < 0.9 => "HIGH", _ => "URGENT" };
            var closed = rnd.NextDouble() < 0.55;
            var stage = closed ? "4" : Pick(rnd, OpenTicketStages);
            var createdAt = NextCreated() - (Day / 3);
            var values = new List<(string, string?)>
            {
                ("subject", Pick(rnd, Issues)), ("content", $"Reported by the client on {Date(createdAt)}. {Pick(rnd, Issues)}; please check."),
                ("hs_pipeline", "0"), ("hs_pipeline_stage", stage), ("hs_ticket_priority", priority),
                ("hs_ticket_category", Pick(rnd, TicketCategories)),
                ("hubspot_owner_id", Pick(rnd, CrmStore.Owners).Id),
            };
            if (closed)
            {
                values.Add(("closed_date", JsonOut.Iso(Math.Min(now, createdAt + rnd.Next(1, 30 * 24) * 3_600_000L))));
            }

            var ticket = Create(tickets, createdAt, now, rnd, [.. values]);
            if (projectRecords.Count > 0 && rnd.NextDouble() < 0.7)
            {
                var (project, deal, company) = projectRecords[rnd.Next(projectRecords.Count)];
                Link(tickets, ticket, companies, company, 339);
                Link(deals, deal, tickets, ticket, 27);
                Link(projects, project, tickets, ticket, 1240);
            }
            else
            {
                Link(tickets, ticket, companies, companyIds[rnd.Next(companyIds.Count)], 339);
            }
        }
    }

    private void Scale(int n, Random rnd)
    {
        var now = store.Clock.NowMs;
        var companies = store.ResolveType("companies");
        var deals = store.ResolveType("deals");
        var tickets = store.ResolveType("tickets");
        var projects = store.ResolveType("projects");
        int nCompanies = Math.Max(1, n / 4), nTickets = 2 * n, nProjects = n / 10;
        companies.EnsureCapacity(nCompanies);
        deals.EnsureCapacity(n);
        tickets.EnsureCapacity(nTickets);
        projects.EnsureCapacity(nProjects);
        var total = (long)nCompanies + n + nTickets + nProjects;
        var created = now - (total * 10) - Day;
        var industries = companies.Properties["industry"].Options.Select(o => o.Value).ToArray();
        var stageIds = deals.Pipelines[0].Stages.Select(s => s.Id).ToArray();
        string[] currencies = ["EUR", "EUR", "EUR", "USD", "GBP"];
        string[] priorities = ["LOW", "MEDIUM", "HIGH", "URGENT"];
        string[] ticketStages = ["1", "2", "3", "4"];
        var owners = CrmStore.Owners.Select(o => o.Id).ToArray();

        var companyRecords = new CrmRecord[nCompanies];
        for (var i = 0; i < nCompanies; i++)
        {
            var c = created += 10;
            companyRecords[i] = CreateFast(companies, c, c,
                ("name", $"Company {i + 1}"), ("domain", $"company{i + 1}.example"), ("industry", industries[rnd.Next(industries.Length)]),
                ("hubspot_owner_id", owners[rnd.Next(owners.Length)]));
        }

        var dealRecords = new CrmRecord[n];
        for (var i = 0; i < n; i++)
        {
            var c = created += 10;
            var close = c + (rnd.Next(-200, 200) * Day);
            dealRecords[i] = CreateFast(deals, c, c,
                ("dealname", $"Deal {i + 1}"), ("amount", Pool((rnd.Next(10, 5000) * 100).ToString(CultureInfo.InvariantCulture))),
                ("deal_currency_code", currencies[rnd.Next(currencies.Length)]), ("pipeline", "default"),
                ("dealstage", stageIds[rnd.Next(stageIds.Length)]), ("closedate", Pool(JsonOut.Iso(close / Day * Day))),
                ("hubspot_owner_id", owners[rnd.Next(owners.Length)]));
            Link(deals, dealRecords[i], companies, companyRecords[i % nCompanies], 5);
        }

        for (var i = 0; i < nTickets; i++)
        {
            var c = created += 10;
            var stage = ticketStages[rnd.Next(ticketStages.Length)];
            var ticket = CreateFast(tickets, c, c,
                ("subject", $"Ticket {i + 1}"), ("content", Issues[rnd.Next(Issues.Length)]), ("hs_pipeline", "0"),
                ("hs_pipeline_stage", stage), ("hs_ticket_priority", priorities[rnd.Next(priorities.Length)]),
                ("closed_date", stage == "4" ? Pool(JsonOut.Iso(c / Day * Day)) : null));
            var deal = dealRecords[i / 2];
            Link(deals, deal, tickets, ticket, 27);
            Link(tickets, ticket, companies, companyRecords[(i / 2) % nCompanies], 339);
        }

        string[] statuses = ["planned", "active", "on_hold", "completed", "cancelled"];
        string[] stageOf = ["planned", "in_progress", "on_hold", "completed", "cancelled"];
        for (var i = 0; i < nProjects; i++)
        {
            var c = created += 10;
            var s = rnd.Next(statuses.Length);
            var start = c / Day * Day;
            var project = CreateFast(projects, c, c,
                ("hs_name", $"Project {i + 1}"), ("hs_pipeline", "default"), ("hs_pipeline_stage", stageOf[s]),
                ("project_code", $"PRJ-S-{i + 1:000000}"), ("project_budget", Pool((rnd.Next(10, 4000) * 100).ToString(CultureInfo.InvariantCulture))),
                ("project_currency", "EUR"), ("project_start_date", Pool(Date(start))), ("project_due_date", Pool(Date(start + (rnd.Next(30, 300) * Day)))),
                ("project_percent_complete", Pool(rnd.Next(0, 101).ToString(CultureInfo.InvariantCulture))), ("project_status", statuses[s]));
            var deal = dealRecords[i * 10];
            Link(projects, project, deals, deal, 1238);
            Link(projects, project, companies, companyRecords[(i * 10) % nCompanies], 1236);
        }
    }

    private CrmRecord Create(ObjectTypeDef t, long createdAt, long now, Random rnd, params (string Name, string? Value)[] values)
    {
        var updated = Math.Min(now, createdAt + (long)(rnd.NextDouble() * Math.Max(0, now - createdAt) * 0.5));
        return CreateFast(t, Math.Min(createdAt, now), updated, values);
    }

    private CrmRecord CreateFast(ObjectTypeDef t, long createdAt, long updatedAt, params (string Name, string? Value)[] values)
    {
        var prepared = new List<PreparedValue>(values.Length);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                var p = t.Properties[name];
                prepared.Add(new PreparedValue(p, p.IsEnumeration ? Option(t, p, value) : value));
            }
        }

        var r = store.CreateRecord(t, prepared, createdAt);
        r.UpdatedAt = updatedAt;
        return r;
    }

    private static string Option(ObjectTypeDef t, PropertyDef p, string value)
    {
        if (p.Name == t.PipelineProperty)
        {
            return t.Pipeline(value)!.Id;
        }

        if (p.Name == t.StageProperty)
        {
            return t.Pipelines.SelectMany(x => x.Stages).First(s => s.Id == value).Id;
        }

        return p.Options.Find(o => o.Value == value)?.Value ?? throw new InvalidOperationException($"seed value {value} is not an option of {p.Name}");
    }

    private void Link(ObjectTypeDef from, CrmRecord f, ObjectTypeDef to, CrmRecord x, int typeId) =>
        store.Link(from, f.Id, to, x.Id, [store.AssocTypes[typeId]], replace: false);

    private string Pool(string s)
    {
        if (_pool.TryGetValue(s, out var shared))
        {
            return shared;
        }

        if (_pool.Count < 200_000)
        {
            _pool[s] = s;
        }

        return s;
    }

    private static string Date(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static T Pick<T>(Random rnd, IReadOnlyList<T> items) => items[rnd.Next(items.Count)];

    private static void Shuffle<T>(Random rnd, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rnd.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
