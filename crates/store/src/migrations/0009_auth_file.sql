-- On SQLite, sessions and login throttling move to the attached file `auth` (see
-- store/src/sessions.rs, move_to_auth_file), so that a login never waits for an import's
-- write lock on the ledgers. Nothing changes on PostgreSQL, which locks rows, not files.
SELECT 1;
