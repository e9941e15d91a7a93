//! Reading a described ledger back as text cells — each value written so that importing
//! it again gives the same row (ISO dates, codes, keys of referenced rows).

use super::{Column, Kind, LEDGERS, Ledger};
use crate::sql::Sql;
use crate::{Db, Scope, StoreError};
use sqlx::Row;
use std::collections::HashMap;

/// One page of a ledger for the screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    /// (id, cells in the order of the ledger's columns).
    pub rows: Vec<(i64, Vec<String>)>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Rows per page on screens.
pub const LEDGER_PAGE_SIZE: i64 = 50;

impl Ledger {
    /// Whether `scope` may see this ledger: a department-bound user sees only ledgers whose
    /// rows carry a department.
    pub fn visible_in(&self, scope: &Scope) -> bool {
        scope.departments.is_none() || self.column("department").is_some()
    }

    /// Whether `scope` may write this ledger: who writes ledgers writes them all; the
    /// auditor writes only the record of audits (`audits`, `audit_visits`).
    pub fn writable_by(&self, scope: &Scope) -> bool {
        scope.can_write || (may_record_audits(scope) && AUDIT_LEDGERS.contains(&self.name))
    }
}

/// The ledgers of the audit itself, which the auditor keeps.
pub const AUDIT_LEDGERS: &[&str] = &["audits", "audit_visits"];

/// Whether `scope` records audits over the whole tenant (auditor, 情報政策課, administrator).
pub fn may_record_audits(scope: &Scope) -> bool {
    scope.can_audit && scope.departments.is_none()
}

/// What to read.
enum Select<'a> {
    All,
    One(i64),
    Page { search: Option<&'a str>, page: i64 },
}

impl Db {
    /// Every row of `ledger` in `scope`, as text in the order of its columns, sorted by key.
    pub async fn ledger_rows(
        &self,
        scope: &Scope,
        ledger: &Ledger,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        let (rows, _) = self.read_ledger(scope, ledger, Select::All).await?;
        let mut out: Vec<Vec<String>> = rows.into_iter().map(|(_, cells)| cells).collect();
        let key_positions: Vec<usize> = ledger
            .key
            .iter()
            .filter_map(|k| ledger.columns.iter().position(|c| c.name == *k))
            .collect();
        out.sort_by(|a, b| {
            key_positions
                .iter()
                .map(|i| &a[*i])
                .cmp(key_positions.iter().map(|i| &b[*i]))
        });
        Ok(out)
    }

    /// One page of `ledger`, newest first, optionally only rows whose text columns
    /// contain every word of `search`.
    pub async fn ledger_page(
        &self,
        scope: &Scope,
        ledger: &Ledger,
        search: Option<&str>,
        page: i64,
    ) -> Result<LedgerPage, StoreError> {
        if !ledger.visible_in(scope) {
            return Err(StoreError::NotFound(ledger.label.to_string()));
        }
        let (rows, total) = self
            .read_ledger(scope, ledger, Select::Page { search, page })
            .await?;
        let pages = ((total + LEDGER_PAGE_SIZE - 1) / LEDGER_PAGE_SIZE).max(1);
        Ok(LedgerPage {
            rows,
            total,
            page: page.clamp(1, pages),
            pages,
        })
    }

    /// One row of `ledger` by id, if visible in `scope`.
    pub async fn ledger_row(
        &self,
        scope: &Scope,
        ledger: &Ledger,
        id: i64,
    ) -> Result<Vec<String>, StoreError> {
        if !ledger.visible_in(scope) {
            return Err(StoreError::NotFound(ledger.label.to_string()));
        }
        let (mut rows, _) = self.read_ledger(scope, ledger, Select::One(id)).await?;
        rows.pop()
            .map(|(_, cells)| cells)
            .ok_or_else(|| StoreError::NotFound(format!("{} {id}", ledger.label)))
    }

    async fn read_ledger(
        &self,
        scope: &Scope,
        ledger: &Ledger,
        select: Select<'_>,
    ) -> Result<(Vec<(i64, Vec<String>)>, i64), StoreError> {
        let departments: HashMap<i64, String> = self
            .departments(&Scope::tenant(scope.tenant_id))
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let mut references: HashMap<&str, HashMap<i64, String>> = HashMap::new();
        for column in ledger.columns {
            if let Some(target) = column.kind.target()
                && let Some(spec) = LEDGERS.iter().find(|l| l.name == target)
            {
                let key = spec
                    .key
                    .first()
                    .and_then(|k| spec.column(k))
                    .map_or("id", |c| c.db);
                let mut sql = Sql::new(&format!(
                    "SELECT id, {key} AS k FROM {} WHERE tenant_id = ",
                    spec.table
                ));
                sql.bind(scope.tenant_id);
                let rows = sql.fetch_all(self).await?;
                let map = rows
                    .iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("k")?)))
                    .collect::<Result<_, sqlx::Error>>()?;
                references.insert(target, map);
            }
        }
        let conditions = |sql: &mut Sql| {
            sql.bind(scope.tenant_id);
            if ledger.column("department").is_some() {
                scope.restrict(sql, "department_id");
            }
            match &select {
                Select::One(id) => {
                    sql.push(" AND id = ").bind(*id);
                }
                Select::Page {
                    search: Some(words),
                    ..
                } => {
                    let text_columns: Vec<&str> = ledger
                        .columns
                        .iter()
                        .filter(|c| matches!(c.kind, Kind::Text | Kind::Code))
                        .map(|c| c.db)
                        .collect();
                    for word in words.split_whitespace().take(5) {
                        sql.push(" AND (1 = 0");
                        for c in &text_columns {
                            sql.push(&format!(" OR LOWER(COALESCE({c}, ''))"))
                                .like_contains(word);
                        }
                        sql.push(")");
                    }
                }
                _ => {}
            }
        };
        let total = match select {
            Select::Page { .. } => {
                let mut count = Sql::new(&format!(
                    "SELECT COUNT(*) AS n FROM {} WHERE tenant_id = ",
                    ledger.table
                ));
                conditions(&mut count);
                count.fetch_one(self).await?.try_get("n")?
            }
            _ => 0,
        };
        let columns: Vec<String> = ledger.columns.iter().flat_map(Column::stored).collect();
        let mut sql = Sql::new(&format!(
            "SELECT id, {} FROM {} WHERE tenant_id = ",
            columns.join(", "),
            ledger.table
        ));
        conditions(&mut sql);
        match select {
            Select::Page { page, .. } => {
                let pages = ((total + LEDGER_PAGE_SIZE - 1) / LEDGER_PAGE_SIZE).max(1);
                let page = page.clamp(1, pages);
                sql.push(&format!(
                    " ORDER BY id DESC LIMIT {LEDGER_PAGE_SIZE} OFFSET {}",
                    (page - 1) * LEDGER_PAGE_SIZE
                ));
            }
            _ => {
                sql.push(" ORDER BY id");
            }
        }
        let rows = sql.fetch_all(self).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut cells = Vec::with_capacity(ledger.columns.len());
            for c in ledger.columns {
                let text = match c.kind {
                    Kind::Int | Kind::Yen | Kind::FiscalYear => {
                        r.try_get::<Option<i64>, _>(c.db)?.map(|v| v.to_string())
                    }
                    Kind::Bool => r
                        .try_get::<Option<i64>, _>(c.db)?
                        .map(|v| if v != 0 { "有" } else { "無" }.to_string()),
                    Kind::Ratio => {
                        if r.try_get::<i64, _>(format!("{}_unknown", c.db).as_str())? != 0 {
                            Some("不明".to_string())
                        } else {
                            r.try_get::<Option<f64>, _>(c.db)?.map(|v| v.to_string())
                        }
                    }
                    Kind::Department => r
                        .try_get::<Option<i64>, _>(c.db)?
                        .and_then(|id| departments.get(&id).cloned()),
                    Kind::Reference(_) | Kind::Location => {
                        r.try_get::<Option<i64>, _>(c.db)?.and_then(|id| {
                            let map = references.get(c.kind.target().unwrap_or_default())?;
                            map.get(&id).cloned()
                        })
                    }
                    _ => r.try_get::<Option<String>, _>(c.db)?,
                };
                cells.push(text.unwrap_or_default());
            }
            out.push((r.try_get("id")?, cells));
        }
        Ok((out, total))
    }

    /// Assets of `scope` after `after_id`, by id, at most `limit`: a streaming read for
    /// exports.
    pub async fn assets_after(
        &self,
        scope: &Scope,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<crate::Asset>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {} WHERE a.tenant_id = ",
            crate::assets::ASSET_COLUMNS.as_str(),
            crate::assets::ASSET_FROM
        ));
        sql.bind(scope.tenant_id)
            .push(" AND a.id > ")
            .bind(after_id);
        scope.restrict(&mut sql, "a.department_id");
        sql.push(&format!(" ORDER BY a.id LIMIT {limit}"));
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| crate::assets::asset_from_row(r).map_err(StoreError::from))
            .collect()
    }
}
