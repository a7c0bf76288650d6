-- 0004: delivery data that does not come from HubSpot (time, costs, milestones), the imports that brought
-- it, and the health history. Money and hours are stored as invariant decimal text so no cent is lost to
-- floating point; dates as ISO-8601 text.

CREATE TABLE IF NOT EXISTS import_batches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,            -- time-entries, cost-entries, milestones
    source        TEXT NOT NULL,            -- the file imported
    content_hash  TEXT NOT NULL,            -- SHA-256 of the file, hex
    imported_at   TEXT NOT NULL,
    rows_read     INTEGER NOT NULL,
    rows_inserted INTEGER NOT NULL,
    rows_updated  INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL
);

-- row_key: a hash of the normalised row; the same row imported again is skipped.
CREATE TABLE IF NOT EXISTS time_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    row_key      TEXT NOT NULL UNIQUE,
    entry_date   TEXT NOT NULL,
    project_code TEXT NOT NULL,
    person       TEXT NOT NULL,
    hours        TEXT NOT NULL,
    cost_rate    TEXT NOT NULL,
    bill_rate    TEXT NOT NULL,
    notes        TEXT,
    batch_id     INTEGER NOT NULL REFERENCES import_batches (id)
);
CREATE INDEX IF NOT EXISTS ix_time_entries_project ON time_entries (project_code, entry_date);

CREATE TABLE IF NOT EXISTS cost_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    row_key      TEXT NOT NULL UNIQUE,
    entry_date   TEXT NOT NULL,
    project_code TEXT NOT NULL,
    description  TEXT NOT NULL,
    amount       TEXT NOT NULL,
    batch_id     INTEGER NOT NULL REFERENCES import_batches (id)
);
CREATE INDEX IF NOT EXISTS ix_cost_entries_project ON cost_entries (project_code, entry_date);

-- Natural key (project_code, name): importing a milestone again updates it when it changed.
CREATE TABLE IF NOT EXISTS milestones (
    project_code     TEXT NOT NULL,
    name             TEXT NOT NULL,
    planned_date     TEXT NOT NULL,
    actual_date      TEXT,
    weight           TEXT NOT NULL,
    percent_complete TEXT NOT NULL,
    batch_id         INTEGER NOT NULL REFERENCES import_batches (id),
    PRIMARY KEY (project_code, name)
);

-- One row per project per scoring run.
CREATE TABLE IF NOT EXISTS health_snapshots (
    project_id   TEXT NOT NULL,
    project_code TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    score        TEXT,
    rag          TEXT NOT NULL,
    trend        TEXT NOT NULL,
    cpi          TEXT,
    spi          TEXT,
    eac          TEXT,
    currency     TEXT NOT NULL,
    top_reason   TEXT NOT NULL,
    PRIMARY KEY (project_id, run_at)
);
CREATE INDEX IF NOT EXISTS ix_health_snapshots_as_of ON health_snapshots (project_id, as_of);
