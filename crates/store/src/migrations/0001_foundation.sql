-- daicho's schema, written once for both databases. `{{id}}` becomes the auto-numbered
-- primary key of each backend. Dates are ISO text (YYYY-MM-DD) and instants RFC 3339 text
-- in UTC, so the same comparisons hold on SQLite and PostgreSQL; money is whole yen.
-- Yes/no columns are BIGINT 0/1: the one form both engines read and compare alike.
-- Every tenant-owned table carries tenant_id.

CREATE TABLE tenants (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE departments (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_id BIGINT REFERENCES departments(id),
    manager TEXT,
    valid_from TEXT,
    valid_to TEXT,
    successor_id BIGINT REFERENCES departments(id),
    sort_order BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, code)
);
CREATE INDEX departments_parent ON departments (tenant_id, parent_id);

CREATE TABLE locations (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    code TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    building TEXT NOT NULL,
    room TEXT,
    lockable BIGINT,
    UNIQUE (tenant_id, code)
);

CREATE TABLE staff_members (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id TEXT NOT NULL,
    name TEXT,
    department_id BIGINT REFERENCES departments(id),
    employment TEXT NOT NULL,
    security_role TEXT,
    UNIQUE (tenant_id, staff_id)
);
CREATE INDEX staff_members_department ON staff_members (tenant_id, department_id);

CREATE TABLE users (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    -- Set for passwords daicho generated and printed: the user must choose their own.
    must_change_password BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

CREATE TABLE user_departments (
    user_id BIGINT NOT NULL REFERENCES users(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    PRIMARY KEY (user_id, department_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE login_failures (
    id {{id}},
    username TEXT NOT NULL,
    remote TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, failed_at);

CREATE TABLE information_systems (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    network_segment TEXT,
    status TEXT,
    decision TEXT,
    vendor TEXT,
    UNIQUE (tenant_id, name)
);

CREATE TABLE contracts (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    contract_no TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    title TEXT NOT NULL,
    kind TEXT,
    method TEXT,
    bidder_count BIGINT,
    supplier TEXT,
    maintains TEXT,
    justification TEXT,
    amount_yen BIGINT,
    proposed_annual_yen BIGINT,
    actual_annual_yen BIGINT,
    starts_on TEXT,
    ends_on TEXT,
    subcontract_share DOUBLE PRECISION,
    subcontract_share_unknown BIGINT NOT NULL DEFAULT 0,
    it_expert_on_panel BIGINT,
    UNIQUE (tenant_id, contract_no)
);

CREATE TABLE assets (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    asset_tag TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    maker TEXT,
    model TEXT,
    serial TEXT,
    quantity BIGINT NOT NULL DEFAULT 1,
    os TEXT,
    software TEXT,
    network_segment TEXT,
    internet BIGINT,
    ownership TEXT NOT NULL,
    procured_by TEXT NOT NULL,
    acquired_on TEXT,
    cost_yen BIGINT,
    contract_no TEXT,
    location_id BIGINT REFERENCES locations(id),
    status TEXT NOT NULL,
    antivirus TEXT,
    antivirus_updated_on TEXT,
    retired_on TEXT,
    disposed_on TEXT,
    erasure_evidence TEXT,
    procurement_doc BIGINT,
    system_name TEXT,
    extended_support_until TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, asset_tag)
);
CREATE INDEX assets_department ON assets (tenant_id, department_id, asset_tag);
CREATE INDEX assets_kind ON assets (tenant_id, kind, asset_tag);
CREATE INDEX assets_status ON assets (tenant_id, status, asset_tag);
CREATE INDEX assets_segment ON assets (tenant_id, network_segment, asset_tag);
CREATE INDEX assets_os ON assets (tenant_id, os, asset_tag);

CREATE TABLE media (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    media_id TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    kind TEXT NOT NULL,
    encrypted BIGINT,
    registered_on TEXT,
    custodian TEXT,
    storage_place TEXT,
    UNIQUE (tenant_id, media_id)
);

CREATE TABLE media_movements (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    media_ref BIGINT NOT NULL REFERENCES media(id),
    out_at TEXT NOT NULL,
    out_by TEXT,
    purpose TEXT,
    from_segment TEXT,
    to_segment TEXT,
    returned_at TEXT,
    checked_by TEXT,
    UNIQUE (media_ref, out_at)
);

CREATE TABLE data_holdings (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    records_total BIGINT,
    records_past_retention BIGINT,
    retention_rule TEXT,
    UNIQUE (tenant_id, name)
);

CREATE TABLE websites (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    url TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    https BIGINT,
    redirects_to_https BIGINT,
    certificate_expires_on TEXT,
    UNIQUE (tenant_id, url)
);

CREATE TABLE policy_documents (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    publish_required BIGINT,
    published BIGINT,
    url TEXT,
    UNIQUE (tenant_id, name)
);

CREATE TABLE exceptions (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    exception_id TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    kind TEXT NOT NULL,
    subject TEXT,
    approved_by TEXT,
    starts_on TEXT,
    ends_on TEXT,
    UNIQUE (tenant_id, exception_id)
);

CREATE TABLE stocktakes (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    stocktake_id TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    location_id BIGINT REFERENCES locations(id),
    done_on TEXT,
    complete BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, stocktake_id)
);

CREATE TABLE sightings (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    stocktake_ref BIGINT NOT NULL REFERENCES stocktakes(id),
    line BIGINT NOT NULL,
    asset_tag TEXT,
    kind TEXT,
    description TEXT,
    ownership TEXT,
    tag_present BIGINT,
    wire_lock BIGINT,
    password_note BIGINT,
    cost_yen BIGINT,
    UNIQUE (stocktake_ref, line)
);

CREATE TABLE observations (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    observed_on TEXT NOT NULL,
    item TEXT NOT NULL,
    subject TEXT,
    detail TEXT
);
CREATE INDEX observations_department ON observations (tenant_id, department_id, observed_on);

CREATE TABLE training_records (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_ref BIGINT NOT NULL REFERENCES staff_members(id),
    course TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    UNIQUE (staff_ref, course, taken_on)
);

CREATE TABLE self_check_questions (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    question_id TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    choices TEXT NOT NULL,
    answer TEXT NOT NULL,
    UNIQUE (tenant_id, question_id)
);

CREATE TABLE self_check_results (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    campaign TEXT NOT NULL,
    question_id TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    respondents BIGINT NOT NULL,
    correct BIGINT NOT NULL,
    UNIQUE (tenant_id, campaign, question_id, department_id)
);

CREATE TABLE audits (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    audit_id TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    kind TEXT NOT NULL,
    done_on TEXT,
    published BIGINT,
    UNIQUE (tenant_id, audit_id)
);

CREATE TABLE audit_findings (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    finding_id TEXT NOT NULL,
    audit_ref BIGINT NOT NULL REFERENCES audits(id),
    department_id BIGINT REFERENCES departments(id),
    item TEXT NOT NULL,
    grade TEXT NOT NULL,
    followed_up_on TEXT,
    outcome TEXT,
    UNIQUE (tenant_id, finding_id)
);

CREATE TABLE expenditures (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    fiscal_year BIGINT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    category TEXT NOT NULL,
    basis TEXT NOT NULL,
    amount_yen BIGINT NOT NULL
);

CREATE TABLE general_account_totals (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    fiscal_year BIGINT NOT NULL,
    basis TEXT NOT NULL,
    total_yen BIGINT NOT NULL,
    UNIQUE (tenant_id, fiscal_year, basis)
);

-- Who changed which ledger row, when, and from what to what. Rows are only ever added:
-- the per-backend triggers below refuse UPDATE and DELETE.
CREATE TABLE change_history (
    id {{id}},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    entity TEXT NOT NULL,
    entity_id BIGINT,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX change_history_entity ON change_history (tenant_id, entity, entity_id);

-- Asset counts by every dashboard dimension, kept in step by the store in the same
-- transaction as each asset change, so the dashboard reads a few hundred rows instead of
-- scanning the ledger. Missing values are stored as '' so the key is never NULL.
CREATE TABLE asset_counts (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    network_segment TEXT NOT NULL,
    os TEXT NOT NULL,
    entries BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, department_id, kind, status, network_segment, os)
);
