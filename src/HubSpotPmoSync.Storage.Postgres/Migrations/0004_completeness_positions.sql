-- 0004: the SQLite store's migration 0013 on PostgreSQL: where the completeness check of every incremental cycle
-- stands, per object type (docs/sync.md, "Completeness").
CREATE TABLE completeness_positions (
    object_type            text PRIMARY KEY NOT NULL,
    after_id               text,
    checked                bigint NOT NULL DEFAULT 0,
    total                  bigint NOT NULL DEFAULT 0,
    pass_started_at        text,
    last_check_at          text,
    last_pass_completed_at text,
    last_calls             bigint NOT NULL DEFAULT 0,
    pass_every_ms          bigint
);
