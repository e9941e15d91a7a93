-- A second factor (TOTP, RFC 6238) for the accounts that can change everything: the
-- secret the authenticator app shares (kept until confirmed with a code, then enabled),
-- the last time step accepted (a code is not accepted twice), and the SHA-256 of each
-- unused recovery code, space-separated. A tenant may require the second factor of its
-- administrators and 情報政策課. A session that has passed the password but not yet the
-- second factor is pending: it opens only the page that asks for the code.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN recovery_codes TEXT;
ALTER TABLE tenants ADD COLUMN two_factors_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN second_factor_pending BIGINT NOT NULL DEFAULT 0;
-- Staff accounts made in bulk from the staff ledger have no password until the person
-- sets one with the setup code printed for them (kept as its SHA-256, with its last day).
ALTER TABLE users ADD COLUMN setup_code_hash TEXT;
ALTER TABLE users ADD COLUMN setup_expires_at TEXT;
