using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Issue 5, "Convergence", for one fault spec (or none), shared by the fault-free and the faulted test: an emulator
/// seeded <c>scale:20000</c> (67,000 records, 104,000 links of the configured pairs) and one store, filled by a first
/// full sync; then rounds of random API traffic (<see cref="CrmChurn"/>) with a 2 s search index lag, each followed by
/// two incremental syncs, after which <c>export</c> must equal the emulator's state exactly (ids, mapped values,
/// archived flags, links). With a fault spec, every sync — the first one too — runs under the faults; the test's own
/// creates, archives and link changes go without them, and the updates it sends during a sync are retried.
/// <para>
/// A round: the churn; an incremental sync started while the round's updates are still being sent (raced against the
/// lag on purpose: what was written less than 2 s earlier is invisible to its searches, or shows its previous
/// version); then the clock moves past the lag and the settle window, and another incremental sync must bring the
/// rest. The fast pass has no overlap here (<c>Sync:Overlap=0</c>), so what the raced sync could not see must come
/// through the settle pass (<c>Sync:SettleWindow=2.5 s</c>); archives come through the archived sweep, run on every
/// sync (<c>Sync:SweepArchivedEveryRun=true</c>), because archiving does not touch <c>hs_lastmodifieddate</c>.
/// </para>
/// <para>
/// The commands run in this process, through the command line with configuration overrides (the process itself is
/// covered by the crash tests), on the emulator's clock: the emulator's index lag and the worker's settle window read
/// the same clock, and the test moves it forward instead of sleeping through the lag. HTTP, the retries' waits
/// (<c>Retry-After</c> of an injected 429 included) and SQLite stay real. Each export is compared with the emulator's
/// state of the same moment while the next round runs.
/// </para>
/// </summary>
internal sealed class ConvergenceScenario : IAsyncDisposable
{
    public static readonly TimeSpan IndexLag = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(2500);

    // How far the clock moves after a round's raced sync: past the index lag and the settle window.
    private static readonly TimeSpan PastTheLag = SettleWindow + TimeSpan.FromMilliseconds(500);

    private readonly EmulatorFixture _emulator;
    private readonly string? _faults;
    private readonly ITestOutputHelper _log;
    private readonly DirectoryInfo _folder;
    private readonly Dictionary<string, string?> _overrides;
    private Task _comparing = Task.CompletedTask;

    private ConvergenceScenario(EmulatorFixture emulator, string? faults, ITestOutputHelper log, string? apiVersion, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _emulator = emulator;
        _faults = faults;
        _log = log;
        _folder = Directory.CreateTempSubdirectory("hps-convergence-");
        _overrides = InProcess.EmulatorOverrides(emulator.BaseAddress, Path.Combine(_folder.FullName, "sync.db"), emulator.Options.Token);
        _overrides["Sync:SettleWindow"] = SettleWindow.ToString("c", CultureInfo.InvariantCulture);
        _overrides["Sync:Overlap"] = "00:00:00";
        if (apiVersion is not null)
        {
            _overrides["HubSpot:ApiVersion"] = apiVersion;
        }

        // Under injected faults: a 50 ms first back-off for 5xx and dropped connections (HubSpot's default is 1 s);
        // an injected 429 carries Retry-After: 1 and is waited for.
        _overrides["HubSpot:RetryBaseDelay"] = "00:00:00.050";

        // The commands log to this process's console: the hundreds of expected retries stay out of the test run's output
        // (the emulator counts the faults; the test prints them).
        _overrides["Logging:LogLevel:HubSpotPmoSync.HubSpot.Http.HubSpotPipeline"] = "Error";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _overrides[key] = value;
        }
    }

    /// <summary>The emulator the scenario syncs from.</summary>
    public EmulatorFixture Emulator => _emulator;

    /// <summary>
    /// An emulator seeded <paramref name="seed"/> and a store filled by a first sync whose export equals it, for a
    /// scenario of the caller's own rounds (<see cref="SyncAsync"/>, <see cref="ExportAndCompareAsync"/>,
    /// <see cref="DifferencesAsync"/>); <paramref name="settings"/> are configuration overrides of every command.
    /// </summary>
    public static async Task<(ConvergenceScenario Scenario, EmulatorState State)> StartAsync(
        ITestOutputHelper log, string seed, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var emulator = await EmulatorFixture.StartAsync(o => o.Seed = seed);
        var scenario = new ConvergenceScenario(emulator, null, log, null, settings);
        var clock = Stopwatch.StartNew();
        var first = await scenario.SyncAsync();
        log.WriteLine($"first sync of {seed} took {clock.Elapsed.TotalSeconds:F1} s:\n{first}");
        return (scenario, await scenario.ExportAndCompareAsync("after the first sync"));
    }

    /// <summary>
    /// Seeds, runs the first sync and <paramref name="rounds"/> rounds, and fails the test at the first sync after
    /// which the store differs from HubSpot.
    /// </summary>
    /// <param name="apiVersion"><c>HubSpot:ApiVersion</c> of every command (null: the default).</param>
    /// <param name="storage">Storage settings of every command (null: the SQLite file in the scenario's folder).</param>
    public static async Task<ConvergenceOutcome> RunAsync(
        ITestOutputHelper log, string? faults, int rounds, int churnSeed, string? apiVersion = null, IReadOnlyDictionary<string, string?>? storage = null)
    {
        var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "scale:20000");

        // Issue 5's rounds predate the completeness check (issue 16) and sweep the whole archived list on every sync.
        var settings = new Dictionary<string, string?> { ["Sync:SweepArchivedEveryRun"] = "true" };
        foreach (var (key, value) in storage ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        await using var scenario = new ConvergenceScenario(emulator, faults, log, apiVersion, settings);
        return await scenario.RunAsync(rounds, churnSeed);
    }

    private async Task<ConvergenceOutcome> RunAsync(int rounds, int churnSeed)
    {
        var clock = Stopwatch.StartNew();
        _emulator.Control.SetFaults(_faults, seed: churnSeed);
        var first = await SyncAsync();
        var firstSyncFaults = FaultsInjected();
        _emulator.Control.SetFaults(null);
        _log.WriteLine($"first sync of scale:20000 took {clock.Elapsed.TotalSeconds:F1} s ({firstSyncFaults} faults injected):\n{first}");
        var state = await ExportAndCompareAsync("after the first sync");
        _emulator.Control.SetIndexLag(IndexLag);

        var churn = new CrmChurn(_emulator, churnSeed);
        var caughtUpLate = 0L;
        for (var round = 1; round <= rounds; round++)
        {
            var phase = Stopwatch.StartNew();
            await churn.RoundAsync(state, round, creates: 40, updates: 300, archives: 30, linkChanges: 40);
            var churned = phase.Elapsed;
            _emulator.Control.SetFaults(_faults, seed: churnSeed + round);

            // Raced against the index lag on purpose: the round's updates go out while the sync starts.
            phase.Restart();
            var raced = Task.Run(SyncAsync);
            await churn.UpdatesAsync();
            await raced;
            var racedTime = phase.Elapsed;

            _emulator.Control.AdvanceClock(PastTheLag);
            phase.Restart();
            var settled = await SyncAsync();
            var settledTime = phase.Elapsed;
            caughtUpLate += Changed(settled);
            _emulator.Control.SetFaults(null);

            phase.Restart();
            state = await ExportAndCompareAsync($"after round {round}");
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round} exported at {clock.Elapsed.TotalSeconds:F1} s ({churn.Writes} API writes so far; the settled sync brought {Changed(settled)} records; churn {churned.TotalSeconds:F1} s, raced sync {racedTime.TotalSeconds:F1} s, settled sync {settledTime.TotalSeconds:F1} s, export {phase.Elapsed.TotalSeconds:F1} s)"));
        }

        await _comparing;
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every export equal to the emulator's state; done at {clock.Elapsed.TotalSeconds:F1} s"));

        var stats = _emulator.Control.Stats();
        _log.WriteLine($"records created or updated only by the sync after the lag: {caughtUpLate}");
        _log.WriteLine("faults injected: " + string.Join(", ", stats.Faults.Select(f => $"{f.Key}={f.Value}")));
        return new ConvergenceOutcome(caughtUpLate, firstSyncFaults, stats.Faults.Values.Sum() - firstSyncFaults);
    }

    private long FaultsInjected() => _emulator.Control.Stats().Faults.Values.Sum();

    /// <summary>Runs <c>sync --no-push</c> and fails unless it exits 0; returns its summary.</summary>
    public async Task<string> SyncAsync()
    {
        var (code, output, error) = await InProcess.RunAsync(_overrides, _emulator.Control.Clock, "sync", "--no-push");
        Assert.True(code == 0, $"sync exited {code}\nstdout:\n{output}\nstderr:\n{error}");
        return output;
    }

    /// <summary>
    /// Runs <c>export</c> and takes the emulator's state at the same point (nothing writes while both run), then compares
    /// them — as text, exactly — in the background while the next round goes on (its syncs mostly wait on HubSpot); a
    /// difference fails the test at the next comparison or at the end, naming the round. Returns the state: the next
    /// round's churn starts from it.
    /// </summary>
    public async Task<EmulatorState> ExportAndCompareAsync(string when)
    {
        await _comparing;
        var exporting = Task.Run(() => InProcess.RunAsync(_overrides, _emulator.Control.Clock, "export"));
        var state = _emulator.Control.ExportState();
        var (code, printed, error) = await exporting;
        Assert.True(code == 0, $"export exited {code}\n{error}");
        _comparing = Task.Run(() => EmulatorExpectation.AssertPrinted(printed, EmulatorExpectation.Export(state, Testing.Builders.TestMappings.Default), when));
        return state;
    }

    /// <summary>What <c>export</c> prints now differs by from the emulator's state (empty when equal), and that state.</summary>
    public async Task<(IReadOnlyList<string> Differences, EmulatorState State)> DifferencesAsync()
    {
        await _comparing;
        var state = _emulator.Control.ExportState();
        var (code, printed, error) = await InProcess.RunAsync(_overrides, _emulator.Control.Clock, "export");
        Assert.True(code == 0, $"export exited {code}\n{error}");
        return (EmulatorExpectation.Differences(printed, EmulatorExpectation.Export(state, Testing.Builders.TestMappings.Default), max: 10), state);
    }

    /// <summary>Waits for the comparison still running in the background (a difference fails here).</summary>
    public Task ComparedAsync() => _comparing;

    // created + updated + restored of the summary line "seen N, created N, updated N, …".
    private static long Changed(string summary)
    {
        var line = summary.Split('\n').Single(l => l.TrimStart().StartsWith("seen ", StringComparison.Ordinal));
        return line.Split(',').Select(p => p.Trim().Split(' '))
            .Where(p => p.Length >= 2 && p[0] is "created" or "updated" or "restored")
            .Sum(p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS.
        }
    }
}

/// <summary>
/// What a convergence run saw: records only the sync after the lag brought (created, updated or restored), and the
/// faults injected during the first sync and during the rounds.
/// </summary>
internal sealed record ConvergenceOutcome(long CaughtUpLate, long FirstSyncFaults, long RoundFaults);
