-- The keys of the measures' tables, every one naming the tenant.
ALTER TABLE audit_measures ADD CONSTRAINT audit_measures_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_measures ADD CONSTRAINT audit_measures_tenant_id_item_ref_department_id_key
    UNIQUE (tenant_id, item_ref, department_id);
ALTER TABLE audit_measures ADD CONSTRAINT audit_measures_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_measures ADD CONSTRAINT audit_measures_tenant_id_item_ref_fkey
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id);
ALTER TABLE audit_measures ADD CONSTRAINT audit_measures_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
ALTER TABLE audit_measure_links ADD CONSTRAINT audit_measure_links_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_measure_links ADD CONSTRAINT audit_measure_links_tenant_id_measure_ref_ledger_row_key_key
    UNIQUE (tenant_id, measure_ref, ledger, row_key);
ALTER TABLE audit_measure_links ADD CONSTRAINT audit_measure_links_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_measure_links ADD CONSTRAINT audit_measure_links_tenant_id_measure_ref_fkey
    FOREIGN KEY (tenant_id, measure_ref) REFERENCES audit_measures (tenant_id, id);
