-- 0005: what the worker wants each outbound property to hold and since when its local value holds it (newest-wins
-- compares that time, not the cycle's, with HubSpot's change time), and the conflict last kept for HubSpot's value
-- (audited once, not again every cycle while the same values stand). Times as in 0003.

-- The desired value of each record property, and since when the local value has been it.
CREATE TABLE IF NOT EXISTS wb_desired (
    object_type TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    property    TEXT NOT NULL,
    value       TEXT,
    since       TEXT NOT NULL,
    PRIMARY KEY (object_type, record_key, property)
) WITHOUT ROWID;

-- The conflict last audited as kept for HubSpot per record property, until the worker pushes the property.
CREATE TABLE IF NOT EXISTS wb_kept (
    object_type        TEXT NOT NULL,
    record_key         TEXT NOT NULL,
    property           TEXT NOT NULL,
    hubspot_value      TEXT,
    hubspot_changed_at TEXT,
    local_value        TEXT,
    local_changed_at   TEXT NOT NULL,
    policy             TEXT NOT NULL,
    kept_at            TEXT NOT NULL,
    PRIMARY KEY (object_type, record_key, property)
) WITHOUT ROWID;
