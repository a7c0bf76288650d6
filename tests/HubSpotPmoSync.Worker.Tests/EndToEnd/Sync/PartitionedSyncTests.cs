using System.Globalization;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 15: a partitioned first sync by the real process against the emulator, with sparse ids — a block of tickets in
/// the middle of the id space archived, so search and the list skip it and some id ranges hold no record. Every
/// record arrives exactly once, the id ranges are gone once the listing completes, and searches by id range did part
/// of the reading.
/// </summary>
public sealed class PartitionedSyncTests(ITestOutputHelper log)
{
    [Fact]
    public async Task FirstSync_SparseIdsAndEmptyRanges_EveryRecordExactlyOnce()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "scale:1000");
        var tickets = emulator.Control.ExportState().Objects["tickets"].Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).Order().ToList();
        foreach (var chunk in tickets.Skip(400).Take(1_200).Chunk(100))
        {
            var archived = await emulator.SendAsync(HttpMethod.Post, "/crm/v3/objects/tickets/batch/archive",
                new { inputs = chunk.Select(id => new { id = id.ToString(CultureInfo.InvariantCulture) }).ToArray() });
            Assert.True(archived.Status is 200 or 204, $"archiving tickets answered {archived.Status}");
        }

        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string> { ["Sync__PartitionSize"] = "150" });
        var searchesBefore = Searches(emulator);

        var summary = await workspace.SyncAsync(TimeSpan.FromMinutes(3));
        log.WriteLine(summary);

        var searches = Searches(emulator) - searchesBefore;
        log.WriteLine($"searches: {searches}");
        // Without ranges: a fast pass per type and a probe per type of more than one page (7); deals and tickets are
        // split into ranges of about 150 records, each searched at least once.
        Assert.True(searches >= 7 + 8, $"only {searches} searches: the listing was not partitioned");
        var expected = EmulatorExpectation.Export(emulator.Control.ExportState(), TestMappings.Default);
        EmulatorExpectation.AssertPrinted(await workspace.ExportAsync(), expected, "after a partitioned first sync with sparse ids");
        var db = workspace.DatabasePath;
        var total = emulator.Control.ExportState().Objects.Sum(o => o.Value.Count);
        Assert.Equal(total, SyncDatabase.Scalar(db, "SELECT COUNT(*) FROM crm_records;"));
        Assert.Equal(total, SyncDatabase.Scalar(db, "SELECT COUNT(*) FROM sync_ledger;"));
        Assert.Equal(0, SyncDatabase.Scalar(db, "SELECT COUNT(*) FROM sync_partitions;"));
        Assert.Equal(0, SyncDatabase.Scalar(db, "SELECT COUNT(*) FROM sync_cursors WHERE list_in_progress = 1 OR listed = 0;"));
        var seen = summary.Split('\n').Single(l => l.TrimStart().StartsWith("seen ", StringComparison.Ordinal));
        Assert.StartsWith($"seen {total},", seen.TrimStart(), StringComparison.Ordinal);
    }

    private static long Searches(EmulatorFixture emulator) =>
        emulator.Control.Stats().Requests.Where(r => r.Key.Contains("/search", StringComparison.Ordinal)).Sum(r => r.Value);
}
