-- The keys of the audit plan's tables, every one naming the tenant.
ALTER TABLE audit_plan_settings ADD CONSTRAINT audit_plan_settings_pkey PRIMARY KEY (tenant_id);
ALTER TABLE audit_plan_settings ADD CONSTRAINT audit_plan_settings_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_plans ADD CONSTRAINT audit_plans_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_plans ADD CONSTRAINT audit_plans_tenant_id_first_year_key
    UNIQUE (tenant_id, first_year);
ALTER TABLE audit_plans ADD CONSTRAINT audit_plans_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_plan_entries ADD CONSTRAINT audit_plan_entries_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE audit_plan_entries ADD CONSTRAINT audit_plan_entries_tenant_id_plan_ref_department_id_key
    UNIQUE (tenant_id, plan_ref, department_id);
ALTER TABLE audit_plan_entries ADD CONSTRAINT audit_plan_entries_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE audit_plan_entries ADD CONSTRAINT audit_plan_entries_tenant_id_plan_ref_fkey
    FOREIGN KEY (tenant_id, plan_ref) REFERENCES audit_plans (tenant_id, id);
ALTER TABLE audit_plan_entries ADD CONSTRAINT audit_plan_entries_tenant_id_department_id_fkey
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id);
