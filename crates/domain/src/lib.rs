//! daicho's vocabulary: the types of the glossary (`shared/design/glossary.md`), validated
//! at construction so the rest of the system never meets a malformed tenant code, asset tag
//! or date. No I/O lives here: the store, the web UI and the CLI all speak these types.

pub mod asset;
pub mod audit_item;
pub mod audit_plan;
mod code_enum;
pub mod department;
pub mod error;
pub mod publication;
pub mod role;
pub mod self_check;
pub mod stocktake;
pub mod survey;
pub mod tenant;
pub mod values;
pub mod wareki;

#[cfg(test)]
mod proptests;

pub use asset::{
    AssetKind, AssetStatus, AssetTag, ErasureMethod, NetworkSegment, Ownership, ProcuredBy,
};
pub use department::DepartmentLevel;
pub use error::DomainError;
pub use role::Role;
pub use tenant::TenantCode;
pub use values::{format_yen, is_blank, parse_bool, parse_yen};
pub mod likeness;
pub use wareki::{FiscalYear, format_wareki, japan_date, normalize_width, parse_date};
