//! The rule beside a horizontal check's answers: how many subjects the item's rule fails
//! for in each department asked (its own and those below it), so that an answer of
//! 該当なし where the rule fails stands out.

use std::collections::HashMap;

use chrono::NaiveDate;
use daicho_store::{Db, Scope};

use crate::drafting::visited_department;
use crate::{AuditError, AuditOptions, List, run_audit};

/// Failing subjects of `rule` on `as_of` per department of `asked` (codes), a finding of a
/// department below one counted for it.
pub async fn failures_per_department(
    db: &Db,
    scope: &Scope,
    tenant_code: &str,
    rule: &str,
    as_of: NaiveDate,
    asked: &[String],
) -> Result<HashMap<String, usize>, AuditError> {
    let departments = db.departments(scope).await?;
    let code_of: HashMap<i64, String> =
        departments.iter().map(|d| (d.id, d.code.clone())).collect();
    let parents: HashMap<String, Option<String>> = departments
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.parent_id.and_then(|p| code_of.get(&p).cloned()),
            )
        })
        .collect();
    let options = AuditOptions {
        rules: vec![rule.to_string()],
        ..AuditOptions::as_of(as_of)
    };
    let findings = run_audit(db, scope, tenant_code, &options)
        .await?
        .entries(List::Findings)?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in findings {
        if let Some(code) = e
            .department
            .as_deref()
            .and_then(|c| visited_department(c, asked, &parents))
        {
            *counts.entry(code).or_default() += 1;
        }
    }
    Ok(counts)
}
