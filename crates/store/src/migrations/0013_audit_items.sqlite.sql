-- An audit's items (監査の結果・意見): drafted from the rules or written by the auditor,
-- confirmed or dropped; the departments each was found in (an item found in several is
-- shown 「(共通)」); and what it rests on (rule results, observations, notes). Numbers are
-- not stored: the report numbers items from their order and the visits.
CREATE TABLE audit_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    audit_ref BIGINT NOT NULL,
    position BIGINT NOT NULL,
    scope TEXT NOT NULL,
    grade TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT,
    clause TEXT,
    rule_id TEXT,
    state TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id)
);
CREATE TABLE audit_item_departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, item_ref, department_id),
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
CREATE TABLE audit_item_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item_ref BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule_id TEXT,
    subject TEXT,
    department_id BIGINT,
    reason TEXT,
    facts TEXT,
    note TEXT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
