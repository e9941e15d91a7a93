//! What a tenant decided about the rules: settings of built-in rules, its own rules,
//! waivers (例外承認); and the refreshed lifecycle catalogue. Every change to a tenant's
//! decisions is kept in the change history like a ledger change.

use serde_json::{Value as Json, json};
use sqlx::Row;

use crate::history::{self, Change};
use crate::sql::{Read, Sql, Value};
use crate::{Actor, Db, Scope, StoreError};

/// A tenant's change to a rule: off, another grade, other parameter values.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetting {
    pub rule_id: String,
    pub enabled: bool,
    pub grade: Option<String>,
    /// Parameter name → value, only those changed.
    pub params: serde_json::Map<String, Json>,
    pub updated_by: String,
    pub updated_at: String,
}

/// A rule the tenant wrote: the rule file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRule {
    pub rule_id: String,
    pub source: String,
    pub added_by: String,
    pub added_at: String,
}

/// 例外承認: the finding of `rule_id` about `subject` is accepted until `expires_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub rule_id: String,
    pub subject: String,
    pub justification: String,
    pub approved_by: String,
    /// ISO date; the waiver holds up to and including this day.
    pub expires_on: chrono::NaiveDate,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// One release of the refreshed lifecycle catalogue, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EolRow {
    pub product: String,
    pub product_title: String,
    pub cycle: String,
    pub label: String,
    pub codename: Option<String>,
    pub release_date: Option<String>,
    /// ISO date, `ended` or `supported`.
    pub eol: String,
    pub eoes: Option<String>,
    pub source: String,
    pub imported_at: String,
}

impl Db {
    pub async fn rule_settings(&self, scope: &Scope) -> Result<Vec<RuleSetting>, StoreError> {
        let mut sql = Sql::new(
            "SELECT rule_id, enabled, grade, params_json, updated_by, updated_at FROM rule_settings WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" ORDER BY rule_id");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                let params: Option<String> = r.try_get("params_json")?;
                Ok(RuleSetting {
                    rule_id: r.try_get("rule_id")?,
                    enabled: crate::sql::Read::flag(r, "enabled")?.unwrap_or(true),
                    grade: r.try_get("grade")?,
                    params: params
                        .and_then(|p| serde_json::from_str(&p).ok())
                        .unwrap_or_default(),
                    updated_by: r.try_get("updated_by")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Saves the tenant's setting of one rule (the caller has checked rule, grade and
    /// parameters against the rule's definition).
    pub async fn save_rule_setting(
        &self,
        scope: &Scope,
        actor: &Actor,
        rule_id: &str,
        enabled: bool,
        grade: Option<&str>,
        params: &serde_json::Map<String, Json>,
    ) -> Result<(), StoreError> {
        require_write(scope)?;
        let before = self
            .rule_settings(scope)
            .await?
            .into_iter()
            .find(|s| s.rule_id == rule_id)
            .map(|s| json!({"enabled": s.enabled, "grade": s.grade, "params": s.params}));
        let after = json!({"enabled": enabled, "grade": grade, "params": params});
        let mut sql = Sql::new(
            "INSERT INTO rule_settings (tenant_id, rule_id, enabled, grade, params_json, updated_by, updated_at) VALUES ",
        );
        sql.bind_list([
            Value::from(scope.tenant_id),
            Value::from(rule_id),
            Value::from(i64::from(enabled)),
            Value::from(grade.map(str::to_string)),
            Value::from(Json::Object(params.clone()).to_string()),
            Value::from(actor.name.as_str()),
            Value::from(crate::now_text()),
        ]);
        sql.push(" ON CONFLICT (tenant_id, rule_id) DO UPDATE SET enabled = excluded.enabled, grade = excluded.grade, \
                 params_json = excluded.params_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at");
        self.save_recorded(scope, actor, sql, ("rule_setting", rule_id), before, after)
            .await
    }

    pub async fn tenant_rules(&self, scope: &Scope) -> Result<Vec<TenantRule>, StoreError> {
        let mut sql = Sql::new(
            "SELECT rule_id, source, added_by, added_at FROM tenant_rules WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" ORDER BY rule_id");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                Ok(TenantRule {
                    rule_id: r.try_get("rule_id")?,
                    source: r.try_get("source")?,
                    added_by: r.try_get("added_by")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    /// Adds (or replaces) a rule of the tenant's own (already checked by the caller).
    pub async fn save_tenant_rule(
        &self,
        scope: &Scope,
        actor: &Actor,
        rule_id: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        require_write(scope)?;
        let before = self
            .tenant_rules(scope)
            .await?
            .into_iter()
            .find(|r| r.rule_id == rule_id)
            .map(|r| json!({"source": r.source}));
        let mut sql = Sql::new(
            "INSERT INTO tenant_rules (tenant_id, rule_id, source, added_by, added_at) VALUES ",
        );
        sql.bind_list([
            Value::from(scope.tenant_id),
            Value::from(rule_id),
            Value::from(source),
            Value::from(actor.name.as_str()),
            Value::from(crate::now_text()),
        ]);
        sql.push(
            " ON CONFLICT (tenant_id, rule_id) DO UPDATE SET source = excluded.source, \
                 added_by = excluded.added_by, added_at = excluded.added_at",
        );
        let after = json!({"source": source});
        self.save_recorded(scope, actor, sql, ("tenant_rule", rule_id), before, after)
            .await
    }

    pub async fn waivers(&self, scope: &Scope) -> Result<Vec<Waiver>, StoreError> {
        let mut sql = Sql::new(
            "SELECT rule_id, subject, justification, approved_by, expires_on, recorded_by, recorded_at \
             FROM waivers WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id).push(" ORDER BY rule_id, subject");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                Ok(Waiver {
                    rule_id: r.try_get("rule_id")?,
                    subject: r.try_get("subject")?,
                    justification: r.try_get("justification")?,
                    approved_by: r.try_get("approved_by")?,
                    expires_on: r.date("expires_on")?.unwrap_or_default(),
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    /// Records (or renews) a waiver. Justification and approver are required.
    pub async fn save_waiver(
        &self,
        scope: &Scope,
        actor: &Actor,
        waiver: &Waiver,
    ) -> Result<(), StoreError> {
        require_write(scope)?;
        // Stored, compared and recorded as trimmed, so a renewal finds what it renews.
        let waiver = &Waiver {
            subject: waiver.subject.trim().to_string(),
            justification: waiver.justification.trim().to_string(),
            approved_by: waiver.approved_by.trim().to_string(),
            ..waiver.clone()
        };
        let mut problems = Vec::new();
        if waiver.justification.is_empty() {
            problems.push(crate::FieldError {
                field: "justification",
                message: "例外とする理由を入力してください".into(),
            });
        }
        if waiver.approved_by.is_empty() {
            problems.push(crate::FieldError {
                field: "approved_by",
                message: "承認者を入力してください".into(),
            });
        }
        if waiver.subject.is_empty() {
            problems.push(crate::FieldError {
                field: "subject",
                message: "対象（備品番号・契約番号など）を入力してください".into(),
            });
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let before = self
            .waivers(scope)
            .await?
            .into_iter()
            .find(|w| w.rule_id == waiver.rule_id && w.subject == waiver.subject)
            .map(|w| waiver_json(&w));
        let mut sql = Sql::new(
            "INSERT INTO waivers (tenant_id, rule_id, subject, justification, approved_by, expires_on, recorded_by, recorded_at) VALUES ",
        );
        sql.bind_list([
            Value::from(scope.tenant_id),
            Value::from(waiver.rule_id.as_str()),
            Value::from(waiver.subject.as_str()),
            Value::from(waiver.justification.as_str()),
            Value::from(waiver.approved_by.as_str()),
            Value::from(waiver.expires_on.to_string()),
            Value::from(actor.name.as_str()),
            Value::from(crate::now_text()),
        ]);
        sql.push(" ON CONFLICT (tenant_id, rule_id, subject) DO UPDATE SET justification = excluded.justification, \
                 approved_by = excluded.approved_by, expires_on = excluded.expires_on, \
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at");
        let key = format!("{}:{}", waiver.rule_id, waiver.subject);
        let after = waiver_json(waiver);
        self.save_recorded(scope, actor, sql, ("waiver", &key), before, after)
            .await
    }

    /// Runs an upsert and records it in the change history, in one transaction.
    async fn save_recorded(
        &self,
        scope: &Scope,
        actor: &Actor,
        upsert: Sql,
        (entity, key): (&'static str, &str),
        before: Option<Json>,
        after: Json,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(scope.tenant_id).await?;
        upsert.execute(&mut *tx).await?;
        history::record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity,
                entity_id: None,
                entity_key: key,
                action: if before.is_some() { "update" } else { "create" },
                before: before.as_ref(),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces what is stored about one product of the lifecycle catalogue.
    pub async fn replace_eol_product(
        &self,
        product: &str,
        rows: &[EolRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut del = Sql::new("DELETE FROM eol_releases WHERE product = ");
        del.bind(product);
        del.execute(&mut *tx).await?;
        for r in rows {
            let mut sql = Sql::new(
                "INSERT INTO eol_releases (product, product_title, cycle, label, codename, release_date, eol, eoes, source, imported_at) VALUES ",
            );
            sql.bind_list([
                Value::from(r.product.as_str()),
                Value::from(r.product_title.as_str()),
                Value::from(r.cycle.as_str()),
                Value::from(r.label.as_str()),
                Value::from(r.codename.clone()),
                Value::from(r.release_date.clone()),
                Value::from(r.eol.as_str()),
                Value::from(r.eoes.clone()),
                Value::from(r.source.as_str()),
                Value::from(r.imported_at.as_str()),
            ]);
            sql.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every stored release of the refreshed catalogue, by product and cycle.
    pub async fn eol_rows(&self) -> Result<Vec<EolRow>, StoreError> {
        let rows = Sql::new(
            "SELECT product, product_title, cycle, label, codename, release_date, eol, eoes, source, imported_at \
             FROM eol_releases ORDER BY product, id",
        )
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EolRow {
                    product: r.try_get("product")?,
                    product_title: r.try_get("product_title")?,
                    cycle: r.try_get("cycle")?,
                    label: r.try_get("label")?,
                    codename: r.try_get("codename")?,
                    release_date: r.try_get("release_date")?,
                    eol: r.try_get("eol")?,
                    eoes: r.try_get("eoes")?,
                    source: r.try_get("source")?,
                    imported_at: r.try_get("imported_at")?,
                })
            })
            .collect()
    }
}

fn waiver_json(w: &Waiver) -> Json {
    json!({
        "justification": w.justification,
        "approved_by": w.approved_by,
        "expires_on": w.expires_on,
    })
}

/// Rule decisions hold for the whole tenant: a scope bound to departments (a manager)
/// may not make them, as it may not change the department tree.
fn require_write(scope: &Scope) -> Result<(), StoreError> {
    if scope.can_write && scope.departments.is_none() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "規則の設定を変更する権限がありません".into(),
        ))
    }
}
