-- What a scan in the field says beyond the tag: the room a thing was found in when it is
-- not where the ledger puts it, and a photo of a thing the ledger does not know (kept in
-- the database, as erasure certificates are: evidence survives with the ledger). The
-- sightings a completed stocktake writes carry the room and whether the thing is in use.
-- SQLite adds no key naming the tenant with a column (ALTER TABLE takes a one-column
-- REFERENCES only), so the rooms are checked by the store when the scan is recorded.
ALTER TABLE stocktake_scans ADD COLUMN found_at BIGINT;
ALTER TABLE stocktake_scans ADD COLUMN photo BLOB;
ALTER TABLE stocktake_scans ADD COLUMN photo_type TEXT;
ALTER TABLE sightings ADD COLUMN location_id BIGINT;
ALTER TABLE sightings ADD COLUMN in_use BIGINT;
