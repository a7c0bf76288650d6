using HubSpotPmoSync.Core.Webhooks;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres.Webhooks;

/// <summary>
/// The webhook inbox on PostgreSQL (table <c>webhook_inbox</c>, migration 0003). Rows are marked processed by
/// <see cref="PostgresDeliveryStore"/> in the transaction that stores what they produced. Nothing here claims rows:
/// the processor reads pending rows and settles them under the cycle lock, so two processes never work the same rows.
/// </summary>
internal sealed class PostgresWebhookInbox(PostgresDatabase database) : IWebhookInbox
{
    /// <summary>How long a pushed row is kept to recognise HubSpot's resends (it retries for up to a day).</summary>
    public static readonly TimeSpan KeepPushed = TimeSpan.FromDays(2);

    public async Task<WebhookInboxAdd> AddAsync(IReadOnlyList<WebhookInboxEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0)
        {
            return new WebhookInboxAdd(0, 0);
        }

        // One statement: the rows in arrival order (ids follow it); a dedupe key there already (or twice here) lands once.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO webhook_inbox (dedupe_key, received_at, occurred_at, subscription_type, object_type, object_id, payload)
            SELECT k, @received, o, t, ot, oi, p
            FROM unnest(@keys::text[], @occurred::text[], @types::text[], @objectTypes::text[], @objectIds::text[], @payloads::text[])
                 WITH ORDINALITY AS e(k, o, t, ot, oi, p, n)
            ORDER BY n
            ON CONFLICT (dedupe_key) DO NOTHING;
            """, connection);
        cmd.Parameters.AddWithValue("received", PgValues.Text(receivedAt));
        cmd.Parameters.AddWithValue("keys", events.Select(e => e.DedupeKey).ToArray());
        cmd.Parameters.AddWithValue("occurred", events.Select(e => PgValues.Text(e.OccurredAt)).ToArray());
        cmd.Parameters.AddWithValue("types", events.Select(e => e.SubscriptionType).ToArray());
        cmd.Parameters.AddWithValue("objectTypes", events.Select(e => e.ObjectType).ToArray());
        cmd.Parameters.AddWithValue("objectIds", events.Select(e => e.ObjectId).ToArray());
        cmd.Parameters.AddWithValue("payloads", events.Select(e => e.Payload).ToArray());
        var added = await cmd.ExecuteNonQueryAsync(cancellationToken);
        return new WebhookInboxAdd(added, events.Count - added);
    }

    public async Task<IReadOnlyList<PendingWebhookEvent>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenInboxAsync(cancellationToken);
        if (connection is null)
        {
            return [];
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT id, received_at, occurred_at, processed_at IS NOT NULL, subscription_type, object_type, object_id, payload
            FROM webhook_inbox WHERE pushed_at IS NULL ORDER BY id LIMIT @limit;
            """, connection);
        cmd.Parameters.AddWithValue("limit", (long)Math.Max(0, limit));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PendingWebhookEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingWebhookEvent(
                reader.GetInt64(0),
                PgValues.Instant(reader.GetString(1)),
                PgValues.Instant(reader.GetString(2)),
                reader.GetBoolean(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7)));
        }

        return rows;
    }

    public async Task MarkPushedAsync(IReadOnlyList<long> ids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await PostgresDatabase.Execute(connection, tx, """
            UPDATE webhook_inbox SET pushed_at = @at, processed_at = COALESCE(processed_at, @at) WHERE id = ANY(@ids);
            DELETE FROM webhook_inbox WHERE pushed_at IS NOT NULL AND pushed_at < @before;
            """,
            cancellationToken,
            ("at", PgValues.Text(at)), ("ids", ids.ToArray()), ("before", PgValues.Text(at - KeepPushed)));
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenInboxAsync(cancellationToken);
        if (connection is null)
        {
            return null;
        }

        await using var cmd = new NpgsqlCommand("SELECT received_at FROM webhook_inbox WHERE pushed_at IS NULL ORDER BY id LIMIT 1;", connection);
        return await cmd.ExecuteScalarAsync(cancellationToken) is string s ? PgValues.Instant(s) : null;
    }

    /// <summary>A connection to read the inbox without creating anything; null before the schema has it.</summary>
    private async Task<NpgsqlConnection?> OpenInboxAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenIfExistsAsync(cancellationToken);
        if (connection is null)
        {
            return null;
        }

        await using var exists = new NpgsqlCommand("SELECT to_regclass('webhook_inbox') IS NOT NULL;", connection);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return connection;
        }

        await connection.DisposeAsync();
        return null;
    }
}
