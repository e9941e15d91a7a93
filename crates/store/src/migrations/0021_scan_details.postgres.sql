-- What a scan in the field says beyond the tag (see the SQLite part). The columns first;
-- their keys to locations in 0021_scan_details.after.sql, once Citus has distributed.
ALTER TABLE stocktake_scans ADD COLUMN found_at BIGINT;
ALTER TABLE stocktake_scans ADD COLUMN photo BYTEA;
ALTER TABLE stocktake_scans ADD COLUMN photo_type TEXT;
ALTER TABLE sightings ADD COLUMN location_id BIGINT;
ALTER TABLE sightings ADD COLUMN in_use BIGINT;
