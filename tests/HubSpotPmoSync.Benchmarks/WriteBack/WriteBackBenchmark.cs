using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Benchmarks.WriteBack;

/// <summary>
/// Diff-only pushes at scale: N projects (default 10,000) with nine health properties each, through the SQLite
/// outbox to a portal that counts write calls. Cycle 1 pushes changed values (expects ≤ 105 write calls for 10k),
/// the pull brings the echoes back, cycle 2 re-enqueues the same values (expects 0 write calls), cycle 3 changes
/// one field of every project (expects ≤ 105 again). Exit code 1 when a bound is missed.
/// </summary>
internal sealed class WriteBackBenchmark : IBenchmark
{
    private static readonly string[] HealthProperties =
    [
        ProductSchema.HealthStatus, ProductSchema.HealthScore, ProductSchema.HealthReasons, ProductSchema.HealthTrend,
        ProductSchema.HealthBudget, ProductSchema.HealthActualCost, ProductSchema.HealthEac, ProductSchema.HealthCpi, ProductSchema.HealthSpi,
    ];

    public string Name => "write-back";

    public string Description => "10k projects: changed health fields -> write calls (<=105), unchanged -> 0 (options: --projects N, --db PATH)";

    public async Task<int> RunAsync(string[] args)
    {
        var projects = IntOption(args, "--projects", 10_000);
        var dbPath = StringOption(args, "--db") ?? Path.Combine(Path.GetTempPath(), "hubspot-pmo-sync-writeback-bench-" + Guid.NewGuid().ToString("N") + ".db");
        var time = TimeProvider.System;
        var portal = new FakeCrmPortal(time);
        var ct = CancellationToken.None;
        await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, ct);
        var ids = new List<string>(projects);
        for (var i = 0; i < projects; i++)
        {
            ids.Add(portal.Seed(CrmObjectTypes.Projects, new Dictionary<string, string?>
            {
                ["hs_name"] = "Project " + i.ToString(CultureInfo.InvariantCulture),
                ["hs_pipeline"] = "0",
                ["hs_pipeline_stage"] = "1000",
                ["project_code"] = "PRJ-" + i.ToString(CultureInfo.InvariantCulture),
            }));
        }

        try
        {
            Console.WriteLine($"  {projects} projects x {HealthProperties.Length} health properties, SQLite outbox at {dbPath}");
            var ok = await MeasureAsync(portal, portal, () => portal.WriteCalls, portal.ResetCalls, ids, dbPath, time, ct);
            BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
            BenchmarkReport.Figure("result", ok ? "PASS" : "FAIL");
            return ok ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (StringOption(args, "--db") is null)
            {
                foreach (var file in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" }.Where(File.Exists))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>
    /// The three cycles against any portal: give the CRM ports (e.g. the HTTP client pointed at the emulator), a
    /// write-call counter (e.g. <c>ICrmUsage.Snapshot().WriteCalls</c>) and a way to zero it (or a no-op, then the
    /// counter is read as a difference), and the ids of provisioned projects. True when the bounds hold.
    /// </summary>
    internal static async Task<bool> MeasureAsync(
        ICrmSource source, ICrmWriter writer, Func<long> writeCalls, Action resetCalls, List<string> ids, string dbPath, TimeProvider time, CancellationToken ct)
    {
        var maxCalls = (ids.Count + 99) / 100 + 5;
        var store = new SqliteWriteBackStore(new SqliteDatabase(new StorageOptions { DatabasePath = dbPath }));
        var flusher = new OutboxFlusher(store, writer, time);
        await PullAsync(store, source, ids, ct);
        var changed = await CycleAsync("cycle 1 (all changed)", store, flusher, writeCalls, resetCalls, Desired(ids, time, variant: 0), time, ct);
        await PullAsync(store, source, ids, ct);
        var unchanged = await CycleAsync("cycle 2 (unchanged, after echo pull)", store, flusher, writeCalls, resetCalls, Desired(ids, time, variant: 0), time, ct);
        var oneField = await CycleAsync("cycle 3 (health_status changed)", store, flusher, writeCalls, resetCalls, Desired(ids, time, variant: 1), time, ct);
        BenchmarkReport.Figure("bound (changed / unchanged)", $"<= {maxCalls} / 0 write calls");
        return changed <= maxCalls && unchanged == 0 && oneField <= maxCalls;
    }

    private static async Task<long> CycleAsync(
        string name,
        SqliteWriteBackStore store,
        OutboxFlusher flusher,
        Func<long> writeCalls,
        Action resetCalls,
        List<OutboundChange> desired,
        TimeProvider time,
        CancellationToken ct)
    {
        resetCalls();
        var before = writeCalls();
        var watch = Stopwatch.StartNew();
        await store.EnqueueAsync(desired, time.GetUtcNow(), ct);
        var enqueued = watch.Elapsed;
        var report = await flusher.FlushAsync(ct);
        watch.Stop();
        var calls = writeCalls() - before;
        BenchmarkReport.Figure(name + ": write calls", calls.ToString(CultureInfo.InvariantCulture));
        BenchmarkReport.Figure(name + ": properties written", report.Applied.Count.ToString(CultureInfo.InvariantCulture));
        BenchmarkReport.Figure(name + ": unchanged", report.Unchanged.ToString(CultureInfo.InvariantCulture));
        BenchmarkReport.Figure(name + ": enqueue / total", $"{enqueued.TotalMilliseconds:F0} ms / {watch.Elapsed.TotalMilliseconds:F0} ms");
        return calls;
    }

    private static async Task PullAsync(SqliteWriteBackStore store, ICrmSource source, List<string> ids, CancellationToken ct)
    {
        var result = await source.BatchReadAsync(CrmObjectTypes.Projects, ids, HealthProperties, ct);
        await store.RecordObservedAsync(CrmObjectTypes.Projects, result.Records, HealthProperties, ct);
    }

    private static List<OutboundChange> Desired(List<string> ids, TimeProvider time, int variant)
    {
        var now = time.GetUtcNow();
        var statuses = new[] { "green", "amber", "red" };
        var changes = new List<OutboundChange>(ids.Count * HealthProperties.Length);
        for (var i = 0; i < ids.Count; i++)
        {
            var values = new[]
            {
                statuses[(i + variant) % 3],
                (40 + (i % 60)).ToString(CultureInfo.InvariantCulture),
                "Budget " + (i % 20).ToString(CultureInfo.InvariantCulture) + "% over",
                "steady",
                (10_000 + i).ToString(CultureInfo.InvariantCulture),
                (5_000 + i).ToString(CultureInfo.InvariantCulture),
                (11_000 + i).ToString(CultureInfo.InvariantCulture),
                "0.95",
                "1.02",
            };
            for (var p = 0; p < HealthProperties.Length; p++)
            {
                changes.Add(new OutboundChange(CrmObjectTypes.Projects, ids[i], HealthProperties[p], values[p], "health", ConflictPolicy.LocalWins, now));
            }
        }

        return changes;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? StringOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
