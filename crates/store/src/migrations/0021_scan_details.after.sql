-- The rooms a scan and a sighting name, keyed with the tenant as every key is.
ALTER TABLE stocktake_scans ADD CONSTRAINT stocktake_scans_tenant_id_found_at_fkey
    FOREIGN KEY (tenant_id, found_at) REFERENCES locations (tenant_id, id);
ALTER TABLE sightings ADD CONSTRAINT sightings_tenant_id_location_id_fkey
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id);
