using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.HubSpot;
using HubSpotPmoSync.HubSpot.Api;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Benchmarks.WriteBack;

/// <summary>
/// Project kickoff end to end: the real <c>hubspot-pmo-sync sync</c> as a child process (real SQLite file) against the
/// HubSpot emulator over HTTP on 127.0.0.1 (in this process): the demo portal plus N won deals (default 1,000), each
/// linked to a company and without a project. Run 0 is a pull-only first sync (<c>--no-push</c>), so that run 1 — the
/// first kickoff — is an incremental cycle: pull, one project per won deal by batch upsert, the links, the re-pull of
/// projects, scoring and the push. Run 2 reruns it with every project there.
/// <para>
/// Per run: wall time; CPU time of the worker and of the emulator (this process); calls by route, write calls and
/// 429s (the emulator's count); the client's rate-limit waits by budget (its trace log); and the rate-limit floor of the
/// calls made: with every window empty at the start (the benchmark resets them), a budget of C calls per window W
/// needs (ceil(n / C) − 1) × W for n calls; the budgets are independent, so the largest counts.
/// </para>
/// Bounds (exit code 1 when one is missed): run 1 makes at most ceil(N/100) + 1 upserts and 2 × (ceil(N/100) + 1) link
/// calls, run 2 neither, and every added won deal ends with exactly one project, linked to it and to its companies.
/// Usage: kickoff [--deals 1000] [--tier pro] [--time-scale 1] [--keep]
/// </summary>
internal sealed class KickoffBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";
    // The client counts calls under the route template of the family it calls (the default HubSpot:ApiVersion here).
    private static readonly string UpsertRoute = HubSpotApiFamily.Of(HubSpotApiVersions.Default).Route("POST", "/crm/objects/{version}/{objectType}/batch/upsert");
    private static readonly string LinkRoute =
        HubSpotApiFamily.Of(HubSpotApiVersions.Default).Route("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/associate/default");
    private const string WaitMarker = " waited ";

    public string Name => "kickoff";

    public string Description => "first kickoff + rerun for 1,000 won deals by the real sync over HTTP: calls, write calls, wall vs rate-limit floor (options: --deals N, --tier T, --time-scale X, --keep)";

    public async Task<int> RunAsync(string[] args)
    {
        var deals = int.Parse(Arg(args, "--deals") ?? "1000", CultureInfo.InvariantCulture);
        var tier = Arg(args, "--tier") ?? "pro";
        var timeScale = double.Parse(Arg(args, "--time-scale") ?? "1", CultureInfo.InvariantCulture);
        var folder = Directory.CreateTempSubdirectory("pmo-bench-kickoff-");
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Seed = "demo";
            o.Token = Token;
            o.Tier = "unlimited";
        });
        try
        {
            var clock = Stopwatch.StartNew();
            var dealIds = await WonDeals.AddAsync(emulator, deals);
            BenchmarkReport.Figure("won deals added to the demo portal", $"{dealIds.Count} in {clock.Elapsed.TotalSeconds:F1} s");

            var env = new Dictionary<string, string>
            {
                ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
                ["HubSpot__AccessToken"] = Token,
                ["HubSpot__Tier"] = tier,
                ["Storage__DatabasePath"] = Path.Combine(folder.FullName, "pmo.db"),

                // The client logs each wait for a rate budget at trace level (event 4006); the benchmark adds them up.
                ["Logging__LogLevel__HubSpotPmoSync.HubSpot.RateLimiting"] = "Trace",
            };
            foreach (var (k, v) in WorkerRun.ClientLimits(tier, timeScale) ?? [])
            {
                env[k] = v;
            }

            await WorkerRun.StartAsync(env, folder.FullName, "schema", "apply");
            emulator.Control.SetTier(tier, timeScale);
            BenchmarkReport.Figure("tier", $"{tier}, time scale {timeScale.ToString(CultureInfo.InvariantCulture)}");

            var bound = ((deals + 99) / 100) + 1;
            await MeasureAsync(emulator, env, folder.FullName, tier, timeScale, "run 0: first sync, pull only", "--no-push");
            var first = await MeasureAsync(emulator, env, folder.FullName, tier, timeScale, "run 1: first kickoff");
            var rerun = await MeasureAsync(emulator, env, folder.FullName, tier, timeScale, "run 2: rerun, every project there");

            var wrong = CheckProjects(emulator.Control.ExportState(), dealIds);
            BenchmarkReport.Figure("won deals without exactly one linked project", wrong.ToString(CultureInfo.InvariantCulture));
            var ok = wrong == 0
                && first.Upserts <= bound && first.Links <= 2 * bound && first.Created >= deals
                && rerun.Upserts == 0 && rerun.Links == 0;
            BenchmarkReport.Figure("bounds", $"run 1: upserts <= {bound}, link calls <= {2 * bound}; run 2: 0 and 0");
            BenchmarkReport.Figure("peak working set (emulator)", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
            BenchmarkReport.Figure("result", ok ? "PASS" : "FAIL");
            return ok ? 0 : 1;
        }
        finally
        {
            if (Array.IndexOf(args, "--keep") < 0)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                Console.WriteLine($"  kept {folder.FullName}");
            }
        }
    }

    private static async Task<Measured> MeasureAsync(
        EmulatorFixture emulator, Dictionary<string, string> env, string folder, string tier, double timeScale, string name, params string[] options)
    {
        emulator.Control.ResetRateLimits();
        var before = emulator.Control.Stats();
        var emulatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var run = await WorkerRun.StartAsync(env, folder, ["sync", .. options]);
        emulatorCpu = Process.GetCurrentProcess().TotalProcessorTime - emulatorCpu;
        var after = emulator.Control.Stats();

        var delta = after.Requests
            .Select(r => (Route: r.Key, N: r.Value - before.Requests.GetValueOrDefault(r.Key)))
            .Where(r => r.N > 0 && !r.Route.Contains(" /__emulator", StringComparison.Ordinal))
            .OrderBy(r => r.Route, StringComparer.Ordinal)
            .ToList();
        long Count(Func<string, bool> match) => delta.Where(d => match(d.Route)).Sum(d => d.N);
        var calls = delta.Sum(d => d.N);
        var writes = Count(EmulatorCalls.IsWrite);
        var throttled = after.RateLimited.Values.Sum() - before.RateLimited.Values.Sum();
        var upserts = Count(r => r.StartsWith(UpsertRoute, StringComparison.Ordinal));
        var links = Count(r => r.StartsWith(LinkRoute, StringComparison.Ordinal));
        var associationCalls = Count(r => r.Contains("/crm/associations/", StringComparison.Ordinal) || r.Contains("/crm/v4/associations/", StringComparison.Ordinal));
        var searches = Count(r => r.Contains("/search ", StringComparison.Ordinal));
        var kicked = Line(run.Output, "kickoff:");
        var kickoffLine = kicked ?? "kickoff: nothing to do";
        var created = int.TryParse(kickoffLine.Split(' ').ElementAtOrDefault(1), CultureInfo.InvariantCulture, out var c) ? c : 0;

        BenchmarkReport.Figure(name, $"{run.Wall.TotalSeconds:F1} s wall");
        BenchmarkReport.Figure("  CPU: worker / emulator", $"{run.Cpu.TotalSeconds:F1} s / {emulatorCpu.TotalSeconds:F1} s");
        BenchmarkReport.Figure("  calls (write calls), 429s", $"{calls} ({writes}), {throttled}");
        BenchmarkReport.Figure("  kickoff upserts / link calls", $"{upserts} / {links}");
        BenchmarkReport.Figure("  rate-limit waits (client)", Waits(run.Error));
        BenchmarkReport.Figure(
            "  rate-limit floor of these calls",
            Floor(tier, timeScale, calls - associationCalls - searches, associationCalls, searches) is { } f ? $"{f:F1} s" : "none (unlimited)");
        BenchmarkReport.Figure("  " + kickoffLine, string.Empty);
        if (kicked is not null && run.Error.Split('\n').LastOrDefault(l => l.StartsWith("projects  done", StringComparison.Ordinal)) is { } repull)
        {
            // The progress display's last projects line is the re-pull that brings the new projects and links home.
            BenchmarkReport.Figure("  re-pull of projects: " + string.Join(' ', repull.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2)), string.Empty);
        }

        foreach (var line in new[] { "health:", "push:" }.Select(p => Line(run.Output, p)).OfType<string>())
        {
            BenchmarkReport.Figure("  " + line, string.Empty);
        }

        foreach (var (route, n) in delta)
        {
            BenchmarkReport.Figure("    " + route, n.ToString(CultureInfo.InvariantCulture));
        }

        return new Measured(upserts, links, created);
    }

    /// <summary>
    /// The least time the calls need with every window empty at the start: n calls of a budget holding C per window W
    /// take (ceil(n / C) − 1) windows. General calls, association calls and searches draw from independent budgets.
    /// </summary>
    private static double? Floor(string tier, double timeScale, long general, long associations, long searches)
    {
        if (tier == "unlimited")
        {
            return null;
        }

        static double Windows(long n, int capacity, double window) => n == 0 ? 0 : (((n + capacity - 1) / capacity) - 1) * window;
        var (burst, associationLimit) = WorkerRun.TierLimits(tier);
        return Math.Max(Math.Max(Windows(general, burst, 10), Windows(associations, associationLimit, 10)), Windows(searches, 5, 1)) / timeScale;
    }

    /// <summary>The client's waits for its rate budgets, summed by budget, from its trace lines "… waited 12.3 ms for the search rate budget".</summary>
    private static string Waits(string log)
    {
        var waits = log.Split('\n')
            .Select(l => l.IndexOf(WaitMarker, StringComparison.Ordinal) is var i and >= 0 ? l[(i + WaitMarker.Length)..].Split(' ') : null)
            .Where(w => w is { Length: >= 5 })
            .GroupBy(w => w![4], StringComparer.Ordinal)
            .Select(g => (Budget: g.Key, Count: g.Count(), Ms: g.Sum(w => double.Parse(w![0], CultureInfo.InvariantCulture))))
            .ToList();
        return waits.Count == 0
            ? "none"
            : string.Join(", ", waits.Select(w => $"{w.Budget} {w.Ms / 1000:F1} s over {w.Count} calls"));
    }

    /// <summary>Won deals (of the ones added) whose projects are not exactly one, linked to the deal and every company of the deal.</summary>
    private static int CheckProjects(EmulatorState state, IReadOnlyList<string> dealIds)
    {
        var links = EmulatorStateLinks.Of(state);
        return dealIds.Count(deal =>
        {
            var projects = links.Linked("deals", deal, "projects");
            return projects.Count != 1 || links.Linked("deals", deal, "companies").Except(links.Linked("projects", projects[0], "companies")).Any();
        });
    }

    private static string? Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record Measured(long Upserts, long Links, int Created);
}
