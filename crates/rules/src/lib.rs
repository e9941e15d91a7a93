//! daicho's audit: the lifecycle catalogue, rules written as data files (metadata,
//! parameters and one SQL check each), and the engine that runs them on a snapshot of a
//! tenant's ledgers to decide findings (指摘/意見) as of a day.

pub mod audit;
pub mod builtin;
pub mod drafting;
pub mod engine;
pub mod eol;
pub mod horizontal;
pub mod output;
pub mod plan;
pub mod recurrence;
pub mod report;
pub mod rule;
pub mod snapshot;

pub use audit::{AuditOptions, run_audit};
pub use report::{AuditReport, DepartmentCount, Entry, Filter, List, RuleFailure, Summary};
pub use rule::{Grade, Rule, RuleError};

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] daicho_store::StoreError),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("規則 {rule} の判定に失敗しました: {message}")]
    Check { rule: String, message: String },
    #[error("規則 {rule} は制限時間（{seconds} 秒）を超えたため中止しました")]
    TimedOut { rule: String, seconds: u64 },
    #[error("そのような規則はありません: {0}（`daicho rule list` で一覧できます）")]
    UnknownRule(String),
    #[error("そのような所属コードはありません: {0}")]
    UnknownDepartment(String),
    #[error("監査用の作業データベースでエラーが起きました: {0}")]
    Snapshot(#[from] rusqlite::Error),
    #[error("内部エラー: {0}")]
    Internal(String),
}
