-- The department and day of the old one-row audit become its one visit; then the keys
-- (every one naming the tenant, as migration 11 made them).
INSERT INTO audit_visits (tenant_id, audit_ref, department_id, visited_on, visit_order)
    SELECT tenant_id, id, department_id, done_on, 1 FROM audits;
UPDATE audits SET as_of = done_on;
ALTER TABLE audit_visits ADD CONSTRAINT audit_visits_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_visits ADD CONSTRAINT audit_visits_tenant_id_audit_ref_department_id_key
    UNIQUE (tenant_id, audit_ref, department_id);
ALTER TABLE audit_visits ADD CONSTRAINT audit_visits_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_visits ADD CONSTRAINT audit_visits_tenant_id_audit_ref_fkey
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id);
ALTER TABLE audit_visits ADD CONSTRAINT audit_visits_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
ALTER TABLE audits DROP COLUMN department_id;
ALTER TABLE audits DROP COLUMN done_on;
