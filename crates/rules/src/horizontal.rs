//! The rule beside a horizontal check's answers: how many subjects the item's rule fails
//! for in each department asked (its own and those below it), so that an answer of
//! 該当なし where the rule fails stands out.

use std::collections::HashMap;

use daicho_store::Department;

use crate::drafting::visited_department;
use crate::{AuditError, AuditReport, Filter, List};

/// Failing subjects of `rule` per department of `asked` (codes), a finding of a department
/// below one counted for it — read from an audit already run (the findings pages' kept
/// audit, which holds every rule, so that the check's page runs no audit of its own).
pub fn failures_in(
    report: &AuditReport,
    departments: &[Department],
    rule: &str,
    asked: &[String],
) -> Result<HashMap<String, usize>, AuditError> {
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
    let filter = Filter {
        rule: Some(rule.to_string()),
        ..Filter::default()
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    report.for_each(List::Findings, &filter, |e| {
        if let Some(code) = e
            .department
            .as_deref()
            .and_then(|c| visited_department(c, asked, &parents))
        {
            *counts.entry(code).or_default() += 1;
        }
        Ok::<(), AuditError>(())
    })?;
    Ok(counts)
}
