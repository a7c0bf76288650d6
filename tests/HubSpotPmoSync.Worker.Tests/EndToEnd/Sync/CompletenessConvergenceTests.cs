using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 16, "Complete without webhooks": rounds of the changes no search on the modification time shows — archives,
/// restores, merges, and links added or removed between two records neither of which is edited
/// (<see cref="CrmChurn.CompletenessRoundAsync"/>) — each followed by one incremental <c>sync</c>, without webhooks, on
/// the emulator's clock (<see cref="ConvergenceScenario"/>).
/// </summary>
[Collection(ConvergenceCollection.Name)]
public sealed class CompletenessConvergenceTests(ITestOutputHelper log)
{
    /// <summary>
    /// <c>scale:2000</c> (6,700 records): its whole check costs about 15 calls, within the default budget of 50, so every
    /// incremental sync checks everything and the export equals HubSpot after every round.
    /// </summary>
    [Fact]
    public async Task IncrementalSync_Scale2000_ExportEqualsEmulatorAfterEveryRound()
    {
        var (scenario, state) = await ConvergenceScenario.StartAsync(log, "scale:2000");
        await using var _ = scenario;
        var churn = new CrmChurn(scenario.Emulator, 16);
        for (var round = 1; round <= 5; round++)
        {
            await churn.CompletenessRoundAsync(state, merges: 4, archives: 8, restores: round == 1 ? 0 : 3, linkChanges: 20);
            scenario.Emulator.Control.AdvanceClock(TimeSpan.FromMinutes(5));
            var summary = await scenario.SyncAsync();
            log.WriteLine($"round {round}: {Line(summary)}");
            Assert.Matches(@"completeness: \d+ calls, all [\d,]+ ids \(within the budget of 50\)", summary);
            state = await scenario.ExportAndCompareAsync($"after round {round} of scale:2000");
        }

        await scenario.ComparedAsync();
        Assert.Equal((20, 40, 12, 100), churn.Unseen);
    }

    /// <summary>
    /// <c>scale:20000</c> (67,000 records): its whole check costs about 95 calls, over the budget (set to 20 here), so each
    /// sync checks a rolling slice. The window is shortened to 10 minutes of the emulator's clock, and syncs run every
    /// 2.5 minutes (plus the real time a sync and an export take, as the emulator's clock runs on): at least a quarter of every
    /// type's ids a sync, sized from the time since the last check (a one-shot sync). After two rounds of changes, the export differs from HubSpot
    /// after the first sync (only a slice was checked) and equals it once a window has passed since the last change.
    /// </summary>
    [Fact]
    public async Task IncrementalSync_Scale20000_ExportEqualsEmulatorWithinTheWindow_ShortenedTo10Minutes()
    {
        var period = TimeSpan.FromSeconds(150);
        var (scenario, state) = await ConvergenceScenario.StartAsync(log, "scale:20000", new Dictionary<string, string?>
        {
            ["Sync:CompletenessWindow"] = "00:10:00",
            ["Sync:CompletenessBudget"] = "20",
        });
        await using var _ = scenario;
        var churn = new CrmChurn(scenario.Emulator, 20);
        var differedAfterASlice = 0;
        for (var round = 1; round <= 2; round++)
        {
            await churn.CompletenessRoundAsync(state, merges: 4, archives: 8, restores: round == 1 ? 0 : 3, linkChanges: 30);
            scenario.Emulator.Control.AdvanceClock(period);
            var summary = await scenario.SyncAsync();
            log.WriteLine($"round {round}: {Line(summary)}");
            Assert.Matches(@"completeness: \d+ calls, slice [\d,]+/[\d,]+ ids, full pass every ≈ \d+ min", Line(summary));
            (var differences, state) = await scenario.DifferencesAsync();
            differedAfterASlice += differences.Count;
        }

        // A window after the last change: four more syncs, a quarter each.
        for (var quiet = 1; quiet <= 4; quiet++)
        {
            scenario.Emulator.Control.AdvanceClock(period);
            log.WriteLine($"quiet sync {quiet}: {Line(await scenario.SyncAsync())}");
        }

        await scenario.ExportAndCompareAsync("a completeness window (10 min) after the last change of scale:20000");
        await scenario.ComparedAsync();
        Assert.True(differedAfterASlice > 0, "every change arrived with the first slice: the rolling slice was not exercised");
    }

    private static string Line(string summary) => summary.Split('\n').First(l => l.TrimStart().StartsWith("seen ", StringComparison.Ordinal)).Trim();
}
