-- An audit's items (監査の結果・意見), the departments each was found in, and what each
-- rests on (see the SQLite part). The tables first, without keys: on Citus they are
-- distributed before they refer to anything (0013_audit_items.after.sql).
CREATE TABLE audit_items (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    audit_ref BIGINT NOT NULL,
    position BIGINT NOT NULL,
    scope TEXT NOT NULL,
    grade TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT,
    clause TEXT,
    rule_id TEXT,
    state TEXT NOT NULL
);
CREATE TABLE audit_item_departments (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    item_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL
);
CREATE TABLE audit_item_evidence (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    item_ref BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule_id TEXT,
    subject TEXT,
    department_id BIGINT,
    reason TEXT,
    facts TEXT,
    note TEXT
);
