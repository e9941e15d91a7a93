-- The change history as a chain: each row carries the hash of the row before it (of its
-- tenant) and its own, a keyed hash (HMAC-SHA-256) of that and its content; the newest
-- hash of each tenant is kept here, so that rows removed from the end are found too.
-- Existing rows are chained by the migration (store/src/history/chain.rs).
ALTER TABLE change_history ADD COLUMN prev_hash TEXT;
ALTER TABLE change_history ADD COLUMN row_hash TEXT;
CREATE TABLE history_heads (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
