-- Facts the rules need that the first ledgers did not hold.
ALTER TABLE assets ADD COLUMN replacement_planned_on TEXT;
ALTER TABLE assets ADD COLUMN backup BIGINT;
ALTER TABLE assets ADD COLUMN confidentiality BIGINT;
ALTER TABLE assets ADD COLUMN replaced_by TEXT;
ALTER TABLE assets ADD COLUMN usage_ratio DOUBLE PRECISION;
ALTER TABLE assets ADD COLUMN usage_checked_on TEXT;

-- The lifecycle catalogue as refreshed by `daicho eol import`: it overrides the bundled
-- facts product by product. Shared by every tenant (vendor facts are the same for all).
CREATE TABLE eol_releases (
    id {{id}},
    product TEXT NOT NULL,
    product_title TEXT NOT NULL,
    cycle TEXT NOT NULL,
    label TEXT NOT NULL,
    codename TEXT,
    release_date TEXT,
    -- An ISO date, 'ended' (no day given) or 'supported'.
    eol TEXT NOT NULL,
    eoes TEXT,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (product, cycle)
);

-- A tenant's changes to a built-in rule: off, another grade, other parameters.
CREATE TABLE rule_settings (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    rule_id TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    grade TEXT,
    params_json TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, rule_id)
);

-- Rules a tenant wrote itself: the rule file's text, checked when it is added.
CREATE TABLE tenant_rules (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    rule_id TEXT NOT NULL,
    source TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (tenant_id, rule_id)
);

-- 例外承認: a finding accepted for a time, with why and by whom.
CREATE TABLE waivers (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    rule_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    justification TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (tenant_id, rule_id, subject)
);
