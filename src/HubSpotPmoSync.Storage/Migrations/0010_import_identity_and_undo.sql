-- 0010: a time entry's identity is configurable (Import:TimeEntries:Key), so a re-export replaces what an earlier
-- import stored instead of adding to it; and every import batch can be undone.
--
-- time_entries.row_key now holds the entry's key under the identity named in key_spec (e.g.
-- 'Date+ProjectCode+Person+Notes'). Rows stored before hold a hash of all their values and key_spec NULL: the next
-- time-entry import re-keys every row whose key_spec differs from the configured identity, in its own transaction,
-- so existing rows are kept and matched. source_id is the exporting tool's id (an Id column), when the file has one.
ALTER TABLE time_entries ADD COLUMN key_spec TEXT;
ALTER TABLE time_entries ADD COLUMN source_id TEXT;

-- Batches recorded from now on keep what they changed (undoable = 1); older ones cannot be undone (what their
-- milestone rows replaced was not kept). undone_at is set once a batch is undone.
ALTER TABLE import_batches ADD COLUMN undoable INTEGER NOT NULL DEFAULT 0 CHECK (undoable = 0 OR undoable = 1);
ALTER TABLE import_batches ADD COLUMN undone_at TEXT;

-- What each batch changed: a row it added (previous NULL) or replaced (previous: the earlier values as a JSON
-- object, with the batch that wrote them). A time entry is named by its id, a milestone by (project_code, name).
CREATE TABLE IF NOT EXISTS import_batch_changes (
    batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
    kind          TEXT NOT NULL CHECK (kind = 'time-entry' OR kind = 'milestone'),
    entry_id      INTEGER,
    project_code  TEXT,
    name          TEXT,
    previous      TEXT
);
CREATE INDEX IF NOT EXISTS ix_import_batch_changes_batch ON import_batch_changes (batch_id);
CREATE INDEX IF NOT EXISTS ix_time_entries_batch ON time_entries (batch_id);
