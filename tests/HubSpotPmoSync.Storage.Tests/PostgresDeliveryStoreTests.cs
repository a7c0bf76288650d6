using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Postgres;
using Npgsql;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>The delivery store contract on PostgreSQL, each test in a schema of its own; and what only it does.</summary>
public sealed class PostgresDeliveryStoreTests : DeliveryStoreContractTests, IDisposable
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;
    private readonly PostgresDeliveryStore _store;

    public PostgresDeliveryStoreTests()
    {
        _database = new PostgresDatabase(_schema.ConnectionString);
        _store = new PostgresDeliveryStore(_database);
    }

    protected override IDeliveryStore Store => _store;

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task Reads_NoTablesYet_CreateNothing()
    {
        await _store.GetCursorAsync(EntityKind.Deal, default);
        await _store.GetStatesAsync(EntityKind.Deal, ["1"], default);
        await _store.ExportAsync(null, default);
        Assert.False((await _store.GetStatusAsync(3, default)).DatabaseExists);
        await _store.LoadModelAsync(default);

        Assert.False(await _database.ExistsAsync(default));
    }

    [Fact]
    public async Task CommitPageAsync_LargePage_CopiedInAndReadBackAsWritten()
    {
        var writes = Enumerable.Range(1, PostgresDeliveryStore.CopyThreshold * 3).Select(i => Write(Deal(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        await _store.CommitPageAsync(Page(EntityKind.Deal, writes), default);

        var changed = writes.Take(5).Select(w => Write(Deal(w.Record!.Id, "999"), hash: "h2"))
            .Append(new RecordWrite(null, new LedgerEntry(EntityKind.Deal, "6", At, "gone", LedgerStatus.Excluded, "filtered", At)))
            .Concat(Enumerable.Range(7, PostgresDeliveryStore.CopyThreshold).Select(i => writes[i - 1]))
            .ToList();
        await _store.CommitPageAsync(Page(EntityKind.Deal, changed), default);

        var records = await _store.GetRecordsAsync(EntityKind.Deal, null, default);
        Assert.Equal(writes.Count - 1, records.Count);
        Assert.Equal("999", records.Single(r => r.Id == "1").Properties["amount"]);
        Assert.Equal(At.AddMinutes(-1), records.Single(r => r.Id == "1").LocalChangedAt);
        Assert.Null(records.Single(r => r.Id == "7").LocalChangedAt);
        Assert.Equal(LedgerStatus.Excluded, (await _store.GetLedgerEntryAsync(EntityKind.Deal, "6", default))!.Status);
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
    }

    [Fact]
    public async Task ModelViews_TypedColumnsQueryable()
    {
        await _store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1", "1250.50"))]), default);

        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT name, amount, stage FROM model_deals WHERE id = '1';", connection);
        await using var reader = await cmd.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(("Deal 1", "1250.50", "closedwon"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
    }
}
