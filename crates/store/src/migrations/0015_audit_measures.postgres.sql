-- Measures taken (see the SQLite part). The tables first, without keys: on Citus they are
-- distributed before they refer to anything (0015_audit_measures.after.sql).
ALTER TABLE audit_items ADD COLUMN due_on TEXT;
CREATE TABLE audit_measures (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    item_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    action TEXT,
    reason TEXT,
    done_on TEXT,
    evidence TEXT
);
CREATE TABLE audit_measure_links (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    measure_ref BIGINT NOT NULL,
    ledger TEXT NOT NULL,
    row_key TEXT NOT NULL
);
