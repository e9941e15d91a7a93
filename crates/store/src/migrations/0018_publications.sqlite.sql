-- Publication (公表): what went out on the public pages, kept as published (JSON of the
-- redacted text, never re-rendered from the ledgers), one version after another per kind
-- (audit summary, measures-taken report, policy) and subject (the audit, the policy).
CREATE TABLE publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, kind, subject, version)
);
