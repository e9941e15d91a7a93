-- The keys of the survey table, every one naming the tenant.
ALTER TABLE audit_surveys ADD CONSTRAINT audit_surveys_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_surveys ADD CONSTRAINT audit_surveys_tenant_id_audit_ref_department_id_row_no_key
    UNIQUE (tenant_id, audit_ref, department_id, row_no);
ALTER TABLE audit_surveys ADD CONSTRAINT audit_surveys_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_surveys ADD CONSTRAINT audit_surveys_tenant_id_audit_ref_fkey
    FOREIGN KEY (tenant_id, audit_ref) REFERENCES audits (tenant_id, id);
ALTER TABLE audit_surveys ADD CONSTRAINT audit_surveys_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
