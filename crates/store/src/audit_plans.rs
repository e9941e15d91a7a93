//! The audit plan as kept (監査計画): a tenant's weights and cycle (what the proposal
//! scores with), and the plans 情報政策課 adopted — one per first fiscal year, every
//! department placed in a year, moved by hand with a reason when the proposal is not
//! what the city decides. The proposal itself is computed (`rules::plan`), never stored.

use daicho_domain::audit_plan::{MAX_CYCLE_YEARS, PlanWeights};
use serde_json::json;
use sqlx::Row;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, Scope, StoreError};

/// What the proposal scores with.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    /// Every department audited within this many fiscal years (総4: five).
    pub cycle_years: i64,
    pub weights: PlanWeights,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            cycle_years: 5,
            weights: PlanWeights::default(),
        }
    }
}

/// One department's place in an adopted plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    pub department_id: i64,
    pub planned_year: i64,
    /// Its score when the plan was adopted.
    pub score: f64,
    /// Why it was moved from where the proposal put it.
    pub note: Option<String>,
}

/// A plan as adopted.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptedPlan {
    pub id: i64,
    pub first_year: i64,
    pub cycle_years: i64,
    pub weights: PlanWeights,
    pub adopted_by: String,
    pub adopted_at: String,
    pub entries: Vec<PlanEntry>,
}

/// Only 情報政策課 and administrators decide the plan: write access to the whole tenant.
fn may_plan(scope: &Scope) -> Result<(), StoreError> {
    if scope.can_write && scope.departments.is_none() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "監査計画を決められるのは情報政策課と管理者です".into(),
        ))
    }
}

fn check_cycle(cycle_years: i64) -> Result<(), StoreError> {
    if (1..=MAX_CYCLE_YEARS).contains(&cycle_years) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "cycle_years",
            format!("周期は 1 から {MAX_CYCLE_YEARS} 年の間で入力してください"),
        ))
    }
}

fn weights_json(w: &PlanWeights) -> serde_json::Value {
    serde_json::to_value(w).unwrap_or_default()
}

fn weights_from(text: &str) -> PlanWeights {
    // Stored by this module; a part added later takes its default (serde(default)).
    serde_json::from_str(text).unwrap_or_default()
}

impl Db {
    /// The tenant's weights and cycle, or the defaults when it has set none.
    pub async fn plan_settings(&self, scope: &Scope) -> Result<PlanSettings, StoreError> {
        let mut sql =
            Sql::new("SELECT cycle_years, weights FROM audit_plan_settings WHERE tenant_id = ");
        sql.bind(scope.tenant_id);
        Ok(match sql.fetch_optional(self).await? {
            Some(r) => PlanSettings {
                cycle_years: r.try_get("cycle_years")?,
                weights: weights_from(&r.try_get::<String, _>("weights")?),
            },
            None => PlanSettings::default(),
        })
    }

    /// Keeps the tenant's weights and cycle (情報政策課・管理者), with the change in the history.
    pub async fn save_plan_settings(
        &self,
        scope: &Scope,
        actor: &Actor,
        settings: &PlanSettings,
    ) -> Result<(), StoreError> {
        may_plan(scope)?;
        check_cycle(settings.cycle_years)?;
        let before = self.plan_settings(scope).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("DELETE FROM audit_plan_settings WHERE tenant_id = ");
        sql.bind(scope.tenant_id);
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::insert(
            "audit_plan_settings",
            &["tenant_id", "cycle_years", "weights"],
        );
        sql.push("(").bind_all([
            Value::from(scope.tenant_id),
            settings.cycle_years.into(),
            weights_json(&settings.weights).to_string().into(),
        ]);
        sql.push(")");
        sql.execute(&mut *tx).await?;
        let shown = |s: &PlanSettings| json!({ "cycle_years": s.cycle_years, "weights": weights_json(&s.weights) });
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_plan_settings",
                entity_id: None,
                entity_key: "監査計画の重み",
                action: "update",
                before: Some(&shown(&before)),
                after: Some(&shown(settings)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adopts a plan from `first_year` on: the proposal's places as they stand (情報政策課・
    /// 管理者). A plan already adopted for that year is replaced; the history keeps both.
    pub async fn adopt_audit_plan(
        &self,
        scope: &Scope,
        actor: &Actor,
        first_year: i64,
        settings: &PlanSettings,
        entries: &[PlanEntry],
    ) -> Result<i64, StoreError> {
        may_plan(scope)?;
        check_cycle(settings.cycle_years)?;
        if entries.is_empty() {
            return Err(StoreError::invalid(
                "entries",
                "計画に入れる所属がありません",
            ));
        }
        let before = self.adopted_audit_plan(scope, first_year).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        if let Some(old) = &before {
            for table in ["audit_plan_entries", "audit_plans"] {
                let column = if table == "audit_plans" {
                    "id"
                } else {
                    "plan_ref"
                };
                let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE tenant_id = "));
                sql.bind(scope.tenant_id)
                    .push(&format!(" AND {column} = "))
                    .bind(old.id);
                sql.execute(&mut *tx).await?;
            }
        }
        let mut sql = Sql::insert(
            "audit_plans",
            &[
                "tenant_id",
                "first_year",
                "cycle_years",
                "weights",
                "adopted_by",
                "adopted_at",
            ],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                first_year.into(),
                settings.cycle_years.into(),
                weights_json(&settings.weights).to_string().into(),
                actor.name.as_str().into(),
                crate::now_text().into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql.fetch_one(&mut *tx).await?.try_get("id")?;
        for e in entries {
            let mut sql = Sql::new("SELECT COUNT(*) AS n FROM departments WHERE tenant_id = ");
            sql.bind(scope.tenant_id)
                .push(" AND id = ")
                .bind(e.department_id);
            if sql.fetch_one(&mut *tx).await?.try_get::<i64, _>("n")? == 0 {
                return Err(StoreError::invalid("entries", "その所属はありません"));
            }
            let mut sql = Sql::insert(
                "audit_plan_entries",
                &[
                    "tenant_id",
                    "plan_ref",
                    "department_id",
                    "planned_year",
                    "score",
                    "note",
                ],
            );
            sql.push("(").bind_all([
                Value::from(scope.tenant_id),
                id.into(),
                e.department_id.into(),
                e.planned_year.into(),
                e.score.to_string().into(),
                e.note.clone().into(),
            ]);
            sql.push(")");
            sql.execute(&mut *tx).await?;
        }
        let shown = |entries: &[PlanEntry]| {
            json!(entries
                .iter()
                .map(|e| json!({ "department_id": e.department_id, "planned_year": e.planned_year }))
                .collect::<Vec<_>>())
        };
        let key = format!("{first_year}年度からの監査計画");
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_plans",
                entity_id: Some(id),
                entity_key: &key,
                action: if before.is_some() { "update" } else { "create" },
                before: before.as_ref().map(|p| shown(&p.entries)).as_ref(),
                after: Some(&shown(entries)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The plan adopted for `first_year`, if any, its departments by planned year.
    pub async fn adopted_audit_plan(
        &self,
        scope: &Scope,
        first_year: i64,
    ) -> Result<Option<AdoptedPlan>, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, first_year, cycle_years, weights, adopted_by, adopted_at \
             FROM audit_plans WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND first_year = ")
            .bind(first_year);
        let Some(r) = sql.fetch_optional(self).await? else {
            return Ok(None);
        };
        let id: i64 = r.try_get("id")?;
        let mut sql = Sql::new(
            "SELECT department_id, planned_year, score, note FROM audit_plan_entries \
             WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" AND plan_ref = ").bind(id);
        sql.push(" ORDER BY planned_year, department_id");
        let entries = sql
            .fetch_all(self)
            .await?
            .iter()
            .map(|e| {
                Ok(PlanEntry {
                    department_id: e.try_get("department_id")?,
                    planned_year: e.try_get("planned_year")?,
                    score: e.try_get::<String, _>("score")?.parse().unwrap_or_default(),
                    note: e.try_get("note")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Some(AdoptedPlan {
            id,
            first_year: r.try_get("first_year")?,
            cycle_years: r.try_get("cycle_years")?,
            weights: weights_from(&r.try_get::<String, _>("weights")?),
            adopted_by: r.try_get("adopted_by")?,
            adopted_at: r.try_get("adopted_at")?,
            entries,
        }))
    }

    /// Moves one department of the plan adopted for `first_year` to `planned_year`, with
    /// the reason (情報政策課・管理者). The year must lie within the plan's cycle.
    pub async fn move_plan_entry(
        &self,
        scope: &Scope,
        actor: &Actor,
        first_year: i64,
        department_id: i64,
        planned_year: i64,
        note: &str,
    ) -> Result<(), StoreError> {
        may_plan(scope)?;
        let Some(plan) = self.adopted_audit_plan(scope, first_year).await? else {
            return Err(StoreError::NotFound(
                "その年度からの監査計画は採用されていません".into(),
            ));
        };
        let last = plan.first_year + plan.cycle_years - 1;
        if !(plan.first_year..=last).contains(&planned_year) {
            return Err(StoreError::invalid(
                "planned_year",
                "計画の期間内の年度を選んでください",
            ));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid(
                "note",
                "提案から動かす理由を入力してください",
            ));
        }
        let Some(entry) = plan
            .entries
            .iter()
            .find(|e| e.department_id == department_id)
        else {
            return Err(StoreError::NotFound("その所属は計画にありません".into()));
        };
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("UPDATE audit_plan_entries SET planned_year = ");
        sql.bind(planned_year)
            .push(", note = ")
            .bind(note.trim())
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND plan_ref = ")
            .bind(plan.id)
            .push(" AND department_id = ")
            .bind(department_id);
        sql.execute(&mut *tx).await?;
        let key = format!("{first_year}年度からの監査計画");
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_plans",
                entity_id: Some(plan.id),
                entity_key: &key,
                action: "update",
                before: Some(&json!({ "department_id": department_id, "planned_year": entry.planned_year, "note": entry.note })),
                after: Some(&json!({ "department_id": department_id, "planned_year": planned_year, "note": note.trim() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
