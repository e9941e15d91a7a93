-- The audit plan (監査計画): a tenant's weights and cycle, and the plans 情報政策課 adopted,
-- one per first fiscal year, each department placed in a fiscal year (with the score it
-- had and, when moved by hand, why).
CREATE TABLE audit_plan_settings (
    tenant_id BIGINT NOT NULL PRIMARY KEY REFERENCES tenants(id),
    cycle_years BIGINT NOT NULL,
    weights TEXT NOT NULL
);
CREATE TABLE audit_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    first_year BIGINT NOT NULL,
    cycle_years BIGINT NOT NULL,
    weights TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    adopted_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, first_year)
);
CREATE TABLE audit_plan_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    plan_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    planned_year BIGINT NOT NULL,
    score TEXT NOT NULL,
    note TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, plan_ref, department_id),
    FOREIGN KEY (tenant_id, plan_ref) REFERENCES audit_plans (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
