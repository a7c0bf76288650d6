using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Commands;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.Commands;

public sealed class StatusCommandTests
{
    [Fact]
    public void Render_PartitionedListingInProgress_ShowsTheRangesDoneAndSearching()
    {
        var cursor = new SyncCursorState(EntityKind.Ticket)
        {
            ListInProgress = true,
            ListAfter = "30000004001",
            Partitions =
            [
                new SyncPartition(0, 30_000_000_000, 30_000_005_000) { Reader = SyncPartitionReader.List },
                new SyncPartition(1, 30_000_005_000, 30_000_010_000) { Reader = SyncPartitionReader.Search, Done = true },
                new SyncPartition(2, 30_000_010_000, 30_000_015_000) { Reader = SyncPartitionReader.Search, Position = 30_000_012_345 },
                new SyncPartition(3, 30_000_015_000, null),
            ],
        };
        var status = new SyncStatus(true, [new ObjectStatus(EntityKind.Ticket, 7_000, 0, 0, cursor, new Dictionary<LedgerStatus, long>(), [])], []);

        var text = StatusCommand.Render(status, new CycleLockState(false, null));

        Assert.Contains("in progress after 30000004001, id ranges 1/4 done (1 searching)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_NotPartitioned_IsEmpty() =>
        Assert.Equal(string.Empty, StatusCommand.Ranges(new SyncCursorState(EntityKind.Deal) { ListInProgress = true }));
}
