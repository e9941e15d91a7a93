//! Errors of the vocabulary itself: a value that is not what its type promises.
//! Messages are Japanese because they reach users beside the field they typed.

use thiserror::Error;

/// A value rejected by a domain type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("団体コード「{0}」は6桁の数字ではありません")]
    TenantCodeFormat(String),
    #[error("団体コード「{code}」の検査数字が正しくありません（正しくは {expected}）")]
    TenantCodeCheckDigit { code: String, expected: u32 },
    #[error("備品番号が空です")]
    AssetTagEmpty,
    #[error("備品番号「{0}」が長すぎます（64文字まで）")]
    AssetTagTooLong(String),
    #[error("{what}「{value}」は定義されていません")]
    UnknownCode { what: &'static str, value: String },
    #[error("日付「{0}」を読み取れません（例: 2023-10-06、令和5年10月6日）")]
    Date(String),
}
