using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>The completeness check's part of the SQLite store (migration 0013): ids in numeric order, sizes, positions.</summary>
public sealed class SqliteCompletenessStoreTests : DeliveryStoreContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly SqliteDeliveryStore _store;

    public SqliteCompletenessStoreTests() => _store = _temp.CreateStore();

    protected override Core.Sync.IDeliveryStore Store => _store;

    [Fact]
    public async Task GetIdsAsync_NumericOrderAfterAnId_WithArchivedFlags()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("100")), Write(Deal("9")), Write(Deal("30000000001", archived: true)), Write(Deal("25"))]), default);

        var all = await _store.GetIdsAsync(EntityKind.Deal, null, 10, default);
        var after = await _store.GetIdsAsync(EntityKind.Deal, "25", 2, default);

        Assert.Equal(["9", "25", "100", "30000000001"], all.Select(i => i.Id));
        Assert.Equal([new StoredId("100", false), new StoredId("30000000001", true)], after);
        Assert.Equal(new KindSize(EntityKind.Deal, 4, 1), await _store.GetSizeAsync(EntityKind.Deal, default));
        Assert.Empty(await _store.GetIdsAsync(EntityKind.Company, null, 10, default));
    }

    [Fact]
    public async Task SavePositionAsync_ReadsBackAndReplaces()
    {
        Assert.Null(await _store.GetPositionAsync(EntityKind.Ticket, default));
        var position = new CompletenessPosition(EntityKind.Ticket, "4711", 3400, 20000, At, At.AddMinutes(5), null, 12, TimeSpan.FromMinutes(58));

        await _store.SavePositionAsync(position, default);
        await _store.SavePositionAsync(position with { AfterId = null, Checked = 20000, LastPassCompletedAt = At.AddMinutes(6) }, default);

        var read = await _store.GetPositionAsync(EntityKind.Ticket, default);
        Assert.Equal(position with { AfterId = null, Checked = 20000, LastPassCompletedAt = At.AddMinutes(6) }, read);
        Assert.Equal(1, read!.Progress);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }
}
