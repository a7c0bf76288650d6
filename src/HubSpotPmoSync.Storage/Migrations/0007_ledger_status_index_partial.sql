-- 0007: the ledger's status index holds only the records that are not in sync.
-- "Why isn't this record in sync" looks for excluded and failing records (status <> 'in_sync'); counting records per
-- status reads the ledger's primary key range of the object type anyway. Indexing every in-sync record cost one more
-- B-tree insert (and its WAL pages) for every record the sync writes; now a record is indexed only while it is
-- excluded or failing, which is the short list the index is for.
DROP INDEX ix_sync_ledger_status;
CREATE INDEX ix_sync_ledger_status ON sync_ledger (object_type, status, reason) WHERE status <> 'in_sync';
