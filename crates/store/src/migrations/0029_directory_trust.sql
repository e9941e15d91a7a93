-- A directory's own certificate authority (PEM), which a city's Active Directory often
-- has: its LDAPS and StartTLS certificates are checked against it rather than the
-- system's store. And who disabled a directory's account: the directory (no group any
-- more), which a later login with a group enables again, or an administrator, whose
-- decision a login never undoes. And when the directory last confirmed an account: a
-- session of it is checked again with the directory every few minutes.
ALTER TABLE directories ADD COLUMN ca_certificate TEXT;
ALTER TABLE users ADD COLUMN disabled_by_directory BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN directory_checked_at TEXT;
