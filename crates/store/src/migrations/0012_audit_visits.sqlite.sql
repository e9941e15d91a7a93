-- An audit is one thing (情報セキュリティ監査 or 包括外部監査) that visits departments in an
-- order, each on its day (往査): the department and day of the old one-row audit become
-- its one visit. SQLite cannot drop a column a foreign key uses, so `audits` is built
-- again; renaming it away rewrites its children's references (foreign keys are on), so
-- `audit_findings` is built again too, naming the new table. Ids and their sequences
-- are kept.
PRAGMA defer_foreign_keys = ON;
ALTER TABLE audit_findings RENAME TO audit_findings_before_visits;
ALTER TABLE audits RENAME TO audits_before_visits;
CREATE TABLE audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    audit_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    title TEXT,
    as_of TEXT,
    auditors TEXT,
    published BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, audit_id)
);
INSERT INTO audits (id, tenant_id, audit_id, kind, fiscal_year, as_of, published)
    SELECT id, tenant_id, audit_id, kind, fiscal_year, done_on, published FROM audits_before_visits;
CREATE TABLE audit_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    audit_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    visited_on TEXT,
    visit_order BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, audit_ref, department_id),
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
INSERT INTO audit_visits (tenant_id, audit_ref, department_id, visited_on, visit_order)
    SELECT tenant_id, id, department_id, done_on, 1 FROM audits_before_visits;
CREATE TABLE audit_findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    finding_id TEXT NOT NULL,
    audit_ref BIGINT NOT NULL,
    department_id BIGINT,
    item TEXT NOT NULL,
    grade TEXT NOT NULL,
    followed_up_on TEXT,
    outcome TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, finding_id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id)
);
INSERT INTO audit_findings (id, tenant_id, finding_id, audit_ref, department_id, item, grade, followed_up_on, outcome)
    SELECT id, tenant_id, finding_id, audit_ref, department_id, item, grade, followed_up_on, outcome
    FROM audit_findings_before_visits;
DELETE FROM sqlite_sequence WHERE name IN ('audits', 'audit_findings');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'audits', seq FROM sqlite_sequence WHERE name = 'audits_before_visits'
    UNION ALL
    SELECT 'audit_findings', seq FROM sqlite_sequence WHERE name = 'audit_findings_before_visits';
DROP TABLE audit_findings_before_visits;
DROP TABLE audits_before_visits;
