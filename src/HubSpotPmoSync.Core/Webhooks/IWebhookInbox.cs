namespace HubSpotPmoSync.Core.Webhooks;

/// <summary>One webhook event as the endpoint takes it in.</summary>
/// <param name="DedupeKey">What makes it the same event when HubSpot sends it again (see the endpoint's docs).</param>
/// <param name="OccurredAt">HubSpot's <c>occurredAt</c>.</param>
/// <param name="SubscriptionType">e.g. <c>deal.propertyChange</c>, <c>object.merge</c>.</param>
/// <param name="ObjectType">The HubSpot object type it names: a name (<c>deals</c>) or a type id (<c>0-970</c>, <c>2-123</c>).</param>
/// <param name="ObjectId">HubSpot's <c>objectId</c>.</param>
/// <param name="Payload">The event's JSON as received.</param>
public sealed record WebhookInboxEvent(string DedupeKey, DateTimeOffset OccurredAt, string SubscriptionType, string ObjectType, string ObjectId, string Payload);

/// <summary>An inbox row not yet pushed: ingested already when <see cref="Processed"/>.</summary>
public sealed record PendingWebhookEvent(
    long Id, DateTimeOffset ReceivedAt, DateTimeOffset OccurredAt, bool Processed, string SubscriptionType, string ObjectType, string ObjectId, string Payload);

/// <summary>What one <see cref="IWebhookInbox.AddAsync"/> stored.</summary>
public sealed record WebhookInboxAdd(int Added, int Duplicates);

/// <summary>
/// The durable webhook inbox. A row goes through two steps: <em>processed</em> (its records re-read and stored; marked
/// in the same transaction as they are, through <see cref="Sync.PageCommit.InboxEvents"/>) and <em>pushed</em> (the
/// health of what it touched scored and queued for HubSpot).
/// </summary>
public interface IWebhookInbox
{
    /// <summary>Stores the events in one transaction; an event whose dedupe key is there already is counted, not stored.</summary>
    Task<WebhookInboxAdd> AddAsync(IReadOnlyList<WebhookInboxEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>The oldest rows not yet pushed, in arrival order.</summary>
    Task<IReadOnlyList<PendingWebhookEvent>> PendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Marks rows pushed; rows pushed long ago (beyond HubSpot's retry day) are forgotten.</summary>
    Task MarkPushedAsync(IReadOnlyList<long> ids, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>When the oldest row not yet pushed arrived (null: none waits).</summary>
    Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken);
}
