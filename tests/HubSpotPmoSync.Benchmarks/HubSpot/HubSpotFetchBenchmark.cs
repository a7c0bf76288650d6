using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Benchmarks.HubSpot;

/// <summary>
/// Fetches every deal with its company and ticket links from the emulator at tier pro, time-scaled, through the
/// real client (AddHubSpotClient, rate limiter, Polly pipeline), and reports how well the client spends the
/// rate budget: utilisation = (calls × window ÷ limit) ÷ wall time, per budget, and the share of 429s.
/// Usage: hubspot-fetch [--deals 50000] [--scale 2] [--tier pro]
/// </summary>
internal sealed class HubSpotFetchBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    public string Name => "hubspot-fetch";

    public string Description => "50k deals + associations at tier pro (time-scaled): calls, 429s, wall time, utilisation";

    public async Task<int> RunAsync(string[] args)
    {
        var deals = IntArg(args, "--deals", 50_000);
        var scale = double.Parse(Arg(args, "--scale") ?? "2", CultureInfo.InvariantCulture);
        var tier = Arg(args, "--tier") ?? "pro";

        Console.WriteLine($"  seeding scale:{deals} (tier {tier}, time scale {scale}) …");
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{deals}", Tier = tier, TimeScale = scale });

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHubSpotClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot:AccessToken"] = Token,
            ["HubSpot:Tier"] = tier,
            ["HubSpot:DailyQuotaShare"] = "1",
        }).Build());
        await using var provider = services.BuildServiceProvider();
        var source = provider.GetRequiredService<ICrmSource>();
        var usage = provider.GetRequiredService<ICrmUsage>();

        var stopwatch = Stopwatch.StartNew();
        var batches = Channel.CreateBounded<List<string>>(4);
        var links = 0L;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await foreach (var ids in batches.Reader.ReadAllAsync())
            {
                var companies = source.ReadAssociationsAsync("deals", "companies", ids, CancellationToken.None);
                var tickets = source.ReadAssociationsAsync("deals", "tickets", ids, CancellationToken.None);
                Interlocked.Add(ref links, (await companies).Count + (await tickets).Count);
            }
        })).ToList();

        var fetched = 0;
        var pending = new List<string>(1000);
        await foreach (var page in source.ListAsync("deals", ["dealname", "amount", "dealstage", "pipeline"], new CrmListOptions(), CancellationToken.None))
        {
            fetched += page.Records.Count;
            pending.AddRange(page.Records.Select(r => r.Id));
            if (pending.Count >= 1000)
            {
                await batches.Writer.WriteAsync(pending);
                pending = new List<string>(1000);
            }
        }

        if (pending.Count > 0)
        {
            await batches.Writer.WriteAsync(pending);
        }

        batches.Writer.Complete();
        await Task.WhenAll(readers);
        stopwatch.Stop();

        var snapshot = usage.Snapshot();
        var wall = stopwatch.Elapsed;
        var window = TimeSpan.FromSeconds(10 / scale);
        var (burst, associationsBurst) = tier switch
        {
            "free" => (100, 100),
            "addon" => (250, 200),
            _ => (190, 150),
        };
        static bool IsAssociations(string route) =>
            route.Contains("/crm/associations/", StringComparison.Ordinal) || route.Contains("/crm/v4/associations/", StringComparison.Ordinal);
        var generalCalls = snapshot.Count(r => !IsAssociations(r));
        var associationCalls = snapshot.Count(IsAssociations);
        var generalUtilisation = generalCalls * window.TotalSeconds / burst / wall.TotalSeconds;
        var associationUtilisation = associationCalls * window.TotalSeconds / associationsBurst / wall.TotalSeconds;
        var rateLimitedShare = snapshot.TotalCalls == 0 ? 0 : (double)snapshot.RateLimited / snapshot.TotalCalls;

        BenchmarkReport.Figure("deals fetched", fetched.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("association links read", links.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("calls (all attempts)", snapshot.TotalCalls.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("  general budget (list)", generalCalls.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("  associations budget", associationCalls.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("429s", $"{snapshot.RateLimited} ({rateLimitedShare:P2} of calls)");
        BenchmarkReport.Figure("wall time", $"{wall.TotalSeconds:F2} s");
        BenchmarkReport.Figure("window (10 s ÷ scale)", $"{window.TotalSeconds:F2} s, limit {burst} (associations {associationsBurst})");
        BenchmarkReport.Figure("utilisation, general budget", generalUtilisation.ToString("F3", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("utilisation, associations budget", associationUtilisation.ToString("F3", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
        foreach (var (route, outcomes) in snapshot.Calls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            BenchmarkReport.Figure($"  {route}", string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}×{o.Value}")));
        }

        var ok = fetched == deals && generalUtilisation >= 0.9 && rateLimitedShare <= 0.005;
        Console.WriteLine(ok ? "  targets met (utilisation ≥ 0.9, 429s ≤ 0.5 %)" : "  TARGETS MISSED (utilisation ≥ 0.9, 429s ≤ 0.5 %, every deal once)");
        return ok ? 0 : 1;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
