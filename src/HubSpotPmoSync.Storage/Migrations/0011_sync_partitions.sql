-- 0011: the id ranges of a partitioned listing (first sync or full reconcile of a large type), each with its own
-- resumable position, committed in the same transaction as the page that moves it. Rows exist only while the listing
-- is in progress; the cursor row of the type says where the list cursor is (list_after).
CREATE TABLE IF NOT EXISTS sync_partitions (
  object_type TEXT    NOT NULL,
  idx         INTEGER NOT NULL,
  after_id    INTEGER NOT NULL,
  up_to_id    INTEGER,
  reader      TEXT    NOT NULL CHECK (reader IN ('pending', 'list', 'search')),
  position    INTEGER,
  done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  PRIMARY KEY (object_type, idx)
) WITHOUT ROWID;
