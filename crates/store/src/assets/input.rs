//! An asset as typed into a form or read from a file: every field text, validated into
//! [`AssetFields`] with a Japanese message per wrong field.

use super::AssetFields;
use crate::FieldError;
use crate::ledgers::{ASSETS, Kind};
use chrono::NaiveDate;
use daicho_domain::{
    AssetKind, AssetStatus, AssetTag, NetworkSegment, Ownership, ProcuredBy, parse_bool,
    parse_date, parse_yen,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Raw asset fields as typed into a form or read from a file, by the description's column
/// names ([`ASSETS`]). Empty text means "not recorded".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")]
pub struct AssetInput {
    values: BTreeMap<&'static str, String>,
}

impl From<BTreeMap<String, String>> for AssetInput {
    /// A posted form: what names no column (the CSRF token, the version) is left out.
    fn from(map: BTreeMap<String, String>) -> Self {
        let mut input = AssetInput::default();
        for (name, value) in map {
            input.set(&name, value);
        }
        input
    }
}

impl From<AssetInput> for BTreeMap<String, String> {
    fn from(input: AssetInput) -> Self {
        input
            .values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A column's Japanese name, for messages.
fn label(field: &str) -> &'static str {
    ASSETS.column(field).map_or("", |c| c.label)
}

struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn err(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    fn date(&mut self, field: &'static str, s: &str) -> Option<NaiveDate> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        parse_date(s)
            .map_err(|_| {
                let label = label(field);
                self.err(
                    field,
                    format!(
                        "{label}「{s}」は日付として読めません（例: 2023-10-06、令和5年10月6日）"
                    ),
                )
            })
            .ok()
    }

    fn flag(&mut self, field: &'static str, s: &str) -> Option<bool> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        parse_bool(s).or_else(|| {
            let label = label(field);
            self.err(field, format!("{label}は「有」か「無」で入力してください"));
            None
        })
    }

    fn code<T>(
        &mut self,
        field: &'static str,
        s: &str,
        default: Option<T>,
        parse: fn(&str) -> Result<T, daicho_domain::DomainError>,
    ) -> Option<T> {
        if s.trim().is_empty() {
            if default.is_none() {
                self.err(field, "選択してください");
            }
            return default;
        }
        parse(s).map_err(|e| self.err(field, e.to_string())).ok()
    }

    /// A code that may be not recorded (empty), else must be one of its set.
    fn optional<T>(
        &mut self,
        field: &'static str,
        s: &str,
        parse: fn(&str) -> Result<T, daicho_domain::DomainError>,
    ) -> Option<T> {
        if s.trim().is_empty() {
            return None;
        }
        parse(s).map_err(|e| self.err(field, e.to_string())).ok()
    }
}

impl AssetInput {
    /// The text of column `name` ([`ASSETS`]), empty when not recorded or not a column.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Sets column `name`; returns false (and keeps nothing) when the assets have no such
    /// column.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        match ASSETS.column(name) {
            Some(c) => {
                self.values.insert(c.name, value.into());
                true
            }
            None => false,
        }
    }

    /// This input with column `name` set (see [`AssetInput::set`]).
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// An empty form: every column at its default.
    pub fn defaults() -> Self {
        let mut input = AssetInput::default();
        for c in ASSETS.columns {
            if let Some(code) = c.default {
                input.set(c.name, code);
            }
        }
        input.with("quantity", "1")
    }

    /// The form's values for an existing asset.
    pub fn from_asset(asset: &super::Asset) -> Self {
        let mut input = AssetInput::default();
        for c in ASSETS.columns {
            let text = match c.kind {
                Kind::Department => asset.department_code.clone(),
                Kind::Location => asset.location_code.clone().unwrap_or_default(),
                _ => asset.fields.text(c.db).unwrap_or_default(),
            };
            input.set(c.name, text);
        }
        input
    }

    /// Checks every field that needs no database; `department_id` is resolved by the
    /// caller. `today` bounds dates that cannot lie in the future.
    pub fn validate(
        &self,
        department_id: i64,
        today: NaiveDate,
    ) -> Result<AssetFields, Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        let asset_tag = AssetTag::parse(self.get("asset_tag"))
            .map_err(|e| c.err("asset_tag", e.to_string()))
            .ok();
        let kind = c.code("kind", self.get("kind"), None, AssetKind::parse);
        let name = opt(self.get("name"));
        if name.is_none() {
            c.err("name", "品名を入力してください");
        }
        let quantity = match daicho_domain::normalize_width(self.get("quantity")).as_str() {
            "" => Some(1),
            q => match q.parse::<i64>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    c.err(
                        "quantity",
                        format!("数量「{q}」は1以上の整数で入力してください"),
                    );
                    None
                }
            },
        };
        let network_segment = if self.get("network_segment").trim().is_empty() {
            None
        } else {
            NetworkSegment::parse(self.get("network_segment"))
                .map_err(|e| c.err("network_segment", e.to_string()))
                .ok()
        };
        let internet = c.flag("internet", self.get("internet"));
        // Not recorded stays not recorded: a file without the column does not make every
        // machine 自己所有 or 情報政策課配備 (the rules read whose it is and who bought it).
        let ownership = c.optional("ownership", self.get("ownership"), Ownership::parse);
        let procured_by = c.optional("procured_by", self.get("procured_by"), ProcuredBy::parse);
        let status = c.code(
            "status",
            self.get("status"),
            Some(AssetStatus::InUse),
            AssetStatus::parse,
        );
        let acquired_on = c.date("acquired_on", self.get("acquired_on"));
        if let Some(d) = acquired_on.filter(|d| *d > today) {
            c.err("acquired_on", format!("取得日 {d} が未来の日付です"));
        }
        let cost_yen = if self.get("cost_yen").trim().is_empty() {
            None
        } else {
            parse_yen(self.get("cost_yen")).or_else(|| {
                c.err(
                    "cost_yen",
                    format!(
                        "取得価格「{}」は0以上の金額で入力してください",
                        self.get("cost_yen").trim()
                    ),
                );
                None
            })
        };
        let antivirus_updated_on = c.date("antivirus_updated_on", self.get("antivirus_updated_on"));
        let retired_on = c.date("retired_on", self.get("retired_on"));
        let disposed_on = c.date("disposed_on", self.get("disposed_on"));
        for (field, label, d) in [
            ("retired_on", "使用中止日", retired_on),
            ("disposed_on", "廃棄日", disposed_on),
        ] {
            if let (Some(d), Some(a)) = (d, acquired_on)
                && d < a
            {
                c.err(field, format!("{label} {d} が取得日 {a} より前です"));
            }
        }
        if status == Some(AssetStatus::Disposed)
            && disposed_on.is_none()
            && self.get("disposed_on").trim().is_empty()
        {
            c.err("disposed_on", "廃棄済の資産には廃棄日を入力してください");
        }
        let procurement_doc = c.flag("procurement_doc", self.get("procurement_doc"));
        let extended_support_until =
            c.date("extended_support_until", self.get("extended_support_until"));
        let replacement_planned_on =
            c.date("replacement_planned_on", self.get("replacement_planned_on"));
        let backup = c.flag("backup", self.get("backup"));
        let confidentiality =
            match daicho_domain::normalize_width(self.get("confidentiality")).as_str() {
                "" => None,
                s => match s.trim_start_matches("機密性").parse::<i64>() {
                    Ok(n) if (1..=3).contains(&n) => Some(n),
                    _ => {
                        c.err(
                            "confidentiality",
                            format!(
                                "機密性「{}」は 1・2・3 のどれかです",
                                self.get("confidentiality").trim()
                            ),
                        );
                        None
                    }
                },
            };
        let usage_ratio = match daicho_domain::normalize_width(self.get("usage_ratio")).as_str() {
            "" => None,
            s => {
                let (number, scale) = match s.strip_suffix('%') {
                    Some(p) => (p.trim(), 100.0),
                    None => (s, 1.0),
                };
                match number.parse::<f64>() {
                    Ok(v) if (0.0..=scale).contains(&v) => Some(v / scale),
                    _ => {
                        c.err(
                            "usage_ratio",
                            format!(
                                "利用率「{}」は 0〜1 か 0%〜100% で入力してください",
                                self.get("usage_ratio").trim()
                            ),
                        );
                        None
                    }
                }
            }
        };
        let usage_checked_on = c.date("usage_checked_on", self.get("usage_checked_on"));
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        let (Some(asset_tag), Some(kind), Some(name), Some(quantity), Some(status)) =
            (asset_tag, kind, name, quantity, status)
        else {
            return Err(vec![FieldError {
                field: "asset_tag",
                message: "入力を確認してください".into(),
            }]);
        };
        Ok(AssetFields {
            asset_tag: asset_tag.as_str().to_string(),
            department_id,
            location_id: None,
            kind,
            name,
            maker: opt(self.get("maker")),
            model: opt(self.get("model")),
            serial: opt(self.get("serial")),
            quantity,
            os: opt(self.get("os")),
            software: opt(self.get("software")),
            network_segment,
            internet,
            ownership,
            procured_by,
            acquired_on,
            cost_yen,
            contract_no: opt(self.get("contract_no")),
            status,
            antivirus: opt(self.get("antivirus")),
            antivirus_updated_on,
            retired_on,
            disposed_on,
            erasure_evidence: opt(self.get("erasure_evidence")),
            procurement_doc,
            system_name: opt(self.get("system_name")),
            extended_support_until,
            replacement_planned_on,
            backup,
            confidentiality,
            replaced_by: opt(self.get("replaced_by")),
            usage_ratio,
            usage_checked_on,
            note: opt(self.get("note")),
            host_name: opt(self.get("host_name")),
            mac_address: opt(self.get("mac_address")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 10, 6).expect("date")
    }

    fn valid() -> AssetInput {
        AssetInput::default()
            .with("asset_tag", "A-0001")
            .with("kind", "desktop")
            .with("name", "事務用PC")
    }

    #[test]
    fn defaults_fill_what_forms_leave_empty() {
        let f = valid().validate(1, today()).expect("valid");
        assert_eq!(
            (f.quantity, f.status, f.ownership, f.procured_by),
            (1, AssetStatus::InUse, None, None),
            "whose it is and who bought it are not made up"
        );
    }

    #[test]
    fn names_each_wrong_field() {
        let input = valid()
            .with("acquired_on", "2023-02-30")
            .with("cost_yen", "高い")
            .with("quantity", "0")
            .with("name", String::new());
        let errors = input.validate(1, today()).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "quantity", "acquired_on", "cost_yen"]);
        assert!(errors[2].message.contains("2023-02-30"));
    }

    #[test]
    fn future_acquisition_and_inverted_dates_are_refused() {
        let input = valid()
            .with("acquired_on", "2024-01-01")
            .with("retired_on", "R5.1.1");
        let errors = input.validate(1, today()).expect_err("invalid");
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["acquired_on", "retired_on"]
        );
    }

    #[test]
    fn wareki_and_yen_are_read() {
        let input = valid()
            .with("acquired_on", "平成28年5月20日")
            .with("cost_yen", "￥１２３，０００");
        let f = input.validate(1, today()).expect("valid");
        assert_eq!(f.acquired_on, NaiveDate::from_ymd_opt(2016, 5, 20));
        assert_eq!(f.cost_yen, Some(123_000));
    }
}
