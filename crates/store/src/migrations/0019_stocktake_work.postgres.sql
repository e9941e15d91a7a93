-- The stocktake as work (see the SQLite part). The tables first, without keys: on Citus
-- they are distributed before they refer to anything (0019_stocktake_work.after.sql).
ALTER TABLE stocktakes ADD COLUMN assignee TEXT;
ALTER TABLE stocktakes ADD COLUMN due_on TEXT;
CREATE TABLE stocktake_expected (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    stocktake_ref BIGINT NOT NULL,
    asset_tag TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE stocktake_scans (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    stocktake_ref BIGINT NOT NULL,
    scan_id TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    scanned_by TEXT NOT NULL,
    asset_tag TEXT,
    tag_present BIGINT,
    wire_lock BIGINT,
    password_note BIGINT,
    in_use BIGINT,
    kind TEXT,
    description TEXT,
    ownership TEXT,
    note TEXT
);
