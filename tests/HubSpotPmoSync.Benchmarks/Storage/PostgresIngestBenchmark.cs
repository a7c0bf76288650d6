using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Postgres;

namespace HubSpotPmoSync.Benchmarks.Storage;

/// <summary>
/// PostgreSQL ingest rate of the sync's write path, side by side with <see cref="SqliteIngestBenchmark"/>: the same
/// mapped deal pages committed through <see cref="PostgresDeliveryStore.CommitPageAsync"/> (one transaction per page;
/// pages from <see cref="PostgresDeliveryStore.CopyThreshold"/> records go in by binary COPY) into a fresh schema of
/// the server <c>PMOSYNC_TEST_POSTGRES</c> names (dropped afterwards). Only the commits are timed (wall), after a
/// warm-up into another schema.
/// Usage: postgres-ingest [records=200000] [pageSize=100] [--warmup N=30000]
/// </summary>
internal sealed class PostgresIngestBenchmark : IBenchmark
{
    public string Name => "postgres-ingest";

    public string Description => "PostgreSQL ingest rate of mapped deal pages (records/s), server from PMOSYNC_TEST_POSTGRES; args: [records=200000] [pageSize=100]";

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
        if (warmup > 0)
        {
            await IngestAsync(warmup, pageSize);
        }

        var wall = await IngestAsync(total, pageSize);
        BenchmarkReport.Figure("records", total.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("page size (records per transaction)", pageSize.ToString(CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("time in commits (wall)", $"{wall.TotalSeconds:F2} s ({wall.TotalMicroseconds / total:F1} µs per record)");
        BenchmarkReport.Figure("ingest rate (wall)", $"{total / wall.TotalSeconds:N0} records/s");
        BenchmarkReport.Figure("machine load average (1 min)", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a");
        return 0;
    }

    private static async Task<TimeSpan> IngestAsync(int total, int pageSize)
    {
        using var schema = new PostgresTestSchema();
        using var database = new PostgresDatabase(schema.ConnectionString);
        var store = new PostgresDeliveryStore(database);
        var mapping = TestMappings.Default.For(EntityKind.Deal)!;
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        await store.SaveCursorAsync(new SyncCursorState(EntityKind.Deal), CancellationToken.None); // create + migrate outside the clock
        var clock = new Stopwatch();
        var batch = new List<PageCommit>();
        for (var first = 0; first < total;)
        {
            batch.Clear();
            for (var mapped = 0; mapped < 1000 && first < total; first += pageSize)
            {
                var end = Math.Min(total, first + pageSize);
                batch.Add(SqliteIngestBenchmark.BuildPage(mapping, start, first, end, withLinks: true));
                mapped += end - first;
            }

            clock.Start();
            foreach (var page in batch)
            {
                await store.CommitPageAsync(page, CancellationToken.None);
            }

            clock.Stop();
        }

        return clock.Elapsed;
    }
}
