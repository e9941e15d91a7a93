-- The record of a visit (事前調査・往査の記録): for each department an audit visits, the six
-- rows its report section opens with ((1) LGWAN PCs … (6) other), as the auditor kept
-- them. A row not kept here is read from the ledgers when shown (prefilled).
CREATE TABLE audit_surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    audit_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, audit_ref, department_id, row_no),
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
