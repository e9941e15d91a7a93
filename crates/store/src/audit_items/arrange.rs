//! Rearranging an audit's items: rewriting one's scope, grade and text, moving it in the
//! auditor's order, and merging the same finding found in several departments into one.

use serde_json::json;
use sqlx::Row;

use super::{
    ItemState, ItemText, add_department, check_text, may_audit, not_found, record_item, scope_code,
    set_state,
};
use crate::sql::Sql;
use crate::{Actor, Db, Scope, StoreError};

impl Db {
    /// Rewrites an item's scope, grade and text (the auditor overriding the rule's
    /// defaults or wording), recorded with the fields that changed, before and after.
    pub async fn update_audit_item(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        text: &ItemText,
    ) -> Result<(), StoreError> {
        may_audit(scope)?;
        check_text(text)?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new(
            "SELECT scope, grade, title, summary, body, clause FROM audit_items WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            return Err(not_found());
        };
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        let new: [(&str, Option<&str>); 6] = [
            ("scope", Some(scope_code(text.scope))),
            ("grade", Some(&text.grade)),
            ("title", Some(&text.title)),
            ("summary", text.summary.as_deref()),
            ("body", text.body.as_deref()),
            ("clause", text.clause.as_deref()),
        ];
        for (column, value) in new {
            let old: Option<String> = row.try_get(column)?;
            if old.as_deref() != value {
                before.insert(column.into(), json!(old));
                after.insert(column.into(), json!(value));
            }
        }
        if after.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("UPDATE audit_items SET ");
        for (i, (column, value)) in new.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(column).push(" = ").bind(value.map(str::to_string));
        }
        sql.push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND id = ")
            .bind(item_id);
        sql.execute(&mut *tx).await?;
        record_item(
            &mut tx,
            actor,
            scope,
            (item_id, &text.title),
            "update",
            Some(&before.into()),
            &after.into(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves an item to place `to` (1 = first) among its audit's items, the ones between
    /// shifting by one; a place past the end is the end. Recorded with before and after.
    pub async fn move_audit_item(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        to: i64,
    ) -> Result<(), StoreError> {
        may_audit(scope)?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql =
            Sql::new("SELECT audit_ref, position, title FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            return Err(not_found());
        };
        let audit_ref: i64 = row.try_get("audit_ref")?;
        let from: i64 = row.try_get("position")?;
        let title: String = row.try_get("title")?;
        let mut sql =
            Sql::new("SELECT COALESCE(MAX(position), 0) AS n FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref);
        let last: i64 = sql.fetch_one(&mut *tx).await?.try_get("n")?;
        let to = to.clamp(1, last.max(1));
        if to == from {
            return Ok(());
        }
        // The items between the two places shift one towards the place left.
        let (shift, low, high) = if to < from {
            (" + 1", to, from - 1)
        } else {
            (" - 1", from + 1, to)
        };
        let mut sql = Sql::new("UPDATE audit_items SET position = position");
        sql.push(shift)
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref)
            .push(" AND position BETWEEN ")
            .bind(low)
            .push(" AND ")
            .bind(high);
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new("UPDATE audit_items SET position = ");
        sql.bind(to)
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND id = ")
            .bind(item_id);
        sql.execute(&mut *tx).await?;
        record_item(
            &mut tx,
            actor,
            scope,
            (item_id, &title),
            "update",
            Some(&json!({ "position": from })),
            &json!({ "position": to }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges `others` into `into` (the same finding in several departments, shown
    /// 「(共通)」): their departments and evidence move to `into`, and they are dropped,
    /// each change recorded. All must be items of one audit of the tenant.
    pub async fn merge_audit_items(
        &self,
        scope: &Scope,
        actor: &Actor,
        into: i64,
        others: &[i64],
    ) -> Result<(), StoreError> {
        may_audit(scope)?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut audits_of = Vec::new();
        for id in std::iter::once(&into).chain(others) {
            let mut sql = Sql::new("SELECT audit_ref, title FROM audit_items WHERE tenant_id = ");
            sql.bind(scope.tenant_id).push(" AND id = ").bind(*id);
            let Some(row) = sql.fetch_optional(&mut *tx).await? else {
                return Err(not_found());
            };
            audits_of.push((
                row.try_get::<i64, _>("audit_ref")?,
                row.try_get::<String, _>("title")?,
            ));
        }
        if audits_of.iter().any(|(a, _)| *a != audits_of[0].0) || others.contains(&into) {
            return Err(StoreError::invalid(
                "items",
                "同じ監査の、別々の結果・意見だけをまとめられます",
            ));
        }
        let before = item_departments(&mut tx, scope, into).await?;
        let mut after = before.clone();
        for (other, (_, title)) in others.iter().zip(audits_of.iter().skip(1)) {
            for department in item_departments(&mut tx, scope, *other).await? {
                if !after.contains(&department) {
                    add_department(&mut tx, scope, into, department).await?;
                    after.push(department);
                }
            }
            let mut sql = Sql::new("UPDATE audit_item_evidence SET item_ref = ");
            sql.bind(into)
                .push(" WHERE tenant_id = ")
                .bind(scope.tenant_id)
                .push(" AND item_ref = ")
                .bind(*other);
            sql.execute(&mut *tx).await?;
            set_state(&mut tx, scope, *other, ItemState::Dropped).await?;
            record_item(
                &mut tx,
                actor,
                scope,
                (*other, title),
                "update",
                None,
                &json!({ "state": ItemState::Dropped.code(), "merged_into": into }),
            )
            .await?;
        }
        record_item(
            &mut tx,
            actor,
            scope,
            (into, &audits_of[0].1),
            "update",
            Some(&json!({ "departments": before })),
            &json!({ "departments": after, "merged": others }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The departments item `id` was found in, in the order they were noted.
async fn item_departments(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT department_id FROM audit_item_departments WHERE tenant_id = ");
    sql.bind(scope.tenant_id)
        .push(" AND item_ref = ")
        .bind(id)
        .push(" ORDER BY id");
    sql.fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("department_id"))
        .collect()
}
