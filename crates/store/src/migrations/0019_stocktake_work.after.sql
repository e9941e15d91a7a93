-- The keys of the stocktake's work tables, every one naming the tenant.
ALTER TABLE stocktake_expected ADD CONSTRAINT stocktake_expected_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE stocktake_expected ADD CONSTRAINT stocktake_expected_tenant_id_stocktake_ref_asset_tag_key
    UNIQUE (tenant_id, stocktake_ref, asset_tag);
ALTER TABLE stocktake_expected ADD CONSTRAINT stocktake_expected_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE stocktake_expected ADD CONSTRAINT stocktake_expected_tenant_id_stocktake_ref_fkey
    FOREIGN KEY (tenant_id, stocktake_ref) REFERENCES stocktakes (tenant_id, id);
ALTER TABLE stocktake_scans ADD CONSTRAINT stocktake_scans_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE stocktake_scans ADD CONSTRAINT stocktake_scans_tenant_id_stocktake_ref_scan_id_key
    UNIQUE (tenant_id, stocktake_ref, scan_id);
ALTER TABLE stocktake_scans ADD CONSTRAINT stocktake_scans_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE stocktake_scans ADD CONSTRAINT stocktake_scans_tenant_id_stocktake_ref_fkey
    FOREIGN KEY (tenant_id, stocktake_ref) REFERENCES stocktakes (tenant_id, id);
