//! The asset ledger (情報資産): typed records, form input and its validation, the filtered
//! list, the dashboard counts, and writes that keep history and counts in step.

mod counts;
mod input;
mod list;
pub(crate) mod write;

pub(crate) use counts::{CountKey, bump as bump_counts};
pub use counts::{DashboardCounts, FacetCount};
pub use input::AssetInput;
pub use list::{AssetFilter, AssetPage, AssetRow, AssetSort, PAGE_SIZE};
pub use write::NewAssetBatch;

use chrono::NaiveDate;
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The fields of one asset, validated. The department is held by id; the history
/// records its code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetFields {
    pub asset_tag: String,
    #[serde(skip)]
    pub department_id: i64,
    /// Where the item stands (設置場所); the history records its code.
    #[serde(skip)]
    pub location_id: Option<i64>,
    pub kind: AssetKind,
    pub name: String,
    pub maker: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub quantity: i64,
    pub os: Option<String>,
    pub software: Option<String>,
    pub network_segment: Option<NetworkSegment>,
    pub internet: Option<bool>,
    pub ownership: Ownership,
    pub procured_by: ProcuredBy,
    pub acquired_on: Option<NaiveDate>,
    pub cost_yen: Option<i64>,
    pub contract_no: Option<String>,
    pub status: AssetStatus,
    pub antivirus: Option<String>,
    pub antivirus_updated_on: Option<NaiveDate>,
    pub retired_on: Option<NaiveDate>,
    pub disposed_on: Option<NaiveDate>,
    pub erasure_evidence: Option<String>,
    pub procurement_doc: Option<bool>,
    pub system_name: Option<String>,
    pub extended_support_until: Option<NaiveDate>,
    /// 更新予定日: when a replacement is planned (eol-upcoming).
    pub replacement_planned_on: Option<NaiveDate>,
    /// Whether its data is backed up (NAS, external disks).
    pub backup: Option<bool>,
    /// 機密性 1–3 of the information it handles.
    pub confidentiality: Option<i64>,
    /// The tag of the item that replaced it.
    pub replaced_by: Option<String>,
    /// Measured or surveyed share of use, 0–1.
    pub usage_ratio: Option<f64>,
    pub usage_checked_on: Option<NaiveDate>,
    pub note: Option<String>,
}

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

impl AssetFields {
    /// Takes from `before` the value of every field named in `absent` (columns the file
    /// being imported does not have), so that a file with fewer columns updates only what
    /// it holds — as the other ledgers do. The tag and the department always come from
    /// the row (a file without a department column names it with --department).
    pub(crate) fn keep_absent(&mut self, before: &AssetFields, absent: &[&str]) {
        macro_rules! keep {
            ($($field:ident),+ $(,)?) => {
                $(if absent.contains(&stringify!($field)) {
                    self.$field = before.$field.clone();
                })+
            };
        }
        keep!(
            kind,
            name,
            maker,
            model,
            serial,
            quantity,
            os,
            software,
            network_segment,
            internet,
            ownership,
            procured_by,
            acquired_on,
            cost_yen,
            contract_no,
            status,
            antivirus,
            antivirus_updated_on,
            retired_on,
            disposed_on,
            erasure_evidence,
            procurement_doc,
            system_name,
            extended_support_until,
            replacement_planned_on,
            backup,
            confidentiality,
            replaced_by,
            usage_ratio,
            usage_checked_on,
            note,
        );
        if absent.contains(&"location") {
            self.location_id = before.location_id;
        }
    }
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

/// Columns read for a full asset, with the department joined as `d`.
pub(crate) const ASSET_COLUMNS: &str = "a.id, a.asset_tag, a.department_id, a.kind, a.name, a.maker, a.model, \
    a.serial, a.quantity, a.os, a.software, a.network_segment, a.internet, a.ownership, a.procured_by, \
    a.acquired_on, a.cost_yen, a.contract_no, a.status, a.antivirus, a.antivirus_updated_on, a.retired_on, \
    a.disposed_on, a.erasure_evidence, a.procurement_doc, a.system_name, a.extended_support_until, a.note, \
    a.replacement_planned_on, a.backup, a.confidentiality, a.replaced_by, a.usage_ratio, a.usage_checked_on, \
    a.created_at, a.updated_at, a.location_id, d.code AS department_code, d.name AS department_name, \
    l.code AS location_code";

/// The tables [`ASSET_COLUMNS`] reads from.
pub(crate) const ASSET_FROM: &str = "assets a JOIN departments d ON d.id = a.department_id LEFT JOIN locations l ON l.id = a.location_id";

fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

pub(crate) fn date_col(r: &AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    let text: Option<String> = r.try_get(col)?;
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(decode_err))
        .transpose()
}

pub(crate) fn asset_from_row(r: &AnyRow) -> Result<Asset, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let segment: Option<String> = r.try_get("network_segment")?;
    let ownership: String = r.try_get("ownership")?;
    let procured_by: String = r.try_get("procured_by")?;
    let status: String = r.try_get("status")?;
    Ok(Asset {
        id: r.try_get("id")?,
        department_code: r.try_get("department_code")?,
        department_name: r.try_get("department_name")?,
        location_code: r.try_get("location_code")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        fields: AssetFields {
            asset_tag: r.try_get("asset_tag")?,
            department_id: r.try_get("department_id")?,
            location_id: r.try_get("location_id")?,
            kind: AssetKind::parse(&kind).map_err(decode_err)?,
            name: r.try_get("name")?,
            maker: r.try_get("maker")?,
            model: r.try_get("model")?,
            serial: r.try_get("serial")?,
            quantity: r.try_get("quantity")?,
            os: r.try_get("os")?,
            software: r.try_get("software")?,
            network_segment: segment
                .map(|s| NetworkSegment::parse(&s))
                .transpose()
                .map_err(decode_err)?,
            internet: crate::sql::flag(r, "internet")?,
            ownership: Ownership::parse(&ownership).map_err(decode_err)?,
            procured_by: ProcuredBy::parse(&procured_by).map_err(decode_err)?,
            acquired_on: date_col(r, "acquired_on")?,
            cost_yen: r.try_get("cost_yen")?,
            contract_no: r.try_get("contract_no")?,
            status: AssetStatus::parse(&status).map_err(decode_err)?,
            antivirus: r.try_get("antivirus")?,
            antivirus_updated_on: date_col(r, "antivirus_updated_on")?,
            retired_on: date_col(r, "retired_on")?,
            disposed_on: date_col(r, "disposed_on")?,
            erasure_evidence: r.try_get("erasure_evidence")?,
            procurement_doc: crate::sql::flag(r, "procurement_doc")?,
            system_name: r.try_get("system_name")?,
            extended_support_until: date_col(r, "extended_support_until")?,
            replacement_planned_on: date_col(r, "replacement_planned_on")?,
            backup: crate::sql::flag(r, "backup")?,
            confidentiality: r.try_get("confidentiality")?,
            replaced_by: r.try_get("replaced_by")?,
            usage_ratio: r.try_get("usage_ratio")?,
            usage_checked_on: date_col(r, "usage_checked_on")?,
            note: r.try_get("note")?,
        },
    })
}
