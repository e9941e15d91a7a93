-- Publication (see the SQLite part). The table first, without keys: on Citus it is
-- distributed before it refers to anything (0018_publications.after.sql).
CREATE TABLE publications (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL
);
