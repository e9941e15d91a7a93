-- An audit is one thing (情報セキュリティ監査 or 包括外部監査) that visits departments in an
-- order, each on its day (往査). The table comes first, without keys: on Citus it is
-- distributed before it refers to anything (0012_audit_visits.after.sql).
ALTER TABLE audits ADD COLUMN title TEXT;
ALTER TABLE audits ADD COLUMN as_of TEXT;
ALTER TABLE audits ADD COLUMN auditors TEXT;
CREATE TABLE audit_visits (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    audit_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    visited_on TEXT,
    visit_order BIGINT
);
