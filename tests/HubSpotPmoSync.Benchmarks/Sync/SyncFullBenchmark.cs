using System.Globalization;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Benchmarks.Sync;

/// <summary>
/// The inbound sync end to end: the real <c>hubspot-pmo-sync sync --no-push</c> as a child process against the
/// emulator (in this process, loopback).
/// <list type="number">
/// <item>a first (full) sync of <c>scale:N</c> (default 20,000: 67,000 records) at tier pro, time-scaled: wall time
/// against the rate-limit floor calls × 10 s ÷ (190 × scale), calls per 1,000 records (associations included), 429s;</item>
/// <item>a no-op incremental sync right after it: its calls, by route;</item>
/// <item>peak RSS (VmHWM of the child) of a first sync of <c>scale:M</c> (default 60,000: 201,000 records) at tier unlimited.</item>
/// </list>
/// Usage: sync-full [--scale-seed 20000] [--time-scale 10] [--tier pro] [--rss-seed 60000] [--skip-rss]
/// </summary>
internal sealed class SyncFullBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    /// <summary>The seed the calls-per-1,000-records target is set for (issue 5: <c>scale:20000</c>).</summary>
    private const int TargetSeed = 20_000;

    public string Name => "sync-full";

    public string Description => "full + no-op incremental sync of scale:20000 at tier pro (time-scaled) by the real process; peak RSS of a 200k-record sync";

    public async Task<int> RunAsync(string[] args)
    {
        var seed = IntArg(args, "--scale-seed", 20_000);
        var timeScale = double.Parse(Arg(args, "--time-scale") ?? "10", CultureInfo.InvariantCulture);
        var tier = Arg(args, "--tier") ?? "pro";
        var rssSeed = IntArg(args, "--rss-seed", 60_000);
        var ok = true;

        var folder = Path.Combine(Path.GetTempPath(), "hps-bench-sync-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"  seeding scale:{seed} (tier {tier}, time scale {timeScale}) …");
            await using (var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{seed}", Tier = tier, TimeScale = timeScale }))
            {
                var records = emulator.Control.ExportState().Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count);
                var limits = WorkerRun.ClientLimits(tier, timeScale);
                var env = Environment(emulator, Path.Combine(folder, "full.db"), tier, limits);

                var full = await RunSyncAsync(env, folder);
                var stats = emulator.Control.Stats();
                var calls = stats.Requests.Values.Sum();
                var throttled = stats.RateLimited.Values.Sum();
                var floor = calls * 10.0 / (190.0 * timeScale);
                var perThousand = calls * 1000.0 / records;
                BenchmarkReport.Figure("records (companies+deals+tickets+projects)", records.ToString("N0", CultureInfo.InvariantCulture));
                BenchmarkReport.Figure("full sync: wall time (process)", $"{full.Wall.TotalSeconds:F2} s");
                BenchmarkReport.Figure("full sync: HTTP calls (emulator count)", $"{calls:N0} ({throttled} answered 429)");
                BenchmarkReport.Figure("full sync: calls reported by the runner", SumCalls(full.Output).ToString("N0", CultureInfo.InvariantCulture));
                BenchmarkReport.Figure("rate-limit floor calls×10s÷(190×scale)", $"{floor:F2} s  (wall ÷ floor = {full.Wall.TotalSeconds / floor:F2})");
                // The target is set for scale:20000: on a small seed the fixed calls of a run (pipelines, the start-up
                // mapping check, one association batch per pair for a part-filled page) weigh more than ~12 per 1,000.
                var targetApplies = seed >= TargetSeed;
                BenchmarkReport.Figure("calls per 1,000 records (target ≤ 12)", $"{perThousand:F2}{(targetApplies ? "" : $"  (target checked from scale:{TargetSeed})")}");
                foreach (var (route, n) in stats.Requests.OrderByDescending(r => r.Value).Take(8))
                {
                    BenchmarkReport.Figure("  " + route, n.ToString("N0", CultureInfo.InvariantCulture));
                }

                ok &= !targetApplies || perThousand <= 12;
                Console.WriteLine(full.Output);

                var before = emulator.Control.Stats().Requests;
                var noop = await RunSyncAsync(env, folder);
                var after = emulator.Control.Stats().Requests;
                var delta = after.Select(r => (r.Key, N: r.Value - before.GetValueOrDefault(r.Key))).Where(r => r.N > 0).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                var noopCalls = delta.Sum(d => d.N);
                var propertyChecks = delta.Where(d => d.Key.Contains("/properties/", StringComparison.Ordinal)).Sum(d => d.N);
                BenchmarkReport.Figure("no-op incremental: HTTP calls", $"{noopCalls} ({propertyChecks} of them the start-up mapping check against the portal's properties)");
                BenchmarkReport.Figure("no-op incremental: runner's calls", SumCalls(noop.Output).ToString(CultureInfo.InvariantCulture));
                foreach (var (route, n) in delta)
                {
                    BenchmarkReport.Figure("  " + route, n.ToString(CultureInfo.InvariantCulture));
                }

                Console.WriteLine(noop.Output);
            }

            if (!args.Contains("--skip-rss"))
            {
                Console.WriteLine($"  seeding scale:{rssSeed} (tier unlimited) …");
                await using var big = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{rssSeed}", Tier = "unlimited" });
                var records = big.Control.ExportState().Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count);
                var run = await RunSyncAsync(Environment(big, Path.Combine(folder, "rss.db"), "unlimited", null), folder);
                BenchmarkReport.Figure("RSS run: records", records.ToString("N0", CultureInfo.InvariantCulture));
                BenchmarkReport.Figure("RSS run: wall time", $"{run.Wall.TotalSeconds:F2} s ({records / run.Wall.TotalSeconds:N0} records/s end to end)");
                BenchmarkReport.Figure("RSS run: peak RSS (VmHWM, target ≤ 300 MB)", BenchmarkReport.Mb(run.PeakRssBytes));
                ok &= run.PeakRssBytes <= 300L * 1024 * 1024;
                Console.WriteLine(run.Output);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return ok ? 0 : 1;
    }

    private static Dictionary<string, string> Environment(HubSpotEmulator emulator, string database, string tier, Dictionary<string, string>? limits)
    {
        var env = new Dictionary<string, string>
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = Token,
            ["HubSpot__Tier"] = tier,
            ["Storage__DatabasePath"] = database,
        };
        foreach (var (k, v) in limits ?? [])
        {
            env[k] = v;
        }

        return env;
    }

    private static async Task<(TimeSpan Wall, string Output, long PeakRssBytes)> RunSyncAsync(Dictionary<string, string> env, string folder)
    {
        var run = await WorkerRun.StartAsync(env, folder, "sync", "--no-push");
        return (run.Wall, run.Output, run.PeakRssBytes);
    }

    // The per-object rows of the summary end with "pages calls".
    private static long SumCalls(string summary) =>
        summary.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length == 11 && c[0] is "company" or "deal" or "ticket" or "project")
            .Sum(c => long.Parse(c[^1], CultureInfo.InvariantCulture));

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
