//! An asset as typed into a form or read from a file: every field text, validated into
//! [`AssetFields`] with a Japanese message per wrong field.

use super::AssetFields;
use crate::FieldError;
use chrono::NaiveDate;
use daicho_domain::{
    AssetKind, AssetStatus, AssetTag, NetworkSegment, Ownership, ProcuredBy, parse_bool,
    parse_date, parse_yen,
};
use serde::{Deserialize, Serialize};

/// Raw asset fields. Empty text means "not recorded".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetInput {
    pub asset_tag: String,
    pub department: String,
    /// The location's code (設置場所); one not yet known is created.
    pub location: String,
    pub kind: String,
    pub name: String,
    pub maker: String,
    pub model: String,
    pub serial: String,
    pub quantity: String,
    pub os: String,
    pub software: String,
    pub network_segment: String,
    pub internet: String,
    pub ownership: String,
    pub procured_by: String,
    pub acquired_on: String,
    pub cost_yen: String,
    pub contract_no: String,
    pub status: String,
    pub antivirus: String,
    pub antivirus_updated_on: String,
    pub retired_on: String,
    pub disposed_on: String,
    pub erasure_evidence: String,
    pub procurement_doc: String,
    pub system_name: String,
    pub extended_support_until: String,
    pub replacement_planned_on: String,
    pub backup: String,
    pub confidentiality: String,
    pub replaced_by: String,
    pub usage_ratio: String,
    pub usage_checked_on: String,
    pub note: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn fmt_bool(b: Option<bool>) -> String {
    b.map(|b| b.to_string()).unwrap_or_default()
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

    fn date(&mut self, field: &'static str, label: &str, s: &str) -> Option<NaiveDate> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        parse_date(s)
            .map_err(|_| {
                self.err(
                    field,
                    format!(
                        "{label}「{s}」は日付として読めません（例: 2023-10-06、令和5年10月6日）"
                    ),
                )
            })
            .ok()
    }

    fn flag(&mut self, field: &'static str, label: &str, s: &str) -> Option<bool> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        parse_bool(s).or_else(|| {
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
}

impl AssetInput {
    /// The form's values for an existing asset.
    pub fn from_asset(asset: &super::Asset) -> Self {
        let f = &asset.fields;
        AssetInput {
            asset_tag: f.asset_tag.clone(),
            department: asset.department_code.clone(),
            location: asset.location_code.clone().unwrap_or_default(),
            kind: f.kind.code().into(),
            name: f.name.clone(),
            maker: f.maker.clone().unwrap_or_default(),
            model: f.model.clone().unwrap_or_default(),
            serial: f.serial.clone().unwrap_or_default(),
            quantity: f.quantity.to_string(),
            os: f.os.clone().unwrap_or_default(),
            software: f.software.clone().unwrap_or_default(),
            network_segment: f
                .network_segment
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
            internet: fmt_bool(f.internet),
            ownership: f.ownership.code().into(),
            procured_by: f.procured_by.code().into(),
            acquired_on: fmt_date(f.acquired_on),
            cost_yen: f.cost_yen.map(|c| c.to_string()).unwrap_or_default(),
            contract_no: f.contract_no.clone().unwrap_or_default(),
            status: f.status.code().into(),
            antivirus: f.antivirus.clone().unwrap_or_default(),
            antivirus_updated_on: fmt_date(f.antivirus_updated_on),
            retired_on: fmt_date(f.retired_on),
            disposed_on: fmt_date(f.disposed_on),
            erasure_evidence: f.erasure_evidence.clone().unwrap_or_default(),
            procurement_doc: fmt_bool(f.procurement_doc),
            system_name: f.system_name.clone().unwrap_or_default(),
            extended_support_until: fmt_date(f.extended_support_until),
            replacement_planned_on: fmt_date(f.replacement_planned_on),
            backup: fmt_bool(f.backup),
            confidentiality: f.confidentiality.map(|c| c.to_string()).unwrap_or_default(),
            replaced_by: f.replaced_by.clone().unwrap_or_default(),
            usage_ratio: f.usage_ratio.map(|r| r.to_string()).unwrap_or_default(),
            usage_checked_on: fmt_date(f.usage_checked_on),
            note: f.note.clone().unwrap_or_default(),
        }
    }

    /// Checks every field that needs no database; `department_id` is resolved by the
    /// caller. `today` bounds dates that cannot lie in the future.
    pub fn validate(
        &self,
        department_id: i64,
        today: NaiveDate,
    ) -> Result<AssetFields, Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        let asset_tag = AssetTag::parse(&self.asset_tag)
            .map_err(|e| c.err("asset_tag", e.to_string()))
            .ok();
        let kind = c.code("kind", &self.kind, None, AssetKind::parse);
        let name = opt(&self.name);
        if name.is_none() {
            c.err("name", "品名を入力してください");
        }
        let quantity = match daicho_domain::normalize_width(&self.quantity).as_str() {
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
        let network_segment = if self.network_segment.trim().is_empty() {
            None
        } else {
            NetworkSegment::parse(&self.network_segment)
                .map_err(|e| c.err("network_segment", e.to_string()))
                .ok()
        };
        let internet = c.flag("internet", "インターネット接続", &self.internet);
        let ownership = c.code(
            "ownership",
            &self.ownership,
            Some(Ownership::Owned),
            Ownership::parse,
        );
        let procured_by = c.code(
            "procured_by",
            &self.procured_by,
            Some(ProcuredBy::Central),
            ProcuredBy::parse,
        );
        let status = c.code(
            "status",
            &self.status,
            Some(AssetStatus::InUse),
            AssetStatus::parse,
        );
        let acquired_on = c.date("acquired_on", "取得日", &self.acquired_on);
        if let Some(d) = acquired_on.filter(|d| *d > today) {
            c.err("acquired_on", format!("取得日 {d} が未来の日付です"));
        }
        let cost_yen = if self.cost_yen.trim().is_empty() {
            None
        } else {
            parse_yen(&self.cost_yen).or_else(|| {
                c.err(
                    "cost_yen",
                    format!(
                        "取得価格「{}」は0以上の金額で入力してください",
                        self.cost_yen.trim()
                    ),
                );
                None
            })
        };
        let antivirus_updated_on = c.date(
            "antivirus_updated_on",
            "定義ファイル更新日",
            &self.antivirus_updated_on,
        );
        let retired_on = c.date("retired_on", "使用中止日", &self.retired_on);
        let disposed_on = c.date("disposed_on", "廃棄日", &self.disposed_on);
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
            && self.disposed_on.trim().is_empty()
        {
            c.err("disposed_on", "廃棄済の資産には廃棄日を入力してください");
        }
        let procurement_doc = c.flag("procurement_doc", "調達資料", &self.procurement_doc);
        let extended_support_until = c.date(
            "extended_support_until",
            "延長サポート期限",
            &self.extended_support_until,
        );
        let replacement_planned_on = c.date(
            "replacement_planned_on",
            "更新予定日",
            &self.replacement_planned_on,
        );
        let backup = c.flag("backup", "バックアップ", &self.backup);
        let confidentiality = match daicho_domain::normalize_width(&self.confidentiality).as_str() {
            "" => None,
            s => match s.trim_start_matches("機密性").parse::<i64>() {
                Ok(n) if (1..=3).contains(&n) => Some(n),
                _ => {
                    c.err(
                        "confidentiality",
                        format!(
                            "機密性「{}」は 1・2・3 のどれかです",
                            self.confidentiality.trim()
                        ),
                    );
                    None
                }
            },
        };
        let usage_ratio = match daicho_domain::normalize_width(&self.usage_ratio).as_str() {
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
                                self.usage_ratio.trim()
                            ),
                        );
                        None
                    }
                }
            }
        };
        let usage_checked_on = c.date("usage_checked_on", "利用状況確認日", &self.usage_checked_on);
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        let (
            Some(asset_tag),
            Some(kind),
            Some(name),
            Some(quantity),
            Some(ownership),
            Some(procured_by),
            Some(status),
        ) = (
            asset_tag,
            kind,
            name,
            quantity,
            ownership,
            procured_by,
            status,
        )
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
            maker: opt(&self.maker),
            model: opt(&self.model),
            serial: opt(&self.serial),
            quantity,
            os: opt(&self.os),
            software: opt(&self.software),
            network_segment,
            internet,
            ownership,
            procured_by,
            acquired_on,
            cost_yen,
            contract_no: opt(&self.contract_no),
            status,
            antivirus: opt(&self.antivirus),
            antivirus_updated_on,
            retired_on,
            disposed_on,
            erasure_evidence: opt(&self.erasure_evidence),
            procurement_doc,
            system_name: opt(&self.system_name),
            extended_support_until,
            replacement_planned_on,
            backup,
            confidentiality,
            replaced_by: opt(&self.replaced_by),
            usage_ratio,
            usage_checked_on,
            note: opt(&self.note),
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
        AssetInput {
            asset_tag: "A-0001".into(),
            kind: "desktop".into(),
            name: "事務用PC".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_fill_what_forms_leave_empty() {
        let f = valid().validate(1, today()).expect("valid");
        assert_eq!(
            (f.quantity, f.status, f.ownership),
            (1, AssetStatus::InUse, Ownership::Owned)
        );
    }

    #[test]
    fn names_each_wrong_field() {
        let input = AssetInput {
            acquired_on: "2023-02-30".into(),
            cost_yen: "高い".into(),
            quantity: "0".into(),
            name: String::new(),
            ..valid()
        };
        let errors = input.validate(1, today()).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "quantity", "acquired_on", "cost_yen"]);
        assert!(errors[2].message.contains("2023-02-30"));
    }

    #[test]
    fn future_acquisition_and_inverted_dates_are_refused() {
        let input = AssetInput {
            acquired_on: "2024-01-01".into(),
            retired_on: "R5.1.1".into(),
            ..valid()
        };
        let errors = input.validate(1, today()).expect_err("invalid");
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["acquired_on", "retired_on"]
        );
    }

    #[test]
    fn wareki_and_yen_are_read() {
        let input = AssetInput {
            acquired_on: "平成28年5月20日".into(),
            cost_yen: "￥１２３，０００".into(),
            ..valid()
        };
        let f = input.validate(1, today()).expect("valid");
        assert_eq!(f.acquired_on, NaiveDate::from_ymd_opt(2016, 5, 20));
        assert_eq!(f.cost_yen, Some(123_000));
    }
}
