//! An asset's fields, typed: the fast path of bulk writes. The list of fields is written
//! once, in [`asset_fields!`], which gives the struct, its values by column, reading it
//! from a row and keeping absent fields; what each column is called and reads as is
//! [`crate::ledgers::ASSETS`], and a test holds the two in step.

use crate::sql::Value;
use chrono::NaiveDate;
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// One typed field: how it is bound, read back and written as form or file text.
pub(crate) trait FieldType: Sized + Clone {
    fn value(&self) -> Value;
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error>;
    /// The text a form or an export shows for it (codes, ISO dates, `true`/`false`).
    fn text(&self) -> String;
}

fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

impl FieldType for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn text(&self) -> String {
        self.clone()
    }
}

impl FieldType for Option<String> {
    fn value(&self) -> Value {
        Value::OptText(self.clone())
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn text(&self) -> String {
        self.clone().unwrap_or_default()
    }
}

impl FieldType for i64 {
    fn value(&self) -> Value {
        Value::Int(*self)
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl FieldType for Option<i64> {
    fn value(&self) -> Value {
        Value::OptInt(*self)
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn text(&self) -> String {
        self.map(|v| v.to_string()).unwrap_or_default()
    }
}

impl FieldType for Option<f64> {
    fn value(&self) -> Value {
        Value::OptFloat(*self)
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn text(&self) -> String {
        self.map(|v| v.to_string()).unwrap_or_default()
    }
}

impl FieldType for Option<bool> {
    fn value(&self) -> Value {
        Value::OptBool(*self)
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        crate::sql::Read::flag(row, column)
    }
    fn text(&self) -> String {
        self.map(|v| v.to_string()).unwrap_or_default()
    }
}

impl FieldType for Option<NaiveDate> {
    fn value(&self) -> Value {
        Value::OptText(self.map(|d| d.to_string()))
    }
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        crate::sql::Read::date(row, column)
    }
    fn text(&self) -> String {
        self.map(|d| d.to_string()).unwrap_or_default()
    }
}

/// The domain's code enums are stored by their code.
macro_rules! code_field {
    ($($t:ty),+) => {$(
        impl FieldType for $t {
            fn value(&self) -> Value {
                Value::Text(self.code().to_string())
            }
            fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
                <$t>::parse(&row.try_get::<String, _>(column)?).map_err(decode_err)
            }
            fn text(&self) -> String {
                self.code().to_string()
            }
        }

        impl FieldType for Option<$t> {
            fn value(&self) -> Value {
                Value::OptText(self.map(|v| v.code().to_string()))
            }
            fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
                row.try_get::<Option<String>, _>(column)?
                    .map(|s| <$t>::parse(&s).map_err(decode_err))
                    .transpose()
            }
            fn text(&self) -> String {
                self.map(|v| v.code().to_string()).unwrap_or_default()
            }
        }
    )+};
}

code_field!(
    AssetKind,
    AssetStatus,
    NetworkSegment,
    Ownership,
    ProcuredBy
);

/// Declares [`AssetFields`] from one list of (table column: type).
macro_rules! asset_fields {
    ($($(#[$meta:meta])* $field:ident: $ty:ty,)+) => {
        /// The fields of one asset, validated. The department and location are held by
        /// id; the history records their codes.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct AssetFields {
            $($(#[$meta])* pub $field: $ty,)+
        }

        impl AssetFields {
            /// The table's columns, in the description's order.
            pub(crate) const COLUMNS: &'static [&'static str] = &[$(stringify!($field),)+];

            /// Each column's value, to bind.
            pub(crate) fn values(&self) -> Vec<(&'static str, Value)> {
                vec![$((stringify!($field), self.$field.value()),)+]
            }

            /// The value of table column `column` as a form or file writes it.
            pub fn text(&self, column: &str) -> Option<String> {
                match column {
                    $(stringify!($field) => Some(self.$field.text()),)+
                    _ => None,
                }
            }

            /// Reads the fields from a row that has every column.
            pub(crate) fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
                Ok(AssetFields {
                    $($field: FieldType::read(row, stringify!($field))?,)+
                })
            }

            /// Takes from `before` the value of every table column in `absent`.
            pub(crate) fn keep_columns(&mut self, before: &AssetFields, absent: &[&str]) {
                $(if absent.contains(&stringify!($field)) {
                    self.$field = before.$field.clone();
                })+
            }
        }
    };
}

asset_fields! {
    asset_tag: String,
    #[serde(skip)]
    department_id: i64,
    /// Where the item stands (設置場所).
    #[serde(skip)]
    location_id: Option<i64>,
    kind: AssetKind,
    name: String,
    maker: Option<String>,
    model: Option<String>,
    serial: Option<String>,
    quantity: i64,
    os: Option<String>,
    software: Option<String>,
    network_segment: Option<NetworkSegment>,
    internet: Option<bool>,
    ownership: Option<Ownership>,
    procured_by: Option<ProcuredBy>,
    acquired_on: Option<NaiveDate>,
    cost_yen: Option<i64>,
    contract_no: Option<String>,
    status: AssetStatus,
    antivirus: Option<String>,
    antivirus_updated_on: Option<NaiveDate>,
    retired_on: Option<NaiveDate>,
    disposed_on: Option<NaiveDate>,
    erasure_evidence: Option<String>,
    procurement_doc: Option<bool>,
    system_name: Option<String>,
    extended_support_until: Option<NaiveDate>,
    /// 更新予定日: when a replacement is planned (eol-upcoming).
    replacement_planned_on: Option<NaiveDate>,
    /// Whether its data is backed up (NAS, external disks).
    backup: Option<bool>,
    /// 機密性 1–3 of the information it handles.
    confidentiality: Option<i64>,
    /// The tag of the item that replaced it.
    replaced_by: Option<String>,
    /// Measured or surveyed share of use, 0–1.
    usage_ratio: Option<f64>,
    usage_checked_on: Option<NaiveDate>,
    note: Option<String>,
    /// The name the asset-management tools know it by.
    host_name: Option<String>,
    mac_address: Option<String>,
}

impl AssetFields {
    /// Takes from `before` the value of every field named in `absent` (the description's
    /// column names the file being imported has no column for), so that a file with fewer
    /// columns updates only what it holds — as the other ledgers do. The tag and the
    /// department always come from the row (a file without a department column names it
    /// with --department).
    pub(crate) fn keep_absent(&mut self, before: &AssetFields, absent: &[&str]) {
        let columns: Vec<&str> = crate::ledgers::ASSETS
            .columns
            .iter()
            .filter(|c| absent.contains(&c.name) && !crate::ledgers::ASSETS.key.contains(&c.name))
            .filter(|c| c.name != "department")
            .map(|c| c.db)
            .collect();
        self.keep_columns(before, &columns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledgers::{ASSETS, Kind};

    /// The typed fields and the description name the same columns in the same order, and
    /// each field's type reads what its column's kind gives.
    #[test]
    fn the_typed_fields_and_the_description_agree() {
        let described: Vec<&str> = ASSETS.columns.iter().map(|c| c.db).collect();
        assert_eq!(AssetFields::COLUMNS, described.as_slice());
        let sample = AssetFields {
            asset_tag: "A-1".into(),
            department_id: 1,
            location_id: Some(2),
            kind: AssetKind::Desktop,
            name: "PC".into(),
            maker: None,
            model: None,
            serial: None,
            quantity: 1,
            os: None,
            software: None,
            network_segment: Some(NetworkSegment::Lgwan),
            internet: Some(false),
            ownership: Some(Ownership::Owned),
            procured_by: Some(ProcuredBy::Central),
            acquired_on: NaiveDate::from_ymd_opt(2020, 4, 1),
            cost_yen: Some(1),
            contract_no: None,
            status: AssetStatus::InUse,
            antivirus: None,
            antivirus_updated_on: None,
            retired_on: None,
            disposed_on: None,
            erasure_evidence: None,
            procurement_doc: Some(true),
            system_name: None,
            extended_support_until: None,
            replacement_planned_on: None,
            backup: Some(true),
            confidentiality: Some(2),
            replaced_by: None,
            usage_ratio: Some(0.5),
            usage_checked_on: None,
            note: None,
            host_name: None,
            mac_address: None,
        };
        for (column, value) in sample.values() {
            let kind = ASSETS
                .columns
                .iter()
                .find(|c| c.db == column)
                .map(|c| c.kind)
                .expect("described");
            let fits = match (kind, &value) {
                (Kind::Text | Kind::Code | Kind::Date, Value::Text(_) | Value::OptText(_)) => true,
                (Kind::Choice(choices), Value::Text(code) | Value::OptText(Some(code))) => {
                    choices.iter().any(|(c, _)| c == code)
                }
                (Kind::Choice(_), Value::OptText(None)) => true,
                (
                    Kind::Int | Kind::Yen | Kind::Department | Kind::Location,
                    Value::Int(_) | Value::OptInt(_),
                ) => true,
                (Kind::Bool, Value::OptBool(_)) => true,
                (Kind::Ratio, Value::OptFloat(_)) => true,
                _ => false,
            };
            assert!(fits, "{column}: {kind:?} described, {value:?} typed");
        }
    }
}
