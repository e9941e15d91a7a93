-- The keys of the disposal tables, every one naming the tenant.
ALTER TABLE erasure_certificates ADD CONSTRAINT erasure_certificates_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE erasure_certificates ADD CONSTRAINT erasure_certificates_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE asset_disposals ADD CONSTRAINT asset_disposals_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE asset_disposals ADD CONSTRAINT asset_disposals_tenant_id_asset_ref_key
    UNIQUE (tenant_id, asset_ref);
ALTER TABLE asset_disposals ADD CONSTRAINT asset_disposals_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE asset_disposals ADD CONSTRAINT asset_disposals_tenant_id_asset_ref_fkey
    FOREIGN KEY (tenant_id, asset_ref) REFERENCES assets (tenant_id, id);
ALTER TABLE asset_disposals ADD CONSTRAINT asset_disposals_tenant_id_certificate_ref_fkey
    FOREIGN KEY (tenant_id, certificate_ref) REFERENCES erasure_certificates (tenant_id, id);
