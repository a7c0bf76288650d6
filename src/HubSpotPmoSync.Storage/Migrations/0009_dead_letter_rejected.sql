-- 0009: whether a dead letter is HubSpot's rejection of the value itself (rejected = 1: the record or the property
-- refused it, e.g. an invalid option or a deleted property) or a write given up after transient failures (0).
-- A rejected value is held: the flush does not send the same value again, cycle after cycle, until `dlq replay`
-- moves it back or the desired value changes. Given-up writes are tried again by the next cycle, as before.
-- Existing dead letters start at 0 (tried again once; a new rejection then holds them).
ALTER TABLE wb_dead_letters ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0 CHECK (rejected = 0 OR rejected = 1);
