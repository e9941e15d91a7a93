//! Items drafted from an audit's rule results (監査の結果・意見の下書き): for each failing
//! rule, one draft of the audit as a whole when the rule is 総論, and one per visited
//! department it fails in when it is 個別 — a finding of a sub-department (奥山工場) goes to
//! the visited department it belongs to (環境部); findings of departments not visited are
//! left out. Grade and scope come from the rule as the tenant has it; the auditor
//! confirms, edits, merges or drops drafts, and nothing enters the report unconfirmed.

use std::collections::HashMap;

use daicho_domain::audit_item::ItemScope;
use daicho_store::{Actor, Db, Evidence, ItemState, NewAuditItem, Scope};

use crate::report::Entry;
use crate::rule::{Grade, Scope as RuleScope};
use crate::{AuditError, AuditOptions, List, run_audit};

/// Evidence rows kept per draft; the rest are counted in a note (the audit's results list
/// them all).
pub const EVIDENCE_PER_DRAFT: usize = 200;

/// A drafted item: the rule, the visited department (none for 総論), its findings.
#[derive(Debug, Clone)]
pub struct Draft {
    pub rule: String,
    pub title: String,
    pub clause: String,
    pub grade: Grade,
    pub scope: ItemScope,
    pub department: Option<String>,
    pub findings: Vec<Entry>,
}

/// The visited department `code` belongs to: itself, or the nearest one above it;
/// `None` when no department on its way up was visited. `parents` maps a department's
/// code to its parent's.
pub fn visited_department(
    code: &str,
    visits: &[String],
    parents: &HashMap<String, Option<String>>,
) -> Option<String> {
    let mut at = Some(code.to_string());
    // Bounded by the tree's depth; a cycle would be a broken tree, cut by the count.
    for _ in 0..=parents.len() {
        let here = at?;
        if visits.contains(&here) {
            return Some(here);
        }
        at = parents.get(&here).cloned().flatten();
    }
    None
}

/// Drafts from `findings` (in the report's order): 総論 drafts first in rule order, then
/// the 個別 ones by visit order and, within a department, rule order. `parents` maps a
/// department's code to its parent's. A 総論 rule in `both` (one the report also writes
/// up department by department, as 総2 and 個2 for ended OS support) is drafted both ways.
pub fn drafts(
    findings: &[Entry],
    visits: &[String],
    parents: &HashMap<String, Option<String>>,
    both: &[String],
) -> Vec<Draft> {
    let visited = |code: &str| visited_department(code, visits, parents);
    let mut general: Vec<Draft> = Vec::new();
    let mut individual: Vec<(usize, usize, Draft)> = Vec::new();
    let mut rule_order: Vec<&str> = Vec::new();
    for e in findings {
        if !rule_order.contains(&&*e.rule) {
            rule_order.push(&e.rule);
        }
        let rule_index = rule_order.iter().position(|r| *r == &*e.rule).unwrap_or(0);
        let draft = |department: Option<String>, scope: ItemScope| Draft {
            rule: e.rule.to_string(),
            title: e.title.to_string(),
            clause: e.clause.to_string(),
            grade: e.grade,
            scope,
            department,
            findings: Vec::new(),
        };
        if e.scope == RuleScope::General {
            if !general.iter().any(|d| d.rule == *e.rule) {
                general.push(draft(None, ItemScope::General));
            }
            if let Some(d) = general.iter_mut().find(|d| d.rule == *e.rule) {
                d.findings.push(e.clone());
            }
        }
        let by_department = e.scope == RuleScope::Individual || both.iter().any(|b| *b == *e.rule);
        if !by_department {
            continue;
        }
        let Some(department) = e.department.as_deref().and_then(visited) else {
            continue;
        };
        let visit = visits.iter().position(|v| *v == department).unwrap_or(0);
        let existing = individual
            .iter_mut()
            .find(|(_, _, d)| d.rule == *e.rule && d.department.as_deref() == Some(&department));
        match existing {
            Some((_, _, d)) => d.findings.push(e.clone()),
            None => {
                let mut d = draft(Some(department), ItemScope::Individual);
                d.findings.push(e.clone());
                individual.push((visit, rule_index, d));
            }
        }
    }
    individual.sort_by_key(|(visit, rule, _)| (*visit, *rule));
    general
        .into_iter()
        .chain(individual.into_iter().map(|(_, _, d)| d))
        .collect()
}

/// What drafting did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drafted {
    pub added: usize,
    /// Drafts of a rule and department the audit already has an item for.
    pub kept: usize,
}

/// Runs the tenant's rules as of the audit's as-of day and adds the drafts the audit does
/// not have yet (a rule and department it already has an item for, in any state, is not
/// drafted again).
pub async fn draft_audit_items(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    tenant_code: &str,
    audit_id: &str,
) -> Result<Drafted, AuditError> {
    let audit_ref = db.audit_ref(scope, audit_id).await?;
    let as_of = db
        .audit_as_of(scope, audit_ref)
        .await?
        .and_then(|d| daicho_domain::parse_date(&d).ok())
        .ok_or_else(|| {
            AuditError::Store(daicho_store::StoreError::invalid(
                "as_of",
                format!("監査「{audit_id}」の基準日が記録されていません"),
            ))
        })?;
    let visits = db.audit_visits(scope, audit_ref).await?;
    let departments = db.departments(scope).await?;
    let code_of: HashMap<i64, String> =
        departments.iter().map(|d| (d.id, d.code.clone())).collect();
    let id_of: HashMap<String, i64> = departments.iter().map(|d| (d.code.clone(), d.id)).collect();
    let parents: HashMap<String, Option<String>> = departments
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.parent_id.and_then(|p| code_of.get(&p).cloned()),
            )
        })
        .collect();
    // The audit's report is let go before the items are written.
    let findings = run_audit(db, scope, tenant_code, &AuditOptions::as_of(as_of))
        .await?
        .entries(List::Findings)?;
    // Built-in rules the report writes up both ways (総2 and 個2).
    let both: Vec<String> = crate::builtin::rules()?
        .into_iter()
        .filter(|r| {
            r.report_items.iter().any(|i| i.starts_with('総'))
                && r.report_items.iter().any(|i| i.starts_with('個'))
        })
        .map(|r| r.id)
        .collect();
    let existing = db.audit_items(scope, audit_ref).await?;
    let mut done = Drafted::default();
    for d in drafts(&findings, &visits, &parents, &both) {
        let department_id = d.department.as_deref().and_then(|c| id_of.get(c).copied());
        let has = existing.iter().any(|i| {
            i.item.rule_id.as_deref() == Some(d.rule.as_str())
                && i.item.scope == d.scope
                && department_id.is_none_or(|id| i.item.departments.contains(&id))
        });
        if has {
            done.kept += 1;
            continue;
        }
        db.add_audit_item(
            scope,
            actor,
            audit_ref,
            &new_item(&d, department_id, &id_of),
        )
        .await?;
        done.added += 1;
    }
    Ok(done)
}

fn new_item(d: &Draft, department_id: Option<i64>, id_of: &HashMap<String, i64>) -> NewAuditItem {
    let mut evidence: Vec<Evidence> = d
        .findings
        .iter()
        .take(EVIDENCE_PER_DRAFT)
        .map(|e| Evidence {
            kind: "rule_result".into(),
            rule_id: Some(e.rule.to_string()),
            subject: Some(e.subject.clone()),
            department_id: e.department.as_deref().and_then(|c| id_of.get(c).copied()),
            reason: Some(e.reason.clone()),
            facts: e.facts.as_ref().map(|f| f.get().to_string()),
            note: None,
        })
        .collect();
    if d.findings.len() > EVIDENCE_PER_DRAFT {
        evidence.push(Evidence {
            kind: "note".into(),
            rule_id: Some(d.rule.clone()),
            subject: None,
            department_id,
            reason: None,
            facts: None,
            note: Some(format!(
                "ほか {} 件（監査結果の一覧を参照）",
                d.findings.len() - EVIDENCE_PER_DRAFT
            )),
        });
    }
    NewAuditItem {
        scope: d.scope,
        grade: d.grade.code().to_string(),
        title: d.title.clone(),
        summary: None,
        body: None,
        clause: Some(d.clause.clone()).filter(|c| !c.is_empty()),
        rule_id: Some(d.rule.clone()),
        state: ItemState::Draft,
        departments: department_id.into_iter().collect(),
        evidence,
    }
}
