-- Tokens of the JSON API (/api/v1): each a tenant's, with a role and a last day, made and
-- revoked by an administrator. Only the token's SHA-256 is kept, as for sessions; the
-- token names its tenant, so that a sharded database (Citus) finds it on one shard.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, token_hash)
);
