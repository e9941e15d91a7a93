-- What the asset-management tools (SKYSEA, LanScope, JP1, osquery) saw on the network:
-- one row per machine by its host name, as the last export said, matched to the asset
-- ledger by serial number, MAC address or host name (which the assets now also record).
ALTER TABLE assets ADD COLUMN host_name TEXT;
ALTER TABLE assets ADD COLUMN mac_address TEXT;
CREATE TABLE inventory (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    host_name TEXT NOT NULL,
    serial TEXT,
    mac_address TEXT,
    ip_address TEXT,
    os TEXT,
    user_name TEXT,
    last_seen TEXT,
    source TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, host_name)
);
