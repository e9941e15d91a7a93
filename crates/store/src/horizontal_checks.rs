//! Horizontal checks (横展開) as work: from a confirmed item, 情報政策課 asks departments
//! whether the same is true of them; each department answers 該当なし, 該当あり (with what)
//! or 対応済. A check keeps who it was sent to, so its coverage (answered / sent) is known.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::Row;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, ItemState, Scope, StoreError};
use daicho_domain::DepartmentLevel;

pub use daicho_domain::audit_item::CheckAnswer;

/// A department asked, and what it said.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReply {
    pub department_id: i64,
    pub answer: Option<CheckAnswer>,
    pub detail: Option<String>,
    pub answered_on: Option<NaiveDate>,
}

/// A check as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizontalCheck {
    pub id: i64,
    pub item_id: i64,
    pub item_title: String,
    /// The rule the item rests on, when it was drafted from one.
    pub rule_id: Option<String>,
    pub audit_id: String,
    pub question: String,
    pub sent_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    /// The departments asked (a manager: its own only), in the tree's order.
    pub replies: Vec<CheckReply>,
}

impl HorizontalCheck {
    /// (answered, sent).
    pub fn coverage(&self) -> (usize, usize) {
        (
            self.replies.iter().filter(|r| r.answer.is_some()).count(),
            self.replies.len(),
        )
    }
}

impl Db {
    /// The departments a check goes to by default: every 課 and every 部局 with no 課 under
    /// it (a hospital, a fire department), still in existence on `today`.
    pub async fn check_recipients(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<i64>, StoreError> {
        let departments = self.departments(scope).await?;
        Ok(departments
            .iter()
            .filter(|d| d.active_on(today))
            .filter(|d| match d.level {
                DepartmentLevel::Section => true,
                DepartmentLevel::Bureau => !departments.iter().any(|c| c.parent_id == Some(d.id)),
                DepartmentLevel::Unit => false,
            })
            .map(|d| d.id)
            .collect())
    }

    /// Sends a check on confirmed item `item_id` to `departments` (情報政策課・管理者).
    pub async fn send_horizontal_check(
        &self,
        scope: &Scope,
        actor: &Actor,
        item_id: i64,
        question: &str,
        departments: &[i64],
        due_on: Option<NaiveDate>,
    ) -> Result<i64, StoreError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(StoreError::Forbidden(
                "横展開を送れるのは情報政策課と管理者です".into(),
            ));
        }
        if question.trim().is_empty() {
            return Err(StoreError::invalid(
                "question",
                "確認してほしいことを入力してください",
            ));
        }
        if departments.is_empty() {
            return Err(StoreError::invalid(
                "departments",
                "送る所属を選んでください",
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("SELECT title, state FROM audit_items WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(item_id);
        let Some(item) = sql.fetch_optional(&mut *tx).await? else {
            return Err(StoreError::NotFound(
                "その監査の結果・意見はありません".into(),
            ));
        };
        if item.try_get::<String, _>("state")? != ItemState::Confirmed.code() {
            return Err(StoreError::invalid(
                "item",
                "横展開できるのは、確定した監査の結果・意見だけです",
            ));
        }
        let title: String = item.try_get("title")?;
        let today = crate::today();
        let mut sql = Sql::insert(
            "horizontal_checks",
            &["tenant_id", "item_ref", "question", "sent_on", "due_on"],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                item_id.into(),
                question.trim().into(),
                today.to_string().into(),
                due_on.map(|d| d.to_string()).into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql.fetch_one(&mut *tx).await?.try_get("id")?;
        let mut sent: Vec<i64> = Vec::new();
        for department in departments {
            if sent.contains(department) {
                continue;
            }
            let mut sql = Sql::new("SELECT COUNT(*) AS n FROM departments WHERE tenant_id = ");
            sql.bind(scope.tenant_id)
                .push(" AND id = ")
                .bind(*department);
            if sql.fetch_one(&mut *tx).await?.try_get::<i64, _>("n")? == 0 {
                return Err(StoreError::invalid("departments", "その所属はありません"));
            }
            let mut sql = Sql::insert(
                "horizontal_answers",
                &["tenant_id", "check_ref", "department_id"],
            );
            sql.bind_list([
                Value::from(scope.tenant_id),
                id.into(),
                (*department).into(),
            ]);
            sql.execute(&mut *tx).await?;
            sent.push(*department);
        }
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "horizontal_checks",
                entity_id: Some(id),
                entity_key: &title,
                action: "create",
                before: None,
                after: Some(&json!({
                    "item": item_id,
                    "question": question.trim(),
                    "due_on": due_on.map(|d| d.to_string()),
                    "departments": sent,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records `department_id`'s answer to check `check_id` (its manager, 情報政策課 or the
    /// administrator); a department the check was not sent to has nothing to answer.
    pub async fn answer_horizontal_check(
        &self,
        scope: &Scope,
        actor: &Actor,
        check_id: i64,
        department_id: i64,
        answer: CheckAnswer,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        if !scope.can_write || !scope.covers(department_id) {
            return Err(StoreError::Forbidden(
                "横展開に回答できるのは、その所属の所属長（管理者）・情報政策課・管理者です".into(),
            ));
        }
        let detail = detail.map(str::trim).filter(|d| !d.is_empty());
        if answer == CheckAnswer::Found && detail.is_none() {
            return Err(StoreError::invalid(
                "detail",
                "該当ありのときは、何が該当したかを入力してください",
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new(
            "SELECT a.id, a.answer, a.detail, i.title FROM horizontal_answers a \
             JOIN horizontal_checks c ON c.id = a.check_ref AND c.tenant_id = a.tenant_id \
             JOIN audit_items i ON i.id = c.item_ref AND i.tenant_id = c.tenant_id \
             WHERE a.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND a.check_ref = ")
            .bind(check_id)
            .push(" AND a.department_id = ")
            .bind(department_id);
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            return Err(StoreError::NotFound(
                "この所属に送られた横展開はありません".into(),
            ));
        };
        let id: i64 = row.try_get("id")?;
        let before = json!({
            "department_id": department_id,
            "answer": row.try_get::<Option<String>, _>("answer")?,
            "detail": row.try_get::<Option<String>, _>("detail")?,
        });
        let title: String = row.try_get("title")?;
        let today = crate::today().to_string();
        let mut sql = Sql::new("UPDATE horizontal_answers SET answer = ");
        sql.bind(answer.code())
            .push(", detail = ")
            .bind(detail.map(str::to_string))
            .push(", answered_on = ")
            .bind(today.as_str())
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND id = ")
            .bind(id);
        sql.execute(&mut *tx).await?;
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "horizontal_checks",
                entity_id: Some(check_id),
                entity_key: &title,
                action: "update",
                before: Some(&before),
                after: Some(&json!({
                    "department_id": department_id,
                    "answer": answer.code(),
                    "detail": detail,
                    "answered_on": today,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tenant's checks, newest first, each with the replies the scope sees (a
    /// department's manager: the checks sent to its departments only).
    pub async fn horizontal_checks(
        &self,
        scope: &Scope,
    ) -> Result<Vec<HorizontalCheck>, StoreError> {
        let mut sql = Sql::new(
            "SELECT c.id, c.item_ref, c.question, c.sent_on, c.due_on, i.title, i.rule_id, \
             a.audit_id FROM horizontal_checks c \
             JOIN audit_items i ON i.id = c.item_ref AND i.tenant_id = c.tenant_id \
             JOIN audits a ON a.id = i.audit_ref AND a.tenant_id = i.tenant_id \
             WHERE c.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" ORDER BY c.sent_on DESC, c.id DESC");
        let date = |text: Option<String>| text.and_then(|d| daicho_domain::parse_date(&d).ok());
        let mut checks = Vec::new();
        for r in sql.fetch_all(self).await? {
            checks.push(HorizontalCheck {
                id: r.try_get("id")?,
                item_id: r.try_get("item_ref")?,
                item_title: r.try_get("title")?,
                rule_id: r.try_get("rule_id")?,
                audit_id: r.try_get("audit_id")?,
                question: r.try_get("question")?,
                sent_on: date(r.try_get("sent_on")?).unwrap_or_default(),
                due_on: date(r.try_get("due_on")?),
                replies: Vec::new(),
            });
        }
        let mut sql = Sql::new(
            "SELECT a.check_ref, a.department_id, a.answer, a.detail, a.answered_on \
             FROM horizontal_answers a \
             JOIN departments d ON d.id = a.department_id AND d.tenant_id = a.tenant_id \
             WHERE a.tenant_id = ",
        );
        sql.bind(scope.tenant_id);
        scope.restrict(&mut sql, "a.department_id");
        sql.push(" ORDER BY d.sort_order, d.code");
        for r in sql.fetch_all(self).await? {
            let check: i64 = r.try_get("check_ref")?;
            if let Some(c) = checks.iter_mut().find(|c| c.id == check) {
                let answer: Option<String> = r.try_get("answer")?;
                c.replies.push(CheckReply {
                    department_id: r.try_get("department_id")?,
                    answer: answer.as_deref().and_then(|a| CheckAnswer::parse(a).ok()),
                    detail: r.try_get("detail")?,
                    answered_on: date(r.try_get("answered_on")?),
                });
            }
        }
        if scope.departments.is_some() {
            checks.retain(|c| !c.replies.is_empty());
        }
        Ok(checks)
    }
}
