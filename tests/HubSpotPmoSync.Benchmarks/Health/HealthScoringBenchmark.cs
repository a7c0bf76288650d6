using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;

namespace HubSpotPmoSync.Benchmarks.Health;

/// <summary>
/// Scoring and rollup of a large portfolio, excluding load: 100,000 projects with 1,000,000 time entries,
/// 300,000 milestones, 200,000 tickets, 120,000 deals and 20,000 companies (many-to-many links), generated
/// in memory with a fixed seed. Times <see cref="PortfolioHealthEvaluator.Evaluate"/> plus
/// <see cref="RollupCalculator.Rollup"/>; the target is at most 1 s.
/// Options: <c>--projects N</c>, <c>--entries N</c>, <c>--runs N</c>.
/// </summary>
internal sealed class HealthScoringBenchmark : IBenchmark
{
    private static readonly DateTimeOffset AsOf = new(2026, 6, 30, 18, 0, 0, TimeSpan.Zero);
    private static readonly AssociationKind Default = new(AssociationKind.HubSpotDefined, 1, null);
    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];
    private static readonly string[] Priorities = ["LOW", "MEDIUM", "HIGH", "URGENT"];

    public string Name => "health-scoring";

    public string Description => "score + roll up 100k projects / 1M time entries (excluding load), target <= 1 s";

    public Task<int> RunAsync(string[] args)
    {
        var projects = Option(args, "--projects", 100_000);
        var entries = Option(args, "--entries", 1_000_000);
        var runs = Option(args, "--runs", 3);

        var load = Stopwatch.StartNew();
        var (model, data) = Generate(projects, entries);
        load.Stop();
        BenchmarkReport.Figure("projects", projects.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("time entries", data.TimeEntries.Count.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("milestones / tickets / links", $"{data.Milestones.Count:N0} / {model.Tickets.Count:N0} / {model.Links.Count:N0}");
        BenchmarkReport.Figure("deals / companies", $"{model.Deals.Count:N0} / {model.Companies.Count:N0}");
        BenchmarkReport.Figure("generate (not timed)", $"{load.ElapsedMilliseconds} ms");

        Settle();
        if (args.Contains("--breakdown"))
        {
            Breakdown(model, data);
        }

        var best = TimeSpan.MaxValue;
        PortfolioHealth? health = null;
        PortfolioRollup? rollup = null;
        for (var run = 1; run <= runs; run++)
        {
            // Like BenchmarkDotNet between iterations: start each run with the loaded data settled in the oldest
            // generation, so the run does not pay for promoting what the (untimed) load allocated.
            health = null;
            rollup = null;
            Settle();
            using var self = Process.GetCurrentProcess();
            var cpu0 = self.TotalProcessorTime;
            var pause0 = GC.GetTotalPauseDuration();
            var sw = Stopwatch.StartNew();
            health = PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, AsOf);
            var scored = sw.Elapsed;
            rollup = RollupCalculator.Rollup(model, health);
            sw.Stop();
            best = sw.Elapsed < best ? sw.Elapsed : best;
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpu0;
            var pause = GC.GetTotalPauseDuration() - pause0;
            BenchmarkReport.Figure(
                $"run {run}: score + rollup",
                $"{sw.Elapsed.TotalMilliseconds:F0} ms (score {scored.TotalMilliseconds:F0} ms, rollup {(sw.Elapsed - scored).TotalMilliseconds:F0} ms; CPU {cpu.TotalMilliseconds:F0} ms, GC pauses {pause.TotalMilliseconds:F0} ms)");
        }

        var rag = health!.Projects.GroupBy(p => p.Rag).OrderBy(g => g.Key).Select(g => $"{g.Key.Name()} {g.Count():N0}");
        BenchmarkReport.Figure("RAG", string.Join(", ", rag));
        BenchmarkReport.Figure("deal / company rollups", $"{rollup!.Deals.Count:N0} / {rollup.Companies.Count:N0}");
        BenchmarkReport.Figure("best score + rollup", $"{best.TotalMilliseconds:F0} ms (target <= 1000 ms)");
        BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
        return Task.FromResult(best <= TimeSpan.FromSeconds(1) ? 0 : 1);
    }

    private static (DeliveryModelSnapshot Model, DeliveryData Data) Generate(int projectCount, int entryCount)
    {
        var random = new Random(20260630);
        var companyCount = Math.Max(1, projectCount / 5);
        var dealCount = projectCount * 6 / 5;
        var start = new DateOnly(2026, 1, 5);

        var companies = new List<Company>(companyCount);
        for (var c = 0; c < companyCount; c++)
        {
            companies.Add(new Company("c" + c.ToString(CultureInfo.InvariantCulture), "Client " + c.ToString(CultureInfo.InvariantCulture)));
        }

        var links = new List<DeliveryLink>(dealCount + projectCount * 3);
        var deals = new List<Deal>(dealCount);
        for (var d = 0; d < dealCount; d++)
        {
            var id = "d" + d.ToString(CultureInfo.InvariantCulture);
            deals.Add(new Deal(id, "Deal " + id, "default", "closedwon", 10_000m + random.Next(0, 90_000), Currencies[d % 3], IsClosedWon: true));
            links.Add(new DeliveryLink(EntityKind.Deal, id, EntityKind.Company, "c" + (d % companyCount).ToString(CultureInfo.InvariantCulture), [Default]));
        }

        var projects = new List<Project>(projectCount);
        var milestones = new List<Milestone>(projectCount * 3);
        for (var p = 0; p < projectCount; p++)
        {
            var id = "p" + p.ToString(CultureInfo.InvariantCulture);
            var code = "PRJ-" + p.ToString("D6", CultureInfo.InvariantCulture);
            var begin = start.AddDays(random.Next(0, 120));
            var due = begin.AddDays(60 + random.Next(0, 120));
            projects.Add(new Project(id, code, "Project " + code, p % 10 == 0 ? "completed" : "active", begin, due,
                5_000m + random.Next(0, 95_000), Currencies[p % 3], random.Next(0, 101), UpdatedAt: AsOf.AddDays(-random.Next(0, 40))));
            // Each project on one or two deals (many-to-many), and linked to the first deal's company.
            var deal = p * 6 / 5 % dealCount;
            links.Add(new DeliveryLink(EntityKind.Deal, "d" + deal.ToString(CultureInfo.InvariantCulture), EntityKind.Project, id, [Default]));
            if (p % 4 == 0)
            {
                links.Add(new DeliveryLink(EntityKind.Project, id, EntityKind.Deal, "d" + ((deal + 1) % dealCount).ToString(CultureInfo.InvariantCulture), [Default]));
            }

            links.Add(new DeliveryLink(EntityKind.Project, id, EntityKind.Company, "c" + (deal % companyCount).ToString(CultureInfo.InvariantCulture), [Default]));
            if (p % 3 != 0)
            {
                for (var m = 0; m < 3; m++)
                {
                    var planned = begin.AddDays((m + 1) * (due.DayNumber - begin.DayNumber) / 3);
                    var percent = (decimal)random.Next(0, 101);
                    milestones.Add(new Milestone(code, "M" + m.ToString(CultureInfo.InvariantCulture), planned, percent == 100m ? planned : null, m + 1, percent));
                }
            }
        }

        var tickets = new List<Ticket>(projectCount * 2);
        for (var t = 0; t < projectCount * 2; t++)
        {
            var id = "t" + t.ToString(CultureInfo.InvariantCulture);
            tickets.Add(new Ticket(id, "Ticket " + id, Priorities[t % 4], "0", "1", t % 3 != 0, AsOf.AddDays(-random.Next(0, 60))));
            links.Add(t % 2 == 0
                ? new DeliveryLink(EntityKind.Ticket, id, EntityKind.Project, "p" + random.Next(0, projectCount).ToString(CultureInfo.InvariantCulture), [Default])
                : new DeliveryLink(EntityKind.Ticket, id, EntityKind.Company, "c" + random.Next(0, companyCount).ToString(CultureInfo.InvariantCulture), [Default]));
        }

        var people = Enumerable.Range(0, 500).Select(i => "Person " + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var entries = new List<TimeEntry>(entryCount);
        for (var e = 0; e < entryCount; e++)
        {
            var p = projects[random.Next(0, projectCount)];
            var day = p.StartDate!.Value.AddDays(random.Next(0, 150));
            entries.Add(new TimeEntry(day, p.Code, people[e % 500], 0.5m * random.Next(1, 17), 40m + random.Next(0, 60), 100m + random.Next(0, 80)));
        }

        return (new DeliveryModelSnapshot(companies, deals, tickets, projects, links), new DeliveryData(entries, [], milestones));
    }

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Times the parts of a scoring run separately (single-threaded), to see where the time goes.</summary>
    private static void Breakdown(DeliveryModelSnapshot model, DeliveryData data)
    {
        using var self = Process.GetCurrentProcess();
        TimeSpan Cpu()
        {
            self.Refresh();
            return self.TotalProcessorTime;
        }

        var cpu = Cpu();
        var sw = Stopwatch.StartNew();
        var sum = 0m;
        foreach (var t in data.TimeEntries)
        {
            sum += t.Hours * t.CostRate;
        }

        BenchmarkReport.Figure("baseline: sum 1M hours x rate", $"{sw.ElapsedMilliseconds} ms (CPU {(Cpu() - cpu).TotalMilliseconds:F0} ms, {sum:N0})");
        cpu = Cpu();
        sw.Restart();
        var byCode = data.TimeEntries.GroupBy(t => t.ProjectCode, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        BenchmarkReport.Figure("group time entries", $"{sw.ElapsedMilliseconds} ms (CPU {(Cpu() - cpu).TotalMilliseconds:F0} ms)");
        cpu = Cpu();
        var day = DateOnly.FromDateTime(AsOf.UtcDateTime);
        sw.Restart();
        foreach (var p in model.Projects)
        {
            EarnedValueCalculator.Compute(p, [], byCode.GetValueOrDefault(p.Code) ?? [], [], day);
        }

        BenchmarkReport.Figure("earned value only", $"{sw.ElapsedMilliseconds} ms (CPU {(Cpu() - cpu).TotalMilliseconds:F0} ms)");
        cpu = Cpu();
        sw.Restart();
        foreach (var p in model.Projects)
        {
            ProjectHealthCalculator.Evaluate(new ProjectHealthInput(p, [], byCode.GetValueOrDefault(p.Code) ?? [], [], []), HealthRules.Default, AsOf);
        }

        BenchmarkReport.Figure("health per project (no links)", $"{sw.ElapsedMilliseconds} ms (CPU {(Cpu() - cpu).TotalMilliseconds:F0} ms)");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
