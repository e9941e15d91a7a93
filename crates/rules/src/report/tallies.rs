//! What an audit adds up: the summary (the report's count table, each rule's counts),
//! and the counts the screens ask of a report — per department, per value of a fact.

use rusqlite::types::Value as SqlValue;

use super::{AuditReport, DepartmentCount, Filter, List, RuleSummary, Summary};
use crate::AuditError;
use crate::rule::{Grade, Scope as ReportScope};

impl AuditReport {
    /// Per department (None: tenant-wide results), how many results fell in each list,
    /// for the rules `filter` keeps; sorted by department code.
    pub fn department_counts(&self, filter: &Filter) -> Result<Vec<DepartmentCount>, AuditError> {
        self.index()?;
        let sql = format!(
            "SELECT department, list, sum(n) FROM temp.tally WHERE 1 = 1{} \
             GROUP BY department, list ORDER BY department",
            self.rule_condition(filter)
        );
        if let Some(known) = self.memo.departments.borrow().get(&sql) {
            return Ok(known.clone());
        }
        let mut stmt = self.snapshot.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<DepartmentCount> = Vec::new();
        while let Some(row) = rows.next()? {
            let department: Option<String> = row.get(0)?;
            let (list, n): (i64, i64) = (row.get(1)?, row.get(2)?);
            if out.last().is_none_or(|c| c.department != department) {
                out.push(DepartmentCount {
                    name: department
                        .as_ref()
                        .and_then(|d| self.department_names.get(d))
                        .cloned(),
                    department,
                    ..DepartmentCount::default()
                });
            }
            if let Some(c) = out.last_mut() {
                let n = n as u64;
                match List::from_code(list) {
                    List::Findings => c.fail += n,
                    List::Unknown => c.unknown += n,
                    List::Waived => c.waived += n,
                    List::Passes => c.pass += n,
                }
            }
        }
        self.memo.departments.borrow_mut().insert(sql, out.clone());
        Ok(out)
    }

    /// How many results of `list` that `filter` lets through carry each value of the fact
    /// `key` (none: results without it), most first — e.g. end-of-life machines by network
    /// segment. `key` is a fact's name (letters, digits, `_`).
    pub fn counts_by_fact(
        &self,
        list: List,
        filter: &Filter,
        key: &str,
    ) -> Result<Vec<(Option<String>, u64)>, AuditError> {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT json_extract(facts, ?) AS v, sum(n) FROM {} WHERE list = ?{}",
            if self.memo.indexed.get() {
                "temp.ordered"
            } else {
                "all_results"
            },
            self.rule_condition(filter)
        );
        let mut values = vec![
            SqlValue::Text(format!("$.{key}")),
            SqlValue::Integer(list.code()),
        ];
        if let Some(d) = &filter.department {
            sql.push_str(" AND department = ?");
            values.push(SqlValue::Text(d.clone()));
        }
        sql.push_str(" GROUP BY v ORDER BY 2 DESC, v");
        let mut stmt = self.snapshot.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let value = match row.get::<_, SqlValue>(0)? {
                SqlValue::Text(t) => Some(t),
                SqlValue::Integer(i) => Some(i.to_string()),
                SqlValue::Real(r) => Some(r.to_string()),
                SqlValue::Null | SqlValue::Blob(_) => None,
            };
            out.push((value, row.get::<_, i64>(1)?.max(0) as u64));
        }
        Ok(out)
    }

    /// Adds up the counts of each rule's results, `(list, rule, count)`, into the summary.
    pub(crate) fn summarise(&mut self, counts: &[(i64, i64, i64)]) {
        let mut s = Summary {
            rules: self
                .rules
                .iter()
                .map(|r| RuleSummary {
                    rule: r.id.to_string(),
                    title: r.title.to_string(),
                    grade: Some(r.grade),
                    clause: r.clause.to_string(),
                    ..RuleSummary::default()
                })
                .collect(),
            ..Summary::default()
        };
        for &(list, rule, n) in counts {
            let (meta, rs) = (&self.rules[rule as usize], &mut s.rules[rule as usize]);
            let n = n as u64;
            match List::from_code(list) {
                List::Findings => {
                    rs.fail += n;
                    s.findings += n;
                    match meta.grade {
                        Grade::Violation => s.violations += n,
                        Grade::Opinion => s.opinions += n,
                    }
                }
                List::Unknown => {
                    rs.unknown += n;
                    s.unknown += n;
                }
                List::Waived => {
                    rs.waived += n;
                    s.waived += n;
                }
                List::Passes => {
                    rs.pass += n;
                    s.passes += n;
                }
            }
        }
        for grade in Grade::ALL {
            let row = s.table.entry(grade.code().to_string()).or_default();
            for scope in ReportScope::ALL {
                let n = self
                    .rules
                    .iter()
                    .zip(&s.rules)
                    .filter(|(m, _)| m.grade == grade && m.scope == scope)
                    .map(|(_, r)| r.fail)
                    .sum();
                row.insert(scope.code().to_string(), n);
            }
        }
        self.summary = s;
    }
}
