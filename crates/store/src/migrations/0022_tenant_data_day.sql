-- The day a tenant's screens open on when none is asked for: empty is today (in Japan);
-- a city whose ledgers are a snapshot of one day (the demo's, of its audit) sets it.
ALTER TABLE tenants ADD COLUMN data_as_of TEXT;
