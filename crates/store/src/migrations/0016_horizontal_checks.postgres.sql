-- Horizontal checks (see the SQLite part). The tables first, without keys: on Citus they
-- are distributed before they refer to anything (0016_horizontal_checks.after.sql).
CREATE TABLE horizontal_checks (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    item_ref BIGINT NOT NULL,
    question TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    due_on TEXT
);
CREATE TABLE horizontal_answers (
    id BIGSERIAL NOT NULL,
    tenant_id BIGINT NOT NULL,
    check_ref BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    answer TEXT,
    detail TEXT,
    answered_on TEXT
);
