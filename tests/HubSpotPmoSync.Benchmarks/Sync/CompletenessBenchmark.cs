using System.Globalization;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Benchmarks.Sync;

/// <summary>
/// What the completeness check costs per incremental cycle, with the default <c>Sync:CompletenessBudget</c> (50) and
/// <c>Sync:CompletenessWindow</c> (1 h), per portal size: the real <c>hubspot-pmo-sync sync --no-push</c> as a child
/// process against an emulator seeded <c>scale:N</c> (unlimited tier), a first sync (a listing: a whole pass, no check),
/// then incremental syncs one after another until a whole pass has completed. Reports the check's calls per cycle (from
/// the summary line), every call the emulator answered per cycle (the passes' searches included), and the cycles a whole
/// pass takes. Syncs seconds apart size their slice from the budget alone; so does <c>run</c> every 5 minutes, as the
/// window's share (a twelfth) is below what the budget buys at every size measured.
/// Usage: completeness [--scales 2000,20000,60000] [--budget 50]
/// </summary>
internal sealed partial class CompletenessBenchmark : IBenchmark
{
    private const string Token = "benchmark-token";

    public string Name => "completeness";

    public string Description => "the completeness check's calls per incremental cycle at scale:2000, 20000, 60000 and the cycles a whole pass takes (real process)";

    public async Task<int> RunAsync(string[] args)
    {
        var scales = (Arg(args, "--scales") ?? "2000,20000,60000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var budget = Arg(args, "--budget") ?? "50";
        var folder = Path.Combine(Path.GetTempPath(), "hps-bench-completeness-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var scale in scales)
            {
                Console.WriteLine($"  seeding scale:{scale} …");
                await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = Token, Seed = $"scale:{scale}", Tier = "unlimited" });
                var env = new Dictionary<string, string>
                {
                    ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
                    ["HubSpot__AccessToken"] = Token,
                    ["HubSpot__Tier"] = "unlimited",
                    ["Storage__DatabasePath"] = Path.Combine(folder, $"scale{scale}.db"),
                    ["Sync__CompletenessBudget"] = budget,
                };
                await SyncAsync(env, folder);
                var cycles = new List<(long Check, long Http, string Line)>();
                for (var cycle = 1; cycle <= 50; cycle++)
                {
                    var before = emulator.Control.Stats().Requests.Values.Sum();
                    var summary = await SyncAsync(env, folder);
                    var http = emulator.Control.Stats().Requests.Values.Sum() - before;
                    var m = CheckLine().Match(summary);
                    if (!m.Success)
                    {
                        Console.Error.WriteLine($"no completeness figure in: {summary}");
                        return 1;
                    }

                    var check = long.Parse(m.Groups["calls"].Value, CultureInfo.InvariantCulture);
                    cycles.Add((check, http, m.Value));
                    Console.WriteLine($"    cycle {cycle}: {m.Value}; {http} calls in all");
                    var whole = m.Groups["all"].Success || m.Groups["done"].Value == m.Groups["total"].Value;
                    if (whole)
                    {
                        break;
                    }
                }

                var records = emulator.Control.ExportState().Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count);
                BenchmarkReport.Figure($"scale:{scale} ({records:N0} records)", string.Create(CultureInfo.InvariantCulture,
                    $"{cycles.Average(c => c.Check):F0} check calls a cycle (max {cycles.Max(c => c.Check)}), {cycles.Count} cycle(s) a whole pass, {cycles.Sum(c => c.Check)} calls a pass; {cycles.Average(c => c.Http):F0} calls a cycle in all"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> SyncAsync(Dictionary<string, string> env, string folder)
    {
        var run = await WorkerRun.StartAsync(env, folder, "sync", "--no-push");
        return run.Output;
    }

    [GeneratedRegex(@"completeness: (?<calls>\d+) calls, (?:(?<all>all) [\d,]+ ids[^\n]*|slice (?<done>[\d,]+)/(?<total>[\d,]+) ids, full pass every ≈ [^\n]*)")]
    private static partial Regex CheckLine();

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
