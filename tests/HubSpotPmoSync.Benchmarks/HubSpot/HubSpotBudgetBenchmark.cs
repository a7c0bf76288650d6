using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Benchmarks.HubSpot;

/// <summary>
/// The HubSpot client spending both budgets at once over a network's round trip: many concurrent callers issue batch
/// reads (burst budget) and searches (search budget) against the emulator at real rates (time scale 1) behind a proxy
/// that holds every request 200 ms ± 50 %. The client's limiter alone decides what goes out when. Prints the wall
/// time against the floor max(burst calls ÷ the tier's rate, searches ÷ 5/s)
/// and the 429s by policy.
/// Usage: hubspot-budget [--tier pro] [--latency-ms 200] [--batch-reads 300] [--search-pages 60] [--callers 64]
/// </summary>
internal sealed class HubSpotBudgetBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    public string Name => "hubspot-budget";

    public string Description => "the HubSpot client's adaptive concurrency: 300 batch reads + 60 search pages from 64 callers, tier pro, real rates, 200 ms ± 50 % round trips";

    public async Task<int> RunAsync(string[] args)
    {
        var tier = Arg(args, "--tier") ?? "pro";
        var latencyMs = IntArg(args, "--latency-ms", 200);
        var batchReads = IntArg(args, "--batch-reads", 300);
        var searchPages = IntArg(args, "--search-pages", 60);
        var callers = IntArg(args, "--callers", 64);
        var burstPerSecond = tier switch { "free" => 10.0, "addon" => 25.0, _ => 19.0 };

        Console.WriteLine($"  seeding scale:10000 (tier {tier}, real rates, {latencyMs} ms ± 50 %) …");
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = "scale:10000", Tier = tier, TimeScale = 1 });
        var random = new Random(15);
        await using var proxy = await CountingProxy.StartAsync(emulator.BaseAddress, _ =>
        {
            lock (random)
            {
                return TimeSpan.FromMilliseconds(latencyMs * (0.5 + random.NextDouble()));
            }
        });
        var tickets = emulator.Control.ExportState().Objects["tickets"].Select(t => t.Id).ToList();

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = proxy.BaseAddress.ToString(),
            ["HubSpot:AccessToken"] = Token,
            ["HubSpot:Tier"] = tier,
            ["HubSpot:DailyQuotaShare"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHubSpotClient(config);
        await using var provider = services.BuildServiceProvider();
        var source = provider.GetRequiredService<ICrmSource>();

        var work = new List<Func<Task>>();
        for (var i = 0; i < batchReads; i++)
        {
            var ids = tickets.Skip(i * 100 % Math.Max(1, tickets.Count - 100)).Take(100).ToList();
            work.Add(() => source.BatchReadAsync("tickets", ids, ["subject"], CancellationToken.None));
        }

        // Searches, each reading one page of a different window, interleaved with the batch reads.
        var start = emulator.Control.Now.AddYears(-10);
        for (var i = 0; i < searchPages; i++)
        {
            var type = (i % 3) switch { 0 => "deals", 1 => "tickets", _ => "companies" };
            var from = start.AddDays(i);
            work.Insert(Math.Min(work.Count, i * (batchReads / Math.Max(1, searchPages))), async () =>
            {
                await foreach (var page in source.SearchModifiedAsync(type, new CrmModifiedWindow(from), ["hs_object_id"], CancellationToken.None))
                {
                    _ = page;
                    break;
                }
            });
        }

        var queue = new System.Collections.Concurrent.ConcurrentQueue<Func<Task>>(work);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (queue.TryDequeue(out var next))
            {
                await next();
            }
        }));
        clock.Stop();

        var stats = emulator.Control.Stats();
        var search = stats.Requests.Where(r => r.Key.Contains("/search ", StringComparison.Ordinal)).Sum(r => r.Value);
        var calls = stats.Requests.Where(r => !r.Key.Contains("/__emulator", StringComparison.Ordinal)).Sum(r => r.Value);
        var burst = calls - search;
        var floor = Math.Max(burst / burstPerSecond, search / 5.0);
        BenchmarkReport.Figure("calls: burst budget / search", $"{burst} / {search}");
        BenchmarkReport.Figure("wall time", $"{clock.Elapsed.TotalSeconds:F1} s");
        BenchmarkReport.Figure($"floor max(burst ÷ {burstPerSecond}/s, search ÷ 5/s)", $"{floor:F1} s  (wall ÷ floor = {clock.Elapsed.TotalSeconds / floor:F2})");
        BenchmarkReport.Figure("429 answers by policy", stats.RateLimited.Count == 0 ? "none" : string.Join(", ", stats.RateLimited.Select(r => $"{r.Key} {r.Value}")));
        return 0;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
