//! One audit of one tenant: the tenant's rules (built-in ones with its settings, plus its
//! own), run on a snapshot as of a day, with waivers applied and the results sorted the way
//! the report lists them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use daicho_store::{Db, EolRow, Scope, Waiver};
use serde_json::Value as Json;

use crate::engine::{self, Target};
use crate::eol::{Catalogue, End, Product, Release};
use crate::report::{AuditReport, RuleFailure, RuleMeta, Summary, WaiverShown};
use crate::rule::{Grade, Rule};
use crate::snapshot::{RESULTS, Snapshot};
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
    /// Whether the rules also run on a second connection (another core).
    pub second_connection: bool,
}

impl AuditOptions {
    pub fn as_of(as_of: NaiveDate) -> AuditOptions {
        AuditOptions {
            as_of,
            rules: Vec::new(),
            departments: Vec::new(),
            include_passes: false,
            time_limit: Duration::from_secs(120),
            second_connection: true,
        }
    }
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
    let started = std::time::Instant::now();
    let snapshot = Snapshot::load(db, scope.tenant_id, &catalogue).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "snapshot loaded");
    // Resolve the departments before the rules run: a wrong --department fails at once.
    let departments = department_names(&snapshot)?;
    let visible = visible_departments(db, scope, &departments, &options.departments).await?;
    let as_of = options.as_of.to_string();
    let in_force: Vec<Waiver> = waivers
        .into_iter()
        .filter(|w| w.expires_on >= options.as_of)
        .collect();
    let report = AuditReport {
        rule_failures: Vec::new(),
        memo: Default::default(),
        tenant: tenant_code.to_string(),
        as_of,
        include_passes: options.include_passes,
        summary: Summary::default(),
        connections: 1,
        snapshot,
        rules: Vec::new(),
        department_names: departments
            .iter()
            .map(|(code, (name, _))| (code.clone(), name.clone()))
            .collect(),
        waivers: Vec::new(),
    };
    let options = options.clone();
    tokio::task::spawn_blocking(move || fill(report, chosen, &in_force, visible, &options))
        .await
        .map_err(|e| AuditError::Internal(e.to_string()))?
}

/// From this many rules an audit runs them on two connections: below it the second
/// connection costs more than it saves.
const PARALLEL_FROM: usize = 4;

/// Fills a connection's waivers in force and visible departments.
fn prepare_audit_tables(
    snapshot: &Snapshot,
    waived: &[(i64, &str, i64)],
    visible: Option<&BTreeSet<String>>,
) -> Result<(), AuditError> {
    let conn = &snapshot.conn;
    let mut add =
        conn.prepare("INSERT INTO temp.waivers (rule, subject, waiver) VALUES (?, ?, ?)")?;
    for (rule, subject, waiver) in waived {
        add.execute(rusqlite::params![rule, subject, waiver])?;
    }
    let mut show = conn.prepare("INSERT INTO temp.visible (code) VALUES (?)")?;
    for code in visible.into_iter().flatten() {
        show.execute([code])?;
    }
    Ok(())
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

/// Runs the rules in the report's order (grade, then rule id) on one or two rule
/// connections alike: each loads the waivers in force and the visible departments, takes
/// rules from one queue and writes its own results file; the report's connection then
/// attaches them all and reads them as one.
fn fill(
    mut report: AuditReport,
    mut chosen: Vec<ActiveRule>,
    waivers: &[Waiver],
    visible: Option<BTreeSet<String>>,
    options: &AuditOptions,
) -> Result<AuditReport, AuditError> {
    chosen.sort_by(|a, b| (a.grade, &a.rule.id).cmp(&(b.grade, &b.rule.id)));
    let mut waived: Vec<(i64, &str, i64)> = Vec::new();
    for w in waivers {
        if let Some(index) = chosen.iter().position(|r| r.rule.id == w.rule_id) {
            waived.push((index as i64, &w.subject, report.waivers.len() as i64));
            report.waivers.push(WaiverShown {
                justification: w.justification.clone(),
                approved_by: w.approved_by.clone(),
                expires_on: w.expires_on,
            });
        }
    }
    let started = std::time::Instant::now();
    let connections = if options.second_connection && chosen.len() >= PARALLEL_FROM {
        2
    } else {
        1
    };
    let rule_connections = (0..connections)
        .map(|i| report.snapshot.rule_connection(i))
        .collect::<Result<Vec<_>, _>>()?;
    tracing::debug!(elapsed = ?started.elapsed(), connections, "rule connections opened");
    report.connections = connections;
    let next = AtomicUsize::new(0);
    // Set by the first connection whose rule fails: the others take no further rule.
    let stop = AtomicBool::new(false);
    // (list, rule, count): each rule's results counted as soon as it has run, while they
    // are the last rows of its connection's table, instead of a scan of all at the end.
    let counts = std::sync::Mutex::new(Vec::<(i64, i64, i64)>::new());
    // (rule index, message) of the rules that could not be run.
    let failures = std::sync::Mutex::new(Vec::<(usize, String)>::new());
    let run_rules = |snapshot: &Snapshot| -> Result<(), AuditError> {
        prepare_audit_tables(snapshot, &waived, visible.as_ref())?;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(r) = chosen.get(index) else {
                return Ok(());
            };
            let started = std::time::Instant::now();
            let before: i64 = snapshot.conn.query_row(
                &format!("SELECT COALESCE(MAX(rowid), 0) FROM {RESULTS}.results"),
                [],
                |r| r.get(0),
            )?;
            let ran = engine::run(
                &r.rule,
                &r.params,
                snapshot,
                options.as_of,
                options.time_limit,
                Target {
                    rule_index: index,
                    keep_passes: options.include_passes,
                    every_department: visible.is_none(),
                },
            );
            // A rule whose check fails or runs out of time (a tenant's own rule, a
            // catalogue it did not expect) is left out with its reason; the others stand.
            if let Err(
                e @ (AuditError::Check { .. } | AuditError::TimedOut { .. } | AuditError::Rule(_)),
            ) = ran
            {
                tracing::warn!(rule = %r.rule.id, error = %e, "rule left out of the audit");
                snapshot.conn.execute(
                    &format!("DELETE FROM {RESULTS}.results WHERE rowid > ?"),
                    [before],
                )?;
                let message = match e {
                    AuditError::TimedOut { .. } => e.to_string(),
                    _ => "判定の SQL を実行できませんでした。規則の内容を確かめてください（詳しくはサーバーのログにあります）".to_string(),
                };
                failures
                    .lock()
                    .map_err(|_| AuditError::Internal("failures poisoned".into()))?
                    .push((index, message));
                continue;
            }
            ran?;
            let mut count = snapshot.conn.prepare_cached(&format!(
                "SELECT list, sum(n) FROM {RESULTS}.results WHERE rowid > ? GROUP BY list"
            ))?;
            let rows =
                count.query_map([before], |row| Ok((row.get(0)?, index as i64, row.get(1)?)))?;
            let rule_counts = rows.collect::<Result<Vec<_>, _>>()?;
            counts
                .lock()
                .map_err(|_| AuditError::Internal("counts poisoned".into()))?
                .extend(rule_counts);
            tracing::debug!(rule = %r.rule.id, elapsed = ?started.elapsed(), "rule checked");
        }
    };
    // A rule that fails ends the audit: the other connections take no further rule.
    let work = |snapshot: &Snapshot| {
        run_rules(snapshot)
            .and_then(|()| snapshot.hand_over())
            .inspect_err(|_| stop.store(true, Ordering::Relaxed))
    };
    let rules_started = std::time::Instant::now();
    let work = &work;
    // Each connection goes to a thread of its own and is closed there when its rules are
    // done, so that the report reads every row it wrote.
    let outcomes: Vec<Result<(), AuditError>> = std::thread::scope(|s| {
        let threads: Vec<_> = rule_connections
            .into_iter()
            .map(|c| s.spawn(move || work(&c)))
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|_| Err(AuditError::Internal("a rule thread panicked".into())))
            })
            .collect()
    });
    outcomes.into_iter().collect::<Result<(), _>>()?;
    report.snapshot = report.snapshot.with_results(connections)?;
    report.rules = chosen
        .iter()
        .map(|r| RuleMeta {
            id: r.rule.id.as_str().into(),
            title: r.rule.title.as_str().into(),
            clause: r.rule.clause.as_str().into(),
            subject_kind: r.rule.subject.as_str().into(),
            grade: r.grade,
            scope: r.rule.scope,
        })
        .collect();
    tracing::debug!(elapsed = ?rules_started.elapsed(), "rules done");
    let counts = counts
        .into_inner()
        .map_err(|_| AuditError::Internal("counts poisoned".into()))?;
    report.summarise(&counts);
    let mut failures = failures
        .into_inner()
        .map_err(|_| AuditError::Internal("failures poisoned".into()))?;
    failures.sort();
    report.rule_failures = failures
        .into_iter()
        .map(|(index, message)| RuleFailure {
            rule: chosen[index].rule.id.clone(),
            title: chosen[index].rule.title.clone(),
            message,
        })
        .collect();
    Ok(report)
}
