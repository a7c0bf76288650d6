using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Issue 5, "Convergence": one emulator seeded <c>scale:20000</c> (67,000 records, 104,000 links of the configured
/// pairs) and one store, filled by a first sync of the real process, shared by the fault-free and the faulted
/// rounds (an xunit collection fixture: the first sync is the expensive part). A round: random API traffic with a 2 s
/// search index lag; an incremental sync started while the round's updates are still being sent (raced against the
/// lag on purpose); once the lag and the settle window have passed, another incremental sync, after which
/// <c>export</c> must equal the emulator's state exactly. The fast pass has no overlap here
/// (<c>Sync__Overlap=0</c>), so what the raced sync could not see must come through the settle pass
/// (<c>Sync__SettleWindow=2.5 s</c>); archives come through the archived sweep, run on every sync
/// (<c>Sync__SweepArchivedEveryRun=true</c>), because archiving does not touch <c>hs_lastmodifieddate</c>.
/// </summary>
public sealed class ConvergencePortal : IAsyncLifetime
{
    public static readonly TimeSpan IndexLag = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(2500);
    private EmulatorFixture? _emulator;
    private SyncWorkspace? _workspace;
    private int _round;

    internal EmulatorFixture Emulator => _emulator!;

    internal SyncWorkspace Workspace => _workspace!;

    internal string FirstSync { get; private set; } = "";

    internal TimeSpan FirstSyncTime { get; private set; }

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorFixture.StartAsync(o => o.Seed = "scale:20000");
        _workspace = new SyncWorkspace(_emulator, new Dictionary<string, string>
        {
            ["Sync__SettleWindow"] = SettleWindow.ToString("c", CultureInfo.InvariantCulture),
            ["Sync__Overlap"] = "00:00:00",
            ["Sync__SweepArchivedEveryRun"] = "true",

            // Under injected faults: a 50 ms first back-off for 5xx and dropped connections (HubSpot's default is
            // 1 s); an injected 429 carries Retry-After: 1 and is waited for.
            ["HubSpot__RetryBaseDelay"] = "00:00:00.050",
        });
        var clock = Stopwatch.StartNew();
        FirstSync = await _workspace.SyncAsync(TimeSpan.FromMinutes(3));
        FirstSyncTime = clock.Elapsed;
        await AssertConvergedAsync(_workspace, _emulator, "after the first sync");
        _emulator.Control.SetIndexLag(IndexLag);
    }

    /// <summary>Runs <paramref name="rounds"/> rounds (faults, if any, on the syncs only) and returns the records only the later sync brought.</summary>
    internal async Task<long> RunRoundsAsync(ITestOutputHelper log, string? faults, int rounds, int churnSeed)
    {
        var clock = Stopwatch.StartNew();
        var churn = new CrmChurn(Emulator, churnSeed);
        var caughtUpLate = 0L;
        for (var i = 1; i <= rounds; i++)
        {
            var round = ++_round;
            Emulator.Control.SetFaults(null);
            await churn.RoundAsync(round, creates: 40, updates: 300, archives: 30, linkChanges: 40);
            if (faults is not null)
            {
                Emulator.Control.SetFaults(faults, seed: churnSeed + round);
            }

            // Raced against the index lag on purpose: the round's updates go out while the sync starts.
            using (var raced = Workspace.Start("sync", "--no-push"))
            {
                await churn.UpdatesAsync();
                var code = await raced.WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(code == 0, $"raced sync exited {code}\n{raced.Output}\n{raced.Error}");
            }

            await Task.Delay(SettleWindow + TimeSpan.FromMilliseconds(600));
            var settled = await Workspace.SyncAsync(TimeSpan.FromMinutes(2));
            caughtUpLate += Changed(settled);
            Emulator.Control.SetFaults(null);
            await AssertConvergedAsync(Workspace, Emulator, $"after round {round}");
            log.WriteLine($"round {round} converged at {clock.Elapsed.TotalSeconds:F1} s ({churn.Writes} API writes so far; the settled sync brought {Changed(settled)} records)");
        }

        log.WriteLine($"records created or updated only by the sync after the lag: {caughtUpLate}");
        return caughtUpLate;
    }

    internal static async Task AssertConvergedAsync(SyncWorkspace workspace, EmulatorFixture emulator, string when)
    {
        var exporting = workspace.ExportAsync();
        var expected = EmulatorExpectation.Export(emulator.Control.ExportState(), TestMappings.Default);
        var export = await exporting;
        var json = ExpectedExport.Json(expected).TrimEnd();
        if (!string.Equals(json, export.TrimEnd(), StringComparison.Ordinal))
        {
            // Say which records or links differ rather than dumping two 30 MB texts.
            var differences = EmulatorExpectation.Differences(export, expected);
            Assert.Fail($"{when}: the store differs from HubSpot ({EmulatorExpectation.Counts(expected)} expected):\n" + string.Join("\n", differences));
        }
    }

    // created + updated + restored of the summary line "seen N, created N, updated N, …".
    private static long Changed(string summary)
    {
        var line = summary.Split('\n').Single(l => l.TrimStart().StartsWith("seen ", StringComparison.Ordinal));
        return line.Split(',').Select(p => p.Trim().Split(' '))
            .Where(p => p.Length >= 2 && p[0] is "created" or "updated" or "restored")
            .Sum(p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        _workspace?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

/// <summary>The tests sharing one <see cref="ConvergencePortal"/>; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ConvergenceCollection : ICollectionFixture<ConvergencePortal>
{
    public const string Name = "scale:20000 convergence";
}
