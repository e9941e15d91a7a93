-- The keys of the inventory, every one naming the tenant.
ALTER TABLE inventory ADD CONSTRAINT inventory_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE inventory ADD CONSTRAINT inventory_tenant_id_host_name_key
    UNIQUE (tenant_id, host_name);
ALTER TABLE inventory ADD CONSTRAINT inventory_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
