//! daicho's ledgers in a database: one [`Db`] over SQLite (the embedded default) and
//! PostgreSQL, chosen by the URL. Queries are written once in SQL both backends accept;
//! the rare difference is branched inside the one function that needs it. Every query
//! that touches tenant data takes a [`Scope`], so tenant and role limits cannot be
//! forgotten by a caller.

mod accounts;
mod api_tokens;
mod assets;
mod audit_inventory;
mod audit_items;
mod audit_measures;
mod audit_plans;
mod audit_surveys;
mod bench;
mod citus;
mod db;
mod departments;
mod directories;
mod disposals;
mod error;
mod history;
mod horizontal_checks;
mod import;
pub mod ledgers;
mod mappings;
mod migrate;
mod password_policy;
pub mod private;
mod publications;
mod rule_settings;
mod scope;
mod secrets;
#[macro_use]
mod self_check;
mod sessions;
mod snapshot;
mod sql;
mod staff_accounts;
mod staging;
mod stocktake_scans;
mod stocktake_work;
mod tenant_keys;
mod tenants;
#[cfg(feature = "test-support")]
pub mod testing;
mod two_factors;

pub use accounts::{AccountLine, LoginFailure, NewUser, User};
pub use api_tokens::{ApiToken, MAX_TOKEN_DAYS, TOKEN_ROLES};
pub use assets::{
    Asset, AssetFields, AssetFilter, AssetInput, AssetPage, AssetRow, AssetSort, DashboardCounts,
    FacetCount, NewAssetBatch, PAGE_SIZE,
};
pub use audit_inventory::InventoryLine;
pub use audit_items::{AuditItem, Evidence, ItemState, ItemText, NewAuditItem};
pub use audit_measures::{LedgerLink, Measure, MeasureInput, MeasureStatus, OpenItem};
pub use audit_plans::{AdoptedPlan, PlanEntry, PlanSettings};
pub use audit_surveys::SurveyRow;
pub use db::{Backend, Db};
pub use departments::{Department, NewDepartment, department_and_below};
pub use directories::Directory;
pub use disposals::{DisposalLine, Erasure, MAX_CERTIFICATE_BYTES};
pub use error::{FieldError, RowError, StoreError};
pub use history::chain::{Break, ChainReport, set_history_key};
pub use history::{AuditStamp, HistoryEntry};
pub use horizontal_checks::{CheckAnswer, CheckReply, HorizontalCheck};
pub use import::{DepartmentChoices, ImportCounts, ImportSession, RowOutcome, UnknownDepartment};
pub use mappings::ColumnMapping;
pub use password_policy::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, password_problem};
pub use publications::{NewPublication, Publication};
pub use rule_settings::{EolRow, RuleSetting, TenantRule, Waiver};
pub use scope::{Actor, Scope};
pub use self_check::{
    Campaign, Course, Question, QuestionCount, StaffMember, StaffTraining, TrainingCount,
};
pub(crate) use sessions::random_code;
pub use sessions::{
    IDLE_MINUTES, SESSION_HOURS, Session, SessionUser, random_password, random_token,
};
pub use snapshot::{ColumnType, SNAPSHOT_BATCH_ROWS, SNAPSHOT_TABLES, SnapshotRow, SnapshotTable};
pub use staff_accounts::{SETUP_DAYS, SetupSlip, StaffSync};
pub use staging::StagedImport;
pub use stocktake_scans::{MAX_PHOTO_BYTES, Scan};
pub use stocktake_work::{NewStocktake, StocktakeLine, StocktakeWork};
pub use tenant_keys::REFERENCE_TABLES;
pub use tenants::Tenant;
pub use two_factors::{Enrollment, RECOVERY_CODES, SecondFactor};

/// An instant as stored: RFC 3339 in UTC, to the second, so that text order is time order.
pub fn instant_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Today in Japan (JST), whatever the server's time zone: the default 基準日, the day a
/// form is checked against, the fiscal year a report starts from.
pub fn today() -> chrono::NaiveDate {
    daicho_domain::japan_date(chrono::Utc::now())
}

/// The first instant after `day` ends in Japan.
pub(crate) fn end_of_day_jst(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = day
        .succ_opt()
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    midnight.and_utc() - chrono::Duration::hours(9)
}

/// The current instant as stored.
pub fn now_text() -> String {
    instant_text(chrono::Utc::now())
}
