using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.Benchmarks.Sync;

/// <summary>
/// A first sync over a network's round trip: the real <c>hubspot-pmo-sync sync --full --no-push</c> against the
/// emulator at real rates (time scale 1) behind a proxy that holds every request for a seeded 200 ms ± 50 % before
/// forwarding it. Prints the wall time against the rate-limit floor computed from the calls made, the larger of
/// (burst-budget calls ÷ the tier's rate) and (search calls ÷ 5/s), and the 429s by policy.
/// Usage: sync-latency [--scale-seed 10000] [--tier pro] [--latency-ms 200]
/// </summary>
internal sealed class SyncLatencyBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    public string Name => "sync-latency";

    public string Description => "sync --full --no-push of scale:10000 at tier pro, real rates, behind a 200 ms ± 50 % delaying proxy: wall time vs the rate-limit floor";

    public async Task<int> RunAsync(string[] args)
    {
        var seed = int.Parse(Arg(args, "--scale-seed") ?? "10000", CultureInfo.InvariantCulture);
        var tier = Arg(args, "--tier") ?? "pro";
        var latencyMs = int.Parse(Arg(args, "--latency-ms") ?? "200", CultureInfo.InvariantCulture);
        var burstPerSecond = tier switch { "free" => 10.0, "addon" => 25.0, _ => 19.0 };

        var folder = Path.Combine(Path.GetTempPath(), "hps-bench-latency-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"  seeding scale:{seed} (tier {tier}, real rates, {latencyMs} ms ± 50 %) …");
            await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{seed}", Tier = tier, TimeScale = 1 });
            var random = new Random(15);
            await using var proxy = await CountingProxy.StartAsync(emulator.BaseAddress, _ =>
            {
                lock (random)
                {
                    return TimeSpan.FromMilliseconds(latencyMs * (0.5 + random.NextDouble()));
                }
            });
            var records = emulator.Control.ExportState().Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count);
            var env = new Dictionary<string, string>
            {
                ["HubSpot__BaseAddress"] = proxy.BaseAddress.ToString(),
                ["HubSpot__AccessToken"] = Token,
                ["HubSpot__Tier"] = tier,
                ["Storage__DatabasePath"] = Path.Combine(folder, "sync.db"),
            };

            var run = await WorkerRun.StartAsync(env, folder, "sync", "--full", "--no-push");
            var stats = emulator.Control.Stats();
            var search = stats.Requests.Where(r => r.Key.Contains("/search ", StringComparison.Ordinal)).Sum(r => r.Value);
            var associations = stats.Requests.Where(r => r.Key.Contains("/crm/associations/", StringComparison.Ordinal)).Sum(r => r.Value);
            var calls = stats.Requests.Where(r => !r.Key.Contains("/__emulator", StringComparison.Ordinal)).Sum(r => r.Value);
            var burst = calls - search - associations;
            var floor = Math.Max(burst / burstPerSecond, search / 5.0);
            BenchmarkReport.Figure("records (companies+deals+tickets+projects)", records.ToString("N0", CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("wall time (process)", $"{run.Wall.TotalSeconds:F1} s");
            BenchmarkReport.Figure("calls: burst budget / search / associations", $"{burst} / {search} / {associations} (total {calls})");
            BenchmarkReport.Figure($"floor max(burst ÷ {burstPerSecond}/s, search ÷ 5/s)", $"{floor:F1} s  (wall ÷ floor = {run.Wall.TotalSeconds / floor:F2})");
            BenchmarkReport.Figure("429 answers by policy", stats.RateLimited.Count == 0 ? "none" : string.Join(", ", stats.RateLimited.Select(r => $"{r.Key} {r.Value}")));
            Console.WriteLine(run.Output);
            return 0;
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
}
