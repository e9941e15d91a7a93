//! One audit of one tenant: the tenant's rules (built-in ones with its settings, plus its
//! own), run on a snapshot as of a day, with waivers applied and the results sorted the way
//! the report lists them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use daicho_store::{Db, EolRow, Scope, Waiver};
use serde::Serialize;
use serde_json::Value as Json;
use serde_json::value::RawValue;

use crate::engine::{self, Outcome, Verdict};
use crate::eol::{Catalogue, End, Product, Release};
use crate::rule::{Grade, Rule, Scope as ReportScope};
use crate::snapshot::Snapshot;
use crate::{AuditError, builtin};

/// A rule as the tenant has it: default or changed grade and parameters.
#[derive(Debug, Clone)]
pub struct TenantRuleSet {
    pub rules: Vec<ActiveRule>,
}

#[derive(Debug, Clone)]
pub struct ActiveRule {
    pub rule: Rule,
    pub enabled: bool,
    pub grade: Grade,
    pub params: BTreeMap<String, Json>,
    /// Whether the tenant wrote this rule itself.
    pub own: bool,
}

impl ActiveRule {
    /// A rule as its file says: enabled, its grade, its parameters' defaults.
    fn with_defaults(rule: Rule, own: bool) -> ActiveRule {
        ActiveRule {
            grade: rule.grade,
            params: rule.params.clone(),
            enabled: true,
            own,
            rule,
        }
    }
}

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub as_of: NaiveDate,
    /// Only these rules (all enabled ones when empty).
    pub rules: Vec<String>,
    /// Only findings of these departments and their sub-departments (all when empty).
    pub departments: Vec<String>,
    /// Keep passes in the result.
    pub include_passes: bool,
    /// Each check is stopped after this long.
    pub time_limit: Duration,
}

impl AuditOptions {
    pub fn as_of(as_of: NaiveDate) -> AuditOptions {
        AuditOptions {
            as_of,
            rules: Vec::new(),
            departments: Vec::new(),
            include_passes: false,
            time_limit: Duration::from_secs(120),
        }
    }
}

/// One result of one rule about one subject.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    // Shared by every entry of a rule: a full audit holds millions of entries.
    pub rule: Arc<str>,
    pub title: Arc<str>,
    pub grade: Grade,
    pub scope: ReportScope,
    pub clause: Arc<str>,
    pub department: Option<String>,
    pub department_name: Option<Arc<str>>,
    pub subject_kind: Arc<str>,
    pub subject: String,
    pub outcome: Verdict,
    pub reason: String,
    /// The facts as the check gave them (a JSON object, kept as text until written out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverShown>,
}

impl Entry {
    /// The facts as a JSON value (for the screens).
    pub fn facts_value(&self) -> Option<Json> {
        self.facts
            .as_ref()
            .and_then(|f| serde_json::from_str(f.get()).ok())
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WaiverShown {
    pub justification: String,
    pub approved_by: String,
    pub expires_on: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct RuleSummary {
    pub rule: String,
    pub title: String,
    pub grade: Option<Grade>,
    pub fail: u64,
    pub unknown: u64,
    pub pass: u64,
    pub waived: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Summary {
    pub findings: u64,
    pub violations: u64,
    pub opinions: u64,
    pub unknown: u64,
    pub waived: u64,
    pub passes: u64,
    /// The report's count table: grade → scope → findings.
    pub table: BTreeMap<String, BTreeMap<String, u64>>,
    pub rules: Vec<RuleSummary>,
}

impl Summary {
    /// One cell of the count table: findings of `grade` in `scope`.
    pub fn count(&self, grade: Grade, scope: ReportScope) -> u64 {
        self.table
            .get(grade.code())
            .and_then(|row| row.get(scope.code()))
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub tenant: String,
    pub as_of: String,
    pub findings: Vec<Entry>,
    pub unknown: Vec<Entry>,
    pub waived: Vec<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes: Option<Vec<Entry>>,
    pub summary: Summary,
}

/// The lifecycle catalogue in force: bundled facts, overridden product by product by
/// what `daicho eol import` stored.
pub async fn catalogue(db: &Db) -> Result<Catalogue, AuditError> {
    let mut catalogue = Catalogue::bundled();
    let mut by_product: BTreeMap<String, Product> = BTreeMap::new();
    for r in db.eol_rows().await? {
        let p = by_product
            .entry(r.product.clone())
            .or_insert_with(|| Product {
                id: r.product.clone(),
                title: r.product_title.clone(),
                source: r.source.clone(),
                releases: Vec::new(),
            });
        let date = |s: &Option<String>| s.as_deref().and_then(crate::eol::parse_iso);
        p.releases.push(Release {
            cycle: r.cycle,
            label: r.label,
            codename: r.codename,
            release_date: date(&r.release_date),
            eol: End::parse_code(&r.eol).unwrap_or(End::Supported),
            eoes: date(&r.eoes),
        });
    }
    for p in by_product.into_values() {
        catalogue.insert(p);
    }
    Ok(catalogue)
}

/// Stores a refreshed product (from `daicho eol import`), replacing what was stored
/// about it; [`catalogue`] reads it back over the bundled facts.
pub async fn store_product(db: &Db, p: &Product) -> Result<usize, AuditError> {
    let now = daicho_store::now_text();
    let rows: Vec<EolRow> = p
        .releases
        .iter()
        .map(|r| EolRow {
            product: p.id.clone(),
            product_title: p.title.clone(),
            cycle: r.cycle.clone(),
            label: r.label.clone(),
            codename: r.codename.clone(),
            release_date: r.release_date.map(|d| d.to_string()),
            eol: r.eol.code(),
            eoes: r.eoes.map(|d| d.to_string()),
            source: p.source.clone(),
            imported_at: now.clone(),
        })
        .collect();
    db.replace_eol_product(&p.id, &rows).await?;
    Ok(rows.len())
}

/// The tenant's rules: built-in ones with its settings applied, then its own.
pub async fn tenant_rules(db: &Db, scope: &Scope) -> Result<TenantRuleSet, AuditError> {
    let settings = db.rule_settings(scope).await?;
    let mut rules: Vec<ActiveRule> = builtin::rules()?
        .into_iter()
        .map(|rule| ActiveRule::with_defaults(rule, false))
        .collect();
    for own in db.tenant_rules(scope).await? {
        let rule = Rule::parse(&own.source, &format!("団体の規則 {}", own.rule_id))?;
        rules.retain(|r| r.rule.id != rule.id);
        rules.push(ActiveRule::with_defaults(rule, true));
    }
    for s in settings {
        if let Some(r) = rules.iter_mut().find(|r| r.rule.id == s.rule_id) {
            r.enabled = s.enabled;
            if let Some(g) = s.grade.as_deref().and_then(Grade::parse) {
                r.grade = g;
            }
            for (k, v) in s.params {
                if r.params.contains_key(&k) {
                    r.params.insert(k, v);
                }
            }
        }
    }
    Ok(TenantRuleSet { rules })
}

/// Audits the tenant of `scope` (whose departments limit which results are shown).
pub async fn run_audit(
    db: &Db,
    scope: &Scope,
    tenant_code: &str,
    options: &AuditOptions,
) -> Result<AuditReport, AuditError> {
    let set = tenant_rules(db, scope).await?;
    let unknown_ids: Vec<&String> = options
        .rules
        .iter()
        .filter(|id| !set.rules.iter().any(|r| &r.rule.id == *id))
        .collect();
    if !unknown_ids.is_empty() {
        return Err(AuditError::UnknownRule(
            unknown_ids
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    let chosen: Vec<ActiveRule> = set
        .rules
        .into_iter()
        .filter(|r| {
            if options.rules.is_empty() {
                r.enabled
            } else {
                options.rules.contains(&r.rule.id)
            }
        })
        .collect();
    let waivers = db.waivers(scope).await?;
    let catalogue = catalogue(db).await?;
    let snapshot = Snapshot::load(db, scope.tenant_id, &catalogue).await?;
    // Resolve the departments before the rules run: a wrong --department fails at once.
    let departments = department_names(&snapshot)?;
    let visible = visible_departments(db, scope, &departments, &options.departments).await?;
    let options_c = options.clone();
    let runs = tokio::task::spawn_blocking(move || -> Result<_, AuditError> {
        let mut runs = Vec::with_capacity(chosen.len());
        for r in chosen {
            let (outcomes, passes) = engine::run(
                &r.rule,
                &r.params,
                &snapshot,
                options_c.as_of,
                options_c.time_limit,
                options_c.include_passes,
            )?;
            runs.push((r, outcomes, passes));
        }
        Ok(runs)
    })
    .await
    .map_err(|e| AuditError::Internal(e.to_string()))??;
    Ok(assemble(
        tenant_code,
        options,
        runs,
        &waivers,
        &departments,
        visible.as_ref(),
    ))
}

/// Department code → (name, parent code).
type Departments = HashMap<String, (Arc<str>, Option<String>)>;

/// The departments of the snapshot.
fn department_names(snapshot: &Snapshot) -> Result<Departments, AuditError> {
    let mut stmt = snapshot
        .conn
        .prepare("SELECT code, name, parent FROM departments")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (Arc::from(r.get::<_, String>(1)?), r.get(2)?),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The department codes whose results may be shown (None: all), from the user's scope
/// and the `--department` choice (each with its sub-departments).
async fn visible_departments(
    db: &Db,
    scope: &Scope,
    names: &Departments,
    chosen: &[String],
) -> Result<Option<BTreeSet<String>>, AuditError> {
    let mut visible: Option<BTreeSet<String>> = None;
    if scope.departments.is_some() {
        visible = Some(
            db.departments(scope)
                .await?
                .into_iter()
                .map(|d| d.code)
                .collect(),
        );
    }
    if !chosen.is_empty() {
        let unknown: Vec<&String> = chosen.iter().filter(|c| !names.contains_key(*c)).collect();
        if !unknown.is_empty() {
            return Err(AuditError::UnknownDepartment(
                unknown
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        let under: BTreeSet<String> = names
            .keys()
            .filter(|code| {
                let mut at = Some((*code).clone());
                while let Some(c) = at {
                    if chosen.contains(&c) {
                        return true;
                    }
                    at = names.get(&c).and_then(|(_, p)| p.clone());
                }
                false
            })
            .cloned()
            .collect();
        visible = Some(match visible {
            Some(v) => v.intersection(&under).cloned().collect(),
            None => under,
        });
    }
    Ok(visible)
}

fn assemble(
    tenant_code: &str,
    options: &AuditOptions,
    runs: Vec<(ActiveRule, Vec<Outcome>, u64)>,
    waivers: &[Waiver],
    departments: &Departments,
    visible: Option<&BTreeSet<String>>,
) -> AuditReport {
    let as_of = options.as_of.to_string();
    let mut report = AuditReport {
        tenant: tenant_code.to_string(),
        as_of: as_of.clone(),
        findings: Vec::new(),
        unknown: Vec::new(),
        waived: Vec::new(),
        passes: options.include_passes.then(Vec::new),
        summary: Summary::default(),
    };
    for (r, outcomes, passes) in runs {
        let (id, title, clause, kind): (Arc<str>, Arc<str>, Arc<str>, Arc<str>) = (
            r.rule.id.as_str().into(),
            r.rule.title.as_str().into(),
            r.rule.clause.as_str().into(),
            r.rule.subject.as_str().into(),
        );
        let mut rs = RuleSummary {
            rule: r.rule.id.clone(),
            title: r.rule.title.clone(),
            grade: Some(r.grade),
            ..RuleSummary::default()
        };
        // Passes dropped by the engine are counted whole; a department filter cannot
        // split them, so the count is kept only for the whole tenant.
        if visible.is_none() && !options.include_passes {
            rs.pass = passes;
        }
        for o in outcomes {
            if let (Some(v), Some(d)) = (visible, o.department.as_ref()) {
                if !v.contains(d) {
                    continue;
                }
            } else if visible.is_some() && o.department.is_none() {
                continue;
            }
            let waiver = (o.verdict != Verdict::Pass)
                .then(|| {
                    waivers.iter().find(|w| {
                        w.rule_id == r.rule.id && w.subject == o.subject && w.expires_on >= as_of
                    })
                })
                .flatten();
            let entry = Entry {
                rule: id.clone(),
                title: title.clone(),
                grade: r.grade,
                scope: r.rule.scope,
                clause: clause.clone(),
                department_name: o
                    .department
                    .as_ref()
                    .and_then(|d| departments.get(d))
                    .map(|(n, _)| n.clone()),
                department: o.department,
                subject_kind: kind.clone(),
                subject: o.subject,
                outcome: o.verdict,
                reason: o.reason,
                facts: o.facts,
                waiver: waiver.map(|w| WaiverShown {
                    justification: w.justification.clone(),
                    approved_by: w.approved_by.clone(),
                    expires_on: w.expires_on.clone(),
                }),
            };
            match (entry.outcome, entry.waiver.is_some()) {
                (_, true) => {
                    rs.waived += 1;
                    report.waived.push(entry);
                }
                (Verdict::Fail, false) => {
                    rs.fail += 1;
                    report.findings.push(entry);
                }
                (Verdict::Unknown, false) => {
                    rs.unknown += 1;
                    report.unknown.push(entry);
                }
                (Verdict::Pass, false) => {
                    rs.pass += 1;
                    if let Some(p) = report.passes.as_mut() {
                        p.push(entry);
                    }
                }
            }
        }
        report.summary.rules.push(rs);
    }
    let order = |e: &Entry| {
        (
            e.grade,
            e.rule.clone(),
            e.department.clone(),
            e.subject.clone(),
        )
    };
    report.findings.sort_by_key(order);
    report.unknown.sort_by_key(order);
    report.waived.sort_by_key(order);
    let s = &mut report.summary;
    s.findings = report.findings.len() as u64;
    s.violations = report
        .findings
        .iter()
        .filter(|e| e.grade == Grade::Violation)
        .count() as u64;
    s.opinions = s.findings - s.violations;
    s.unknown = report.unknown.len() as u64;
    s.waived = report.waived.len() as u64;
    s.passes = s.rules.iter().map(|r| r.pass).sum();
    for grade in [Grade::Violation, Grade::Opinion] {
        let row = s.table.entry(grade.code().to_string()).or_default();
        for scope in [ReportScope::General, ReportScope::Individual] {
            let n = report
                .findings
                .iter()
                .filter(|e| e.grade == grade && e.scope == scope)
                .count();
            row.insert(scope.code().to_string(), n as u64);
        }
    }
    report
}
