-- The record of a visit (see the SQLite part). The table first, without keys: on Citus it
-- is distributed before it refers to anything (0014_audit_surveys.after.sql).
CREATE TABLE audit_surveys (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    audit_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    content TEXT NOT NULL
);
