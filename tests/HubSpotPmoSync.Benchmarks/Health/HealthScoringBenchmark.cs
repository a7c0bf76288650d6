using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.EarnedValue;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Testing.Health;

namespace HubSpotPmoSync.Benchmarks.Health;

/// <summary>
/// Scoring and rollup of a large portfolio, excluding load: 100,000 projects with 1,000,000 time entries,
/// 200,000 milestones, 200,000 tickets, 120,000 deals, 20,000 companies (many-to-many links) and 300,000 earlier
/// snapshots, generated in memory with a fixed seed. Times what <c>DeliveryCycle.Score</c> does between loading and
/// writing: <see cref="PortfolioHealthEvaluator.Evaluate"/> with the trend, this run's snapshots and
/// <see cref="RollupCalculator.Rollup"/>; the target is at most 1 s (median). Options: <c>--projects N</c>,
/// <c>--entries N</c>, <c>--runs N</c> (timed, after <c>--warmup N</c> untimed ones, default 1), <c>--breakdown</c>,
/// <c>--dump PATH</c> (every figure of the last run as text, to compare runs before and after a change), <c>--varied</c>
/// (the test kit's portfolio full of edge cases).
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
        var runs = Math.Max(1, Option(args, "--runs", 3));
        var warmup = Option(args, "--warmup", 1);
        var dump = OptionText(args, "--dump");

        var load = Stopwatch.StartNew();
        var (model, data, history, asOf) = args.Contains("--varied") ? Varied(projects) : Generate(projects, entries);
        load.Stop();
        BenchmarkReport.Figure("projects", projects.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("time entries", data.TimeEntries.Count.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("milestones / tickets / links", $"{data.Milestones.Count:N0} / {model.Tickets.Count:N0} / {model.Links.Count:N0}");
        BenchmarkReport.Figure("deals / companies / snapshots", $"{model.Deals.Count:N0} / {model.Companies.Count:N0} / {history.Count:N0}");
        BenchmarkReport.Figure("generate (not timed)", $"{load.ElapsedMilliseconds} ms");
        BenchmarkReport.Figure("GC", $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}");

        Settle();
        if (args.Contains("--breakdown"))
        {
            Breakdown(model, data);
        }

        var times = new List<(TimeSpan Wall, TimeSpan Cpu)>(runs);
        PortfolioHealth? health = null;
        PortfolioRollup? rollup = null;
        for (var run = 1 - warmup; run <= runs; run++)
        {
            // Like BenchmarkDotNet between iterations: start each run with the loaded data settled in the oldest
            // generation, so the run does not pay for promoting what the (untimed) load allocated.
            health = null;
            rollup = null;
            Settle();
            using var self = Process.GetCurrentProcess();
            var cpu0 = self.TotalProcessorTime;
            var pause0 = GC.GetTotalPauseDuration();
            var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            var gcs0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var sw = Stopwatch.StartNew();

            // What the cycle does between loading and writing (DeliveryCycle.Score): score with the trend against
            // the loaded snapshots, make this run's snapshots, roll up.
            health = PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, asOf, history);
            var scored = sw.Elapsed;
            var snapshots = HealthSnapshot.Of(health, asOf);
            var snapped = sw.Elapsed;
            rollup = RollupCalculator.Rollup(model, health);
            sw.Stop();
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpu0;
            var pause = GC.GetTotalPauseDuration() - pause0;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
            var gcs = $"{GC.CollectionCount(0) - gcs0.Item1}/{GC.CollectionCount(1) - gcs0.Item2}/{GC.CollectionCount(2) - gcs0.Item3}";
            if (run >= 1)
            {
                times.Add((sw.Elapsed, cpu));
            }

            // The warm-up runs are what the worker's first cycle after a start costs (methods compiled on first use, then
            // recompiled optimised); the timed runs are the steady state of the long-running worker.
            BenchmarkReport.Figure(
                run >= 1 ? $"run {run}: score + rollup" : $"warm-up {run + warmup} (not counted)",
                $"{sw.Elapsed.TotalMilliseconds:F0} ms (score {scored.TotalMilliseconds:F0} ms, snapshots {(snapped - scored).TotalMilliseconds:F0} ms, rollup {(sw.Elapsed - snapped).TotalMilliseconds:F0} ms; "
                + $"CPU {cpu.TotalMilliseconds:F0} ms, GC pauses {pause.TotalMilliseconds:F0} ms (gen0/1/2 collections {gcs}), allocated {BenchmarkReport.Mb(allocated)}, {snapshots.Length:N0} snapshots)");
        }

        var rag = health!.Projects.GroupBy(p => p.Rag).OrderBy(g => g.Key).Select(g => $"{g.Key.Name()} {g.Count():N0}");
        BenchmarkReport.Figure("RAG", string.Join(", ", rag));
        BenchmarkReport.Figure("trend", string.Join(", ", health.Projects.GroupBy(p => p.Trend).OrderBy(g => g.Key).Select(g => $"{g.Key.Name()} {g.Count():N0}")));
        BenchmarkReport.Figure("deal / company rollups", $"{rollup!.Deals.Count:N0} / {rollup.Companies.Count:N0}");
        var wall = Median(times.Select(t => t.Wall));
        var cpuMedian = Median(times.Select(t => t.Cpu));
        BenchmarkReport.Figure("median score + rollup", $"{wall.TotalMilliseconds:F0} ms wall, {cpuMedian.TotalMilliseconds:F0} ms CPU (target <= 1000 ms)");
        BenchmarkReport.Figure("best score + rollup", $"{times.Min(t => t.Wall).TotalMilliseconds:F0} ms wall, {times.Min(t => t.Cpu).TotalMilliseconds:F0} ms CPU");
        BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
        if (dump is not null)
        {
            var text = HealthDump.Write(health, rollup);
            File.WriteAllText(dump, text);
            BenchmarkReport.Figure("dump", $"{dump} (SHA-256 {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))})");
        }

        return Task.FromResult(wall <= TimeSpan.FromSeconds(1) ? 0 : 1);
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The test kit's portfolio full of edge cases (for <c>--dump</c> comparisons, not for timing).</summary>
    private static (DeliveryModelSnapshot Model, DeliveryData Data, IReadOnlyList<HealthSnapshot> History, DateTimeOffset AsOf) Varied(int projects)
    {
        var p = RandomPortfolio.Generate(20260630, projects);
        return (p.Model, p.Data, p.History, p.AsOf);
    }

    private static (DeliveryModelSnapshot Model, DeliveryData Data, IReadOnlyList<HealthSnapshot> History, DateTimeOffset AsOf) Generate(int projectCount, int entryCount)
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

        // What the cycle loads for the trend (IDeliveryDataStore.LoadHealthSnapshots(asOf, trend.Window)): the last
        // three daily runs of every project, oldest first per project; one in ten without a score.
        var history = new List<HealthSnapshot>(projectCount * 3);
        foreach (var p in projects)
        {
            for (var back = 3; back >= 1; back--)
            {
                var at = AsOf.AddDays(-back);
                decimal? score = random.Next(10) == 0 ? null : random.Next(0, 1001) / 10m;
                history.Add(new HealthSnapshot(p.Id, p.Code, at, at, score, Rag.Unknown, HealthTrend.Unknown, null, null, null, p.Currency, "earlier"));
            }
        }

        return (new DeliveryModelSnapshot(companies, deals, tickets, projects, links), new DeliveryData(entries, [], milestones), history, AsOf);
    }

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Times building blocks separately and single-threaded (the public per-project API, LINQ grouping), as a scale for the figures.</summary>
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
        BenchmarkReport.Figure("LINQ GroupBy of the entries by code", $"{sw.ElapsedMilliseconds} ms (CPU {(Cpu() - cpu).TotalMilliseconds:F0} ms)");
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

    private static string? OptionText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
