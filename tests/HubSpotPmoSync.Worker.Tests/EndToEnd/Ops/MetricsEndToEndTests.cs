using System.Net;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Ops;

/// <summary>
/// Issue 16's "must show" for health and metrics, with the real <c>run</c> process against the emulator: a scrape
/// of /metrics after a cycle under injected 429s counts exactly the 429s the emulator sent and the retries they
/// caused; /readyz turns unready when the database file is made unreadable and ready again when it is restored.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class MetricsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-metrics-e2e-");

    [Fact]
    public async Task MetricsScrape_AfterACycleUnderInjected429s_CountsThe429sAndRetriesTheEmulatorSaw()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var environment = await PreparedAsync(emulator);

        var before = emulator.Control.Stats().RateLimited;

        // The worker proves its write scopes before it starts, through the diagnostics (not the pipeline the metrics
        // count): those calls go slowly but unthrottled, and once the host listens every call is throttled at random
        // as HubSpot does it (a JSON body naming the policy, Retry-After 1 s). The slow answers hold the first cycle
        // until then.
        emulator.Control.SetFaults("slow:1@1s");
        using var worker = WorkerProcess.Start(_dir.FullName, environment, "run");
        var address = await AddressAsync(worker);
        emulator.Control.SetSendRetryAfter(true);
        emulator.Control.SetFaults("429:0.15", seed: 16);
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle finished", Patience);
        using var client = new HttpClient { BaseAddress = address };

        var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var samples = PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());
        var sent = emulator.Control.Stats().RateLimited.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));
        var sent429 = sent.Values.Sum();

        Assert.True(sent429 > 0, "the emulator throttled no call");
        foreach (var (policy, count) in sent)
        {
            Assert.Equal(count, samples.Sum("pmosync_hubspot_rate_limited_total", ("policy", policy)));
        }

        Assert.Equal(sent429, samples.Sum("pmosync_hubspot_rate_limited_total"));
        Assert.Equal(sent429, samples.Sum("pmosync_hubspot_calls_total", ("status", "429")));

        // Each 429 was retried (the cycle succeeded, so none ran out of attempts), and nothing else was.
        Assert.Equal(sent429, samples.Sum("pmosync_hubspot_retries_total"));
        Assert.True(samples.Sum("pmosync_hubspot_calls_total", ("status", "200")) > 0);
        Assert.Equal(1, samples.Sum("pmosync_cycle_duration_seconds_count", ("outcome", "succeeded")));
        var deals = emulator.Control.ExportState().Objects["deals"].Count(d => !d.Archived);
        Assert.Equal(deals, samples.Sum("pmosync_sync_records_total", ("object", "deals"), ("outcome", "created")));
        Assert.Contains(samples, s => s.Name == "pmosync_sync_freshness_lag_seconds" && s.Labels["object"] == "deals");
        Assert.Equal(0, samples.Sum("pmosync_outbox_dead_letters"));
        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task Readyz_DatabaseFileMadeUnreadable_Unready503NamingTheDatabase_ReadyAgainWhenRestored()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var environment = await PreparedAsync(emulator);
        var database = environment["Storage__DatabasePath"];

        // Without root's override of file permissions, so that an unreadable file is unreadable to the worker too.
        using var worker = WorkerProcess.StartUnprivileged(_dir.FullName, environment, "run");
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle finished", Patience);
        using var client = new HttpClient { BaseAddress = await AddressAsync(worker) };
        Assert.Equal("ready\n", await ReadyAsync(client, HttpStatusCode.OK));

        var mode = File.GetUnixFileMode(database);
        File.SetUnixFileMode(database, UnixFileMode.None);
        try
        {
            var body = await ReadyAsync(client, HttpStatusCode.ServiceUnavailable);
            Assert.StartsWith("unready\n", body, StringComparison.Ordinal);
            Assert.Contains("database: cannot be opened or read", body, StringComparison.Ordinal);
            Assert.Contains("cycle: unknown: the database cannot be read", body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            File.SetUnixFileMode(database, mode);
        }

        Assert.Equal("ready\n", await ReadyAsync(client, HttpStatusCode.OK));
        Assert.False(worker.HasExited);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static async Task<string> ReadyAsync(HttpClient client, HttpStatusCode expected)
    {
        var answer = await client.GetAsync("/readyz");
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == expected, $"/readyz answered {(int)answer.StatusCode}, expected {(int)expected}:\n{body}");
        return body;
    }

    /// <summary>The worker's settings (one incremental cycle at start, the next in 10 minutes) and the portal's schema applied.</summary>
    private async Task<Dictionary<string, string>> PreparedAsync(EmulatorFixture emulator)
    {
        var environment = new Dictionary<string, string>
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = emulator.Options.Token,
            ["HubSpot__Tier"] = "unlimited",
            ["Storage__DatabasePath"] = Path.Combine(_dir.FullName, "run.db"),
            ["Schedule__IncrementalEvery"] = "00:10:00",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
        };
        var overrides = environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        var (code, _, error) = await InProcess.RunAsync(overrides, "schema", "apply");
        Assert.True(code == ExitCodes.Success, $"schema apply exit {code}\n{error}");
        return environment;
    }

    /// <summary>Where the worker listens, from its <c>HTTP: listening on URL</c> line (it takes a free port).</summary>
    private static async Task<Uri> AddressAsync(WorkerProcess worker)
    {
        await Signals.WaitForAsync(() => worker.Error, "HTTP: listening on ", Patience);
        return new Uri(ListeningLine().Match(worker.Error).Groups["url"].Value);
    }

    [GeneratedRegex(@"HTTP: listening on (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
