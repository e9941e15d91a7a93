//! A risk-based proposal of which departments to audit (監査計画, 総4・総5): each section
//! scored from parts that are shown — years since its last internal audit, its open and
//! overdue items, what the rules find there today by grade, its My Number machines and
//! personal-data holdings, its end-of-life machines, the wrong answers of its latest
//! self-check — and placed in a fiscal year so that none goes longer than N years (the
//! tenant's cycle, default 5) without an internal audit. The weights are the tenant's
//! (`Db::plan_settings`); an adopted plan is kept by the store (`Db::adopt_audit_plan`).

use std::collections::HashMap;

use chrono::NaiveDate;
pub use daicho_domain::audit_plan::PlanWeights;
use daicho_store::{Db, ItemState, MeasureStatus, PlanSettings, Scope};

use crate::drafting::visited_department;
use crate::rule::Grade;
use crate::{AuditError, AuditOptions, AuditReport, Filter, List, run_audit};

/// One department's place in the plan, with the parts of its score.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentRisk {
    pub department_id: i64,
    pub code: String,
    pub name: String,
    /// The fiscal year of its last internal audit.
    pub last_audited: Option<i64>,
    pub years_since: i64,
    pub open_items: usize,
    pub overdue_items: usize,
    pub violations: usize,
    pub opinions: usize,
    pub my_number: bool,
    pub personal_data: usize,
    pub eol_machines: usize,
    /// Wrong answers in its latest self-check, in percentage points (none: nobody answered).
    pub self_check_wrong: Option<f64>,
    pub score: f64,
    /// The last fiscal year it may wait to: last audit + N (never audited: the cycle's last).
    pub due_year: i64,
    /// The fiscal year the plan puts it in.
    pub planned_year: i64,
}

/// The proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPlan {
    pub first_year: i64,
    pub cycle_years: i64,
    /// Departments a year (all within the cycle).
    pub per_year: usize,
    /// By planned year, then by score.
    pub departments: Vec<DepartmentRisk>,
    /// Over the cycle's last years: (fiscal year, departments audited, departments).
    pub coverage: Vec<(i64, usize, usize)>,
}

/// One finding as the plan counts it: its department, grade and whether it is an
/// end-of-life machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub department: Option<String>,
    pub grade: Grade,
    pub eol: bool,
}

/// The findings of an audit already run (the web's kept audit), as the plan counts them.
pub fn findings_of(report: &AuditReport) -> Result<Vec<Finding>, AuditError> {
    let mut out = Vec::new();
    report.for_each(List::Findings, &Filter::default(), |e| {
        out.push(Finding {
            department: e.department,
            grade: e.grade,
            eol: &*e.rule == "eol-software",
        });
        Ok::<(), AuditError>(())
    })?;
    Ok(out)
}

/// Proposes the plan from `first_year` on, as the data stands on `today`, running the
/// audit of `today` for what the rules find.
pub async fn propose(
    db: &Db,
    scope: &Scope,
    tenant_code: &str,
    today: NaiveDate,
    first_year: i64,
    settings: &PlanSettings,
) -> Result<AuditPlan, AuditError> {
    let report = run_audit(db, scope, tenant_code, &AuditOptions::as_of(today)).await?;
    let findings = findings_of(&report)?;
    drop(report);
    propose_from(db, scope, today, first_year, settings, &findings).await
}

/// Proposes the plan from `first_year` on, as the data stands on `today`, with what the
/// rules find today given (`findings_of`).
pub async fn propose_from(
    db: &Db,
    scope: &Scope,
    today: NaiveDate,
    first_year: i64,
    settings: &PlanSettings,
    findings: &[Finding],
) -> Result<AuditPlan, AuditError> {
    let cycle_years = settings.cycle_years.max(1);
    let weights = &settings.weights;
    let recipients = db.check_recipients(scope, today).await?;
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
    let sections: Vec<String> = recipients
        .iter()
        .filter_map(|id| code_of.get(id).cloned())
        .collect();
    let section_of = |code: &str| visited_department(code, &sections, &parents);
    // Internal audits' visits: (department code, fiscal year).
    let ledger_of = |name: &str| {
        daicho_store::ledgers::ledger(name).ok_or_else(|| {
            AuditError::Store(daicho_store::StoreError::NotFound(format!(
                "台帳 {name} がありません"
            )))
        })
    };
    // audits: audit_id, kind, fiscal_year, …; audit_visits: audit_id, department, …
    let audit_rows = db.ledger_rows(scope, ledger_of("audits")?).await?;
    let internal: HashMap<String, i64> = audit_rows
        .iter()
        .filter(|r| r[1] == "internal")
        .filter_map(|r| Some((r[0].clone(), r[2].parse().ok()?)))
        .collect();
    let visits = db.ledger_rows(scope, ledger_of("audit_visits")?).await?;
    let mut last: HashMap<String, i64> = HashMap::new();
    let mut audited_in: HashMap<i64, Vec<String>> = HashMap::new();
    for r in visits {
        let (Some(year), Some(section)) = (internal.get(&r[0]), section_of(&r[1])) else {
            continue;
        };
        let at = last.entry(section.clone()).or_insert(*year);
        *at = (*at).max(*year);
        let list = audited_in.entry(*year).or_default();
        if !list.contains(&section) {
            list.push(section);
        }
    }
    // Open and overdue items of every audit, by the sections they name.
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut overdue: HashMap<String, usize> = HashMap::new();
    let audit_ids: Vec<String> = audit_rows.iter().map(|r| r[0].clone()).collect();
    for audit_id in audit_ids {
        let audit_ref = db.audit_ref(scope, &audit_id).await?;
        let measures = db.audit_measures(scope, audit_ref).await?;
        for i in db.audit_items(scope, audit_ref).await? {
            if i.item.state != ItemState::Confirmed {
                continue;
            }
            for d in &i.item.departments {
                let done = measures.iter().any(|m| {
                    m.item_id == i.id
                        && m.department_id == *d
                        && m.input.status == MeasureStatus::Done
                });
                let Some(section) = code_of.get(d).and_then(|c| section_of(c)) else {
                    continue;
                };
                if !done {
                    *open.entry(section.clone()).or_default() += 1;
                    if i.due_on.is_some_and(|due| due < today) {
                        *overdue.entry(section).or_default() += 1;
                    }
                }
            }
        }
    }
    // What the rules find today.
    let mut violations: HashMap<String, usize> = HashMap::new();
    let mut opinions: HashMap<String, usize> = HashMap::new();
    let mut eol: HashMap<String, usize> = HashMap::new();
    for e in findings {
        let Some(section) = e.department.as_deref().and_then(section_of) else {
            continue;
        };
        match e.grade {
            Grade::Violation => *violations.entry(section.clone()).or_default() += 1,
            Grade::Opinion => *opinions.entry(section.clone()).or_default() += 1,
        }
        if e.eol {
            *eol.entry(section).or_default() += 1;
        }
    }
    // My Number machines and systems, personal-data holdings.
    let mut my_number: HashMap<String, bool> = HashMap::new();
    let mut personal: HashMap<String, usize> = HashMap::new();
    for (name, segment_column) in [
        ("systems", Some("network_segment")),
        ("data_holdings", None),
    ] {
        let Some(l) = daicho_store::ledgers::ledger(name) else {
            continue;
        };
        let department = l.columns.iter().position(|c| c.name == "department");
        let segment = segment_column.and_then(|s| l.columns.iter().position(|c| c.name == s));
        for r in db.ledger_rows(scope, l).await? {
            let Some(section) = department.and_then(|i| section_of(&r[i])) else {
                continue;
            };
            match segment {
                Some(s) if r[s] == "my_number" => {
                    my_number.insert(section, true);
                }
                Some(_) => {}
                None => *personal.entry(section).or_default() += 1,
            }
        }
    }
    for (code, n) in db.assets_in_segment(scope, "my_number").await? {
        if let Some(s) = section_of(&code).filter(|_| n > 0) {
            my_number.insert(s, true);
        }
    }
    let current = i64::from(daicho_domain::FiscalYear::of(today).0);
    let self_check = self_check_wrong(db, scope, current, &section_of).await?;
    let mut risks: Vec<DepartmentRisk> = recipients
        .iter()
        .filter_map(|id| departments.iter().find(|d| d.id == *id))
        .map(|d| {
            let code = d.code.clone();
            let last_audited = last.get(&code).copied();
            let years_since = last_audited.map_or(cycle_years + 1, |y| (current - y).max(0));
            let n = |m: &HashMap<String, usize>| m.get(&code).copied().unwrap_or(0);
            let risk = DepartmentRisk {
                department_id: d.id,
                name: d.name.clone(),
                last_audited,
                years_since,
                open_items: n(&open),
                overdue_items: n(&overdue),
                violations: n(&violations),
                opinions: n(&opinions),
                my_number: my_number.get(&code).copied().unwrap_or(false),
                personal_data: n(&personal),
                eol_machines: n(&eol),
                self_check_wrong: self_check.get(&code).copied(),
                score: 0.0,
                due_year: last_audited.map_or(first_year + cycle_years - 1, |y| {
                    (y + cycle_years).max(first_year)
                }),
                planned_year: first_year,
                code,
            };
            DepartmentRisk {
                score: score(&risk, weights),
                ..risk
            }
        })
        .collect();
    // Due first (none may wait past its due year), then the riskiest.
    risks.sort_by(|a, b| {
        a.due_year
            .cmp(&b.due_year)
            .then(b.score.total_cmp(&a.score))
            .then(a.code.cmp(&b.code))
    });
    let per_year = risks.len().div_ceil(cycle_years as usize).max(1);
    for (k, r) in risks.iter_mut().enumerate() {
        r.planned_year = first_year + (k / per_year) as i64;
    }
    risks.sort_by(|a, b| {
        a.planned_year
            .cmp(&b.planned_year)
            .then(b.score.total_cmp(&a.score))
            .then(a.code.cmp(&b.code))
    });
    let coverage = (first_year - cycle_years..first_year)
        .map(|y| (y, audited_in.get(&y).map_or(0, Vec::len), recipients.len()))
        .collect();
    Ok(AuditPlan {
        first_year,
        cycle_years,
        per_year,
        departments: risks,
        coverage,
    })
}

/// The score: each part times its weight.
pub fn score(r: &DepartmentRisk, w: &PlanWeights) -> f64 {
    r.years_since as f64 * w.per_year
        + r.open_items as f64 * w.per_open_item
        + r.overdue_items as f64 * w.per_overdue_item
        + r.violations as f64 * w.per_violation
        + r.opinions as f64 * w.per_opinion
        + if r.my_number { w.my_number } else { 0.0 }
        + r.personal_data as f64 * w.per_personal_data
        + r.eol_machines as f64 * w.per_eol_machine
        + r.self_check_wrong.unwrap_or(0.0) * w.per_self_check_point
}

/// Per section, the wrong answers of the latest self-check campaign of a fiscal year up to
/// `current`, in percentage points.
async fn self_check_wrong(
    db: &Db,
    scope: &Scope,
    current: i64,
    section_of: &impl Fn(&str) -> Option<String>,
) -> Result<HashMap<String, f64>, AuditError> {
    let campaigns = db.self_check_campaigns(scope.tenant_id).await?;
    let Some(latest) = campaigns
        .iter()
        .filter(|c| c.fiscal_year <= current)
        .max_by_key(|c| (c.fiscal_year, c.campaign.clone()))
    else {
        return Ok(HashMap::new());
    };
    let mut totals: HashMap<String, (i64, i64)> = HashMap::new();
    for c in db.self_check_counts(scope, &latest.campaign).await? {
        let Some(section) = c.department.as_deref().and_then(section_of) else {
            continue;
        };
        let t = totals.entry(section).or_default();
        t.0 += c.respondents;
        t.1 += c.correct;
    }
    Ok(totals
        .into_iter()
        .filter(|(_, (answers, _))| *answers > 0)
        .map(|(s, (answers, correct))| (s, 100.0 * (answers - correct) as f64 / answers as f64))
        .collect())
}
