-- A tenant's directory (see the SQLite part). The table first, without keys: on Citus it
-- is distributed before it refers to anything (0028_directories.after.sql).
CREATE TABLE directories (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    url TEXT NOT NULL,
    starttls BIGINT NOT NULL DEFAULT 0,
    bind_dn TEXT,
    bind_password TEXT,
    user_pattern TEXT,
    search_base TEXT NOT NULL,
    user_filter TEXT NOT NULL,
    staff_attribute TEXT,
    name_attribute TEXT,
    group_roles TEXT NOT NULL DEFAULT '',
    default_role TEXT,
    login_domain TEXT
);
ALTER TABLE users ADD COLUMN directory BIGINT NOT NULL DEFAULT 0;
