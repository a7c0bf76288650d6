using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 16, "Complete without webhooks", pinned on the real process: the emulator does not change
/// <c>hs_lastmodifieddate</c> when only a link changes, so the fast and settle passes (searches on the modification
/// time) cannot see a link added between two untouched records; the completeness check of the next incremental sync
/// does (the demo portal's whole check fits <c>Sync:CompletenessBudget</c>, so it runs whole every cycle), and its cost
/// is in the summary line.
/// </summary>
public sealed class AssociationChangeTests
{
    [Fact]
    public async Task Sync_LinkChangedWithoutRecordEdit_ArrivesWithTheNextIncremental()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string> { ["Sync__SettleWindow"] = "00:00:00" });
        await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        var churn = new CrmChurn(emulator, 1);

        Assert.False(await churn.LinkChangeBumpsModified());
        var expected = EmulatorExpectation.Export(emulator.Control.ExportState(), Testing.Builders.TestMappings.Default);
        var before = EmulatorExpectation.Differences(await workspace.ExportAsync(), expected);
        var summary = await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        var incremental = EmulatorExpectation.Differences(await workspace.ExportAsync(), expected);

        Assert.Single(before);
        Assert.StartsWith("missing link deals/", before[0], StringComparison.Ordinal);
        Assert.Empty(incremental);
        Assert.Matches(@"completeness: \d+ calls, all [\d,]+ ids \(within the budget of 50\)", summary);
    }
}
