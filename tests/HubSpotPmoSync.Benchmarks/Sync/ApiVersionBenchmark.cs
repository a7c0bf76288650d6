using System.Globalization;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Benchmarks.Sync;

/// <summary>
/// <c>HubSpot:ApiVersion</c> costs nothing: the real <c>hubspot-pmo-sync sync --full --no-push</c> as a child process,
/// a first sync of <c>scale:N</c> (default 20,000: 67,000 records) into a new database each time, against one emulator
/// at tier pro (time-scaled), once per family. The families run interleaved (A B B A …) so that the machine's drift
/// falls on both alike. Reports per family the calls the emulator answered, the 429s and the wall time, and checks that
/// the calls differ by at most 2 %.
/// Usage: api-versions [--scale-seed 20000] [--time-scale 10] [--tier pro] [--rounds 2] [--versions 2026-03,legacy]
/// </summary>
internal sealed class ApiVersionBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    public string Name => "api-versions";

    public string Description => "sync --full --no-push of scale:20000 under HubSpot:ApiVersion 2026-03 and legacy (real process, interleaved): calls and wall time";

    public async Task<int> RunAsync(string[] args)
    {
        var seed = IntArg(args, "--scale-seed", 20_000);
        var timeScale = double.Parse(Arg(args, "--time-scale") ?? "10", CultureInfo.InvariantCulture);
        var tier = Arg(args, "--tier") ?? "pro";
        var rounds = IntArg(args, "--rounds", 2);
        var versions = (Arg(args, "--versions") ?? "2026-03,legacy").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var folder = Path.Combine(Path.GetTempPath(), "hps-bench-versions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"  seeding scale:{seed} (tier {tier}, time scale {timeScale}) …");
            await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{seed}", Tier = tier, TimeScale = timeScale });
            var records = emulator.Control.ExportState().Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count);
            BenchmarkReport.Figure("records (companies+deals+tickets+projects)", records.ToString("N0", CultureInfo.InvariantCulture));

            var results = versions.ToDictionary(v => v, _ => new List<(long Calls, long Throttled, TimeSpan Wall)>(), StringComparer.Ordinal);
            var run = 0;
            for (var round = 0; round < rounds; round++)
            {
                // A B, then B A: each family runs first as often as second.
                var order = round % 2 == 0 ? versions : versions.Reverse().ToArray();
                foreach (var version in order)
                {
                    // A new rolling window for each run, so that no run pays for the one before it.
                    emulator.Control.ResetRateLimits();
                    var before = emulator.Control.Stats();
                    var env = new Dictionary<string, string>
                    {
                        ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
                        ["HubSpot__AccessToken"] = Token,
                        ["HubSpot__Tier"] = tier,
                        ["HubSpot__ApiVersion"] = version,
                        ["Storage__DatabasePath"] = Path.Combine(folder, $"run{run++}.db"),
                    };
                    foreach (var (k, v) in WorkerRun.ClientLimits(tier, timeScale) ?? [])
                    {
                        env[k] = v;
                    }

                    var sync = await WorkerRun.StartAsync(env, folder, "sync", "--full", "--no-push");
                    var after = emulator.Control.Stats();
                    var calls = after.Requests.Values.Sum() - before.Requests.Values.Sum();
                    var throttled = after.RateLimited.Values.Sum() - before.RateLimited.Values.Sum();
                    results[version].Add((calls, throttled, sync.Wall));
                    Console.WriteLine($"  {version,-8} round {round + 1}: {calls:N0} calls, {throttled} × 429, {sync.Wall.TotalSeconds:F2} s");
                }
            }

            foreach (var (version, runs) in results)
            {
                var calls = runs.Average(r => r.Calls);
                var wall = runs.Average(r => r.Wall.TotalSeconds);
                BenchmarkReport.Figure($"{version}: calls (mean of {runs.Count})", $"{calls:N0}  ({calls * 1000 / records:F2} per 1,000 records, {runs.Sum(r => r.Throttled)} × 429 in all)");
                BenchmarkReport.Figure($"{version}: wall time (mean; min–max)", $"{wall:F2} s; {runs.Min(r => r.Wall.TotalSeconds):F2}–{runs.Max(r => r.Wall.TotalSeconds):F2} s");
            }

            var means = results.ToDictionary(r => r.Key, r => (Calls: r.Value.Average(x => x.Calls), Wall: r.Value.Average(x => x.Wall.TotalSeconds)), StringComparer.Ordinal);
            var callSpread = (means.Values.Max(m => m.Calls) - means.Values.Min(m => m.Calls)) / means.Values.Min(m => m.Calls);
            var wallSpread = (means.Values.Max(m => m.Wall) - means.Values.Min(m => m.Wall)) / means.Values.Min(m => m.Wall);
            BenchmarkReport.Figure("calls: largest difference between families (target ≤ 2 %)", $"{callSpread:P2}");
            BenchmarkReport.Figure("wall time: largest difference between families", $"{wallSpread:P2}");
            return callSpread <= 0.02 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
