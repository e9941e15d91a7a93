-- Measures taken (措置): each department an item names answers what it did or plans, with
-- the status (done 措置済, in_progress 措置中, not_taken 未措置 with the reason), the day and
-- the evidence (text, and ledger rows that changed). An item gets a due day.
ALTER TABLE audit_items ADD COLUMN due_on TEXT;
CREATE TABLE audit_measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    action TEXT,
    reason TEXT,
    done_on TEXT,
    evidence TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, item_ref, department_id),
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
CREATE TABLE audit_measure_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    measure_ref BIGINT NOT NULL,
    ledger TEXT NOT NULL,
    row_key TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, measure_ref, ledger, row_key),
    FOREIGN KEY (tenant_id, measure_ref) REFERENCES audit_measures (tenant_id, id)
);
