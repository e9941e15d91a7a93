-- Tokens of the JSON API (see the SQLite part). The table first, without keys: on Citus it
-- is distributed before it refers to anything (0026_api_tokens.after.sql).
CREATE TABLE api_tokens (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
