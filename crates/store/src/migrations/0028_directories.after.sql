-- The keys of the directories, every one naming the tenant.
ALTER TABLE directories ADD CONSTRAINT directories_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE directories ADD CONSTRAINT directories_tenant_id_key UNIQUE (tenant_id);
ALTER TABLE directories ADD CONSTRAINT directories_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
