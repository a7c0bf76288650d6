using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Benchmarks.WriteBack;

/// <summary>
/// Diff-only pushes end to end: the real <c>sync</c> command (in-process, real SQLite file) against the HubSpot
/// emulator over HTTP on 127.0.0.1, with N projects (default 10,000) and a projects-only mapping. Write calls are
/// counted by the emulator. Cycle 1 pushes every health value (bound ≤ N/100 + 5), cycle 2 takes the echo (and the
/// trend's second snapshot), cycle 3 has no source change (bound 0), then every project's percent complete changes
/// in HubSpot and cycle 4 pushes the changed health fields (bound ≤ N/100 + 5); once the trend has settled
/// (three more cycles: the trend window is 3 snapshots), cycle 8 has no source change again (bound 0). Exit code 1 when a bound is missed.
/// </summary>
internal sealed class EmulatorWriteBackBenchmark : IBenchmark
{
    public string Name => "write-back-emulator";

    public string Description => "real sync over HTTP against the emulator, 10k projects: changed -> write calls (<=105), unchanged -> 0 (options: --projects N, --keep)";

    public async Task<int> RunAsync(string[] args)
    {
        var index = Array.IndexOf(args, "--projects");
        var projects = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 10_000;
        var folder = Directory.CreateTempSubdirectory("pmo-bench-wb-emu-");
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Seed = "scale:10", Tier = "unlimited" });
        try
        {
            var clock = Stopwatch.StartNew();
            await CreateProjectsAsync(emulator, projects);
            BenchmarkReport.Figure("projects created in the emulator", $"{projects} in {clock.Elapsed.TotalSeconds:F1} s");

            var mappings = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "config", "mappings.json")))!;
            var onlyProjects = new JsonObject
            {
                ["objects"] = new JsonObject { ["projects"] = mappings["objects"]!["projects"]!.DeepClone() },
                ["associations"] = new JsonArray(),
            };
            var mappingsPath = Path.Combine(folder.FullName, "mappings.json");
            await File.WriteAllTextAsync(mappingsPath, onlyProjects.ToJsonString());
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["HubSpot:BaseAddress"] = emulator.BaseAddress.ToString(),
                ["HubSpot:AccessToken"] = "emulator-token",
                ["HubSpot:Tier"] = "unlimited",
                ["Storage:DatabasePath"] = Path.Combine(folder.FullName, "pmo.db"),
                ["Sync:MappingsPath"] = mappingsPath,
            };

            await RunAsync(overrides, "schema", "apply");
            var bound = (projects + 99) / 100 + 5;
            var c1 = await CycleAsync(emulator, overrides, "cycle 1: every health value new");
            var c2 = await CycleAsync(emulator, overrides, "cycle 2: echo pull (trend settles)");
            var c3 = await CycleAsync(emulator, overrides, "cycle 3: no source change");
            var touched = emulator.Control.BulkUpdate("projects", new Dictionary<string, string?> { ["project_percent_complete"] = "3" });
            BenchmarkReport.Figure("percent complete changed in HubSpot", $"{touched} projects");
            var c4 = await CycleAsync(emulator, overrides, "cycle 4: changed health fields");
            // The trend compares the score with the average of the last 3 snapshots (config/health.json "trend.window"):
            // after a step change it moves back to steady in the third cycle after it, when no old score is left.
            var c5 = await CycleAsync(emulator, overrides, "cycle 5: echo pull, trend settling");
            var c6 = await CycleAsync(emulator, overrides, "cycle 6: trend settling");
            var c7 = await CycleAsync(emulator, overrides, "cycle 7: trend back to steady");
            var c8 = await CycleAsync(emulator, overrides, "cycle 8: no source change");
            _ = (c2, c5, c6, c7);

            var ok = c1 <= bound && c3 == 0 && c4 > 0 && c4 <= bound && c8 == 0;
            BenchmarkReport.Figure("bounds", $"changed <= {bound}, unchanged = 0");
            BenchmarkReport.Figure("peak working set", BenchmarkReport.Mb(BenchmarkReport.PeakWorkingSetBytes()));
            BenchmarkReport.Figure("result", ok ? "PASS" : "FAIL");
            return ok ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Array.IndexOf(args, "--keep") < 0)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                Console.WriteLine($"  kept {folder.FullName}");
            }
        }
    }

    private static async Task<long> CycleAsync(HubSpotEmulator emulator, Dictionary<string, string?> overrides, string name)
    {
        var before = WriteCalls(emulator.Control.Stats());
        var clock = Stopwatch.StartNew();
        var output = await RunAsync(overrides, "sync");
        var calls = WriteCalls(emulator.Control.Stats()) - before;
        var push = output.Split('\n').FirstOrDefault(l => l.StartsWith("push:", StringComparison.Ordinal))?.Trim() ?? "?";
        BenchmarkReport.Figure(name, $"{calls} write calls, {clock.Elapsed.TotalSeconds:F1} s — {push}");
        return calls;
    }

    private static async Task<string> RunAsync(Dictionary<string, string?> overrides, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CommandLine.RunAsync(args, new CommandEnvironment(output, error, overrides));
        if (code != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', args)}' exited {code}: {error}");
        }

        return output.ToString();
    }

    /// <summary>Write calls the emulator answered: every non-GET API request except batch reads and searches.</summary>
    private static long WriteCalls(EmulatorStatsSnapshot stats) => stats.Requests.Where(r => EmulatorCalls.IsWrite(r.Key)).Sum(r => r.Value);

    private static async Task CreateProjectsAsync(HubSpotEmulator emulator, int count)
    {
        using var client = new HttpClient { BaseAddress = emulator.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "emulator-token");
        var today = emulator.Control.Now.UtcDateTime.Date;
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            var inputs = chunk.Select(i => new Dictionary<string, object>
            {
                ["properties"] = new Dictionary<string, string>
                {
                    ["hs_name"] = "Bench project " + i.ToString(CultureInfo.InvariantCulture),
                    ["hs_pipeline"] = "default",
                    ["hs_pipeline_stage"] = "in_progress",
                    ["project_code"] = "BENCH-" + i.ToString("D5", CultureInfo.InvariantCulture),
                    ["project_budget"] = (20_000 + (i % 50 * 1_000)).ToString(CultureInfo.InvariantCulture),
                    ["project_currency"] = "EUR",
                    ["project_start_date"] = today.AddDays(-60 - (i % 30)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["project_due_date"] = today.AddDays(30 + (i % 90)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["project_percent_complete"] = (20 + (i % 60)).ToString(CultureInfo.InvariantCulture),
                    ["project_status"] = "active",
                },
            });
            using var content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object> { ["inputs"] = inputs }), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("crm/v3/objects/projects/batch/create", UriKind.Relative), content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"creating projects failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
