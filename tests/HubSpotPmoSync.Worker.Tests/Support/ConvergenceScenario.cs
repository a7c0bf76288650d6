using System.Diagnostics;
using System.Globalization;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Issue 5, "Convergence": a first sync of <c>scale:20000</c> with the real process, then rounds of random API
/// traffic with a 2 s search index lag; after each round an incremental sync raced against the lag, then — once
/// the lag and the settle window have passed — another incremental sync, after which <c>export</c> must equal the
/// emulator's state exactly. The fast pass has no overlap here, so what the raced sync could not see must come
/// through the settle pass; archives come through the archived sweep, run on every sync
/// (<c>Sync__SweepArchivedEveryRun=true</c>), because archiving does not touch <c>hs_lastmodifieddate</c>.
/// </summary>
internal static class ConvergenceScenario
{
    public static readonly TimeSpan IndexLag = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(2500);

    public static async Task RunAsync(ITestOutputHelper log, string? faults, int rounds, int churnSeed)
    {
        var clock = Stopwatch.StartNew();
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "scale:20000");
        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string>
        {
            ["Sync__SettleWindow"] = SettleWindow.ToString("c", CultureInfo.InvariantCulture),
            ["Sync__Overlap"] = "00:00:00",
            ["Sync__SweepArchivedEveryRun"] = "true",
        });
        log.WriteLine($"emulator scale:20000 up in {clock.Elapsed.TotalSeconds:F1} s");
        if (faults is not null)
        {
            emulator.Control.SetSendRetryAfter(false);
            emulator.Control.SetFaults(faults, seed: churnSeed);
            workspace.Set("HubSpot__RetryBaseDelay", "00:00:00.050");
            workspace.Set("HubSpot__MaxRetryDelay", "00:00:01");
        }

        var first = await workspace.SyncAsync(TimeSpan.FromMinutes(3));
        log.WriteLine($"first sync done at {clock.Elapsed.TotalSeconds:F1} s\n{first}");
        await AssertConvergedAsync(workspace, emulator, "after the first sync");
        log.WriteLine($"first comparison done at {clock.Elapsed.TotalSeconds:F1} s");

        emulator.Control.SetIndexLag(IndexLag);
        var churn = new CrmChurn(emulator, churnSeed);
        Assert.False(await churn.LinkChangeBumpsModified(), "the emulator now bumps hs_lastmodifieddate on link changes: CrmChurn's extra edit is no longer needed");
        var caughtUpLate = 0L;
        for (var round = 1; round <= rounds; round++)
        {
            // Faults hit the sync, not the test's own traffic.
            emulator.Control.SetFaults(null);
            await churn.RoundAsync(round, creates: 40, updates: 300, archives: 30, linkChanges: 40);
            if (faults is not null)
            {
                emulator.Control.SetFaults(faults, seed: churnSeed + round);
            }

            // Raced against the index lag on purpose: some of this round is not searchable yet.
            var raced = await workspace.SyncAsync(TimeSpan.FromMinutes(2));
            await Task.Delay(SettleWindow + TimeSpan.FromMilliseconds(600));
            var settled = await workspace.SyncAsync(TimeSpan.FromMinutes(2));
            caughtUpLate += Changed(settled);
            await AssertConvergedAsync(workspace, emulator, $"after round {round}");
            log.WriteLine($"round {round} converged at {clock.Elapsed.TotalSeconds:F1} s ({churn.Writes} API writes so far)");
            if (round == 1)
            {
                log.WriteLine($"raced sync:\n{raced}\nsettled sync:\n{settled}");
            }
        }

        // The race was real: some changes were invisible to the raced sync and came only with the later one.
        log.WriteLine($"records created or updated only by the sync after the lag: {caughtUpLate}");
        Assert.True(caughtUpLate > 0, "no sync ever raced the index lag");

        if (faults is not null)
        {
            var stats = emulator.Control.Stats();
            log.WriteLine("faults injected: " + string.Join(", ", stats.Faults.Select(f => $"{f.Key}={f.Value}")));
            Assert.NotEmpty(stats.Faults);
        }
    }

    public static async Task AssertConvergedAsync(SyncWorkspace workspace, EmulatorFixture emulator, string when)
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
}
