//! What goes on the public pages (公表, 総7), built from the report and the measures: the
//! summary of an audit (its items with their text and where their measures stand), the
//! measures-taken report (措置状況), and the public part of the security policy. Every text
//! passes the [`Redactor`]: the tenant's asset tags, serial numbers, media ids, rooms and
//! staff names, the subjects the items' rule results name, and IP addresses become
//! 「［非公開］」, and what was hidden is listed for the person publishing before it goes out.
//! Rule evidence (subjects, facts) is never published, only the items' own words.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use daicho_domain::audit_item::MeasureStatus;
use daicho_domain::format_wareki;
use daicho_domain::publication::SensitiveKind;
use daicho_store::{Db, ItemState, Measure, Scope};
use serde::{Deserialize, Serialize};

use crate::audit_report::{AuditReport, ReportItem};
use crate::{ReportError, year_label};

/// What a hidden word becomes.
pub const MASK: &str = "［非公開］";

/// Words shorter than this are not hidden: a one-character room name would blank the text.
const MIN_CHARS: usize = 2;

/// Finds the words no publication may carry, all at once (a city holds tens of thousands
/// of asset tags), and IP addresses by their shape.
pub struct Redactor {
    terms: Vec<(String, SensitiveKind)>,
    matcher: Option<AhoCorasick>,
}

/// A word hidden, why, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hidden {
    pub word: String,
    pub kind: SensitiveKind,
    pub count: usize,
}

impl Redactor {
    pub fn new(terms: impl IntoIterator<Item = (String, SensitiveKind)>) -> Self {
        let mut seen = HashSet::new();
        let terms: Vec<(String, SensitiveKind)> = terms
            .into_iter()
            .map(|(t, k)| (t.trim().to_string(), k))
            .filter(|(t, _)| t.chars().count() >= MIN_CHARS && seen.insert(t.clone()))
            .collect();
        // Leftmost-longest: 「PC-0012」 is hidden whole, not as 「PC-001」 and a 2.
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(terms.iter().map(|(t, _)| t))
            .ok();
        Redactor { terms, matcher }
    }

    /// `text` with every sensitive word masked; what was masked is added to `hidden`.
    pub fn redact(&self, text: &str, hidden: &mut Vec<Hidden>) -> String {
        // Addresses first, so that a tag 「10」 is not found inside one.
        let text = mask_ip_addresses(text, hidden);
        let Some(matcher) = &self.matcher else {
            return text;
        };
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in matcher.find_iter(&text) {
            let (word, kind) = &self.terms[m.pattern().as_usize()];
            // A tag 「10」 is not hidden inside 「2010」 or 「v10.2」: a word must not run on
            // into letters or digits, directly or through a dot, hyphen or slash.
            if runs_on(text[..m.start()].chars().rev(), word.chars().next())
                || runs_on(text[m.end()..].chars(), word.chars().next_back())
            {
                continue;
            }
            out.push_str(&text[last..m.start()]);
            out.push_str(MASK);
            note(hidden, word, *kind);
            last = m.end();
        }
        out.push_str(&text[last..]);
        out
    }
}

/// Whether a word whose edge is `edge` runs on into the text beyond it, read outwards.
fn runs_on(mut beyond: impl Iterator<Item = char>, edge: Option<char>) -> bool {
    if !edge.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    match beyond.next() {
        Some(c) if c.is_ascii_alphanumeric() => true,
        Some('.' | '-' | '_' | '/') => beyond.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        _ => false,
    }
}

fn note(hidden: &mut Vec<Hidden>, word: &str, kind: SensitiveKind) {
    match hidden.iter_mut().find(|h| h.word == word) {
        Some(h) => h.count += 1,
        None => hidden.push(Hidden {
            word: word.to_string(),
            kind,
            count: 1,
        }),
    }
}

/// Masks dotted IPv4 addresses (four numbers of at most 255, not part of a longer run of
/// digits and dots, so a version 「10.0.19045.1」 or a date stays).
fn mask_ip_addresses(text: &str, hidden: &mut Vec<Hidden>) -> String {
    let bytes = text.as_bytes();
    let run_char = |b: u8| b.is_ascii_digit() || b == b'.';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && run_char(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && run_char(bytes[end]) {
            end += 1;
        }
        // A sentence may end in a full stop right after the address.
        let run = text[i..end].trim_end_matches('.');
        let parts: Vec<&str> = run.split('.').collect();
        let is_address = parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255));
        if is_address {
            out.push_str(&text[copied..i]);
            out.push_str(MASK);
            note(hidden, run, SensitiveKind::IpAddress);
            copied = i + run.len();
        }
        i = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// A department's measure as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicMeasure {
    pub department: String,
    /// 措置済, 措置中, 未措置, or 「報告なし」.
    pub status: String,
    pub action: String,
    pub done_on: String,
}

/// An item as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicItem {
    pub number: String,
    pub grade: String,
    pub title: String,
    pub summary: String,
    /// The item's full text; empty in the measures-taken report.
    pub body: String,
    pub measures: Vec<PublicMeasure>,
}

/// A visited department's items as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicSection {
    pub department: String,
    pub visited_on: String,
    pub items: Vec<PublicItem>,
}

/// An audit's summary or its measures-taken report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicAudit {
    pub tenant: String,
    pub heading: String,
    pub fiscal_year: String,
    pub as_of: String,
    /// The count table: 区分, 総論, 個別事案, 計.
    pub counts: Vec<[String; 4]>,
    pub general: Vec<PublicItem>,
    pub sections: Vec<PublicSection>,
}

/// The public part of the security policy (基本方針, 対策基準; never 実施手順).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicPolicy {
    pub tenant: String,
    pub name: String,
    pub kind: String,
    pub text: String,
}

/// A publication's body as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PublicBody {
    Audit(PublicAudit),
    Measures(PublicAudit),
    Policy(PublicPolicy),
}

impl PublicBody {
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json_text(text: &str) -> Option<PublicBody> {
        serde_json::from_str(text).ok()
    }
}

/// Builds an audit's summary (`with_text`) or its measures-taken report from the report,
/// the measures recorded and the departments' names, every text redacted.
pub fn public_audit(
    report: &AuditReport,
    measures: &[Measure],
    names: &HashMap<i64, String>,
    redactor: &Redactor,
    with_text: bool,
    hidden: &mut Vec<Hidden>,
) -> PublicAudit {
    let item = |i: &ReportItem, only: Option<i64>, hidden: &mut Vec<Hidden>| {
        let measures = measures
            .iter()
            .filter(|m| m.item_id == i.id && only.is_none_or(|d| d == m.department_id))
            .map(|m| public_measure(m, names, redactor, hidden))
            .collect::<Vec<_>>();
        let measures = match (measures.is_empty(), only) {
            (true, Some(d)) => vec![PublicMeasure {
                department: names.get(&d).cloned().unwrap_or_default(),
                status: "報告なし".into(),
                action: String::new(),
                done_on: String::new(),
            }],
            _ => measures,
        };
        PublicItem {
            number: i.number.clone(),
            grade: i.grade.to_string(),
            title: redactor.redact(&i.title, hidden),
            summary: redactor.redact(&i.summary, hidden),
            body: if with_text {
                redactor.redact(&i.body, hidden)
            } else {
                String::new()
            },
            measures,
        }
    };
    let general = report
        .general
        .iter()
        .map(|i| item(i, None, hidden))
        .collect();
    let sections = report
        .sections
        .iter()
        .map(|s| PublicSection {
            department: s.department.clone(),
            visited_on: s.visited_on.map(format_wareki).unwrap_or_default(),
            items: s
                .items
                .iter()
                .map(|i| item(i, Some(s.department_id), hidden))
                .collect(),
        })
        .collect();
    PublicAudit {
        tenant: report.tenant.clone(),
        heading: report.heading(),
        fiscal_year: year_label(report.fiscal_year),
        as_of: report.as_of.map(format_wareki).unwrap_or_default(),
        counts: report.counts.rows(),
        general,
        sections,
    }
}

fn public_measure(
    m: &Measure,
    names: &HashMap<i64, String>,
    redactor: &Redactor,
    hidden: &mut Vec<Hidden>,
) -> PublicMeasure {
    let input = &m.input;
    let text = match input.status {
        MeasureStatus::NotTaken => input.reason.clone().or_else(|| input.action.clone()),
        _ => input.action.clone(),
    };
    PublicMeasure {
        department: names.get(&m.department_id).cloned().unwrap_or_default(),
        status: input.status.label_ja().to_string(),
        action: redactor.redact(text.as_deref().unwrap_or_default(), hidden),
        done_on: input.done_on.map(format_wareki).unwrap_or_default(),
    }
}

/// The redactor of a tenant: the words of its ledgers, and `more`.
pub async fn load_redactor(
    db: &Db,
    scope: &Scope,
    more: Vec<(String, SensitiveKind)>,
) -> Result<Redactor, ReportError> {
    let mut terms = db.sensitive_terms(scope).await?;
    terms.extend(more);
    Ok(Redactor::new(terms))
}

/// An audit's summary (`with_text`) or measures-taken report, as it would be published
/// now, and what its redaction hides.
pub async fn load_public_audit(
    db: &Db,
    scope: &Scope,
    audit_id: &str,
    with_text: bool,
) -> Result<(PublicAudit, Vec<Hidden>), ReportError> {
    let report = AuditReport::load(db, scope, audit_id).await?;
    let audit_ref = db.audit_ref(scope, audit_id).await?;
    let items: Vec<_> = db
        .audit_items(scope, audit_ref)
        .await?
        .into_iter()
        .filter(|i| i.item.state == ItemState::Confirmed)
        .collect();
    let measures = db.audit_measures(scope, audit_ref).await?;
    let names = db
        .departments(scope)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let redactor = load_redactor(db, scope, rule_subjects(&items)).await?;
    let mut hidden = Vec::new();
    let audit = public_audit(
        &report,
        &measures,
        &names,
        &redactor,
        with_text,
        &mut hidden,
    );
    Ok((audit, hidden))
}

/// The subjects an audit's confirmed items' rule results name (asset tags, sites, media):
/// what a rule marked as the thing found wanting is not published.
pub fn rule_subjects(items: &[daicho_store::AuditItem]) -> Vec<(String, SensitiveKind)> {
    items
        .iter()
        .flat_map(|i| &i.item.evidence)
        .filter_map(|e| e.subject.clone())
        .map(|s| (s, SensitiveKind::RuleSubject))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new([
            ("PC-001".to_string(), SensitiveKind::AssetTag),
            ("PC-0012".to_string(), SensitiveKind::AssetTag),
            ("山田太郎".to_string(), SensitiveKind::StaffName),
            ("A".to_string(), SensitiveKind::Room),
            ("10".to_string(), SensitiveKind::AssetTag),
        ])
    }

    #[test]
    fn sensitive_words_and_addresses_are_masked_and_listed() {
        let mut hidden = Vec::new();
        let text = redactor().redact(
            "PC-0012 と PC-001 は山田太郎が 192.168.10.5 で使用。A棟。Windows 10.0.19045.1、2023.10.6。2010年",
            &mut hidden,
        );
        assert_eq!(
            text,
            "［非公開］ と ［非公開］ は［非公開］が ［非公開］ で使用。A棟。Windows 10.0.19045.1、2023.10.6。2010年"
        );
        let words: Vec<(&str, SensitiveKind)> =
            hidden.iter().map(|h| (h.word.as_str(), h.kind)).collect();
        assert_eq!(
            words,
            [
                ("192.168.10.5", SensitiveKind::IpAddress),
                ("PC-0012", SensitiveKind::AssetTag),
                ("PC-001", SensitiveKind::AssetTag),
                ("山田太郎", SensitiveKind::StaffName),
            ]
        );
    }

    #[test]
    fn an_address_ending_a_sentence_and_out_of_range_numbers() {
        let mut hidden = Vec::new();
        let r = Redactor::new([]);
        assert_eq!(
            r.redact("接続先は10.0.0.1.", &mut hidden),
            "接続先は［非公開］."
        );
        assert_eq!(
            r.redact("999.1.1.1 と 1.2.3", &mut hidden),
            "999.1.1.1 と 1.2.3"
        );
        assert_eq!(hidden.len(), 1);
    }

    #[test]
    fn a_body_reads_back_as_it_was_published() {
        let body = PublicBody::Policy(PublicPolicy {
            tenant: "サンプル市".into(),
            name: "基本方針".into(),
            kind: "基本方針".into(),
            text: "本市は…".into(),
        });
        assert_eq!(PublicBody::from_json_text(&body.to_json_text()), Some(body));
    }
}
