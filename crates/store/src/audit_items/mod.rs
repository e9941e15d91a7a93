//! An audit's items (監査の結果・意見): what the auditor drafted from the rules or wrote,
//! confirmed or dropped, with the departments each was found in and what each rests on.
//! Numbers are not stored: the report numbers confirmed items from their order and the
//! audit's visits (`daicho_domain::audit_item`).

mod arrange;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, Scope, StoreError};
use daicho_domain::audit_item::ItemScope;
use serde_json::json;
use sqlx::Row;

/// Where an item stands in the auditor's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// 下書き: drafted from the rules, not yet looked at; never in the report.
    Draft,
    /// 確定: in the report.
    Confirmed,
    /// 取り下げ: kept, with its evidence, but not in the report.
    Dropped,
}

impl ItemState {
    pub fn code(self) -> &'static str {
        match self {
            ItemState::Draft => "draft",
            ItemState::Confirmed => "confirmed",
            ItemState::Dropped => "dropped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemState::Draft => "下書き",
            ItemState::Confirmed => "確定",
            ItemState::Dropped => "取り下げ",
        }
    }

    fn parse(code: &str) -> Option<ItemState> {
        [ItemState::Draft, ItemState::Confirmed, ItemState::Dropped]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

fn scope_code(scope: ItemScope) -> &'static str {
    scope.code()
}

/// What an item rests on: a rule's result for a subject, an observation, or a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// `rule_result`, `observation` or `note`.
    pub kind: String,
    pub rule_id: Option<String>,
    pub subject: Option<String>,
    pub department_id: Option<i64>,
    pub reason: Option<String>,
    /// The rule's facts as JSON text.
    pub facts: Option<String>,
    pub note: Option<String>,
}

/// An item as written or drafted.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditItem {
    pub scope: ItemScope,
    /// `violation` (指摘) or `opinion` (意見).
    pub grade: String,
    pub title: String,
    /// 内容（要約）.
    pub summary: Option<String>,
    pub body: Option<String>,
    /// The clause it cites.
    pub clause: Option<String>,
    /// The rule it was drafted from (none when the auditor wrote it).
    pub rule_id: Option<String>,
    pub state: ItemState,
    /// The departments it was found in (ids), in no particular order.
    pub departments: Vec<i64>,
    pub evidence: Vec<Evidence>,
}

/// What the auditor edits of an item: its scope, grade and text.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemText {
    pub scope: ItemScope,
    pub grade: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub clause: Option<String>,
}

impl NewAuditItem {
    /// The item's editable text.
    pub fn text(&self) -> ItemText {
        ItemText {
            scope: self.scope,
            grade: self.grade.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            clause: self.clause.clone(),
        }
    }
}

/// An item as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditItem {
    pub id: i64,
    /// Its place among the audit's items (the auditor's order).
    pub position: i64,
    /// The day its measures are due (措置の期限), when 情報政策課 set one.
    pub due_on: Option<chrono::NaiveDate>,
    pub item: NewAuditItem,
}

impl Db {
    /// The id of the tenant's audit `audit_id` (監査番号).
    pub async fn audit_ref(&self, scope: &Scope, audit_id: &str) -> Result<i64, StoreError> {
        let mut sql = Sql::new("SELECT id FROM audits WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND audit_id = ")
            .bind(audit_id);
        match sql.fetch_optional(self).await? {
            Some(r) => Ok(r.try_get("id")?),
            None => Err(StoreError::NotFound(format!(
                "監査番号「{audit_id}」の監査はありません"
            ))),
        }
    }

    /// The departments audit `audit_ref` visits (their codes), in its order.
    pub async fn audit_visits(
        &self,
        scope: &Scope,
        audit_ref: i64,
    ) -> Result<Vec<String>, StoreError> {
        let mut sql = Sql::new(
            "SELECT d.code FROM audit_visits v \
             JOIN departments d ON d.id = v.department_id AND d.tenant_id = v.tenant_id \
             WHERE v.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND v.audit_ref = ")
            .bind(audit_ref)
            .push(" ORDER BY v.visit_order, v.id");
        Ok(sql
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| r.try_get("code"))
            .collect::<Result<_, _>>()?)
    }

    /// The as-of day of audit `audit_ref` (ISO), when recorded.
    pub async fn audit_as_of(
        &self,
        scope: &Scope,
        audit_ref: i64,
    ) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::new("SELECT as_of FROM audits WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(audit_ref);
        Ok(sql
            .fetch_optional(self)
            .await?
            .map(|r| r.try_get::<Option<String>, _>("as_of"))
            .transpose()?
            .flatten())
    }

    /// Adds an item after the audit's others, with its departments and evidence, and
    /// records it in the change history.
    pub async fn add_audit_item(
        &self,
        scope: &Scope,
        actor: &Actor,
        audit_ref: i64,
        item: &NewAuditItem,
    ) -> Result<i64, StoreError> {
        may_audit(scope)?;
        check_text(&item.text())?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql =
            Sql::new("SELECT COALESCE(MAX(position), 0) AS n FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref);
        let position: i64 = sql.fetch_one(&mut *tx).await?.try_get::<i64, _>("n")? + 1;
        let mut sql = Sql::insert(
            "audit_items",
            &[
                "tenant_id",
                "audit_ref",
                "position",
                "scope",
                "grade",
                "title",
                "summary",
                "body",
                "clause",
                "rule_id",
                "state",
            ],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                audit_ref.into(),
                position.into(),
                scope_code(item.scope).into(),
                item.grade.as_str().into(),
                item.title.as_str().into(),
                item.summary.clone().into(),
                item.body.clone().into(),
                item.clause.clone().into(),
                item.rule_id.clone().into(),
                item.state.code().into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql.fetch_one(&mut *tx).await?.try_get("id")?;
        for department in &item.departments {
            add_department(&mut tx, scope, id, *department).await?;
        }
        for e in &item.evidence {
            let mut sql = Sql::insert(
                "audit_item_evidence",
                &[
                    "tenant_id",
                    "item_ref",
                    "kind",
                    "rule_id",
                    "subject",
                    "department_id",
                    "reason",
                    "facts",
                    "note",
                ],
            );
            sql.push("(")
                .bind_all([
                    Value::from(scope.tenant_id),
                    id.into(),
                    e.kind.as_str().into(),
                    e.rule_id.clone().into(),
                    e.subject.clone().into(),
                    e.department_id.into(),
                    e.reason.clone().into(),
                    e.facts.clone().into(),
                    e.note.clone().into(),
                ])
                .push(")");
            sql.execute(&mut *tx).await?;
        }
        let after = item_json(position, item);
        record_item(
            &mut tx,
            actor,
            scope,
            (id, &item.title),
            "create",
            None,
            &after,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves an item to `state` (confirmed into the report, dropped out of it), recorded
    /// with before and after.
    pub async fn set_audit_item_state(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        state: ItemState,
    ) -> Result<(), StoreError> {
        may_audit(scope)?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("SELECT title, state FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            return Err(not_found());
        };
        let (title, before): (String, String) = (row.try_get("title")?, row.try_get("state")?);
        set_state(&mut tx, scope, item_id, state).await?;
        record_item(
            &mut tx,
            actor,
            scope,
            (item_id, &title),
            "update",
            Some(&json!({ "state": before })),
            &json!({ "state": state.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit's items in the auditor's order, with their departments and evidence (for a
    /// department's manager, only the items found in its departments).
    pub async fn audit_items(
        &self,
        scope: &Scope,
        audit_ref: i64,
    ) -> Result<Vec<AuditItem>, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, position, due_on, scope, grade, title, summary, body, clause, rule_id, state \
             FROM audit_items WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref)
            .push(" ORDER BY position, id");
        let mut items = Vec::new();
        for r in sql.fetch_all(self).await? {
            let scope_text: String = r.try_get("scope")?;
            let state: String = r.try_get("state")?;
            let due_on: Option<String> = r.try_get("due_on")?;
            items.push(AuditItem {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                due_on: due_on.and_then(|d| daicho_domain::parse_date(&d).ok()),
                item: NewAuditItem {
                    scope: if scope_text == "general" {
                        ItemScope::General
                    } else {
                        ItemScope::Individual
                    },
                    grade: r.try_get("grade")?,
                    title: r.try_get("title")?,
                    summary: r.try_get("summary")?,
                    body: r.try_get("body")?,
                    clause: r.try_get("clause")?,
                    rule_id: r.try_get("rule_id")?,
                    state: ItemState::parse(&state).unwrap_or(ItemState::Draft),
                    departments: Vec::new(),
                    evidence: Vec::new(),
                },
            });
        }
        let mut sql = Sql::new(
            "SELECT d.item_ref, d.department_id FROM audit_item_departments d \
             JOIN audit_items i ON i.id = d.item_ref AND i.tenant_id = d.tenant_id \
             WHERE d.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND i.audit_ref = ")
            .bind(audit_ref)
            .push(" ORDER BY d.id");
        for r in sql.fetch_all(self).await? {
            let item: i64 = r.try_get("item_ref")?;
            if let Some(i) = items.iter_mut().find(|i| i.id == item) {
                i.item.departments.push(r.try_get("department_id")?);
            }
        }
        let mut sql = Sql::new(
            "SELECT e.item_ref, e.kind, e.rule_id, e.subject, e.department_id, e.reason, e.facts, e.note \
             FROM audit_item_evidence e \
             JOIN audit_items i ON i.id = e.item_ref AND i.tenant_id = e.tenant_id \
             WHERE e.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND i.audit_ref = ")
            .bind(audit_ref)
            .push(" ORDER BY e.id");
        for r in sql.fetch_all(self).await? {
            let item: i64 = r.try_get("item_ref")?;
            if let Some(i) = items.iter_mut().find(|i| i.id == item) {
                i.item.evidence.push(Evidence {
                    kind: r.try_get("kind")?,
                    rule_id: r.try_get("rule_id")?,
                    subject: r.try_get("subject")?,
                    department_id: r.try_get("department_id")?,
                    reason: r.try_get("reason")?,
                    facts: r.try_get("facts")?,
                    note: r.try_get("note")?,
                });
            }
        }
        // A department's manager sees the items found in its departments, nothing else.
        if scope.departments.is_some() {
            items.retain(|i| i.item.departments.iter().any(|d| scope.covers(*d)));
        }
        Ok(items)
    }
}

/// Records a change of item `id` (`title`) in the tenant's history.
async fn record_item(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    scope: &Scope,
    (id, title): (i64, &str),
    action: &str,
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    record(
        tx,
        actor,
        Change {
            tenant_id: scope.tenant_id,
            entity: "audit_items",
            entity_id: Some(id),
            entity_key: title,
            action,
            before,
            after: Some(after),
        },
    )
    .await
}

/// Notes that item `id` was found in `department`.
async fn add_department(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    id: i64,
    department: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::insert(
        "audit_item_departments",
        &["tenant_id", "item_ref", "department_id"],
    );
    sql.push("(")
        .bind_all([Value::from(scope.tenant_id), id.into(), department.into()])
        .push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Moves item `id` to `state`.
async fn set_state(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    id: i64,
    state: ItemState,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE audit_items SET state = ");
    sql.bind(state.code())
        .push(" WHERE tenant_id = ")
        .bind(scope.tenant_id)
        .push(" AND id = ")
        .bind(id);
    sql.execute(&mut **tx).await?;
    Ok(())
}

fn not_found() -> StoreError {
    StoreError::NotFound("その監査の結果・意見はありません".into())
}

/// An item needs a grade of 指摘 or 意見 and a title.
fn check_text(text: &ItemText) -> Result<(), StoreError> {
    if !matches!(text.grade.as_str(), "violation" | "opinion") {
        return Err(StoreError::invalid(
            "grade",
            "指摘又は意見の別は「指摘」か「意見」です",
        ));
    }
    if text.title.trim().is_empty() {
        return Err(StoreError::invalid("title", "件名を入力してください"));
    }
    Ok(())
}

/// Items are recorded by who audits the whole tenant: the auditor, 情報政策課, the
/// administrator (a department's manager answers items, it does not write them).
pub(crate) fn may_audit(scope: &Scope) -> Result<(), StoreError> {
    if scope.can_audit && scope.departments.is_none() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "監査の結果・意見を記録できるのは監査人・情報政策課・管理者です".into(),
        ))
    }
}

/// The item as the change history keeps it.
fn item_json(position: i64, item: &NewAuditItem) -> serde_json::Value {
    json!({
        "position": position,
        "scope": scope_code(item.scope),
        "grade": item.grade,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "clause": item.clause,
        "rule_id": item.rule_id,
        "state": item.state.code(),
        "departments": item.departments,
        "evidence": item.evidence.len(),
    })
}
