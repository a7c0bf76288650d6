-- 0002: the local delivery model, keyed by HubSpot id, with the sync ledger, the cursors and the pipelines.

-- Every record of companies, deals, tickets and projects. Archived records stay (archived = 1, archived_at set):
-- history is kept. properties holds HubSpot's raw values of the mapped properties as a JSON object of strings
-- (null when absent), exactly as HubSpot sent them; local_values holds the typed local values in canonical form.
-- A rowid table (rows are large, which WITHOUT ROWID handles badly), unique on (object_type, id).
CREATE TABLE crm_records (
  object_type     TEXT    NOT NULL CHECK (object_type IN ('companies', 'deals', 'tickets', 'projects')),
  id              TEXT    NOT NULL,
  archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  archived_at     TEXT,
  created_at      TEXT    NOT NULL,
  updated_at      TEXT    NOT NULL,
  properties      TEXT    NOT NULL,
  local_values    TEXT    NOT NULL,
  first_synced_at TEXT    NOT NULL,
  last_synced_at  TEXT    NOT NULL,
  UNIQUE (object_type, id)
);

-- Links between records, stored from the side they are read from (deal -> company, ...), with every association
-- type as a JSON array of {"category","typeId","label"}.
CREATE TABLE crm_associations (
  from_type TEXT NOT NULL,
  from_id   TEXT NOT NULL,
  to_type   TEXT NOT NULL,
  to_id     TEXT NOT NULL,
  kinds     TEXT NOT NULL,
  PRIMARY KEY (from_type, from_id, to_type, to_id)
) WITHOUT ROWID;
CREATE INDEX ix_crm_associations_to ON crm_associations (to_type, to_id, from_type);

-- One row per record ever seen: why is (or isn't) it in sync.
CREATE TABLE sync_ledger (
  object_type     TEXT NOT NULL,
  id              TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  content_hash    TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('in_sync', 'excluded', 'failing')),
  reason          TEXT,
  last_changed_at TEXT NOT NULL,
  PRIMARY KEY (object_type, id)
) WITHOUT ROWID;
CREATE INDEX ix_sync_ledger_status ON sync_ledger (object_type, status);

-- Sync position per object type. settled is the cursor that counts; fast is the fast pass's; list_after and
-- archived_after make a listing and the archived sweep resumable after the last committed page.
CREATE TABLE sync_cursors (
  object_type          TEXT PRIMARY KEY,
  listed               INTEGER NOT NULL DEFAULT 0,
  list_in_progress     INTEGER NOT NULL DEFAULT 0,
  list_after           TEXT,
  list_started_at      TEXT,
  archived_in_progress INTEGER NOT NULL DEFAULT 0,
  archived_after       TEXT,
  fast                 TEXT,
  settled              TEXT,
  last_reconciled_at   TEXT,
  updated_at           TEXT NOT NULL
);

-- Pipelines and stages with their metadata (closed won / open come from here, never from labels).
CREATE TABLE crm_pipeline_stages (
  object_type    TEXT    NOT NULL,
  pipeline_id    TEXT    NOT NULL,
  pipeline_label TEXT    NOT NULL,
  stage_id       TEXT    NOT NULL,
  stage_label    TEXT    NOT NULL,
  display_order  INTEGER NOT NULL,
  is_closed      INTEGER NOT NULL,
  probability    TEXT,
  PRIMARY KEY (object_type, pipeline_id, stage_id)
) WITHOUT ROWID;

-- Typed views of the model, for people with a SQL prompt.
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
