-- Column mappings a tenant saved by name in the web import: which field each header
-- of its files fills (JSON object: header as written → field code name, "" = not imported).
CREATE TABLE column_mappings (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
