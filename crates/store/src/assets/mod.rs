//! The asset ledger (情報資産): typed records, form input and its validation, the filtered
//! list, the dashboard counts, and writes that keep history and counts in step.

mod counts;
mod fields;
mod input;
mod list;
pub(crate) mod write;

pub(crate) use counts::{CountKey, bump as bump_counts};
pub use counts::{DashboardCounts, FacetCount};
pub use fields::AssetFields;
pub use input::AssetInput;
pub(crate) use list::WORDS;
pub use list::{AssetFilter, AssetPage, AssetRow, AssetSort, PAGE_SIZE};
pub use write::NewAssetBatch;

use sqlx::Row;
use sqlx::any::AnyRow;

/// An asset as stored, with its department.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: i64,
    pub department_code: String,
    pub department_name: String,
    /// The location's code, when one is recorded.
    pub location_code: Option<String>,
    pub fields: AssetFields,
    pub created_at: String,
    pub updated_at: String,
}

impl Asset {
    /// The snapshot the change history keeps.
    pub(crate) fn history_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.fields).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert("department".into(), self.department_code.clone().into());
            map.insert("location".into(), self.location_code.clone().into());
        }
        v
    }
}

/// Columns read for a full asset, with the department joined as `d` and the location
/// as `l`.
pub(crate) static ASSET_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut columns = String::from("a.id, a.created_at, a.updated_at");
    for c in AssetFields::COLUMNS {
        columns.push_str(", a.");
        columns.push_str(c);
    }
    columns.push_str(
        ", d.code AS department_code, d.name AS department_name, l.code AS location_code",
    );
    columns
});

/// The tables [`ASSET_COLUMNS`] reads from.
pub(crate) const ASSET_FROM: &str = "assets a JOIN departments d ON d.id = a.department_id AND d.tenant_id = a.tenant_id LEFT JOIN locations l ON l.id = a.location_id AND l.tenant_id = a.tenant_id";

pub(crate) fn asset_from_row(r: &AnyRow) -> Result<Asset, sqlx::Error> {
    Ok(Asset {
        id: r.try_get("id")?,
        department_code: r.try_get("department_code")?,
        department_name: r.try_get("department_name")?,
        location_code: r.try_get("location_code")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        fields: AssetFields::read(r)?,
    })
}
