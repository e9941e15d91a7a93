//! The store's error: what went wrong, in words a municipal user can act on. The web edge
//! turns `Invalid` into messages beside form fields, `NotFound`/`Forbidden` into pages; the
//! CLI prints the message and exits non-zero.

use thiserror::Error;

/// A message about one input field, shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's code name (`asset_tag`, `acquired_on`, ...).
    pub field: &'static str,
    /// A Japanese sentence.
    pub message: String,
}

/// Errors of the store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("データベースに接続できません（{url}）: {reason}")]
    Connect { url: String, reason: String },
    #[error(
        "データベースファイルが壊れているか、SQLite のファイルではありません（{path}）: {reason}"
    )]
    Corrupt { path: String, reason: String },
    #[error(
        "データベースが他のプロセスにロックされています。しばらく待ってから再実行してください: {0}"
    )]
    Locked(String),
    #[error("見つかりません: {0}")]
    NotFound(String),
    #[error("この操作の権限がありません: {0}")]
    Forbidden(String),
    #[error("入力に誤りがあります: {}", messages(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// The row changed after the form was read: the save is refused, with what changed.
    #[error("この記録は、画面を開いた後にほかの人が変更しました（{} 件）", .since.len())]
    Stale {
        /// The row's version now, for the form that shows the changes.
        version: i64,
        since: Vec<crate::HistoryEntry>,
    },
    /// Not now: the work cannot be done at the moment (another import of the tenant runs).
    #[error("{0}")]
    Unavailable(String),
    #[error("データベースのエラー: {0}")]
    Database(sqlx::Error),
    #[error("スキーマの移行に失敗しました（{version}）: {reason}")]
    Migration { version: i64, reason: String },
    #[error("パスワードのハッシュ化に失敗しました: {0}")]
    Password(String),
    /// A fault of daicho itself (a description naming what is not there, a source of
    /// randomness that failed): logged, never the user's to correct.
    #[error("内部エラー: {0}")]
    Internal(String),
}

/// Why a row (or rows written together) was not written.
#[derive(Debug, Error)]
pub enum RowError {
    /// The row's own faults, each beside its field; nothing of it is written. `row` is its
    /// place among the rows written together, from 0. An import lists them and reads on; a
    /// form comes back with them.
    #[error("{}件目: {}", .row + 1, messages(.errors))]
    Refused { row: usize, errors: Vec<FieldError> },
    /// The store failed: the whole run stops.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RowError {
    /// The row's faults, when it was refused for them.
    pub fn refused(errors: Vec<FieldError>) -> Self {
        RowError::Refused { row: 0, errors }
    }

    /// The messages of a refused row on one line, where no form shows each beside its
    /// field; the store's error as it is.
    pub fn refusal(self) -> Result<String, StoreError> {
        match self {
            RowError::Refused { errors, .. } => Ok(errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ")),
            RowError::Store(e) => Err(e),
        }
    }
}

impl From<sqlx::Error> for RowError {
    fn from(e: sqlx::Error) -> Self {
        RowError::Store(e.into())
    }
}

fn messages(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

impl StoreError {
    /// One invalid field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}

impl From<sqlx::Error> for StoreError {
    /// Every query's error: a busy database is told apart, since the user can wait and
    /// retry; the rest is a database error.
    fn from(err: sqlx::Error) -> Self {
        classify(err, "")
    }
}

/// Turns a low-level error into a clear one where SQLite tells us the file is unusable.
pub(crate) fn classify(err: sqlx::Error, path: &str) -> StoreError {
    let text = err.to_string();
    if text.contains("file is not a database") || text.contains("malformed") {
        StoreError::Corrupt {
            path: path.to_string(),
            reason: text,
        }
    } else if text.contains("database is locked")
        || text.contains("database is busy")
        || text.contains("lock timeout")
    {
        StoreError::Locked(text)
    } else if err
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
    {
        // Two sessions added the same row at once; the other one's row stands.
        StoreError::Conflict(
            "同じ行が同時に登録されたため、この変更は取り消しました。画面を読み込み直して確かめてください"
                .into(),
        )
    } else {
        StoreError::Database(err)
    }
}
