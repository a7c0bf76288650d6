-- 0002: the SQLite store's migration 0011 on PostgreSQL. The id ranges of a partitioned listing, each with its own
-- resumable position, committed in the same transaction as the page that moves it; rows exist only while the listing
-- is in progress.
CREATE TABLE sync_partitions (
    object_type text    NOT NULL,
    idx         bigint  NOT NULL,
    after_id    bigint  NOT NULL,
    up_to_id    bigint,
    reader      text    NOT NULL CHECK (reader IN ('pending', 'list', 'search')),
    position    bigint,
    done        bigint  NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    PRIMARY KEY (object_type, idx)
);
