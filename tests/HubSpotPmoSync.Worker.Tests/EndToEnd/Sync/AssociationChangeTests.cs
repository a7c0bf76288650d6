using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// What the convergence rounds rely on, pinned: the emulator does not change <c>hs_lastmodifieddate</c> when only a
/// link changes, so a link added between two untouched records is invisible to an incremental sync (fast and settle
/// passes search on the modification time) and arrives with the next full reconcile (<c>sync --full</c>, nightly in
/// <c>run</c>). The convergence rounds therefore edit one end of every link they change.
/// </summary>
public sealed class AssociationChangeTests
{
    [Fact]
    public async Task Sync_LinkChangedWithoutRecordEdit_ArrivesWithTheFullReconcileNotTheIncremental()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string> { ["Sync__SettleWindow"] = "00:00:00" });
        await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        var churn = new CrmChurn(emulator, 1);

        Assert.False(await churn.LinkChangeBumpsModified());
        var expected = EmulatorExpectation.Export(emulator.Control.ExportState(), Testing.Builders.TestMappings.Default);
        await Task.Delay(50);
        await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        var incremental = EmulatorExpectation.Differences(await workspace.ExportAsync(), expected);
        await workspace.SyncAsync(TimeSpan.FromMinutes(1), "--full");
        var full = EmulatorExpectation.Differences(await workspace.ExportAsync(), expected);

        Assert.Single(incremental);
        Assert.StartsWith("missing link deals/", incremental[0], StringComparison.Ordinal);
        Assert.Empty(full);
    }
}
