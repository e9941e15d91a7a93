-- The keys of the publications, every one naming the tenant.
ALTER TABLE publications ADD CONSTRAINT publications_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE publications ADD CONSTRAINT publications_tenant_id_kind_subject_version_key
    UNIQUE (tenant_id, kind, subject, version);
ALTER TABLE publications ADD CONSTRAINT publications_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
