-- The tools' inventory (see the SQLite part). The table first, without keys: on Citus it
-- is distributed before it refers to anything (0027_inventory.after.sql).
ALTER TABLE assets ADD COLUMN host_name TEXT;
ALTER TABLE assets ADD COLUMN mac_address TEXT;
CREATE TABLE inventory (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    host_name TEXT NOT NULL,
    serial TEXT,
    mac_address TEXT,
    ip_address TEXT,
    os TEXT,
    user_name TEXT,
    last_seen TEXT,
    source TEXT
);
