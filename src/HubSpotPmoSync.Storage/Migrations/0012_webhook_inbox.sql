-- 0012: the webhook inbox. The endpoint stores each event before it answers 200; the processor re-reads what it
-- names. processed_at is set in the transaction that stores the records it produced; pushed_at once the health of
-- what it touched is queued for HubSpot. dedupe_key makes a resent event (HubSpot retries, eventId is not unique)
-- land once.
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id                INTEGER PRIMARY KEY,
    dedupe_key        TEXT NOT NULL UNIQUE,
    received_at       TEXT NOT NULL,
    occurred_at       TEXT NOT NULL,
    subscription_type TEXT NOT NULL,
    object_type       TEXT NOT NULL,
    object_id         TEXT NOT NULL,
    payload           TEXT NOT NULL,
    processed_at      TEXT,
    pushed_at         TEXT
);
CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pending ON webhook_inbox (id) WHERE pushed_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_webhook_inbox_pushed ON webhook_inbox (pushed_at) WHERE pushed_at IS NOT NULL;
