using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Storage.Tests;

public sealed class SqliteDeliveryStoreTests : DeliveryStoreContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly SqliteDeliveryStore _store;

    public SqliteDeliveryStoreTests() => _store = _temp.CreateStore();

    protected override IDeliveryStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Reads_NoDatabaseFile_CreateNothing()
    {
        await _store.GetCursorAsync(EntityKind.Deal, default);
        await _store.GetStatesAsync(EntityKind.Deal, ["1"], default);
        await _store.ExportAsync(null, default);
        await _store.GetStatusAsync(3, default);
        await _store.LoadModelAsync(default);

        Assert.False(File.Exists(_temp.Path_));
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.Path_)));
    }

    [Fact]
    public async Task CommitPageAsync_FailsHalfWay_CommitsNothingOfThePage()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))]), default);
        var before = await _store.GetCursorAsync(EntityKind.Deal, default);
        var broken = new RecordWrite(Deal("3"), new LedgerEntry(EntityKind.Deal, "3", At, null!, LedgerStatus.InSync, null, At));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.CommitPageAsync(
            Page(EntityKind.Deal, [Write(Deal("2")), broken], cursor: before with { ListAfter = "moved" }), default));

        Assert.Equal(["1"], (await _store.GetRecordsAsync(EntityKind.Deal, null, default)).Select(r => r.Id));
        Assert.Equal(before, await _store.GetCursorAsync(EntityKind.Deal, default));
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("2"))]), default);
        Assert.Equal(2, (await _store.GetRecordsAsync(EntityKind.Deal, null, default)).Count);
    }

    /// <summary>Issue 15: the object types commit at once, from several threads; each page lands whole.</summary>
    [Fact]
    public async Task CommitPageAsync_ManyThreadsAtOnce_EveryPageLands()
    {
        var kinds = new[] { EntityKind.Company, EntityKind.Deal, EntityKind.Ticket, EntityKind.Project };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var page = 0; page < 20; page++)
            {
                var kind = kinds[worker % kinds.Length];
                var id = $"{worker}{page:D3}";
                var record = Deal(id) with { Kind = kind };
                await _store.CommitPageAsync(Page(kind, [Write(record)], cursor: new SyncCursorState(kind) { ListInProgress = true, ListAfter = id }), default);
            }
        })));

        var status = await _store.GetStatusAsync(0, default);
        Assert.All(status.Objects, o => Assert.Equal(40, o.Records));
    }

    /// <summary>Another process writing (a <c>status</c> reading, an import writing) makes a commit wait, not fail.</summary>
    [Fact]
    public async Task CommitPageAsync_AnotherConnectionHoldsTheWriteLock_WaitsAndCommits()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))]), default);
        using var other = _temp.Database.Open();
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }

        var commit = Task.Run(() => _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("2"))]), default));
        await Task.WhenAny(commit, Task.Delay(TimeSpan.FromMilliseconds(500)));

        // It cannot have committed while the lock is held; had the busy database failed it, it would be done (faulted).
        Assert.False(commit.IsCompleted, commit.Exception?.ToString());
        using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        await commit;
        Assert.Equal(2, (await _store.GetRecordsAsync(EntityKind.Deal, null, default)).Count);
    }

    [Fact]
    public async Task CommitPageAsync_Committed_VisibleToAnotherStoreOnTheSameFile()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))]), default);

        using var other = _temp.CreateStore();

        Assert.Single(await other.GetRecordsAsync(EntityKind.Deal, null, default));
        Assert.True((await other.GetCursorAsync(EntityKind.Deal, default)).ListInProgress);
    }

    [Fact]
    public async Task ModelViews_TypedColumnsQueryable()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1", "1250.50"))]), default);

        using var connection = _temp.Database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, amount, stage FROM model_deals WHERE id = '1';";
        using var reader = cmd.ExecuteReader();

        Assert.True(reader.Read());
        Assert.Equal(("Deal 1", "1250.50", "closedwon"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
    }
}
