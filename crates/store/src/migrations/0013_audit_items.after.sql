-- The keys of the audit items' tables, every one naming the tenant.
ALTER TABLE audit_items ADD CONSTRAINT audit_items_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_items ADD CONSTRAINT audit_items_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_items ADD CONSTRAINT audit_items_tenant_id_audit_ref_fkey
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id);
ALTER TABLE audit_item_departments ADD CONSTRAINT audit_item_departments_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_item_departments ADD CONSTRAINT audit_item_departments_tenant_id_item_ref_department_id_key
    UNIQUE (tenant_id, item_ref, department_id);
ALTER TABLE audit_item_departments ADD CONSTRAINT audit_item_departments_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_item_departments ADD CONSTRAINT audit_item_departments_tenant_id_item_ref_fkey
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id);
ALTER TABLE audit_item_departments ADD CONSTRAINT audit_item_departments_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
ALTER TABLE audit_item_evidence ADD CONSTRAINT audit_item_evidence_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_item_evidence ADD CONSTRAINT audit_item_evidence_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_item_evidence ADD CONSTRAINT audit_item_evidence_tenant_id_item_ref_fkey
    FOREIGN KEY (tenant_id, item_ref) REFERENCES audit_items (tenant_id, id);
ALTER TABLE audit_item_evidence ADD CONSTRAINT audit_item_evidence_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
