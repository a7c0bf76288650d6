using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 5, "10k cap": 25,000 deals modified in the same millisecond (one <c>BulkUpdate</c> after the first sync) all
/// arrive through an incremental sync of the real process, although HubSpot's search stops at 10,000 results.
/// </summary>
public sealed class SearchCapTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IncrementalSync_TwentyFiveThousandDealsInOneMillisecond_AllArrive()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "scale:25000");
        using var workspace = new SyncWorkspace(emulator);
        var first = await workspace.SyncAsync(TimeSpan.FromMinutes(3), "--object", "deals");
        log.WriteLine(first);

        var at = DateTimeOffset.FromUnixTimeMilliseconds(emulator.Control.Now.ToUnixTimeMilliseconds());
        var changed = emulator.Control.BulkUpdate("deals", new Dictionary<string, string?> { ["amount"] = "4242.42", ["dealname"] = "same millisecond" }, count: 25_000, at: at);
        Assert.Equal(25_000, changed);
        var deals = emulator.Control.ExportState().Objects["deals"];
        Assert.Equal(25_000, deals.Count(d => d.UpdatedAt == at));

        var before = emulator.Control.Stats().Requests.Where(r => r.Key.Contains("/search", StringComparison.Ordinal)).Sum(r => r.Value);
        var incremental = await workspace.SyncAsync(TimeSpan.FromMinutes(3), "--object", "deals");
        log.WriteLine(incremental);
        var searches = emulator.Control.Stats().Requests.Where(r => r.Key.Contains("/search", StringComparison.Ordinal)).Sum(r => r.Value) - before;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search calls of the incremental sync: {searches}"));

        var row = incremental.Split('\n').Single(l => l.TrimStart().StartsWith("deal ", StringComparison.Ordinal));
        var columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("25000", columns[3]); // updated
        Assert.True(searches >= 125, $"25,000 records at 200 a page need at least 125 search pages, saw {searches}");

        var all = EmulatorExpectation.Export(emulator.Control.ExportState(), TestMappings.Default);
        var expected = new DeliveryExport(
            new Dictionary<EntityKind, IReadOnlyList<ExportRecord>> { [EntityKind.Deal] = all.Records[EntityKind.Deal] },
            all.Associations.Where(a => a.FromType == "deals" || a.ToType == "deals").ToList());
        var export = await workspace.ExportAsync("--object", "deals");
        var differences = EmulatorExpectation.Differences(export, expected);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Equal(25_000, expected.Records[EntityKind.Deal].Count(d => d.Properties["amount"] == "4242.42"));
    }
}
