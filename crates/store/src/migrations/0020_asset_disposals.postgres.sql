-- Disposal with evidence (see the SQLite part). The tables first, without keys: on Citus
-- they are distributed before they refer to anything (0020_asset_disposals.after.sql).
CREATE TABLE erasure_certificates (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE TABLE asset_disposals (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    asset_ref BIGINT NOT NULL,
    erased_on TEXT NOT NULL,
    method TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    certificate_no TEXT,
    certificate_ref BIGINT,
    disposed_on TEXT,
    contractor TEXT
);
