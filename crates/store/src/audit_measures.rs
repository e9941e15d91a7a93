//! Measures taken (措置): after the report, each department an item names says what it did
//! or plans — done (措置済), in progress (措置中) or not taken (未措置, with the reason) — with
//! the day and the evidence: text, and the ledger rows that changed (the PC now retired).
//! 情報政策課 sets each item's due day; the items past it without every measure done are
//! overdue. A department's manager answers for its own departments only; 情報政策課 and the
//! administrator for any (a 総論 item is answered by the department that takes it on).

use chrono::NaiveDate;
use serde_json::json;
use sqlx::Row;

use crate::history::{Change, record};
use crate::ledgers::{Engine, ledger};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, ItemState, Scope, StoreError};

pub use daicho_domain::audit_item::MeasureStatus;

/// A ledger row a measure points at: the ledger's name and the row's key (備品番号 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLink {
    pub ledger: String,
    pub key: String,
}

/// What a department reports.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureInput {
    pub status: MeasureStatus,
    /// What was done, or is planned.
    pub action: Option<String>,
    /// Why none is taken (未措置).
    pub reason: Option<String>,
    /// The day it was done (措置済) or is planned for.
    pub done_on: Option<NaiveDate>,
    pub evidence: Option<String>,
    pub links: Vec<LedgerLink>,
}

/// A measure as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: i64,
    pub item_id: i64,
    pub department_id: i64,
    pub input: MeasureInput,
}

/// A confirmed item with a department whose measure is not done (overdue once its due day
/// has passed).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenItem {
    pub audit_id: String,
    pub item_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    /// The departments still to report it done.
    pub pending: Vec<i64>,
}

fn opt(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn check(input: &MeasureInput) -> Result<(), StoreError> {
    match input.status {
        MeasureStatus::NotTaken if opt(&input.reason).is_none() => Err(StoreError::invalid(
            "reason",
            "未措置のときは、その理由を入力してください",
        )),
        MeasureStatus::Done | MeasureStatus::InProgress if opt(&input.action).is_none() => {
            Err(StoreError::invalid(
                "action",
                "行った措置（または予定している措置）を入力してください",
            ))
        }
        MeasureStatus::Done if input.done_on.is_none() => Err(StoreError::invalid(
            "done_on",
            "措置済のときは、措置した日を入力してください",
        )),
        _ => Ok(()),
    }
}

impl Db {
    /// Records (or replaces) the measure `department_id` reports for confirmed item
    /// `item_id`, with its links, recorded with before and after.
    pub async fn record_measure(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        department_id: i64,
        input: &MeasureInput,
    ) -> Result<i64, StoreError> {
        if !scope.can_write || !scope.covers(department_id) {
            return Err(StoreError::Forbidden(
                "措置を報告できるのは、その所属の所属長（管理者）・情報政策課・管理者です".into(),
            ));
        }
        check(input)?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("SELECT title, scope, state FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(item) = sql.fetch_optional(&mut *tx).await? else {
            return Err(StoreError::NotFound(
                "その監査の結果・意見はありません".into(),
            ));
        };
        let title: String = item.try_get("title")?;
        if item.try_get::<String, _>("state")? != ItemState::Confirmed.code() {
            return Err(StoreError::invalid(
                "item",
                "措置を報告できるのは、確定した監査の結果・意見だけです",
            ));
        }
        let general = item.try_get::<String, _>("scope")? == "general";
        let mut sql =
            Sql::new("SELECT COUNT(*) AS n FROM audit_item_departments WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND item_ref = ")
            .bind(item_id)
            .push(" AND department_id = ")
            .bind(department_id);
        let named: i64 = sql.fetch_one(&mut *tx).await?.try_get("n")?;
        if !general && named == 0 {
            return Err(StoreError::invalid(
                "department",
                "この結果・意見で名指しされた所属ではありません",
            ));
        }
        for link in &input.links {
            check_link(&mut tx, scope, link).await?;
        }
        let mut sql = Sql::new(
            "SELECT id, status, action, reason, done_on, evidence FROM audit_measures WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND item_ref = ")
            .bind(item_id)
            .push(" AND department_id = ")
            .bind(department_id);
        let old = sql.fetch_optional(&mut *tx).await?;
        let values = [
            Value::from(input.status.code()),
            opt(&input.action).into(),
            opt(&input.reason).into(),
            input.done_on.map(|d| d.to_string()).into(),
            opt(&input.evidence).into(),
        ];
        let after = json!({
            "department_id": department_id,
            "status": input.status.code(),
            "action": opt(&input.action),
            "reason": opt(&input.reason),
            "done_on": input.done_on.map(|d| d.to_string()),
            "evidence": opt(&input.evidence),
            "links": input.links.iter().map(|l| format!("{}:{}", l.ledger, l.key)).collect::<Vec<_>>(),
        });
        let (id, before) = match old {
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                let before = json!({
                    "department_id": department_id,
                    "status": row.try_get::<String, _>("status")?,
                    "action": row.try_get::<Option<String>, _>("action")?,
                    "reason": row.try_get::<Option<String>, _>("reason")?,
                    "done_on": row.try_get::<Option<String>, _>("done_on")?,
                    "evidence": row.try_get::<Option<String>, _>("evidence")?,
                });
                let mut sql = Sql::new("UPDATE audit_measures SET ");
                for (i, (column, value)) in ["status", "action", "reason", "done_on", "evidence"]
                    .into_iter()
                    .zip(values)
                    .enumerate()
                {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.push(column).push(" = ").bind(value);
                }
                sql.push(" WHERE tenant_id = ")
                    .bind(scope.tenant_id)
                    .push(" AND id = ")
                    .bind(id);
                sql.execute(&mut *tx).await?;
                let mut sql = Sql::new("DELETE FROM audit_measure_links WHERE tenant_id = ");
                sql.bind(scope.tenant_id)
                    .push(" AND measure_ref = ")
                    .bind(id);
                sql.execute(&mut *tx).await?;
                (id, Some(before))
            }
            None => {
                let mut sql = Sql::insert(
                    "audit_measures",
                    &[
                        "tenant_id",
                        "item_ref",
                        "department_id",
                        "status",
                        "action",
                        "reason",
                        "done_on",
                        "evidence",
                    ],
                );
                sql.push("(")
                    .bind_all(
                        [
                            Value::from(scope.tenant_id),
                            item_id.into(),
                            department_id.into(),
                        ]
                        .into_iter()
                        .chain(values),
                    )
                    .push(") RETURNING id");
                (sql.fetch_one(&mut *tx).await?.try_get("id")?, None)
            }
        };
        for link in &input.links {
            let mut sql = Sql::insert(
                "audit_measure_links",
                &["tenant_id", "measure_ref", "ledger", "row_key"],
            );
            sql.bind_list([
                Value::from(scope.tenant_id),
                id.into(),
                link.ledger.as_str().into(),
                link.key.trim().into(),
            ]);
            sql.execute(&mut *tx).await?;
        }
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_measures",
                entity_id: Some(id),
                entity_key: &title,
                action: if before.is_some() { "update" } else { "create" },
                before: before.as_ref(),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets (or clears) the day item `item_id`'s measures are due (情報政策課・管理者).
    pub async fn set_item_due(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        due_on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(StoreError::Forbidden(
                "措置の期限を決められるのは情報政策課と管理者です".into(),
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("SELECT title, due_on FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            return Err(StoreError::NotFound(
                "その監査の結果・意見はありません".into(),
            ));
        };
        let (title, before): (String, Option<String>) =
            (row.try_get("title")?, row.try_get("due_on")?);
        let after = due_on.map(|d| d.to_string());
        if before == after {
            return Ok(());
        }
        let mut sql = Sql::new("UPDATE audit_items SET due_on = ");
        sql.bind(after.clone())
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND id = ")
            .bind(item_id);
        sql.execute(&mut *tx).await?;
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_items",
                entity_id: Some(item_id),
                entity_key: &title,
                action: "update",
                before: Some(&json!({ "due_on": before })),
                after: Some(&json!({ "due_on": after })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The measures reported on audit `audit_ref`'s items (a department's manager: its own
    /// departments' only).
    pub async fn audit_measures(
        &self,
        scope: &Scope,
        audit_ref: i64,
    ) -> Result<Vec<Measure>, StoreError> {
        let mut sql = Sql::new(
            "SELECT m.id, m.item_ref, m.department_id, m.status, m.action, m.reason, m.done_on, \
             m.evidence FROM audit_measures m \
             JOIN audit_items i ON i.id = m.item_ref AND i.tenant_id = m.tenant_id \
             WHERE m.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND i.audit_ref = ")
            .bind(audit_ref);
        scope.restrict(&mut sql, "m.department_id");
        sql.push(" ORDER BY i.position, m.id");
        let mut measures = Vec::new();
        for r in sql.fetch_all(self).await? {
            let status: String = r.try_get("status")?;
            let done_on: Option<String> = r.try_get("done_on")?;
            measures.push(Measure {
                id: r.try_get("id")?,
                item_id: r.try_get("item_ref")?,
                department_id: r.try_get("department_id")?,
                input: MeasureInput {
                    status: MeasureStatus::parse(&status).unwrap_or(MeasureStatus::NotTaken),
                    action: r.try_get("action")?,
                    reason: r.try_get("reason")?,
                    done_on: done_on.and_then(|d| daicho_domain::parse_date(&d).ok()),
                    evidence: r.try_get("evidence")?,
                    links: Vec::new(),
                },
            });
        }
        let mut sql = Sql::new(
            "SELECT l.measure_ref, l.ledger, l.row_key FROM audit_measure_links l \
             JOIN audit_measures m ON m.id = l.measure_ref AND m.tenant_id = l.tenant_id \
             JOIN audit_items i ON i.id = m.item_ref AND i.tenant_id = m.tenant_id \
             WHERE l.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND i.audit_ref = ")
            .bind(audit_ref)
            .push(" ORDER BY l.id");
        for r in sql.fetch_all(self).await? {
            let measure: i64 = r.try_get("measure_ref")?;
            if let Some(m) = measures.iter_mut().find(|m| m.id == measure) {
                m.input.links.push(LedgerLink {
                    ledger: r.try_get("ledger")?,
                    key: r.try_get("row_key")?,
                });
            }
        }
        Ok(measures)
    }

    /// Confirmed items of the tenant's audits past their due day on `today` with a
    /// department that has not reported them done (情報政策課's list), oldest due first.
    pub async fn overdue_items(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<OpenItem>, StoreError> {
        Ok(self
            .open_items(scope)
            .await?
            .into_iter()
            .filter(|i| i.due_on < today)
            .collect())
    }

    /// Confirmed items with a department in the scope that has not reported them done (a
    /// 総論 item: until anyone has), each with its due day (`NaiveDate::MAX` when none is
    /// set), oldest due first.
    pub async fn open_items(&self, scope: &Scope) -> Result<Vec<OpenItem>, StoreError> {
        let mut sql = Sql::new(
            "SELECT i.id, i.title, i.due_on, i.scope, a.audit_id FROM audit_items i \
             JOIN audits a ON a.id = i.audit_ref AND a.tenant_id = i.tenant_id \
             WHERE i.tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" AND i.state = 'confirmed'");
        let mut open = Vec::new();
        for r in sql.fetch_all(self).await? {
            let item_id: i64 = r.try_get("id")?;
            let due_on = r
                .try_get::<Option<String>, _>("due_on")?
                .and_then(|d| daicho_domain::parse_date(&d).ok())
                .unwrap_or(NaiveDate::MAX);
            let general = r.try_get::<String, _>("scope")? == "general";
            // Who must answer: the item's departments (a 総論 item: whoever took it on).
            let mut sql = Sql::new(
                "SELECT d.department_id, m.status FROM audit_item_departments d \
                 LEFT JOIN audit_measures m ON m.item_ref = d.item_ref \
                   AND m.department_id = d.department_id AND m.tenant_id = d.tenant_id \
                 WHERE d.tenant_id = ",
            );
            sql.bind(scope.tenant_id)
                .push(" AND d.item_ref = ")
                .bind(item_id)
                .push(" ORDER BY d.id");
            let mut pending: Vec<i64> = Vec::new();
            for d in sql.fetch_all(self).await? {
                let status: Option<String> = d.try_get("status")?;
                if status.as_deref() != Some(MeasureStatus::Done.code()) {
                    pending.push(d.try_get("department_id")?);
                }
            }
            if general {
                let mut sql =
                    Sql::new("SELECT COUNT(*) AS n FROM audit_measures WHERE tenant_id = ");
                sql.bind(scope.tenant_id)
                    .push(" AND item_ref = ")
                    .bind(item_id)
                    .push(" AND status = 'done'");
                if sql.fetch_one(self).await?.try_get::<i64, _>("n")? > 0 {
                    continue;
                }
            } else if pending.is_empty() {
                continue;
            }
            pending.retain(|d| scope.covers(*d));
            if scope.departments.is_some() && pending.is_empty() {
                continue;
            }
            open.push(OpenItem {
                audit_id: r.try_get("audit_id")?,
                item_id,
                title: r.try_get("title")?,
                due_on,
                pending,
            });
        }
        // The databases sort an empty due day differently: no due day comes last.
        open.sort_by_key(|i| (i.due_on, i.item_id));
        Ok(open)
    }
}

/// A link must name a ledger and one of its rows (by its key's first column).
async fn check_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    link: &LedgerLink,
) -> Result<(), StoreError> {
    let refused = || {
        StoreError::invalid(
            "links",
            format!("台帳「{}」に「{}」はありません", link.ledger, link.key),
        )
    };
    let Some(l) = ledger(&link.ledger).filter(|l| l.name == link.ledger) else {
        return Err(refused());
    };
    let column = match l.engine {
        Engine::Assets => "asset_tag",
        _ => l
            .key
            .first()
            .and_then(|k| l.column(k))
            .map(|c| c.db)
            .ok_or_else(refused)?,
    };
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM {} WHERE tenant_id = ",
        l.table
    ));
    sql.bind(scope.tenant_id)
        .push(&format!(" AND {column} = "))
        .bind(link.key.trim());
    if sql.fetch_one(&mut **tx).await?.try_get::<i64, _>("n")? == 0 {
        return Err(refused());
    }
    Ok(())
}
