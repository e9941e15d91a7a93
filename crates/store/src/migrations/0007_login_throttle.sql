-- Login throttling as one counter per key (`account:NAME`, `address:IP`), checked and
-- raised by one statement so that parallel tries cannot slip past it; `next_at` is when
-- the key may try again (growing delays, no lock that anyone could set for good).
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    next_at TEXT NOT NULL
);
DROP TABLE login_failures;

-- An idle session ends: the last request it made.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
