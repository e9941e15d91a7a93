//! A rule as its file says it: who it is, what it cites, its parameters, and its check —
//! one SQL query over the audit snapshot that yields, per subject, pass / fail / unknown.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

/// 指摘 (violation) or 意見 (opinion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Violation,
    Opinion,
}

impl Grade {
    /// In the report's order: 指摘, then 意見.
    pub const ALL: [Grade; 2] = [Grade::Violation, Grade::Opinion];

    pub fn parse(s: &str) -> Option<Grade> {
        match s.trim() {
            "violation" | "指摘" => Some(Grade::Violation),
            "opinion" | "意見" => Some(Grade::Opinion),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Grade::Violation => "violation",
            Grade::Opinion => "opinion",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Grade::Violation => "指摘",
            Grade::Opinion => "意見",
        }
    }
}

/// Whether the report treats the matter as general (総論) or as an individual case (個別事案).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    General,
    Individual,
}

impl Scope {
    /// In the report's order: 総論, then 個別.
    pub const ALL: [Scope; 2] = [Scope::General, Scope::Individual];

    pub fn code(self) -> &'static str {
        match self {
            Scope::General => "general",
            Scope::Individual => "individual",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Scope::General => "総論",
            Scope::Individual => "個別",
        }
    }
}

/// A parsed and checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub grade: Grade,
    pub scope: Scope,
    pub clause: String,
    /// The reference report's items the rule stands for (総2, 個14, ...).
    pub report_items: Vec<String>,
    /// The ledger its subjects are rows of (`assets`, `media`, `contracts`, ...).
    pub subject: String,
    pub description: String,
    /// Parameter name → default value (number or text).
    pub params: BTreeMap<String, Json>,
    pub check: String,
    /// Where the rule came from: a built-in file name or "tenant".
    pub origin: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    title: String,
    grade: String,
    scope: Option<String>,
    clause: String,
    #[serde(default)]
    report_items: Vec<String>,
    subject: String,
    #[serde(default)]
    description: String,
    check: String,
    #[serde(default)]
    params: BTreeMap<String, Json>,
}

/// The ledger a rule's subject names. Rule files written before subjects were ledger
/// names said `asset`, `medium`, `policy`, ...: those are read as the ledgers they meant,
/// so that a tenant's stored rules keep working.
fn subject_ledger(subject: &str) -> Option<&'static str> {
    const EARLIER: &[(&str, &str)] = &[
        ("asset", "assets"),
        ("audit", "audits"),
        ("audit_finding", "audit_findings"),
        ("contract", "contracts"),
        ("data_holding", "data_holdings"),
        ("department", "departments"),
        ("exception", "exceptions"),
        ("media_movement", "media_movements"),
        ("medium", "media"),
        ("policy", "policies"),
        ("self_check", "self_check_results"),
        ("sighting", "sightings"),
        ("system", "systems"),
        ("website", "websites"),
    ];
    let subject = subject.trim();
    let name = EARLIER
        .iter()
        .find(|(old, _)| *old == subject)
        .map_or(subject, |(_, new)| new);
    daicho_store::ledgers::LEDGERS
        .iter()
        .find(|l| l.name == name)
        .map(|l| l.name)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("規則ファイル {origin}: {message}")]
pub struct RuleError {
    pub origin: String,
    pub message: String,
}

impl Rule {
    /// A parameter's value as a user wrote it, typed like its default (a number stays a
    /// number); the message says what is wrong.
    pub fn param_value(&self, name: &str, written: &str) -> Result<Json, String> {
        let default = self.params.get(name).ok_or_else(|| {
            let names: Vec<&String> = self.params.keys().collect();
            format!(
                "規則 {} にパラメータ {name} はありません（あるもの: {names:?}）",
                self.id
            )
        })?;
        if !default.is_number() {
            return Ok(Json::from(written.to_string()));
        }
        let n: f64 = daicho_domain::normalize_width(written)
            .parse()
            .map_err(|_| format!("パラメータ {name} には数値を指定してください: {written}"))?;
        Ok(if n.fract() == 0.0 && default.is_i64() {
            Json::from(n as i64)
        } else {
            Json::from(n)
        })
    }

    /// Reads a rule file's text (TOML). Only the file's form is checked here; the check's
    /// SQL is checked against the snapshot schema by [`crate::engine::validate`].
    pub fn parse(text: &str, origin: &str) -> Result<Rule, RuleError> {
        let err = |message: String| RuleError {
            origin: origin.to_string(),
            message,
        };
        let f: RuleFile =
            basic_toml::from_str(text).map_err(|e| err(format!("読み取れません: {e}")))?;
        let id = f.id.trim().to_string();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(err(format!(
                "id「{id}」は英小文字・数字・ハイフンで書いてください（例: usb-without-ledger）"
            )));
        }
        let grade = Grade::parse(&f.grade).ok_or_else(|| {
            err(format!(
                "grade「{}」は violation（指摘）か opinion（意見）です",
                f.grade
            ))
        })?;
        let scope = match f.scope.as_deref().map(str::trim) {
            None | Some("individual") => Scope::Individual,
            Some("general") => Scope::General,
            Some(other) => {
                return Err(err(format!(
                    "scope「{other}」は general（総論）か individual（個別）です"
                )));
            }
        };
        for (name, value) in &f.params {
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(err(format!(
                    "パラメータ名「{name}」は英小文字・数字・_ で書いてください"
                )));
            }
            if !(value.is_number() || value.is_string()) {
                return Err(err(format!(
                    "パラメータ {name} の値は数値か文字列にしてください"
                )));
            }
        }
        if let Some(bad) = f.report_items.iter().find(|i| !is_report_item(i)) {
            return Err(err(format!(
                "report_items の「{bad}」は報告書の項目番号 総n か 個n（例: 個26）、または章（第2章 …）で書いてください"
            )));
        }
        if f.check.trim().is_empty() {
            return Err(err("check（判定の SQL）がありません".into()));
        }
        let subject = subject_ledger(&f.subject).ok_or_else(|| {
            let names: Vec<&str> = daicho_store::ledgers::LEDGERS
                .iter()
                .map(|l| l.name)
                .collect();
            err(format!(
                "subject「{}」は台帳の名前で書いてください（{}）",
                f.subject,
                names.join(", ")
            ))
        })?;
        Ok(Rule {
            id,
            title: f.title,
            grade,
            scope,
            clause: f.clause,
            report_items: f.report_items,
            subject: subject.to_string(),
            description: f.description,
            params: f.params,
            check: f.check,
            origin: origin.to_string(),
        })
    }
}

/// An item of the report as the report numbers it (総3, 個26), or a chapter it cites
/// (第2章 2 (3)): the audit's items are drafted by these numbers.
fn is_report_item(item: &str) -> bool {
    if item.starts_with('第') {
        return true;
    }
    let digits = item
        .strip_prefix('総')
        .or_else(|| item.strip_prefix('個'))
        .unwrap_or("");
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}
