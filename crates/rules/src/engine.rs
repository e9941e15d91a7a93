//! Runs rules' checks on a snapshot (which refuses anything but reading, see
//! `snapshot::seal`) and interrupts a check that runs past its time limit.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use serde_json::Value as Json;

use crate::AuditError;
use crate::report::List;
use crate::rule::Rule;
use crate::snapshot::{RESULTS, Snapshot};

/// A rule's verdict on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fail,
    Unknown,
    Pass,
}

/// Checks a rule's SQL against the snapshot schema: it must be exactly one read-only
/// statement, return the result columns, and use no parameter the rule does not define.
/// Then it is run once on `snapshot` (the empty schema, [`Snapshot::empty`], made for the
/// purpose), so that a check that fails only when run is refused before any audit.
pub fn validate(rule: &Rule, snapshot: &Snapshot) -> Result<(), AuditError> {
    prepare(rule, snapshot)?;
    let target = Target {
        rule_index: 0,
        keep_passes: true,
        every_department: true,
    };
    // The trial's rows stay in the snapshot's results: validate on a snapshot of no audit.
    run(
        rule,
        &rule.params,
        snapshot,
        daicho_store::today(),
        Duration::from_secs(10),
        target,
    )
}

/// Prepares a rule's check, refusing it (with a message for its author) unless it is
/// valid; tells whether it gives the optional `facts` column.
fn prepare(rule: &Rule, snapshot: &Snapshot) -> Result<bool, AuditError> {
    let refuse = |message: String| {
        AuditError::Rule(crate::rule::RuleError {
            origin: rule.origin.clone(),
            message,
        })
    };
    let stmt = snapshot.conn.prepare(&rule.check).map_err(|e| {
        refuse(format!(
            "check の SQL を受け付けられません（{}）: {e}",
            rule.id
        ))
    })?;
    if !stmt.readonly() {
        return Err(refuse(format!(
            "check はデータを変更できません（{}）",
            rule.id
        )));
    }
    // An audit runs the check inside parentheses: a second statement, a trailing `;` or an
    // unclosed comment (`/*`) would break out of them or swallow their end.
    if snapshot
        .conn
        .prepare(&format!("SELECT * FROM (\n{}\n) AS c", rule.check))
        .is_err()
    {
        return Err(refuse(format!(
            "check は1つの SELECT 文だけにしてください（{}）。末尾の「;」やその後の文、閉じていないコメント（/*）は使えません",
            rule.id
        )));
    }
    let names = stmt.column_names();
    for wanted in ["subject", "department", "outcome", "reason"] {
        if !names.contains(&wanted) {
            return Err(refuse(format!(
                "check の結果に列 {wanted} がありません（subject, department, outcome, reason が必要です）"
            )));
        }
    }
    let has_facts = names.contains(&"facts");
    for i in 1..=stmt.parameter_count() {
        let name = stmt.parameter_name(i).unwrap_or("?");
        let bare = name.trim_start_matches([':', '$', '@']);
        if bare != "as_of" && !rule.params.contains_key(bare) {
            return Err(refuse(format!(
                "check のパラメータ {name} が params にありません"
            )));
        }
    }
    Ok(has_facts)
}

/// Where one run of a check puts its results: the rule's place in the report's order,
/// whether passes keep their subject and reason, and whether every department is shown.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub rule_index: usize,
    pub keep_passes: bool,
    /// False when results are limited to the departments in `temp.visible`.
    pub every_department: bool,
}

/// Runs one rule (validating it first) with the given parameter values, as of `as_of`,
/// writing its results into the connection's results table without bringing them into
/// Rust: a full audit yields millions of rows.
pub fn run(
    rule: &Rule,
    params: &BTreeMap<String, Json>,
    snapshot: &Snapshot,
    as_of: NaiveDate,
    time_limit: Duration,
    target: Target,
) -> Result<(), AuditError> {
    let failed = |message: String| AuditError::Check {
        rule: rule.id.clone(),
        message,
    };
    // The check alone must prepare as one read-only SELECT with the result columns;
    // only then is it wrapped, so nothing in it can reach past the parentheses.
    let facts = if prepare(rule, snapshot)? {
        "CASE WHEN json_valid(c.facts) THEN c.facts END"
    } else {
        "NULL"
    };
    let Target {
        rule_index: idx,
        keep_passes,
        every_department,
    } = target;
    let every = every_department as i64;
    // Passes nobody asked to see are counted, not written: a large city has millions
    // of them, and writing them cost more than the checks. A function only this run
    // knows the name of counts them per department. It is given `w.rule` too, unused,
    // so the term is about the waivers as well and SQLite cannot push a copy of it down
    // into a check it runs as a subquery (a UNION ALL), which would count twice.
    let tally = (!keep_passes).then(PassTally::new);
    let shown = format!("{every} OR c.department IN (SELECT code FROM temp.visible)");
    let (keep, filter) = match &tally {
        None => (1, shown),
        Some(t) => (
            0,
            format!(
                "CASE WHEN NOT ({shown}) THEN 0 WHEN c.outcome IS NOT 'pass' THEN 1
                      ELSE {}(CAST(c.department AS TEXT), w.rule) END",
                t.function
            ),
        ),
    };
    let sql = format!(
        "INSERT INTO {results}.results (rule, list, subject, department, outcome, reason, facts, waiver)
         SELECT {idx},
                CASE WHEN c.outcome = 'pass' THEN {pass}
                     WHEN w.waiver IS NOT NULL THEN {waived}
                     WHEN c.outcome = 'fail' THEN {fail}
                     WHEN c.outcome = 'unknown' THEN {unknown} END,
                CASE WHEN c.outcome = 'pass' AND NOT {keep} THEN NULL ELSE CAST(c.subject AS TEXT) END,
                CAST(c.department AS TEXT),
                c.outcome,
                CASE WHEN c.outcome = 'pass' AND NOT {keep} THEN NULL ELSE CAST(c.reason AS TEXT) END,
                CASE WHEN c.outcome = 'pass' AND NOT {keep} THEN NULL ELSE {facts} END,
                w.waiver
         FROM (\n{check}\n) AS c
         LEFT JOIN temp.waivers AS w
                ON w.rule = {idx} AND w.subject = CAST(c.subject AS TEXT) AND c.outcome <> 'pass'
         WHERE {filter}",
        pass = List::Passes.code(),
        waived = List::Waived.code(),
        fail = List::Findings.code(),
        unknown = List::Unknown.code(),
        check = rule.check,
        results = RESULTS,
    );
    if let Some(t) = &tally {
        t.register(&snapshot.conn)
            .map_err(|e| failed(e.to_string()))?;
    }
    let mut stmt = snapshot
        .conn
        .prepare(&sql)
        .map_err(|e| failed(e.to_string()))?;
    for i in 1..=stmt.parameter_count() {
        let name = stmt.parameter_name(i).unwrap_or("").to_string();
        let bare = name.trim_start_matches([':', '$', '@']);
        let value = if bare == "as_of" {
            rusqlite::types::Value::Text(as_of.to_string())
        } else {
            match params.get(bare) {
                Some(Json::Number(n)) if n.is_i64() => {
                    rusqlite::types::Value::Integer(n.as_i64().unwrap_or(0))
                }
                Some(Json::Number(n)) => rusqlite::types::Value::Real(n.as_f64().unwrap_or(0.0)),
                Some(Json::String(s)) => rusqlite::types::Value::Text(s.clone()),
                _ => rusqlite::types::Value::Null,
            }
        };
        stmt.raw_bind_parameter(i, value)
            .map_err(|e| failed(e.to_string()))?;
    }
    let deadline = Instant::now() + time_limit;
    snapshot
        .conn
        .progress_handler(10_000, Some(move || Instant::now() > deadline));
    let result = stmt.raw_execute();
    snapshot.conn.progress_handler(0, None::<fn() -> bool>);
    drop(stmt);
    let result = match tally {
        Some(t) => {
            let removed = snapshot.conn.remove_function(&t.function, 2);
            result.and(removed).and_then(|()| t.write(snapshot, idx))
        }
        None => result.map(drop),
    };
    match result {
        Ok(()) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            Err(AuditError::TimedOut {
                rule: rule.id.clone(),
                seconds: time_limit.as_secs(),
            })
        }
        // `list` is NOT NULL: only an outcome other than pass/fail/unknown leaves it empty.
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(failed(format!(
                "outcome は pass / fail / unknown のどれかです（{} が返りました）",
                stray_outcome(rule, snapshot).unwrap_or_else(|| "NULL".into())
            )))
        }
        Err(e) => Err(failed(e.to_string())),
    }
}

/// The first outcome a check gave that is not pass, fail or unknown (for its author).
fn stray_outcome(rule: &Rule, snapshot: &Snapshot) -> Option<String> {
    let sql = format!(
        "SELECT quote(outcome) FROM (\n{}\n) WHERE outcome IS NULL OR outcome NOT IN ('pass', 'fail', 'unknown') LIMIT 1",
        rule.check
    );
    // Parameters stay unbound (NULL): enough to name the stray value in most checks.
    let mut stmt = snapshot.conn.prepare(&sql).ok()?;
    stmt.raw_query().next().ok()??.get(0).ok()
}

/// The passes of one run, counted per department (`None`: tenant-wide results) by a
/// function registered on the connection for that run.
struct PassTally {
    function: String,
    counts: Arc<Mutex<Counts>>,
}

#[derive(Default)]
struct Counts {
    by_department: HashMap<Box<[u8]>, u64>,
    tenant_wide: u64,
}

impl PassTally {
    fn new() -> PassTally {
        // Randomly keyed by the standard library: a check cannot guess the name.
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        PassTally {
            function: format!("daicho_pass_{nonce:016x}"),
            counts: Arc::default(),
        }
    }

    /// Registers the counting function; it returns 0, so a counted pass is not written.
    fn register(&self, conn: &Connection) -> rusqlite::Result<()> {
        let counts = Arc::clone(&self.counts);
        conn.create_scalar_function(&self.function, 2, FunctionFlags::SQLITE_UTF8, move |ctx| {
            let mut c = counts
                .lock()
                .map_err(|_| rusqlite::Error::UserFunctionError("tally poisoned".into()))?;
            match ctx.get_raw(0) {
                ValueRef::Text(d) => match c.by_department.get_mut(d) {
                    Some(n) => *n += 1,
                    None => {
                        c.by_department.insert(d.into(), 1);
                    }
                },
                _ => c.tenant_wide += 1,
            }
            Ok(0i64)
        })
    }

    /// Writes the counts as one row per department.
    fn write(self, snapshot: &Snapshot, rule_index: usize) -> rusqlite::Result<()> {
        let counts = std::mem::take(
            &mut *self
                .counts
                .lock()
                .map_err(|_| rusqlite::Error::UserFunctionError("tally poisoned".into()))?,
        );
        let mut add = snapshot.conn.prepare(&format!(
            "INSERT INTO {}.results (rule, list, department, outcome, n) VALUES (?, ?, ?, 'pass', ?)",
            RESULTS
        ))?;
        let (rule, list) = (rule_index as i64, List::Passes.code());
        for (department, n) in counts.by_department {
            let department = String::from_utf8_lossy(&department).into_owned();
            add.execute(rusqlite::params![rule, list, department, n as i64])?;
        }
        if counts.tenant_wide > 0 {
            add.execute(rusqlite::params![
                rule,
                list,
                None::<String>,
                counts.tenant_wide as i64
            ])?;
        }
        Ok(())
    }
}
