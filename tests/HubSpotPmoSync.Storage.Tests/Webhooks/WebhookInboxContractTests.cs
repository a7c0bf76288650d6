using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Storage.Postgres.Webhooks;
using HubSpotPmoSync.Storage.Webhooks;
using HubSpotPmoSync.Testing.Postgres;

namespace HubSpotPmoSync.Storage.Tests.Webhooks;

/// <summary>What every <see cref="IWebhookInbox"/> must do with its delivery store: dedupe, the two marks, processed-with-the-records.</summary>
public abstract class WebhookInboxContractTests
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    protected abstract IWebhookInbox Inbox { get; }

    protected abstract IDeliveryStore Store { get; }

    /// <summary>Whether the store exists (reads must not create it).</summary>
    protected abstract Task<bool> StoreExistsAsync();

    [Fact]
    public async Task AddAsync_SameDedupeKeyTwice_StoredOnceInArrivalOrder()
    {
        var first = await Inbox.AddAsync([Event("a", "1"), Event("b", "2"), Event("a", "1")], Now, CancellationToken.None);
        var again = await Inbox.AddAsync([Event("b", "2"), Event("c", "3")], Now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(new WebhookInboxAdd(2, 1), first);
        Assert.Equal(new WebhookInboxAdd(1, 1), again);
        var pending = await Inbox.PendingAsync(10, CancellationToken.None);
        Assert.Equal(["1", "2", "3"], pending.Select(e => e.ObjectId));
        Assert.Equal(pending.Select(e => e.Id).Order(), pending.Select(e => e.Id));
        var c = pending[2];
        Assert.Equal((Now.AddSeconds(1), Now.AddMinutes(-1), false, "deal.propertyChange", "deals", "{\"objectId\":3}"),
            (c.ReceivedAt, c.OccurredAt, c.Processed, c.SubscriptionType, c.ObjectType, c.Payload));
        Assert.Equal(["1"], (await Inbox.PendingAsync(1, CancellationToken.None)).Select(e => e.ObjectId));
    }

    [Fact]
    public async Task CommitPage_WithInboxEvents_MarksThemProcessedInItsTransaction_PushedRowsLeavePending()
    {
        await Inbox.AddAsync([Event("a", "1")], Now, CancellationToken.None);
        await Inbox.AddAsync([Event("b", "2")], Now.AddMinutes(1), CancellationToken.None);
        var pending = await Inbox.PendingAsync(10, CancellationToken.None);

        await Store.CommitPageAsync(new PageCommit(EntityKind.Deal, [], [], new SyncCursorState(EntityKind.Deal)) { InboxEvents = [pending[0].Id] }, CancellationToken.None);
        var afterCommit = await Inbox.PendingAsync(10, CancellationToken.None);
        await Inbox.MarkPushedAsync([pending[0].Id], Now.AddMinutes(2), CancellationToken.None);
        var afterPush = await Inbox.PendingAsync(10, CancellationToken.None);

        Assert.Equal([true, false], afterCommit.Select(e => e.Processed));
        Assert.Equal(["2"], afterPush.Select(e => e.ObjectId));
        Assert.Equal(Now.AddMinutes(1), await Inbox.OldestPendingAsync(CancellationToken.None));
        await Inbox.MarkPushedAsync([pending[1].Id], Now.AddMinutes(3), CancellationToken.None);
        Assert.Null(await Inbox.OldestPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CommitPage_Fails_LeavesItsInboxEventsUnprocessed()
    {
        await Inbox.AddAsync([Event("a", "1")], Now, CancellationToken.None);
        var id = Assert.Single(await Inbox.PendingAsync(10, CancellationToken.None)).Id;
        var broken = new RecordWrite(
            new StoredRecord(EntityKind.Deal, "1", false, null, Now, Now, new SortedDictionary<string, string?>(), new SortedDictionary<string, string?>()),
            new LedgerEntry(EntityKind.Deal, "1", Now, null!, LedgerStatus.InSync, null, Now));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitPageAsync(
            new PageCommit(EntityKind.Deal, [broken], [], new SyncCursorState(EntityKind.Deal)) { InboxEvents = [id] }, CancellationToken.None));

        Assert.False(Assert.Single(await Inbox.PendingAsync(10, CancellationToken.None)).Processed);
    }

    [Fact]
    public async Task MarkPushedAsync_RowsPushedBeyondTwoDays_AreForgottenAndTheirKeyStoresAgain()
    {
        await Inbox.AddAsync([Event("a", "1")], Now, CancellationToken.None);
        await Inbox.MarkPushedAsync([Assert.Single(await Inbox.PendingAsync(10, CancellationToken.None)).Id], Now, CancellationToken.None);

        var resentNextDay = await Inbox.AddAsync([Event("a", "1")], Now.AddDays(1), CancellationToken.None);
        await Inbox.MarkPushedAsync([], Now.AddDays(2).AddMinutes(1), CancellationToken.None);
        var resentLater = await Inbox.AddAsync([Event("a", "1")], Now.AddDays(3), CancellationToken.None);

        Assert.Equal(new WebhookInboxAdd(0, 1), resentNextDay);
        Assert.Equal(new WebhookInboxAdd(1, 0), resentLater);
        Assert.Equal(Now.AddDays(3), await Inbox.OldestPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NoStore_ReadsEmpty_CreatesNothing()
    {
        Assert.Empty(await Inbox.PendingAsync(10, CancellationToken.None));
        Assert.Null(await Inbox.OldestPendingAsync(CancellationToken.None));
        Assert.False(await StoreExistsAsync());
    }

    private static WebhookInboxEvent Event(string key, string objectId) =>
        new(key, Now.AddMinutes(-1), "deal.propertyChange", "deals", objectId, $"{{\"objectId\":{objectId}}}");
}

/// <summary>The webhook inbox on a real SQLite file.</summary>
public sealed class SqliteWebhookInboxTests : WebhookInboxContractTests, IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly SqliteDeliveryStore _store;

    public SqliteWebhookInboxTests()
    {
        _store = _db.CreateStore();
        Inbox = new SqliteWebhookInbox(_db.Database);
    }

    protected override IWebhookInbox Inbox { get; }

    protected override IDeliveryStore Store => _store;

    protected override Task<bool> StoreExistsAsync() => Task.FromResult(_db.Database.Exists);

    public void Dispose()
    {
        _store.Dispose();
        _db.Dispose();
    }
}

/// <summary>The webhook inbox on PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgresWebhookInboxTests : WebhookInboxContractTests, IDisposable
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;

    public PostgresWebhookInboxTests()
    {
        _database = new PostgresDatabase(_schema.ConnectionString);
        Store = new PostgresDeliveryStore(_database);
        Inbox = new PostgresWebhookInbox(_database);
    }

    protected override IWebhookInbox Inbox { get; }

    protected override IDeliveryStore Store { get; }

    protected override Task<bool> StoreExistsAsync() => _database.ExistsAsync(CancellationToken.None);

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }
}
