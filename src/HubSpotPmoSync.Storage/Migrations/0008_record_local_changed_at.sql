-- 0008: when a record's local (inbound, typed) values last changed, as HubSpot's updatedAt of the version that changed
-- them. HubSpot's updatedAt alone also moves when the worker writes health back (outbound properties, kept in
-- `properties`, never in `local_values`), so it cannot tell a person's edit from the worker's own push; this can.
-- NULL until a stored record's local values change: first sight says nothing about when a person last edited it.
-- The record upsert sets it (a CASE on the stored and the new local_values); existing rows start NULL.
ALTER TABLE crm_records ADD COLUMN local_changed_at TEXT;
