//! `import --replace` for the described ledgers: the rows a run did not name are removed,
//! each with a `delete` history entry holding what it was, unless another ledger still
//! refers to it.

use super::{Column, LEDGERS, Ledger};
use crate::StoreError;
use crate::history::Change;
use crate::import::ImportSession;
use crate::sql::Sql;
use serde_json::{Map, Value as Json};
use sqlx::Row;
use sqlx::any::AnyRow;

impl ImportSession {
    /// Removes the rows of `ledger` (within the scope) that no row of this run named, with
    /// a `delete` history entry each: `import --replace`. Rows other ledgers still refer to
    /// are not removed; they come back as the second list, (key, the referring ledger).
    pub async fn remove_unseen_rows(
        &mut self,
        ledger: &'static Ledger,
    ) -> Result<(Vec<String>, Vec<(String, &'static str)>), StoreError> {
        if !ledger.writable_by(&self.scope) {
            return Err(forbidden(ledger));
        }
        let tenant_id = self.scope.tenant_id;
        let seen = self.seen_rows.get(ledger.name).cloned().unwrap_or_default();
        let key_column = ledger
            .key
            .first()
            .and_then(|k| ledger.column(k))
            .map_or("id", |c| c.db);
        let mut sql = Sql::new(&format!(
            "SELECT id, {key_column} AS k FROM {} WHERE tenant_id = ",
            ledger.table
        ));
        sql.bind(tenant_id);
        if ledger.column("department").is_some() {
            self.scope.restrict(&mut sql, "department_id");
        }
        let mut doomed: Vec<(i64, String)> = Vec::new();
        for row in sql.fetch_all(&mut *self.tx).await? {
            let id: i64 = row.try_get("id")?;
            if !seen.contains(&id) {
                doomed.push((
                    id,
                    row.try_get::<Option<String>, _>("k")
                        .ok()
                        .flatten()
                        .unwrap_or_else(|| id.to_string()),
                ));
            }
        }
        let mut blocked: Vec<(String, &'static str)> = Vec::new();
        for other in LEDGERS {
            for c in other
                .columns
                .iter()
                .filter(|c| c.kind.target() == Some(ledger.name))
            {
                for chunk in doomed.chunks(400) {
                    let mut sql = Sql::new(&format!(
                        "SELECT DISTINCT {} AS r FROM {} WHERE tenant_id = ",
                        c.db, other.table
                    ));
                    sql.bind(tenant_id)
                        .push(&format!(" AND {} IN ", c.db))
                        .bind_list(chunk.iter().map(|(id, _)| *id));
                    for row in sql.fetch_all(&mut *self.tx).await? {
                        let id: i64 = row.try_get("r")?;
                        if let Some((_, key)) = chunk.iter().find(|(i, _)| *i == id) {
                            blocked.push((key.clone(), other.name));
                        }
                    }
                }
            }
        }
        doomed.retain(|(_, key)| !blocked.iter().any(|(b, _)| b == key));
        let mut removed = Vec::new();
        for (id, key) in doomed {
            let mut snapshot = Sql::new(&format!(
                "SELECT id, {} FROM {} WHERE id = ",
                ledger
                    .columns
                    .iter()
                    .flat_map(Column::stored)
                    .collect::<Vec<_>>()
                    .join(", "),
                ledger.table
            ));
            snapshot.bind(id);
            let row = snapshot.fetch_one(&mut *self.tx).await?;
            let before = Json::Object(self.snapshot_all(ledger, &row).await?);
            if ledger.table == "staff_members" {
                // A person who left: their staff account is disabled; any other account
                // of theirs keeps working but answers as no one.
                let mut sql = Sql::new(
                    "UPDATE users SET disabled = CASE WHEN role = 'staff' THEN 1 ELSE disabled END, staff_ref = NULL WHERE tenant_id = ",
                );
                sql.bind(tenant_id).push(" AND staff_ref = ").bind(id);
                sql.execute(&mut *self.tx).await?;
            }
            let mut sql = Sql::new(&format!("DELETE FROM {} WHERE tenant_id = ", ledger.table));
            sql.bind(tenant_id).push(" AND id = ").bind(id);
            sql.execute(&mut *self.tx).await?;
            let change = Change {
                tenant_id,
                entity: ledger.name,
                entity_id: Some(id),
                entity_key: &key,
                action: "delete",
                before: Some(&before),
                after: None,
            };
            self.record(&[change]).await?;
            removed.push(key);
        }
        removed.sort();
        Ok((removed, blocked))
    }

    /// Every column of a stored row, shown as the history shows values.
    async fn snapshot_all(
        &mut self,
        ledger: &Ledger,
        row: &AnyRow,
    ) -> Result<Map<String, Json>, StoreError> {
        let mut out = Map::new();
        for c in ledger.columns {
            let shown = self.shown(row, c).await?;
            out.insert(c.name.to_string(), shown);
        }
        Ok(out)
    }
}

/// The refusal of a write to a ledger the user may not write.
pub(crate) fn forbidden(ledger: &Ledger) -> StoreError {
    StoreError::Forbidden(format!(
        "台帳「{}」を変更する権限がありません",
        ledger.label
    ))
}
