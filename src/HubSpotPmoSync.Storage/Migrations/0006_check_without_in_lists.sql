-- 0006: the CHECK constraints of crm_records and sync_ledger without IN lists.
-- SQLite checks "x IN ('a', 'b', 'c')" (three values or more) by building a temporary b-tree of the list on every
-- row written, and an upsert checks twice. For the sync's write path (one statement per record) that was a third
-- of the time of each record and ledger write. "x = 'a' OR x = 'b' OR ..." allows exactly the same values and is
-- checked with plain comparisons. SQLite cannot alter a CHECK constraint, so both tables are rebuilt with their
-- rows (and the views over crm_records are dropped and made again).

DROP VIEW model_companies;
DROP VIEW model_deals;
DROP VIEW model_tickets;
DROP VIEW model_projects;

CREATE TABLE crm_records_0006 (
  object_type     TEXT    NOT NULL CHECK (object_type = 'companies' OR object_type = 'deals' OR object_type = 'tickets' OR object_type = 'projects'),
  id              TEXT    NOT NULL,
  archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived = 0 OR archived = 1),
  archived_at     TEXT,
  created_at      TEXT    NOT NULL,
  updated_at      TEXT    NOT NULL,
  properties      TEXT    NOT NULL,
  local_values    TEXT    NOT NULL,
  first_synced_at TEXT    NOT NULL,
  last_synced_at  TEXT    NOT NULL,
  UNIQUE (object_type, id)
);
INSERT INTO crm_records_0006 (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
SELECT object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at
FROM crm_records ORDER BY rowid;
DROP TABLE crm_records;
ALTER TABLE crm_records_0006 RENAME TO crm_records;

CREATE TABLE sync_ledger_0006 (
  object_type     TEXT NOT NULL,
  id              TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  content_hash    TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status = 'in_sync' OR status = 'excluded' OR status = 'failing'),
  reason          TEXT,
  last_changed_at TEXT NOT NULL,
  PRIMARY KEY (object_type, id)
) WITHOUT ROWID;
INSERT INTO sync_ledger_0006 (object_type, id, updated_at, content_hash, status, reason, last_changed_at)
SELECT object_type, id, updated_at, content_hash, status, reason, last_changed_at FROM sync_ledger;
DROP TABLE sync_ledger;
ALTER TABLE sync_ledger_0006 RENAME TO sync_ledger;
CREATE INDEX ix_sync_ledger_status ON sync_ledger (object_type, status);

-- The typed views of 0002, unchanged.
CREATE VIEW model_companies AS
SELECT id, archived, archived_at, updated_at,
       json_extract(local_values, '$.name') AS name,
       json_extract(local_values, '$.domain') AS domain,
       json_extract(local_values, '$.industry') AS industry
FROM crm_records WHERE object_type = 'companies';

CREATE VIEW model_deals AS
SELECT id, archived, archived_at, updated_at,
       json_extract(local_values, '$.name') AS name,
       json_extract(local_values, '$.pipeline') AS pipeline,
       json_extract(local_values, '$.stage') AS stage,
       json_extract(local_values, '$.amount') AS amount,
       json_extract(local_values, '$.currency') AS currency,
       json_extract(local_values, '$.close_date') AS close_date,
       json_extract(local_values, '$.owner_id') AS owner_id
FROM crm_records WHERE object_type = 'deals';

CREATE VIEW model_tickets AS
SELECT id, archived, archived_at, updated_at,
       json_extract(local_values, '$.subject') AS subject,
       json_extract(local_values, '$.priority') AS priority,
       json_extract(local_values, '$.pipeline') AS pipeline,
       json_extract(local_values, '$.stage') AS stage,
       json_extract(local_values, '$.created_at') AS created_at,
       json_extract(local_values, '$.closed_at') AS closed_at
FROM crm_records WHERE object_type = 'tickets';

CREATE VIEW model_projects AS
SELECT id, archived, archived_at, updated_at,
       json_extract(local_values, '$.code') AS code,
       json_extract(local_values, '$.name') AS name,
       json_extract(local_values, '$.status') AS status,
       json_extract(local_values, '$.start_date') AS start_date,
       json_extract(local_values, '$.due_date') AS due_date,
       json_extract(local_values, '$.budget') AS budget,
       json_extract(local_values, '$.currency') AS currency,
       json_extract(local_values, '$.percent_complete') AS percent_complete
FROM crm_records WHERE object_type = 'projects';
