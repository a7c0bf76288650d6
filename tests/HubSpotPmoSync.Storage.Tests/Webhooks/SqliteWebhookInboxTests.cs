using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage.Webhooks;

namespace HubSpotPmoSync.Storage.Tests.Webhooks;

/// <summary>The webhook inbox on a real SQLite file: dedupe, the two marks, and processed-with-the-records.</summary>
public sealed class SqliteWebhookInboxTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _db = new();

    [Fact]
    public async Task AddAsync_SameDedupeKeyTwice_StoredOnce()
    {
        var inbox = new SqliteWebhookInbox(_db.Database);

        var first = await inbox.AddAsync([Event("a", "1"), Event("b", "2")], Now, CancellationToken.None);
        var again = await inbox.AddAsync([Event("b", "2"), Event("c", "3")], Now, CancellationToken.None);

        Assert.Equal(new WebhookInboxAdd(2, 0), first);
        Assert.Equal(new WebhookInboxAdd(1, 1), again);
        Assert.Equal(["1", "2", "3"], (await inbox.PendingAsync(10, CancellationToken.None)).Select(e => e.ObjectId));
    }

    [Fact]
    public async Task CommitPage_WithInboxEvents_MarksThemProcessedInItsTransaction_PushedRowsLeavePending()
    {
        var inbox = new SqliteWebhookInbox(_db.Database);
        await inbox.AddAsync([Event("a", "1"), Event("b", "2")], Now, CancellationToken.None);
        var pending = await inbox.PendingAsync(10, CancellationToken.None);
        using var store = _db.CreateStore();

        await store.CommitPageAsync(new PageCommit(EntityKind.Deal, [], [], new SyncCursorState(EntityKind.Deal)) { InboxEvents = [pending[0].Id] }, CancellationToken.None);
        var afterCommit = await inbox.PendingAsync(10, CancellationToken.None);
        await inbox.MarkPushedAsync([pending[0].Id], Now, CancellationToken.None);
        var afterPush = await inbox.PendingAsync(10, CancellationToken.None);

        Assert.Equal([true, false], afterCommit.Select(e => e.Processed));
        Assert.Equal(["2"], afterPush.Select(e => e.ObjectId));
        Assert.Equal(Now, await inbox.OldestPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NoDatabase_ReadsEmpty_CreatesNothing()
    {
        var inbox = new SqliteWebhookInbox(_db.Database);

        Assert.Empty(await inbox.PendingAsync(10, CancellationToken.None));
        Assert.Null(await inbox.OldestPendingAsync(CancellationToken.None));
        Assert.False(_db.Database.Exists);
    }

    public void Dispose() => _db.Dispose();

    private static WebhookInboxEvent Event(string key, string objectId) =>
        new(key, Now, "deal.propertyChange", "deals", objectId, $"{{\"objectId\":{objectId}}}");
}
