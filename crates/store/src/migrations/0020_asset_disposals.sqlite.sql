-- Disposal with evidence (対策基準 第4 1 (7)): a retired machine's data erasure (the day,
-- the method, who, the certificate's number and the certificate itself) and then its
-- disposal (the day, the contractor); one row per machine. A batch of machines shares a
-- certificate, kept once.
CREATE TABLE erasure_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE TABLE asset_disposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    asset_ref BIGINT NOT NULL,
    erased_on TEXT NOT NULL,
    method TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    certificate_no TEXT,
    certificate_ref BIGINT,
    disposed_on TEXT,
    contractor TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, asset_ref),
    FOREIGN KEY (tenant_id, asset_ref) REFERENCES assets (tenant_id, id),
    FOREIGN KEY (tenant_id, certificate_ref) REFERENCES erasure_certificates (tenant_id, id)
);
