//! Reading a described ledger back as text cells — each value written so that importing
//! it again gives the same row (ISO dates, codes, keys of referenced rows).

use super::{Kind, LEDGERS, Ledger};
use crate::sql::Sql;
use crate::{Db, Scope, StoreError};
use sqlx::Row;
use std::collections::HashMap;

impl Db {
    /// Every row of `ledger` in `scope`, as text in the order of its columns, sorted by key.
    pub async fn ledger_rows(
        &self,
        scope: &Scope,
        ledger: &Ledger,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        let departments: HashMap<i64, String> = self
            .departments(&Scope::tenant(scope.tenant_id))
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let mut references: HashMap<&str, HashMap<i64, String>> = HashMap::new();
        for column in ledger.columns {
            if let Kind::Reference(target) = column.kind
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
                let rows = sql.query().fetch_all(self.pool()).await?;
                let map = rows
                    .iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("k")?)))
                    .collect::<Result<_, sqlx::Error>>()?;
                references.insert(target, map);
            }
        }
        let columns: Vec<&str> = ledger.columns.iter().map(|c| c.db).collect();
        let extra = if ledger.columns.iter().any(|c| c.kind == Kind::Ratio) {
            ", subcontract_share_unknown"
        } else {
            ""
        };
        let mut sql = Sql::new(&format!(
            "SELECT {}{extra} FROM {} WHERE tenant_id = ",
            columns.join(", "),
            ledger.table
        ));
        sql.bind(scope.tenant_id);
        if ledger.column("department").is_some() {
            scope.restrict(&mut sql, "department_id");
        }
        sql.push(" ORDER BY id");
        let rows = sql.query().fetch_all(self.pool()).await?;
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
                        if r.try_get::<i64, _>("subcontract_share_unknown")? != 0 {
                            Some("不明".to_string())
                        } else {
                            r.try_get::<Option<f64>, _>(c.db)?.map(|v| v.to_string())
                        }
                    }
                    Kind::Department => r
                        .try_get::<Option<i64>, _>(c.db)?
                        .and_then(|id| departments.get(&id).cloned()),
                    Kind::Reference(target) => r
                        .try_get::<Option<i64>, _>(c.db)?
                        .and_then(|id| references.get(target).and_then(|m| m.get(&id)).cloned()),
                    _ => r.try_get::<Option<String>, _>(c.db)?,
                };
                cells.push(text.unwrap_or_default());
            }
            out.push(cells);
        }
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
            crate::assets::ASSET_COLUMNS,
            crate::assets::ASSET_FROM
        ));
        sql.bind(scope.tenant_id)
            .push(" AND a.id > ")
            .bind(after_id);
        scope.restrict(&mut sql, "a.department_id");
        sql.push(&format!(" ORDER BY a.id LIMIT {limit}"));
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| crate::assets::asset_from_row(r).map_err(StoreError::from))
            .collect()
    }
}
