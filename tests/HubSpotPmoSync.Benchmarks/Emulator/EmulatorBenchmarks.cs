using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Benchmarks.Emulator;

/// <summary>
/// List, search and batch throughput of the emulator over real HTTP at about 100k objects (seed scale:30000 =
/// 7,500 companies + 30,000 deals + 60,000 tickets + 3,000 projects). Options: --deals N (default 30000), --clients C (default 4).
/// </summary>
internal sealed class EmulatorThroughputBenchmark : IBenchmark
{
    public string Name => "emulator-throughput";

    public string Description => "emulator list/search/batch throughput over HTTP at ~100k objects";

    public async Task<int> RunAsync(string[] args)
    {
        var deals = EmulatorBenchmarkArgs.Int(args, "--deals", 30_000);
        var clients = EmulatorBenchmarkArgs.Int(args, "--clients", 4);
        var seedWatch = Stopwatch.StartNew();
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Seed = $"scale:{deals}" });
        BenchmarkReport.Figure("start + seed", $"{seedWatch.Elapsed.TotalSeconds:F1} s");
        var exportWatch = Stopwatch.StartNew();
        var (objects, ids) = Summarize(emulator.Control.ExportState());
        BenchmarkReport.Figure("objects", objects.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("state export", $"{exportWatch.Elapsed.TotalSeconds:F1} s");
        using var http = new HttpClient { BaseAddress = emulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "emulator-token");

        // Warm-up: JIT and connection pool.
        for (var i = 0; i < 20; i++)
        {
            (await http.GetAsync(new Uri("/crm/v3/objects/deals?limit=100", UriKind.Relative))).Dispose();
        }

        // List: page through every ticket, 100 a page, one client.
        var watch = Stopwatch.StartNew();
        var pages = 0;
        var records = 0;
        string? after = null;
        do
        {
            using var doc = await GetJson(http, $"/crm/v3/objects/tickets?limit=100&properties=subject,hs_pipeline_stage{(after is null ? "" : "&after=" + after)}");
            records += doc.RootElement.GetProperty("results").GetArrayLength();
            pages++;
            after = doc.RootElement.TryGetProperty("paging", out var p) ? p.GetProperty("next").GetProperty("after").GetString() : null;
        }
        while (after is not null);

        Rate("list (1 client, 100/page)", pages, records, watch.Elapsed);

        // List in parallel: C clients each paging deals from a different start.
        watch.Restart();
        var parallelPages = await Parallel(clients, 100, async (c, i) =>
        {
            using var _ = await GetJson(c, "/crm/v3/objects/deals?limit=100");
        }, emulator);
        Rate($"list ({clients} clients)", parallelPages, parallelPages * 100, watch.Elapsed);

        // Search: lastmodified window, sorted, 200 a page, at offsets across the 10k window.
        watch.Restart();
        var searches = 0;
        var found = 0L;
        for (var offset = 0; offset < 10_000; offset += 200)
        {
            using var doc = await PostJson(http, "/crm/v3/objects/tickets/search", new
            {
                filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_lastmodifieddate", @operator = "GTE", value = "0" } } } },
                sorts = new[] { new { propertyName = "hs_lastmodifieddate", direction = "ASCENDING" } },
                properties = new[] { "subject" }, limit = 200, after = offset.ToString(CultureInfo.InvariantCulture),
            });
            found += doc.RootElement.GetProperty("results").GetArrayLength();
            searches++;
        }

        Rate("search (60k tickets, sorted, 200/page)", searches, found, watch.Elapsed);

        watch.Restart();
        var filtered = 0;
        for (var i = 0; i < 50; i++)
        {
            using var doc = await PostJson(http, "/crm/v3/objects/deals/search", new
            {
                filterGroups = new[] { new { filters = new object[] { new { propertyName = "dealstage", @operator = "EQ", value = "closedwon" }, new { propertyName = "amount", @operator = "GT", value = "100000" } } } },
                properties = new[] { "dealname", "amount" }, limit = 100,
            });
            filtered += doc.RootElement.GetProperty("results").GetArrayLength();
        }

        Rate("search (30k deals, 2 filters, unsorted)", 50, filtered, watch.Elapsed);

        // Batch read and update: 100 ids a request.
        watch.Restart();
        var batches = 0;
        foreach (var chunk in ids.Take(20_000).Chunk(100))
        {
            using var doc = await PostJson(http, "/crm/v3/objects/deals/batch/read", new { inputs = chunk.Select(id => new { id }), properties = new[] { "dealname", "amount" } });
            batches++;
        }

        Rate("batch read (100 ids)", batches, batches * 100, watch.Elapsed);
        watch.Restart();
        batches = 0;
        foreach (var chunk in ids.Take(20_000).Chunk(100))
        {
            using var doc = await PostJson(http, "/crm/v3/objects/deals/batch/update", new { inputs = chunk.Select(id => new { id, properties = new { amount = "4242" } }) });
            batches++;
        }

        Rate("batch update (100 records)", batches, batches * 100, watch.Elapsed);
        watch.Restart();
        var createBatches = await Parallel(clients, 50, async (c, i) =>
        {
            using var _ = await PostJson(c, "/crm/v3/objects/companies/batch/create", new
            {
                inputs = Enumerable.Range(0, 100).Select(j => new { properties = new { name = $"B{i}-{j}" } }),
            });
        }, emulator);
        Rate($"batch create ({clients} clients, 100 records)", createBatches, createBatches * 100, watch.Elapsed);
        BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
        return 0;
    }

    // Keeps only what the benchmark needs, so the export's 100k dictionaries do not weigh on the GC during the runs.
    private static (int Objects, List<string> DealIds) Summarize(EmulatorState state) =>
        (state.Objects.Values.Sum(v => v.Count), state.Objects["deals"].Select(d => d.Id).ToList());

    private static void Rate(string what, int requests, long records, TimeSpan elapsed) =>
        BenchmarkReport.Figure(what, string.Create(CultureInfo.InvariantCulture,
            $"{requests / elapsed.TotalSeconds,8:F0} req/s {records / elapsed.TotalSeconds,10:F0} records/s  ({elapsed.TotalMilliseconds / requests:F1} ms/req)"));

    private static async Task<int> Parallel(int clients, int perClient, Func<HttpClient, int, Task> work, HubSpotEmulator emulator)
    {
        var tasks = Enumerable.Range(0, clients).Select(async c =>
        {
            using var http = new HttpClient { BaseAddress = emulator.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "emulator-token");
            for (var i = 0; i < perClient; i++)
            {
                await work(http, (c * perClient) + i);
            }
        });
        await Task.WhenAll(tasks);
        return clients * perClient;
    }

    private static async Task<JsonDocument> GetJson(HttpClient http, string path)
    {
        using var r = await http.GetAsync(new Uri(path, UriKind.Relative));
        r.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
    }

    private static async Task<JsonDocument> PostJson(HttpClient http, string path, object body)
    {
        using var r = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }

        return await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
    }
}

/// <summary>
/// Memory of the emulator holding about 1M objects (seed scale:300000 = 75,000 companies + 300,000 deals + 600,000
/// tickets + 30,000 projects, with ~1.6M associations), and the latency of a list and a search at that size.
/// Options: --deals N (default 300000).
/// </summary>
internal sealed class EmulatorMemoryBenchmark : IBenchmark
{
    public string Name => "emulator-memory";

    public string Description => "emulator memory at ~1M objects (seed scale:300000) and list/search latency there";

    public async Task<int> RunAsync(string[] args)
    {
        var deals = EmulatorBenchmarkArgs.Int(args, "--deals", 300_000);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Seed = $"scale:{deals}" });
        var seeded = watch.Elapsed;
        var managed = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var objects = (long)(deals / 4) + deals + (2L * deals) + (deals / 10);
        BenchmarkReport.Figure("objects", objects.ToString("N0", CultureInfo.InvariantCulture));
        BenchmarkReport.Figure("start + seed", $"{seeded.TotalSeconds:F1} s");
        BenchmarkReport.Figure("managed heap after seed", BenchmarkReport.Mb(managed));
        BenchmarkReport.Figure("bytes per object (managed)", (managed / objects).ToString(CultureInfo.InvariantCulture));
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        BenchmarkReport.Figure("working set", BenchmarkReport.Mb(process.WorkingSet64));
        BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));

        using var http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "emulator-token");
        for (var i = 0; i < 3; i++)
        {
            watch.Restart();
            using (var r = await http.GetAsync(new Uri("/crm/v3/objects/tickets?limit=100&after=30000300000", UriKind.Relative)))
            {
                r.EnsureSuccessStatusCode();
            }

            var list = watch.Elapsed;
            watch.Restart();
            using (var r = await http.PostAsJsonAsync(new Uri("/crm/v3/objects/tickets/search", UriKind.Relative), new
            {
                filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_ticket_priority", @operator = "EQ", value = "URGENT" } } } },
                sorts = new[] { new { propertyName = "hs_lastmodifieddate", direction = "DESCENDING" } }, limit = 200,
            }))
            {
                r.EnsureSuccessStatusCode();
            }

            BenchmarkReport.Figure($"list / search latency (run {i + 1})", $"{list.TotalMilliseconds:F1} ms / {watch.Elapsed.TotalMilliseconds:F0} ms");
        }

        return managed < 1_500L * 1024 * 1024 ? 0 : 1;
    }
}

internal static class EmulatorBenchmarkArgs
{
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
