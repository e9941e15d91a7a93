-- The staff side of PDCA: self-check campaigns with their own question banks, answers
-- given person by person, training courses, and training counted per department where a
-- city keeps only the report's tables (職員 / 会計年度任用職員).

CREATE TABLE self_check_campaigns (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    campaign TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    title TEXT,
    opens_on TEXT,
    closes_on TEXT,
    UNIQUE (tenant_id, campaign)
);

-- A bank belongs to a campaign: a question may be reworded or replaced from one year to
-- the next without changing how an earlier year was scored. The first table kept one bank
-- per tenant; its rows move to the tenant's latest campaign in the results (or 'R4').
CREATE TABLE self_check_bank (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    campaign TEXT NOT NULL,
    question_id TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    choices TEXT NOT NULL,
    answer TEXT NOT NULL,
    explanation TEXT,
    UNIQUE (tenant_id, campaign, question_id)
);
INSERT INTO self_check_bank (id, tenant_id, campaign, question_id, category, text, choices, answer)
SELECT q.id, q.tenant_id,
       COALESCE((SELECT MAX(r.campaign) FROM self_check_results r WHERE r.tenant_id = q.tenant_id), 'R4'),
       q.question_id, q.category, q.text, q.choices, q.answer
FROM self_check_questions q;
DROP TABLE self_check_questions;
ALTER TABLE self_check_bank RENAME TO self_check_questions;

-- One row per question a person answered; correctness is decided against the bank when
-- scored, so a corrected answer key rescored every answer.
CREATE TABLE self_check_answers (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    campaign TEXT NOT NULL,
    staff_ref BIGINT NOT NULL REFERENCES staff_members(id),
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    UNIQUE (tenant_id, campaign, staff_ref, question_id)
);
CREATE INDEX self_check_answers_campaign ON self_check_answers (tenant_id, campaign);

CREATE TABLE training_courses (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    provider TEXT,
    parts TEXT,
    UNIQUE (tenant_id, course)
);

CREATE TABLE training_counts (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    regular BIGINT NOT NULL,
    fiscal_year_appointed BIGINT NOT NULL,
    UNIQUE (tenant_id, course, fiscal_year, department_id)
);

-- The staff member an account belongs to, so that person can answer the self-check.
ALTER TABLE users ADD COLUMN staff_ref BIGINT REFERENCES staff_members(id);
