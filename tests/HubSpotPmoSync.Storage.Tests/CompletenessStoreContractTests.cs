using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Postgres;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>What every <see cref="ICompletenessStore"/> must do: sizes, stored ids in numeric order, positions that read back.</summary>
public abstract class CompletenessStoreContractTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    protected abstract IDeliveryStore Store { get; }

    protected abstract ICompletenessStore Completeness { get; }

    /// <summary>Whether the store exists (reads must not create it).</summary>
    protected abstract Task<bool> StoreExistsAsync();

    [Fact]
    public async Task GetIdsAsync_NumericOrderInSlices_WithArchivedFlags_AndSizeCountsArchived()
    {
        await StoreDealsAsync(("100", false), ("9", true), ("11", false), ("2", false), ("10", true));
        await StoreCompanyAsync("1");

        var first = await Completeness.GetIdsAsync(EntityKind.Deal, null, 3, CancellationToken.None);
        var rest = await Completeness.GetIdsAsync(EntityKind.Deal, first[^1].Id, 3, CancellationToken.None);
        var none = await Completeness.GetIdsAsync(EntityKind.Deal, "100", 3, CancellationToken.None);

        Assert.Equal([new StoredId("2", false), new StoredId("9", true), new StoredId("10", true)], first);
        Assert.Equal([new StoredId("11", false), new StoredId("100", false)], rest);
        Assert.Empty(none);
        Assert.Equal(new KindSize(EntityKind.Deal, 5, 2), await Completeness.GetSizeAsync(EntityKind.Deal, CancellationToken.None));
        Assert.Equal(new KindSize(EntityKind.Company, 1, 0), await Completeness.GetSizeAsync(EntityKind.Company, CancellationToken.None));
        Assert.Equal(new KindSize(EntityKind.Ticket, 0, 0), await Completeness.GetSizeAsync(EntityKind.Ticket, CancellationToken.None));
    }

    [Fact]
    public async Task SavePositionAsync_ReadsBackPerKind_AndASecondSaveReplacesIt()
    {
        await StoreCompanyAsync("1");
        Assert.Null(await Completeness.GetPositionAsync(EntityKind.Deal, CancellationToken.None));
        var position = new CompletenessPosition(EntityKind.Deal, "4711", 120, 480, At.AddHours(-2), At.AddTicks(1234567), At.AddDays(-1), 7, TimeSpan.FromMinutes(90));

        await Completeness.SavePositionAsync(position, CancellationToken.None);
        var read = await Completeness.GetPositionAsync(EntityKind.Deal, CancellationToken.None);
        var restarted = new CompletenessPosition(EntityKind.Deal, null, 0, 500, null, At, null, 0, null);
        await Completeness.SavePositionAsync(restarted, CancellationToken.None);

        Assert.Equal(position, read);
        Assert.Equal(restarted, await Completeness.GetPositionAsync(EntityKind.Deal, CancellationToken.None));
        Assert.Null(await Completeness.GetPositionAsync(EntityKind.Ticket, CancellationToken.None));
    }

    [Fact]
    public async Task Reads_NoStoreYet_ReadEmptyAndCreateNothing()
    {
        Assert.Equal(new KindSize(EntityKind.Deal, 0, 0), await Completeness.GetSizeAsync(EntityKind.Deal, CancellationToken.None));
        Assert.Empty(await Completeness.GetIdsAsync(EntityKind.Deal, null, 10, CancellationToken.None));
        Assert.Null(await Completeness.GetPositionAsync(EntityKind.Deal, CancellationToken.None));
        Assert.False(await StoreExistsAsync());
    }

    private Task StoreDealsAsync(params (string Id, bool Archived)[] deals) =>
        Store.CommitPageAsync(
            new PageCommit(EntityKind.Deal, deals.Select(d => Write(EntityKind.Deal, d.Id, d.Archived)).ToList(), [], new SyncCursorState(EntityKind.Deal)),
            CancellationToken.None);

    private Task StoreCompanyAsync(string id) =>
        Store.CommitPageAsync(new PageCommit(EntityKind.Company, [Write(EntityKind.Company, id, false)], [], new SyncCursorState(EntityKind.Company)), CancellationToken.None);

    private static RecordWrite Write(EntityKind kind, string id, bool archived) => new(
        new StoredRecord(kind, id, archived, archived ? At : null, At.AddDays(-3), At.AddMinutes(-1),
            new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["name"] = "Record " + id },
            new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["name"] = "Record " + id }),
        new LedgerEntry(kind, id, At.AddMinutes(-1), "h-" + id, LedgerStatus.InSync, null, At));
}

/// <summary>The completeness store on a real SQLite file.</summary>
public sealed class SqliteCompletenessStoreTests : CompletenessStoreContractTests, IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly SqliteDeliveryStore _store;

    public SqliteCompletenessStoreTests() => _store = _db.CreateStore();

    protected override IDeliveryStore Store => _store;

    protected override ICompletenessStore Completeness => _store;

    protected override Task<bool> StoreExistsAsync() => Task.FromResult(_db.Database.Exists);

    public void Dispose()
    {
        _store.Dispose();
        _db.Dispose();
    }
}

/// <summary>The completeness store on PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgresCompletenessStoreTests : CompletenessStoreContractTests, IDisposable
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;
    private readonly PostgresDeliveryStore _store;

    public PostgresCompletenessStoreTests()
    {
        _database = new PostgresDatabase(_schema.ConnectionString);
        _store = new PostgresDeliveryStore(_database);
    }

    protected override IDeliveryStore Store => _store;

    protected override ICompletenessStore Completeness => _store;

    protected override Task<bool> StoreExistsAsync() => _database.ExistsAsync(CancellationToken.None);

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }
}
