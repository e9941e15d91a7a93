//! Runs rules' checks on a snapshot (which refuses anything but reading, see
//! `snapshot::seal`) and interrupts a check that runs past its time limit.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::AuditError;
use crate::rule::Rule;
use crate::snapshot::Snapshot;

/// A rule's verdict on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fail,
    Unknown,
    Pass,
}

/// One row a check yielded.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub subject: String,
    pub department: Option<String>,
    pub verdict: Verdict,
    pub reason: String,
    /// The facts the verdict used (a JSON object as text), when the check gives them.
    pub facts: Option<Box<serde_json::value::RawValue>>,
}

/// Where a prepared check puts each result column.
struct ResultColumns {
    subject: usize,
    department: usize,
    outcome: usize,
    reason: usize,
    facts: Option<usize>,
}

/// Checks a rule's SQL against the snapshot schema: it must read only, return the
/// result columns, and use no parameter the rule does not define.
pub fn validate(rule: &Rule, snapshot: &Snapshot) -> Result<(), AuditError> {
    prepare(rule, snapshot).map(drop)
}

/// Prepares a rule's check, refusing it (with a message for its author) unless it is valid.
fn prepare<'s>(
    rule: &Rule,
    snapshot: &'s Snapshot,
) -> Result<(rusqlite::Statement<'s>, ResultColumns), AuditError> {
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
    let at = |wanted: &str| {
        stmt.column_names().iter().position(|c| *c == wanted).ok_or_else(|| {
            refuse(format!(
                "check の結果に列 {wanted} がありません（subject, department, outcome, reason が必要です）"
            ))
        })
    };
    let columns = ResultColumns {
        subject: at("subject")?,
        department: at("department")?,
        outcome: at("outcome")?,
        reason: at("reason")?,
        facts: at("facts").ok(),
    };
    for i in 1..=stmt.parameter_count() {
        let name = stmt.parameter_name(i).unwrap_or("?");
        let bare = name.trim_start_matches([':', '$', '@']);
        if bare != "as_of" && !rule.params.contains_key(bare) {
            return Err(refuse(format!(
                "check のパラメータ {name} が params にありません"
            )));
        }
    }
    Ok((stmt, columns))
}

/// Runs one rule (validating it first) with the given parameter values, as of `as_of`.
pub fn run(
    rule: &Rule,
    params: &BTreeMap<String, Json>,
    snapshot: &Snapshot,
    as_of: NaiveDate,
    time_limit: Duration,
    keep_passes: bool,
) -> Result<(Vec<Outcome>, u64), AuditError> {
    let failed = |message: String| AuditError::Check {
        rule: rule.id.clone(),
        message,
    };
    let (mut stmt, columns) = prepare(rule, snapshot)?;
    let ResultColumns {
        subject,
        department,
        outcome,
        reason,
        facts,
    } = columns;
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
    let mut out = Vec::new();
    let mut passes = 0u64;
    let mut rows = stmt.raw_query();
    let result = loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break Ok(()),
            Err(e) => break Err(Stop::Sql(e)),
        };
        let verdict = match row.get_ref(outcome).ok().and_then(|v| v.as_str().ok()) {
            Some("fail") => Verdict::Fail,
            Some("unknown") => Verdict::Unknown,
            Some("pass") => Verdict::Pass,
            other => {
                break Err(Stop::Outcome(other.unwrap_or("NULL").to_string()));
            }
        };
        if verdict == Verdict::Pass {
            passes += 1;
            if !keep_passes {
                continue;
            }
        }
        let text = |i: usize| -> Option<String> {
            match row.get_ref(i).ok()? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                v => v.as_str().ok().map(str::to_string),
            }
        };
        out.push(Outcome {
            subject: text(subject).unwrap_or_default(),
            department: text(department),
            verdict,
            reason: text(reason).unwrap_or_default(),
            facts: facts
                .and_then(text)
                .and_then(|f| serde_json::from_str(&f).ok()),
        });
    };
    drop(rows);
    snapshot.conn.progress_handler(0, None::<fn() -> bool>);
    match result {
        Ok(()) => Ok((out, passes)),
        Err(Stop::Sql(rusqlite::Error::SqliteFailure(e, _)))
            if e.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            Err(AuditError::TimedOut {
                rule: rule.id.clone(),
                seconds: time_limit.as_secs(),
            })
        }
        Err(Stop::Sql(e)) => Err(failed(e.to_string())),
        Err(Stop::Outcome(v)) => Err(failed(format!(
            "outcome は pass / fail / unknown のどれかです（{v:?} が返りました）"
        ))),
    }
}

/// Why reading a check's rows stopped early.
enum Stop {
    Sql(rusqlite::Error),
    Outcome(String),
}
