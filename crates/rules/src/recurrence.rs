//! Measures the data contradicts (「措置済とされたが再発」): a department reported an item's
//! measure done, yet on a later day the rule the item rests on still fails for a subject
//! the item named in that department. The rules are run as of that day, only the rules the
//! reported items rest on.

use std::collections::HashSet;

use chrono::NaiveDate;
use daicho_store::{Db, ItemState, MeasureStatus, Scope};

use crate::{AuditError, AuditOptions, AuditReport, Filter, List, run_audit};

/// A measure reported done whose finding is still there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub item_id: i64,
    pub department_id: i64,
    pub rule: String,
    /// The subjects (備品番号, 契約番号 …) still failing, in the order of the item's evidence.
    pub subjects: Vec<String>,
}

/// What the measures reported done rest on: (item, department, rule, subject).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watched(Vec<(i64, i64, String, String)>);

impl Watched {
    /// The rules to run, each once.
    pub fn rules(&self) -> Vec<String> {
        let mut rules: Vec<String> = self.0.iter().map(|w| w.2.clone()).collect();
        rules.sort();
        rules.dedup();
        rules
    }

    /// The recurrences, given which (rule, subject) fail.
    pub fn contradicted(self, failing: &HashSet<(String, String)>) -> Vec<Recurrence> {
        let mut found: Vec<Recurrence> = Vec::new();
        for (item_id, department_id, rule, subject) in self.0 {
            if !failing.contains(&(rule.clone(), subject.clone())) {
                continue;
            }
            match found.iter_mut().find(|r| {
                r.item_id == item_id && r.department_id == department_id && r.rule == rule
            }) {
                Some(r) => r.subjects.push(subject),
                None => found.push(Recurrence {
                    item_id,
                    department_id,
                    rule,
                    subjects: vec![subject],
                }),
            }
        }
        found
    }
}

/// The failing (rule, subject) of `rules` in an audit already run (the web's kept audit).
pub fn failing_in(
    report: &AuditReport,
    rules: &[String],
) -> Result<HashSet<(String, String)>, AuditError> {
    let mut failing = HashSet::new();
    for rule in rules {
        let filter = Filter {
            rule: Some(rule.clone()),
            ..Filter::default()
        };
        report.for_each(List::Findings, &filter, |e| {
            failing.insert((e.rule.to_string(), e.subject));
            Ok::<(), AuditError>(())
        })?;
    }
    Ok(failing)
}

/// The measures of audit `audit_id` reported done that the rules contradict on `as_of`.
pub async fn recurrences(
    db: &Db,
    scope: &Scope,
    tenant_code: &str,
    audit_id: &str,
    as_of: NaiveDate,
) -> Result<Vec<Recurrence>, AuditError> {
    let watched = watched(db, scope, audit_id).await?;
    if watched.0.is_empty() {
        return Ok(Vec::new());
    }
    let options = AuditOptions {
        rules: watched.rules(),
        ..AuditOptions::as_of(as_of)
    };
    let report = run_audit(db, scope, tenant_code, &options).await?;
    let failing = failing_in(&report, &options.rules)?;
    Ok(watched.contradicted(&failing))
}

/// What the measures of audit `audit_id` reported done rest on.
pub async fn watched(db: &Db, scope: &Scope, audit_id: &str) -> Result<Watched, AuditError> {
    let audit_ref = db.audit_ref(scope, audit_id).await?;
    let items = db.audit_items(scope, audit_ref).await?;
    let done: Vec<_> = db
        .audit_measures(scope, audit_ref)
        .await?
        .into_iter()
        .filter(|m| m.input.status == MeasureStatus::Done)
        .collect();
    // (item, department, rule, subject) the item rests on, for the measures reported done.
    let mut watched: Vec<(i64, i64, String, String)> = Vec::new();
    let departments = db.departments(scope).await?;
    for m in &done {
        let Some(item) = items
            .iter()
            .find(|i| i.id == m.item_id && i.item.state == ItemState::Confirmed)
        else {
            continue;
        };
        let under = daicho_store::department_and_below(&departments, m.department_id);
        for e in &item.item.evidence {
            let (Some(rule), Some(subject)) = (&e.rule_id, &e.subject) else {
                continue;
            };
            // A 総論 item's evidence is the city's; a department's, the department's own.
            if item.item.departments.is_empty()
                || e.department_id.is_some_and(|d| under.contains(&d))
            {
                watched.push((m.item_id, m.department_id, rule.clone(), subject.clone()));
            }
        }
    }
    Ok(Watched(watched))
}
