//! What the audit plan's score weighs (監査計画の重み): one number per part, kept per tenant
//! and changed by 情報政策課 on the plan's page. The parts are named here once, with the label
//! the page shows, so the form, the stored settings and the score agree.

use serde::{Deserialize, Serialize};

/// The weights of the score's parts. Stored as JSON; a part missing from what was stored
/// (a part added later) takes its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanWeights {
    /// Per year since the last internal audit (never audited: the whole cycle and one).
    pub per_year: f64,
    pub per_open_item: f64,
    pub per_overdue_item: f64,
    pub per_violation: f64,
    pub per_opinion: f64,
    /// Per percentage point of wrong answers in the department's latest self-check.
    pub per_self_check_point: f64,
    /// Once, when the department has any My Number machine or system.
    pub my_number: f64,
    pub per_personal_data: f64,
    pub per_eol_machine: f64,
}

impl Default for PlanWeights {
    fn default() -> Self {
        PlanWeights {
            per_year: 10.0,
            per_open_item: 3.0,
            per_overdue_item: 5.0,
            per_violation: 2.0,
            per_opinion: 0.5,
            per_self_check_point: 0.2,
            my_number: 10.0,
            per_personal_data: 2.0,
            per_eol_machine: 1.0,
        }
    }
}

/// The parts in the order the page shows them: (name, label).
pub const WEIGHT_PARTS: [(&str, &str); 9] = [
    ("per_year", "前回の内部監査からの年数（1年あたり）"),
    ("per_open_item", "措置済でない監査項目（1件あたり）"),
    ("per_overdue_item", "措置期限を過ぎた監査項目（1件あたり）"),
    ("per_violation", "規則の判定「指摘」（1件あたり）"),
    ("per_opinion", "規則の判定「意見」（1件あたり）"),
    (
        "per_self_check_point",
        "セルフチェックの誤答率（1ポイントあたり）",
    ),
    ("my_number", "マイナンバー利用事務系の機器・システムがある"),
    ("per_personal_data", "個人情報ファイル（1件あたり）"),
    ("per_eol_machine", "サポート終了の機器（1台あたり）"),
];

/// The longest cycle a tenant may set: 総4 asks for every department within five years.
pub const MAX_CYCLE_YEARS: i64 = 10;

impl PlanWeights {
    /// The weight of part `name` (see [`WEIGHT_PARTS`]).
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(*self.field(name)?)
    }

    /// Sets part `name`; refuses a negative, infinite or unknown one.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), String> {
        if !value.is_finite() || value < 0.0 {
            return Err("重みは 0 以上の数で入力してください".into());
        }
        let Some(field) = self.field_mut(name) else {
            return Err(format!("重み「{name}」はありません"));
        };
        *field = value;
        Ok(())
    }

    fn field(&self, name: &str) -> Option<&f64> {
        Some(match name {
            "per_year" => &self.per_year,
            "per_open_item" => &self.per_open_item,
            "per_overdue_item" => &self.per_overdue_item,
            "per_violation" => &self.per_violation,
            "per_opinion" => &self.per_opinion,
            "per_self_check_point" => &self.per_self_check_point,
            "my_number" => &self.my_number,
            "per_personal_data" => &self.per_personal_data,
            "per_eol_machine" => &self.per_eol_machine,
            _ => return None,
        })
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut f64> {
        Some(match name {
            "per_year" => &mut self.per_year,
            "per_open_item" => &mut self.per_open_item,
            "per_overdue_item" => &mut self.per_overdue_item,
            "per_violation" => &mut self.per_violation,
            "per_opinion" => &mut self.per_opinion,
            "per_self_check_point" => &mut self.per_self_check_point,
            "my_number" => &mut self.my_number,
            "per_personal_data" => &mut self.per_personal_data,
            "per_eol_machine" => &mut self.per_eol_machine,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_on_the_page_is_a_weight_that_can_be_read_and_set() {
        let mut w = PlanWeights::default();
        for (name, _) in WEIGHT_PARTS {
            assert!(w.get(name).is_some(), "{name}");
            w.set(name, 7.5).expect("set");
            assert_eq!(w.get(name), Some(7.5), "{name}");
        }
        assert!(w.set("per_year", -1.0).is_err());
        assert!(w.set("per_year", f64::NAN).is_err());
        assert!(w.set("nothing", 1.0).is_err());
    }

    #[test]
    fn weights_stored_before_a_part_existed_take_its_default() {
        let w: PlanWeights = serde_json::from_str(r#"{"per_year": 20.0}"#).expect("weights");
        assert_eq!(w.per_year, 20.0);
        assert_eq!(w.per_eol_machine, PlanWeights::default().per_eol_machine);
    }
}
