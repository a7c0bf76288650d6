using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Benchmarks.Storage;

/// <summary>
/// SQLite ingest rate of the sync's write path: deals mapped with the default mappings (raw values, typed values,
/// content hash) and committed page by page through <see cref="SqliteDeliveryStore.CommitPageAsync"/>, the call the
/// sync makes — records, ledger rows, a link each and the cursor in one transaction per page, commit included —
/// into a fresh database file. As in the sync, 1,000 records are mapped, then their pages are committed; only the
/// commits are measured: in wall time, in the CPU time of the thread that writes (Linux: its scheduler time from
/// /proc/thread-self/schedstat) and in the process's CPU time (which also counts the JIT's background compiles and
/// the GC's threads). A warm-up ingest into a throw-away database first brings the code to its steady state, as in
/// a sync that runs for minutes: without it, the measured run also pays the JIT's tiering.
/// Target: ≥ 50,000 records/s.
/// Usage: sqlite-ingest [records=200000] [pageSize=100] [--no-links] [--warmup N=30000]
/// </summary>
internal sealed class SqliteIngestBenchmark : IBenchmark
{
    public string Name => "sqlite-ingest";

    /// <summary>Records the sync maps before committing their pages (its association batch).</summary>
    private const int SyncBatch = 1000;

    public string Description => "SQLite ingest rate of mapped deal pages (records/s); args: [records=200000] [pageSize=100] [--no-links]";

    internal static PageCommit BuildPage(Core.Mapping.ObjectMapping mapping, DateTimeOffset start, int first, int end, bool withLinks)
    {
        var writes = new List<RecordWrite>(end - first);
        var links = new List<LinkReplacement>(end - first);
        for (var i = first; i < end; i++)
        {
            var id = (100_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var record = new CrmRecord(id, SeedPortal.Deal(i)!, start, start.AddMilliseconds(i));
            var mapped = RecordMapper.Map(record, mapping);
            writes.Add(new RecordWrite(mapped.Record, new LedgerEntry(EntityKind.Deal, id, record.UpdatedAt, mapped.ContentHash, mapped.Status, mapped.Reason, start)));
            if (withLinks)
            {
                links.Add(new LinkReplacement(EntityKind.Deal, id, EntityKind.Company,
                [
                    new DeliveryLink(EntityKind.Deal, id, EntityKind.Company, (i % 5000).ToString(CultureInfo.InvariantCulture), [new AssociationKind(AssociationKind.HubSpotDefined, 341, null)]),
                ]));
            }
        }

        return new PageCommit(EntityKind.Deal, writes, links, new SyncCursorState(EntityKind.Deal)
        {
            ListInProgress = true,
            ListAfter = writes[^1].Ledger.Id,
            ListStartedAt = start,
        });
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    public async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var warmupAt = Array.IndexOf(args, "--warmup");
        var warmup = warmupAt >= 0 ? int.Parse(args[warmupAt + 1], CultureInfo.InvariantCulture) : 30_000;
        if (warmupAt >= 0)
        {
            positional.Remove(args[warmupAt + 1]);
        }

        var total = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 200_000;
        var pageSize = positional.Count > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 100;
        var withLinks = !args.Contains("--no-links");
        var folder = Path.Combine(Path.GetTempPath(), "hpsync-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (warmup > 0)
            {
                await IngestAsync(Path.Combine(folder, "warmup.db"), warmup, pageSize, withLinks);
            }

            var run = await IngestAsync(Path.Combine(folder, "bench.db"), total, pageSize, withLinks);
            BenchmarkReport.Figure("records", total.ToString("N0", CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("page size (records per transaction)", pageSize.ToString(CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("links per record", withLinks ? "1" : "0");
            BenchmarkReport.Figure("warm-up (throw-away database)", $"{warmup.ToString("N0", CultureInfo.InvariantCulture)} records");
            BenchmarkReport.Figure("time in commits (wall)", $"{run.CommitWall.TotalSeconds:F2} s ({run.CommitWall.TotalMicroseconds / total:F1} µs per record)");
            BenchmarkReport.Figure("CPU time in commits, writing thread", run.CommitThreadCpu is { } thread ? $"{thread.TotalSeconds:F2} s ({thread.TotalMicroseconds / total:F1} µs per record)" : "n/a (Linux only)");
            BenchmarkReport.Figure("CPU time in commits, whole process", $"{run.CommitProcessCpu.TotalSeconds:F2} s ({run.CommitProcessCpu.TotalMicroseconds / total:F1} µs per record)");
            BenchmarkReport.Figure("wall time (with building the pages)", $"{run.Wall.TotalSeconds:F2} s");
            BenchmarkReport.Figure("CPU time, building included", $"{run.Cpu.TotalSeconds:F2} s");
            BenchmarkReport.Figure("ingest rate (wall)", $"{total / run.CommitWall.TotalSeconds:N0} records/s (target ≥ 50,000)");
            if (run.CommitThreadCpu is { } cpu)
            {
                BenchmarkReport.Figure("ingest rate per CPU second", $"{total / cpu.TotalSeconds:N0} records/s of the writing thread (target ≥ 50,000)");
            }

            BenchmarkReport.Figure("machine load average (1 min)", LoadAverage());
            BenchmarkReport.Figure("database + WAL size", BenchmarkReport.Mb(run.Bytes));
            BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private sealed record IngestRun(TimeSpan CommitWall, TimeSpan? CommitThreadCpu, TimeSpan CommitProcessCpu, TimeSpan Wall, TimeSpan Cpu, long Bytes);

    private static async Task<IngestRun> IngestAsync(string path, int total, int pageSize, bool withLinks)
    {
        var database = new SqliteDatabase(new StorageOptions { DatabasePath = path });
        using var store = new SqliteDeliveryStore(database);
        var mapping = TestMappings.Default.For(EntityKind.Deal)!;
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

        await store.SaveCursorAsync(new SyncCursorState(EntityKind.Deal), CancellationToken.None); // create + migrate outside the clock
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var clock = new Stopwatch();
        var processCpu = TimeSpan.Zero;
        TimeSpan? threadCpu = TimeSpan.Zero;

        // Like the sync: a batch of about 1,000 records is mapped, then its pages are committed one transaction
        // each (the heap stays small). Only the commits are timed.
        var batch = new List<PageCommit>();
        for (var first = 0; first < total;)
        {
            batch.Clear();
            for (var mapped = 0; mapped < SyncBatch && first < total; first += pageSize)
            {
                var end = Math.Min(total, first + pageSize);
                batch.Add(BuildPage(mapping, start, first, end, withLinks));
                mapped += end - first;
            }

            var thread = Environment.CurrentManagedThreadId;
            var threadAtBatch = ThreadCpu();
            process.Refresh();
            var cpuAtBatch = process.TotalProcessorTime;
            clock.Start();
            foreach (var page in batch)
            {
                await store.CommitPageAsync(page, CancellationToken.None); // completes synchronously: same thread
            }

            clock.Stop();
            process.Refresh();
            processCpu += process.TotalProcessorTime - cpuAtBatch;
            threadCpu = ThreadCpu() is { } after && threadAtBatch is { } before && thread == Environment.CurrentManagedThreadId
                ? threadCpu + (after - before)
                : null;
        }

        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var size = new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);
        return new IngestRun(clock.Elapsed, threadCpu, processCpu, wall.Elapsed, cpu, size);
    }

    /// <summary>The calling thread's time on a CPU (Linux: the first field of its schedstat, in ns); null elsewhere.</summary>
    private static TimeSpan? ThreadCpu()
    {
        const string schedstat = "/proc/thread-self/schedstat";
        if (!File.Exists(schedstat))
        {
            return null;
        }

        var text = File.ReadAllText(schedstat);
        return TimeSpan.FromTicks(long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture) / 100);
    }
}
