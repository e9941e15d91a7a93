-- The keys of the horizontal checks' tables, every one naming the tenant.
ALTER TABLE horizontal_checks ADD CONSTRAINT horizontal_checks_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE horizontal_checks ADD CONSTRAINT horizontal_checks_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE horizontal_checks ADD CONSTRAINT horizontal_checks_tenant_id_item_ref_fkey
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id);
ALTER TABLE horizontal_answers ADD CONSTRAINT horizontal_answers_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE horizontal_answers ADD CONSTRAINT horizontal_answers_tenant_id_check_ref_department_id_key
    UNIQUE (tenant_id, check_ref, department_id);
ALTER TABLE horizontal_answers ADD CONSTRAINT horizontal_answers_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE horizontal_answers ADD CONSTRAINT horizontal_answers_tenant_id_check_ref_fkey
    FOREIGN KEY (tenant_id, check_ref) REFERENCES horizontal_checks (tenant_id, id);
ALTER TABLE horizontal_answers ADD CONSTRAINT horizontal_answers_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
