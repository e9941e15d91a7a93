-- The stocktake as work (棚卸): planned for a department and room, by whom and by when; the
-- ledger's assets there kept as its expected list when it is planned; the scans made in
-- the room (each once, by the id the device gave it), until it is completed into
-- sightings the rules read.
ALTER TABLE stocktakes ADD COLUMN assignee TEXT;
ALTER TABLE stocktakes ADD COLUMN due_on TEXT;
CREATE TABLE stocktake_expected (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    stocktake_ref BIGINT NOT NULL,
    asset_tag TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, stocktake_ref, asset_tag),
    FOREIGN KEY (tenant_id, stocktake_ref) REFERENCES stocktakes (tenant_id, id)
);
CREATE TABLE stocktake_scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
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
    note TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, stocktake_ref, scan_id),
    FOREIGN KEY (tenant_id, stocktake_ref) REFERENCES stocktakes (tenant_id, id)
);
