-- 0003: writing back to HubSpot. Times are ISO-8601 UTC strings with 7 decimals (they sort as text).

-- The outbox: the latest desired value of each record property, until it reaches HubSpot, is retired
-- (HubSpot already holds it, or HubSpot's value wins a conflict) or goes to the dead letters.
CREATE TABLE IF NOT EXISTS wb_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type     TEXT    NOT NULL,
    record_key      TEXT    NOT NULL,  -- HubSpot id, or id_property:value for upserts
    record_id       TEXT    NOT NULL,  -- HubSpot id, or the unique value for upserts
    id_property     TEXT,
    property        TEXT    NOT NULL,
    value           TEXT,
    source          TEXT    NOT NULL,
    policy          TEXT    NOT NULL,
    changed_at      TEXT    NOT NULL,  -- when the local value changed
    enqueued_at     TEXT    NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_attempt_at TEXT,
    UNIQUE (object_type, record_key, property)
);

-- What the last pull saw in HubSpot, and when each value last changed there.
CREATE TABLE IF NOT EXISTS wb_observed (
    object_type TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    property    TEXT NOT NULL,
    value       TEXT,
    changed_at  TEXT NOT NULL,
    seen_updated_at TEXT NOT NULL,
    PRIMARY KEY (object_type, record_key, property)
) WITHOUT ROWID;

-- What the worker last wrote successfully.
CREATE TABLE IF NOT EXISTS wb_pushed (
    object_type TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    property    TEXT NOT NULL,
    value       TEXT,
    pushed_at   TEXT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (object_type, record_key, property)
) WITHOUT ROWID;

-- Every push and every decision: what, when, before -> after, policy, decision, source.
CREATE TABLE IF NOT EXISTS wb_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    object_type TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    property    TEXT,
    before_value TEXT,
    after_value TEXT,
    policy      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    source      TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX IF NOT EXISTS ix_wb_audit_record ON wb_audit (object_type, record_key, id);

-- Values HubSpot rejected, with HubSpot's category and message, until replayed.
CREATE TABLE IF NOT EXISTS wb_dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type TEXT    NOT NULL,
    record_key  TEXT    NOT NULL,
    record_id   TEXT    NOT NULL,
    id_property TEXT,
    property    TEXT    NOT NULL,
    value       TEXT,
    source      TEXT    NOT NULL,
    policy      TEXT    NOT NULL,
    changed_at  TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    failed_at   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_wb_dead_letters_property ON wb_dead_letters (object_type, record_key, property);
