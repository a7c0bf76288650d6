-- 0013: where the completeness check of every incremental cycle stands, per object type (docs/sync.md, "Completeness").
-- A rolling pass over the stored ids in numeric order: after_id is the last id checked (NULL: the next slice starts a
-- pass at the lowest id), checked of total ids so far; the times of the last check (a one-shot sync sizes its slice
-- from the time since) and of the last completed pass; the calls of the last check; the pass period it projected.
CREATE TABLE completeness_positions (
    object_type TEXT PRIMARY KEY NOT NULL,
    after_id TEXT,
    checked INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    pass_started_at TEXT,
    last_check_at TEXT,
    last_pass_completed_at TEXT,
    last_calls INTEGER NOT NULL DEFAULT 0,
    pass_every_ms INTEGER
);
