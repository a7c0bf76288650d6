using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Benchmarks.Sync;

/// <summary>
/// A first full pull on a real network's round trips, against a peer (issue 15). One emulator in this process (Kestrel on
/// 127.0.0.1, the latency model, a tier at real rates, <c>scale:N</c>) serves, one after the other:
/// <list type="number">
/// <item>the peer: <c>tests/compat/naive-fullsync.js</c>, HubSpot's official Node client as its README shows it
/// (<c>getAll</c> per object type, associations inline);</item>
/// <item>the product: the real <c>hubspot-pmo-sync sync --full --no-push</c> child process on a fresh SQLite file.</item>
/// </list>
/// The rate-limit windows are emptied and the counters taken afresh before each. For each it prints wall time, calls
/// (emulator count), calls per 1,000 records, 429s by policy, peak RSS (VmHWM of the child) and the rate-limit floor of
/// the calls it made: the largest of burst-budget calls ÷ the tier's burst rate, search calls ÷ 5/s and association
/// batch calls ÷ the associations budget's rate, since the budgets are spent in parallel.
/// Usage: fullsync-peer [--scale 20000] [--tier pro] [--latency SPEC] [--latency-seed 1] [--time-scale 1] [--skip-peer]
/// </summary>
internal sealed class FullSyncPeerBenchmark : IBenchmark
{
    /// <summary>The round trips of issue 15 (HubSpot answering from far away).</summary>
    public const string DefaultLatency = "list:250ms,search:400ms,batch:200ms,associations:250ms,write:300ms,default:150ms";

    private const string Token = "benchmark-token";

    public string Name => "fullsync-peer";

    public string Description => "first full pull of scale:20000 under the latency model at real rates: HubSpot's Node client (getAll) vs sync --full --no-push";

    public async Task<int> RunAsync(string[] args)
    {
        var scale = int.Parse(Arg(args, "--scale") ?? "20000", CultureInfo.InvariantCulture);
        var tier = EmulatorOptions.ParseTier(Arg(args, "--tier") ?? "pro");
        var timeScale = EmulatorOptions.ParseTimeScale(Arg(args, "--time-scale") ?? "1");
        var latency = EmulatorOptions.ParseLatency(Arg(args, "--latency") ?? DefaultLatency);
        var latencySeed = int.Parse(Arg(args, "--latency-seed") ?? "1", CultureInfo.InvariantCulture);
        var skipPeer = args.Contains("--skip-peer");
        if (tier == "unlimited")
        {
            Console.Error.WriteLine("--tier: the floor needs a tier with limits (free, pro, enterprise or addon)");
            return 2;
        }

        var compat = skipPeer ? null : await PrepareCompatAsync();
        var folder = Path.Combine(Path.GetTempPath(), "hps-bench-peer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"  seeding scale:{scale} (tier {tier}, time scale {timeScale}, latency {latency}) …");
            var seeding = Stopwatch.StartNew();
            await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions
            {
                Token = Token,
                Seed = $"scale:{scale}",
                Tier = tier,
                TimeScale = timeScale,
                Latency = latency,
                LatencySeed = latencySeed,
            });
            var (records, links) = Count(emulator.Control.ExportState());
            var budget = new Budget(tier, timeScale);
            BenchmarkReport.Figure("seed + start", $"{seeding.Elapsed.TotalSeconds:F1} s");
            BenchmarkReport.Figure("records (companies+deals+tickets+projects)", records.ToString("N0", CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("links (association pairs, not in records)", links.ToString("N0", CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("budgets", $"burst {budget.BurstPerSecond:0.#}/s, search {budget.SearchPerSecond:0.#}/s, associations {budget.AssociationsPerSecond:0.#}/s");

            Measured? peer = null;
            if (compat is not null)
            {
                Console.WriteLine("  peer: node naive-fullsync.js (@hubspot/api-client getAll, associations inline) …");
                peer = await MeasureAsync(emulator, budget, () => ChildRun.StartAsync("node", compat, new Dictionary<string, string>
                {
                    ["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/'),
                    ["EMULATOR_TOKEN"] = Token,
                }, "naive-fullsync.js"));
                Print("peer (official Node client)", peer, records);
                Console.WriteLine("    " + peer.Output.Trim());
            }

            Console.WriteLine("  product: hubspot-pmo-sync sync --full --no-push (fresh SQLite file) …");
            var env = new Dictionary<string, string>
            {
                ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
                ["HubSpot__AccessToken"] = Token,
                ["HubSpot__Tier"] = tier,
                ["Storage__DatabasePath"] = Path.Combine(folder, "fullsync.db"),
            };
            foreach (var (k, v) in WorkerRun.ClientLimits(tier, timeScale) ?? [])
            {
                env[k] = v;
            }

            var product = await MeasureAsync(emulator, budget, async () =>
            {
                var run = await WorkerRun.StartAsync(env, folder, "sync", "--full", "--no-push");
                return new ChildRun(run.Wall, run.Output, run.PeakRssBytes);
            });
            Print("product (sync --full --no-push)", product, records);
            Console.WriteLine(product.Output);

            return Verdict(product, peer, records, scale);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The mapped types' records, and the links (each stored in both directions) between any of them.</summary>
    private static (int Records, int Links) Count(EmulatorState state) =>
        (state.Objects.Where(o => o.Key is "companies" or "deals" or "tickets" or "projects").Sum(o => o.Value.Count), state.Associations.Count / 2);

    /// <summary>Empties the windows, runs one client, and counts what the emulator saw of it.</summary>
    private static async Task<Measured> MeasureAsync(HubSpotEmulator emulator, Budget budget, Func<Task<ChildRun>> run)
    {
        emulator.Control.ResetRateLimits();
        var before = emulator.Control.Stats();
        var child = await run();
        var after = emulator.Control.Stats();

        long calls = 0, burst = 0, search = 0, associations = 0;
        foreach (var (key, n) in after.Requests)
        {
            var delta = n - before.Requests.GetValueOrDefault(key);
            if (delta == 0 || key.Contains(" /__emulator/", StringComparison.Ordinal))
            {
                continue;
            }

            calls += delta;
            if (key.EndsWith(" 429", StringComparison.Ordinal))
            {
                continue; // refused: spent no budget
            }

            var kind = Budget.Of(key);
            burst += kind.Burst ? delta : 0;
            search += kind.Search ? delta : 0;
            associations += kind.Associations ? delta : 0;
        }

        var limited = after.RateLimited.ToDictionary(p => p.Key, p => p.Value - before.RateLimited.GetValueOrDefault(p.Key));
        return new Measured(child.Wall, child.Output, child.PeakRssBytes, calls, burst, search, associations,
            limited.GetValueOrDefault("TEN_SECONDLY_ROLLING"), limited.GetValueOrDefault("SECONDLY"), limited.GetValueOrDefault("DAILY"),
            budget.Floor(burst, search, associations));
    }

    private static void Print(string who, Measured m, int records)
    {
        Console.WriteLine($"  {who}:");
        BenchmarkReport.Figure("  wall time", $"{m.Wall.TotalSeconds:F1} s");
        BenchmarkReport.Figure("  calls (emulator count)", $"{m.Calls:N0}  (burst budget {m.BurstCalls:N0}, search {m.SearchCalls:N0}, association batch {m.AssociationCalls:N0})");
        BenchmarkReport.Figure("  calls per 1,000 records", $"{m.Calls * 1000.0 / records:F2}  (links fetched, not counted as records)");
        BenchmarkReport.Figure("  429s by policy", $"burst {m.Burst429}, search {m.Search429}, daily {m.Daily429}");
        BenchmarkReport.Figure("  peak RSS (VmHWM)", BenchmarkReport.Mb(m.PeakRssBytes));
        BenchmarkReport.Figure("  rate-limit floor of these calls", $"{m.Floor.Seconds:F1} s ({m.Floor.Bound})  →  wall ÷ floor = {m.Wall.TotalSeconds / m.Floor.Seconds:F2}");
    }

    private static int Verdict(Measured product, Measured? peer, int records, int scale)
    {
        Console.WriteLine("  targets (issue 15):");
        var ok = true;
        void Check(string name, bool met, string figure)
        {
            ok &= met;
            BenchmarkReport.Figure("  " + name, $"{figure}  {(met ? "met" : "NOT met")}");
        }

        var perThousand = product.Calls * 1000.0 / records;
        Check("product ÷ floor ≤ 1.5", product.Wall.TotalSeconds / product.Floor.Seconds <= 1.5, $"{product.Wall.TotalSeconds / product.Floor.Seconds:F2}");
        if (peer is not null)
        {
            Check("peer ÷ product ≥ 3", peer.Wall.TotalSeconds / product.Wall.TotalSeconds >= 3, $"{peer.Wall.TotalSeconds / product.Wall.TotalSeconds:F2}");
        }

        Check("calls per 1,000 records ≤ 10", perThousand <= 10, $"{perThousand:F2}");
        Check("burst 429s = 0", product.Burst429 == 0, product.Burst429.ToString(CultureInfo.InvariantCulture));
        if (scale >= 60_000)
        {
            Check("peak RSS ≤ 300 MB (scale:60000)", product.PeakRssBytes <= 300L * 1024 * 1024, BenchmarkReport.Mb(product.PeakRssBytes));
        }

        return ok ? 0 : 1;
    }

    /// <summary>
    /// tests/compat with its node_modules: <c>npm ci</c> runs once when they are missing (npm's registry client; the
    /// same lock file the compat tests use).
    /// </summary>
    private static async Task<string> PrepareCompatAsync()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "compat", "naive-fullsync.js")))
        {
            dir = dir.Parent;
        }

        var compat = dir is null ? throw new InvalidOperationException("tests/compat/naive-fullsync.js not found above " + AppContext.BaseDirectory) : Path.Combine(dir.FullName, "tests", "compat");
        if (!Directory.Exists(Path.Combine(compat, "node_modules", "@hubspot", "api-client")))
        {
            Console.WriteLine($"  npm ci in {compat} …");
            await ChildRun.StartAsync("npm", compat, new Dictionary<string, string>(), "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }

        return compat;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record Measured(
        TimeSpan Wall, string Output, long PeakRssBytes, long Calls, long BurstCalls, long SearchCalls, long AssociationCalls,
        long Burst429, long Search429, long Daily429, (double Seconds, string Bound) Floor);

    /// <summary>The tier's budgets per second (at the time scale) and which of them a stats key's route spends (docs/emulator.md).</summary>
    private sealed class Budget(string tier, double timeScale)
    {
        public double BurstPerSecond { get; } = WorkerRun.TierLimits(tier).Burst / 10.0 * timeScale;

        public double AssociationsPerSecond { get; } = WorkerRun.TierLimits(tier).Associations / 10.0 * timeScale;

        public double SearchPerSecond { get; } = 5 * timeScale;

        public (double Seconds, string Bound) Floor(long burst, long search, long associations) => new[]
        {
            (burst / BurstPerSecond, $"burst: {burst:N0} ÷ {BurstPerSecond:0.#}/s"),
            (search / SearchPerSecond, $"search: {search:N0} ÷ {SearchPerSecond:0.#}/s"),
            (associations / AssociationsPerSecond, $"associations: {associations:N0} ÷ {AssociationsPerSecond:0.#}/s"),
        }.MaxBy(f => f.Item1);

        /// <summary>Stats keys are <c>"METHOD /route/template STATUS"</c>.</summary>
        public static (bool Burst, bool Search, bool Associations) Of(string key)
        {
            var template = key.Split(' ')[1];
            if (template.EndsWith("/search", StringComparison.Ordinal))
            {
                return (false, true, false);
            }

            if (template.StartsWith("/crm/v4/associations/", StringComparison.Ordinal) || template.StartsWith("/crm/associations/", StringComparison.Ordinal))
            {
                return (false, false, true); // batch and label endpoints: exempt from the burst, their own budget
            }

            return template.Contains("/associations/", StringComparison.Ordinal) && template.StartsWith("/crm/", StringComparison.Ordinal) && !template.StartsWith("/crm/v3/schemas", StringComparison.Ordinal)
                ? (true, false, true) // one-record association endpoints spend both
                : (true, false, false);
        }
    }

    /// <summary>A child process (not the worker): wall time, output and peak RSS; throws when it exits non-zero.</summary>
    private sealed record ChildRun(TimeSpan Wall, string Output, long PeakRssBytes)
    {
        public static async Task<ChildRun> StartAsync(string file, string folder, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var info = new ProcessStartInfo(file)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var (k, v) in environment)
            {
                info.Environment[k] = v;
            }

            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            long peak = 0;
            while (!process.HasExited)
            {
                peak = Math.Max(peak, PeakRss(process.Id));
                await Task.Delay(50);
            }

            await process.WaitForExitAsync();
            stopwatch.Stop();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' exited {process.ExitCode}: {await stdout}\n{await stderr}");
            }

            return new ChildRun(stopwatch.Elapsed, await stdout, peak);
        }

        // VmHWM: the peak resident set size of the process, in kB.
        private static long PeakRss(int pid)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }
}
