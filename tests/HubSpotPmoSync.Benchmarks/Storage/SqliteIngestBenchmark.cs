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
/// commits are measured, in wall time and in CPU time (the process's, sampled around each batch of commits).
/// Target: ≥ 50,000 records/s.
/// Usage: sqlite-ingest [records=200000] [pageSize=100] [--no-links]
/// </summary>
internal sealed class SqliteIngestBenchmark : IBenchmark
{
    public string Name => "sqlite-ingest";

    /// <summary>Records the sync maps before committing their pages (its association batch).</summary>
    private const int SyncBatch = 1000;

    public string Description => "SQLite ingest rate of mapped deal pages (records/s); args: [records=200000] [pageSize=100] [--no-links]";

    private static PageCommit BuildPage(Core.Mapping.ObjectMapping mapping, DateTimeOffset start, int first, int end, bool withLinks)
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
        var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var pageSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var withLinks = !args.Contains("--no-links");
        var folder = Path.Combine(Path.GetTempPath(), "hpsync-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var database = new SqliteDatabase(new StorageOptions { DatabasePath = Path.Combine(folder, "bench.db") });
            using var store = new SqliteDeliveryStore(database);
            var mapping = TestMappings.Default.For(EntityKind.Deal)!;
            var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

            await store.SaveCursorAsync(new SyncCursorState(EntityKind.Deal), CancellationToken.None); // create + migrate outside the clock
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var clock = new Stopwatch();
            var commitCpu = TimeSpan.Zero;

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

                var cpuAtBatch = process.TotalProcessorTime;
                clock.Start();
                foreach (var page in batch)
                {
                    await store.CommitPageAsync(page, CancellationToken.None);
                }

                clock.Stop();
                commitCpu += process.TotalProcessorTime - cpuAtBatch;
            }

            wall.Stop();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var rate = total / clock.Elapsed.TotalSeconds;
            var cpuRate = total / commitCpu.TotalSeconds;
            var size = new FileInfo(database.DatabasePath).Length + (File.Exists(database.DatabasePath + "-wal") ? new FileInfo(database.DatabasePath + "-wal").Length : 0);
            BenchmarkReport.Figure("records", total.ToString("N0", CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("page size (records per transaction)", pageSize.ToString(CultureInfo.InvariantCulture));
            BenchmarkReport.Figure("links per record", withLinks ? "1" : "0");
            BenchmarkReport.Figure("time in commits (wall)", $"{clock.Elapsed.TotalSeconds:F2} s");
            BenchmarkReport.Figure("CPU time in commits", $"{commitCpu.TotalSeconds:F2} s ({commitCpu.TotalMicroseconds / total:F1} µs per record)");
            BenchmarkReport.Figure("wall time (with building the pages)", $"{wall.Elapsed.TotalSeconds:F2} s");
            BenchmarkReport.Figure("CPU time, building included", $"{cpu.TotalSeconds:F2} s");
            BenchmarkReport.Figure("ingest rate (wall)", $"{rate:N0} records/s (target ≥ 50,000)");
            BenchmarkReport.Figure("ingest rate per CPU second", $"{cpuRate:N0} records/s (target ≥ 50,000; the write path runs on one thread)");
            BenchmarkReport.Figure("machine load average (1 min)", LoadAverage());
            BenchmarkReport.Figure("database + WAL size", BenchmarkReport.Mb(size));
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
}
