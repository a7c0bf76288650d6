using System.Globalization;
using HubSpotPmoSync.Core.Webhooks;

namespace HubSpotPmoSync.Storage.Webhooks;

/// <summary>
/// The webhook inbox in the SQLite file (table <c>webhook_inbox</c>, migration 0012). Rows are marked processed by
/// <see cref="SqliteDeliveryStore"/> in the transaction that stores what they produced.
/// </summary>
public sealed class SqliteWebhookInbox(SqliteDatabase database) : IWebhookInbox
{
    /// <summary>How long a pushed row is kept to recognise HubSpot's resends (it retries for up to a day).</summary>
    public static readonly TimeSpan KeepPushed = TimeSpan.FromDays(2);

    public Task<WebhookInboxAdd> AddAsync(IReadOnlyList<WebhookInboxEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0)
        {
            return Task.FromResult(new WebhookInboxAdd(0, 0));
        }

        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO webhook_inbox (dedupe_key, received_at, occurred_at, subscription_type, object_type, object_id, payload)
            VALUES ($key, $received, $occurred, $type, $objectType, $objectId, $payload)
            ON CONFLICT (dedupe_key) DO NOTHING;
            """;
        var key = cmd.Parameters.Add("$key", Microsoft.Data.Sqlite.SqliteType.Text);
        cmd.Parameters.AddWithValue("$received", SqliteDeliveryStore.Text(receivedAt));
        var occurred = cmd.Parameters.Add("$occurred", Microsoft.Data.Sqlite.SqliteType.Text);
        var type = cmd.Parameters.Add("$type", Microsoft.Data.Sqlite.SqliteType.Text);
        var objectType = cmd.Parameters.Add("$objectType", Microsoft.Data.Sqlite.SqliteType.Text);
        var objectId = cmd.Parameters.Add("$objectId", Microsoft.Data.Sqlite.SqliteType.Text);
        var payload = cmd.Parameters.Add("$payload", Microsoft.Data.Sqlite.SqliteType.Text);
        var added = 0;
        foreach (var e in events)
        {
            key.Value = e.DedupeKey;
            occurred.Value = SqliteDeliveryStore.Text(e.OccurredAt);
            type.Value = e.SubscriptionType;
            objectType.Value = e.ObjectType;
            objectId.Value = e.ObjectId;
            payload.Value = e.Payload;
            added += cmd.ExecuteNonQuery();
        }

        tx.Commit();
        return Task.FromResult(new WebhookInboxAdd(added, events.Count - added));
    }

    public Task<IReadOnlyList<PendingWebhookEvent>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReadOnlyIfExists();
        if (connection is null || !HasInbox(connection))
        {
            return Task.FromResult<IReadOnlyList<PendingWebhookEvent>>([]);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT id, received_at, occurred_at, processed_at IS NOT NULL, subscription_type, object_type, object_id, payload
            FROM webhook_inbox WHERE pushed_at IS NULL ORDER BY id LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$limit", limit);
        using var reader = cmd.ExecuteReader();
        var rows = new List<PendingWebhookEvent>();
        while (reader.Read())
        {
            rows.Add(new PendingWebhookEvent(
                reader.GetInt64(0),
                SqliteDeliveryStore.Instant(reader.GetString(1)),
                SqliteDeliveryStore.Instant(reader.GetString(2)),
                reader.GetInt64(3) != 0,
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7)));
        }

        return Task.FromResult<IReadOnlyList<PendingWebhookEvent>>(rows);
    }

    public Task MarkPushedAsync(IReadOnlyList<long> ids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE webhook_inbox SET pushed_at = $at, processed_at = COALESCE(processed_at, $at) WHERE id = $id;";
            cmd.Parameters.AddWithValue("$at", SqliteDeliveryStore.Text(at));
            var id = cmd.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
            foreach (var value in ids)
            {
                id.Value = value;
                cmd.ExecuteNonQuery();
            }
        }

        using (var forget = connection.CreateCommand())
        {
            forget.Transaction = tx;
            forget.CommandText = "DELETE FROM webhook_inbox WHERE pushed_at IS NOT NULL AND pushed_at < $before;";
            forget.Parameters.AddWithValue("$before", SqliteDeliveryStore.Text(at - KeepPushed));
            forget.ExecuteNonQuery();
        }

        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReadOnlyIfExists();
        if (connection is null || !HasInbox(connection))
        {
            return Task.FromResult<DateTimeOffset?>(null);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT received_at FROM webhook_inbox WHERE pushed_at IS NULL ORDER BY id LIMIT 1;";
        return Task.FromResult(cmd.ExecuteScalar() is string s ? SqliteDeliveryStore.Instant(s) : (DateTimeOffset?)null);
    }

    private static bool HasInbox(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'webhook_inbox';";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }
}
