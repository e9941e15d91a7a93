-- The audit plan (see the SQLite part). The tables first, without keys: on Citus they are
-- distributed before they refer to anything (0017_audit_plans.after.sql).
CREATE TABLE audit_plan_settings (
    tenant_id BIGINT NOT NULL,
    cycle_years BIGINT NOT NULL,
    weights TEXT NOT NULL
);
CREATE TABLE audit_plans (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    first_year BIGINT NOT NULL,
    cycle_years BIGINT NOT NULL,
    weights TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    adopted_at TEXT NOT NULL
);
CREATE TABLE audit_plan_entries (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    plan_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    planned_year BIGINT NOT NULL,
    score TEXT NOT NULL,
    note TEXT
);
