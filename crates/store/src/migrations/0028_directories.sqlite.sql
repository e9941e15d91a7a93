-- A tenant's directory (Active Directory or another LDAP server): where it is, how a
-- person is found and bound, which attribute holds the staff number, which groups give
-- which role. Accounts made from it at login are marked, have no password of daicho's,
-- and are updated (or disabled) at each login from what the directory says.
CREATE TABLE directories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
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
    login_domain TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id)
);
ALTER TABLE users ADD COLUMN directory BIGINT NOT NULL DEFAULT 0;
