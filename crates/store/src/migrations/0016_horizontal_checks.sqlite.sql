-- Horizontal checks (横展開) as work: 情報政策課 sends an item's question to departments;
-- each answers 該当なし (none), 該当あり (found, with what) or 対応済 (fixed). An answer row
-- is made for every department sent to, empty until it answers.
CREATE TABLE horizontal_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item_ref BIGINT NOT NULL,
    question TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    due_on TEXT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id)
);
CREATE TABLE horizontal_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    check_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    answer TEXT,
    detail TEXT,
    answered_on TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, check_ref, department_id),
    FOREIGN KEY (tenant_id, check_ref) REFERENCES horizontal_checks (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
