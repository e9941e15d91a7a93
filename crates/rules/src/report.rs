//! An audit's result: the summary (the report's count table and per-rule counts) held in
//! memory, the entries read on demand from the snapshot's results table in the report's
//! order (grade, rule, department, subject). A million-asset audit has millions of
//! entries; outputs and screens stream or page through them instead of holding them. A
//! report the screens page through is indexed once, on its first page (`index`): the
//! results in order and their counts, so that later pages and filters read no more than
//! they show.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::Value as Json;
use serde_json::value::RawValue;

use crate::AuditError;
use crate::engine::Verdict;
use crate::rule::{Grade, Scope as ReportScope};
use crate::snapshot::Snapshot;

mod tallies;

/// The columns an entry is read from, in [`AuditReport::entry`]'s order.
const COLUMNS: &str = "rule, subject, department, outcome, reason, facts, waiver";

/// The lists an audit sorts its results into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// Failed and not waived: the findings (指摘/意見).
    Findings,
    /// Data missing: shown, never counted as a pass.
    Unknown,
    /// Failed or unknown, but covered by a waiver in force.
    Waived,
    Passes,
}

impl List {
    /// The value of `results.list`.
    pub(crate) fn code(self) -> i64 {
        match self {
            List::Findings => 0,
            List::Unknown => 1,
            List::Waived => 2,
            List::Passes => 3,
        }
    }

    fn from_code(code: i64) -> List {
        match code {
            0 => List::Findings,
            1 => List::Unknown,
            2 => List::Waived,
            _ => List::Passes,
        }
    }
}

/// One result of one rule about one subject.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    // Shared by every entry of a rule.
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
    pub expires_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct RuleSummary {
    pub rule: String,
    pub title: String,
    pub grade: Option<Grade>,
    pub clause: String,
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
    /// How many results the audit put in `list`.
    pub fn in_list(&self, list: List) -> u64 {
        match list {
            List::Findings => self.findings,
            List::Unknown => self.unknown,
            List::Waived => self.waived,
            List::Passes => self.passes,
        }
    }

    /// One cell of the count table: findings of `grade` in `scope`.
    pub fn count(&self, grade: Grade, scope: ReportScope) -> u64 {
        self.table
            .get(grade.code())
            .and_then(|row| row.get(scope.code()))
            .copied()
            .unwrap_or(0)
    }
}

/// One department's results (the horizontal check of a rule, 横展開).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DepartmentCount {
    pub department: Option<String>,
    pub name: Option<Arc<str>>,
    pub fail: u64,
    pub unknown: u64,
    pub waived: u64,
    pub pass: u64,
}

impl DepartmentCount {
    /// How many of the department's results are in `list`.
    pub fn in_list(&self, list: List) -> u64 {
        match list {
            List::Findings => self.fail,
            List::Unknown => self.unknown,
            List::Waived => self.waived,
            List::Passes => self.pass,
        }
    }
}

/// What every entry of one rule shares; the rule's place in `AuditReport::rules` is its
/// number in the results table and its place in the report's order.
#[derive(Debug, Clone)]
pub(crate) struct RuleMeta {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub clause: Arc<str>,
    pub subject_kind: Arc<str>,
    pub grade: Grade,
    pub scope: ReportScope,
}

/// Which entries of a list to read (all when empty).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub rule: Option<String>,
    pub grade: Option<Grade>,
    pub scope: Option<ReportScope>,
    /// Exactly this department (not its sub-departments).
    pub department: Option<String>,
}

/// A rule that could not be run in an audit: the other rules' results stand, and the page
/// says which rule is missing and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleFailure {
    pub rule: String,
    pub title: String,
    /// In Japanese, for the rule's author.
    pub message: String,
}

pub struct AuditReport {
    /// Rules that failed or ran out of time (their results are left out).
    pub rule_failures: Vec<RuleFailure>,
    pub tenant: String,
    pub as_of: String,
    pub include_passes: bool,
    pub summary: Summary,
    /// How many connections ran the rules (2 when a second one took part).
    pub connections: usize,
    pub(crate) snapshot: Snapshot,
    pub(crate) rules: Vec<RuleMeta>,
    pub(crate) department_names: HashMap<String, Arc<str>>,
    pub(crate) waivers: Vec<WaiverShown>,
    /// Counts already read, by their query: a kept audit is read by many pages, and these
    /// scan every result (at 100,000 assets most of a page's time).
    pub(crate) memo: Memo,
}

/// Counts of a kept report, by query text. The report is read by one page at a time, so a
/// `RefCell` is enough.
#[derive(Default)]
pub(crate) struct Memo {
    totals: std::cell::RefCell<HashMap<String, u64>>,
    departments: std::cell::RefCell<HashMap<String, Vec<DepartmentCount>>>,
    /// Whether the report's index (`temp.ordered`, `temp.tally`) is filled.
    indexed: std::cell::Cell<bool>,
}

impl std::fmt::Debug for AuditReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditReport")
            .field("tenant", &self.tenant)
            .field("as_of", &self.as_of)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl AuditReport {
    /// Calls `each` for every entry of `list` that `filter` lets through, in report order.
    pub fn for_each<E: From<AuditError>>(
        &self,
        list: List,
        filter: &Filter,
        mut each: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        self.read(list, filter, None, &mut each)
    }

    /// Every entry of `list` (for tests and small tenants; outputs use [`Self::for_each`]).
    pub fn entries(&self, list: List) -> Result<Vec<Entry>, AuditError> {
        let mut out = Vec::new();
        self.for_each(list, &Filter::default(), |e| {
            out.push(e);
            Ok::<(), AuditError>(())
        })?;
        Ok(out)
    }

    /// Fills the report's index (see `snapshot::REPORT_TABLES`) once: one sort of every
    /// result, instead of one per page read (at a million assets, seconds each). The
    /// tally is added up while reading the sorted rows back in their order: a GROUP BY
    /// would sort them all again.
    fn index(&self) -> Result<(), AuditError> {
        if self.memo.indexed.get() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let conn = &self.snapshot.conn;
        conn.execute_batch(
            "INSERT INTO temp.ordered (rule, list, subject, department, outcome, reason, facts, waiver, n)
               SELECT rule, list, subject, department, outcome, reason, facts, waiver, n
               FROM all_results ORDER BY list, rule, department, subject;",
        )?;
        type Key = (i64, i64, Option<String>);
        let mut part: Option<(Key, i64, i64, i64)> = None;
        let mut insert = conn.prepare(
            "INSERT INTO temp.tally (list, rule, department, n, entries, first) VALUES (?, ?, ?, ?, ?, ?)",
        )?;
        let mut write = |(key, n, entries, first): (Key, i64, i64, i64)| {
            insert
                .execute(rusqlite::params![key.0, key.1, key.2, n, entries, first])
                .map(drop)
        };
        let mut read = conn
            .prepare("SELECT rowid, list, rule, department, n FROM temp.ordered ORDER BY rowid")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let key: Key = (row.get(1)?, row.get(2)?, row.get(3)?);
            let (id, n): (i64, i64) = (row.get(0)?, row.get(4)?);
            match &mut part {
                Some((k, sum, entries, _)) if *k == key => {
                    *sum += n;
                    *entries += 1;
                }
                _ => {
                    if let Some(done) = part.replace((key, n, 1, id)) {
                        write(done)?;
                    }
                }
            }
        }
        if let Some(done) = part {
            write(done)?;
        }
        self.memo.indexed.set(true);
        tracing::debug!(elapsed = ?started.elapsed(), "report indexed");
        Ok(())
    }

    /// One page of `list` and how many entries the filter lets through in all.
    pub fn page(
        &self,
        list: List,
        filter: &Filter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Entry>, u64), AuditError> {
        self.index()?;
        let (sql, values) = self.query(list, filter, "coalesce(sum(entries), 0)", "temp.tally");
        let memo_key = format!("{sql} {values:?}");
        let known = self.memo.totals.borrow().get(&memo_key).copied();
        let total = match known {
            Some(n) => n,
            None => {
                let n: i64 = self.snapshot.conn.query_row(
                    &sql,
                    rusqlite::params_from_iter(values),
                    |r| r.get(0),
                )?;
                self.memo.totals.borrow_mut().insert(memo_key, n as u64);
                n as u64
            }
        };
        let mut out = Vec::new();
        self.read(list, filter, Some((offset, limit)), &mut |e| {
            out.push(e);
            Ok::<(), AuditError>(())
        })?;
        Ok((out, total))
    }

    /// ` AND rule IN (...)` for the rules a filter keeps by id, grade or scope (empty
    /// when it keeps all). The numbers are the report's own, never user text.
    fn rule_condition(&self, filter: &Filter) -> String {
        if filter.rule.is_none() && filter.grade.is_none() && filter.scope.is_none() {
            return String::new();
        }
        let mut kept: Vec<String> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                filter.rule.as_deref().is_none_or(|id| *r.id == *id)
                    && filter.grade.is_none_or(|g| r.grade == g)
                    && filter.scope.is_none_or(|s| r.scope == s)
            })
            .map(|(i, _)| i.to_string())
            .collect();
        if kept.is_empty() {
            kept.push("-1".into());
        }
        format!(" AND rule IN ({})", kept.join(", "))
    }

    /// The rows of the index `filter` lets through, as runs of consecutive row ids in the
    /// report's order: the results of one list, rule and department are consecutive there
    /// (`tally.first`, `tally.entries`), so any filter is a series of them, and a page is
    /// read by row id from where its offset falls — no sort and no row stepped over
    /// (OFFSET stepped 1.7 million to the unknown list's last page).
    fn runs(&self, list: List, filter: &Filter) -> Result<Vec<(i64, u64)>, AuditError> {
        let (mut sql, values) = self.query(list, filter, "first, entries", "temp.tally");
        sql.push_str(" ORDER BY first");
        let mut stmt = self.snapshot.conn.prepare(&sql)?;
        let runs = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect::<Result<_, _>>()?;
        Ok(runs)
    }

    fn query(
        &self,
        list: List,
        filter: &Filter,
        columns: &str,
        table: &str,
    ) -> (String, Vec<SqlValue>) {
        let mut sql = format!("SELECT {columns} FROM {table} WHERE list = ?");
        let mut values = vec![SqlValue::Integer(list.code())];
        if list == List::Passes && !self.include_passes {
            // Only counted (see `engine::run`): there are no entries to list.
            sql.push_str(" AND 0");
        }
        sql.push_str(&self.rule_condition(filter));
        if let Some(d) = &filter.department {
            sql.push_str(" AND department = ?");
            values.push(SqlValue::Text(d.clone()));
        }
        (sql, values)
    }

    fn read<E: From<AuditError>>(
        &self,
        list: List,
        filter: &Filter,
        window: Option<(u64, u64)>,
        each: &mut dyn FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.memo.indexed.get() {
            let (mut skip, mut left) = window.unwrap_or((0, u64::MAX));
            let mut stmt = self
                .snapshot
                .conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM temp.ordered WHERE rowid >= ? ORDER BY rowid LIMIT ?"
                ))
                .map_err(AuditError::from)?;
            for (first, entries) in self.runs(list, filter)? {
                if left == 0 {
                    break;
                }
                if skip >= entries {
                    skip -= entries;
                    continue;
                }
                let take = (entries - skip).min(left);
                let start = first.saturating_add(skip as i64);
                let mut rows = stmt
                    .query(rusqlite::params![start, take as i64])
                    .map_err(AuditError::from)?;
                while let Some(row) = rows.next().map_err(AuditError::from)? {
                    each(self.entry(row).map_err(AuditError::from)?)?;
                }
                (skip, left) = (0, left - take);
            }
            return Ok(());
        }
        let (mut sql, values) = self.query(list, filter, COLUMNS, "all_results");
        sql.push_str(" ORDER BY list, rule, department, subject");
        if let Some((offset, limit)) = window {
            sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
        }
        let mut stmt = self.snapshot.conn.prepare(&sql).map_err(AuditError::from)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(values))
            .map_err(AuditError::from)?;
        while let Some(row) = rows.next().map_err(AuditError::from)? {
            let entry = self.entry(row).map_err(AuditError::from)?;
            each(entry)?;
        }
        Ok(())
    }

    fn entry(&self, row: &rusqlite::Row<'_>) -> Result<Entry, rusqlite::Error> {
        let index: i64 = row.get(0)?;
        let meta = &self.rules[index as usize];
        let department: Option<String> = row.get(2)?;
        let outcome = match row.get_ref(3)?.as_str()? {
            "fail" => Verdict::Fail,
            "unknown" => Verdict::Unknown,
            _ => Verdict::Pass,
        };
        let facts: Option<String> = row.get(5)?;
        let waiver: Option<i64> = row.get(6)?;
        Ok(Entry {
            rule: meta.id.clone(),
            title: meta.title.clone(),
            grade: meta.grade,
            scope: meta.scope,
            clause: meta.clause.clone(),
            department_name: department
                .as_ref()
                .and_then(|d| self.department_names.get(d))
                .cloned(),
            department,
            subject_kind: meta.subject_kind.clone(),
            subject: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
            outcome,
            reason: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
            facts: facts.and_then(|f| RawValue::from_string(f).ok()),
            waiver: waiver.and_then(|w| self.waivers.get(w as usize)).cloned(),
        })
    }
}

#[cfg(test)]
impl AuditReport {
    /// A report of results written straight into `snapshot`'s results table by a test.
    pub(crate) fn of_results(snapshot: Snapshot, rules: Vec<RuleMeta>) -> AuditReport {
        AuditReport {
            rule_failures: Vec::new(),
            memo: Default::default(),
            tenant: "990001".into(),
            as_of: "2023-10-06".into(),
            include_passes: false,
            summary: Default::default(),
            connections: 1,
            snapshot,
            rules,
            department_names: Default::default(),
            waivers: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
