//! An import run: many rows written in one transaction, so that a file with any wrong
//! row — or a process killed half-way — changes nothing. Rows are matched to the ledger
//! by key (assets by tag): new keys are added, changed rows updated with their history,
//! equal rows left alone. Departments named in a file but not yet known are created and
//! reported. The other ledgers' rows go through `ledgers::write`.

use crate::assets::write::{ensure_location, insert_in, update_in};
use crate::assets::{ASSET_COLUMNS, ASSET_FROM, AssetInput, asset_from_row};
use crate::scope::Actor;
use crate::sql::Sql;
use crate::{Db, FieldError, Scope, StoreError};
use daicho_domain::{AssetTag, DepartmentLevel};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    Unchanged,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// An open import: one transaction until [`ImportSession::finish`].
pub struct ImportSession {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) scope: Scope,
    pub(crate) actor: Actor,
    /// Department code or name → (id, code).
    pub(crate) departments: HashMap<String, (i64, String)>,
    /// (ledger, key) → id of rows other rows refer to.
    pub(crate) references: HashMap<(&'static str, String), i64>,
    /// Rows this run wrote per ledger and outcome.
    pub ledger_counts: HashMap<&'static str, ImportCounts>,
    /// Departments this run created, by name.
    pub created_departments: Vec<String>,
    /// Tag → the row that first had it, to catch a tag twice in the same files.
    pub(crate) seen: HashMap<String, (String, usize)>,
    pub counts: ImportCounts,
    today: chrono::NaiveDate,
}

impl Db {
    /// Starts an import into `scope`.
    pub async fn begin_import(
        &self,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<ImportSession, StoreError> {
        if !scope.can_write {
            return Err(StoreError::Forbidden(
                "台帳を変更する権限がありません".into(),
            ));
        }
        let mut departments = HashMap::new();
        for d in self.departments(scope).await? {
            departments.insert(d.name.clone(), (d.id, d.code.clone()));
            departments.insert(d.code.clone(), (d.id, d.code));
        }
        Ok(ImportSession {
            tx: self.pool().begin().await?,
            scope: scope.clone(),
            actor: actor.clone(),
            departments,
            references: HashMap::new(),
            ledger_counts: HashMap::new(),
            created_departments: Vec::new(),
            seen: HashMap::new(),
            counts: ImportCounts::default(),
            today: chrono::Local::now().date_naive(),
        })
    }
}

impl ImportSession {
    /// The code of the department a file names by code or name, creating it (code = name)
    /// when the tenant has none such. A department-bound user cannot create departments.
    pub async fn department(&mut self, name_or_code: &str) -> Result<String, FieldError> {
        let key = name_or_code.trim();
        if let Some((_, code)) = self.departments.get(key) {
            return Ok(code.clone());
        }
        if self.scope.departments.is_some() {
            return Err(FieldError {
                field: "department",
                message: format!("所属「{key}」はないか、あなたの担当範囲外です"),
            });
        }
        let mut sql =
            Sql::new("INSERT INTO departments (tenant_id, code, name, level, sort_order) VALUES (");
        sql.bind(self.scope.tenant_id)
            .push(", ")
            .bind(key)
            .push(", ")
            .bind(key)
            .push(", ")
            .bind(DepartmentLevel::Section.code())
            .push(", (SELECT COUNT(*) FROM departments WHERE tenant_id = ")
            .bind(self.scope.tenant_id)
            .push(")) RETURNING id");
        let id: i64 = sql
            .query()
            .fetch_one(&mut *self.tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(|e| FieldError {
                field: "department",
                message: format!("所属「{key}」を作成できません: {e}"),
            })?;
        let after = serde_json::json!({ "code": key, "name": key, "level": "section", "created_by": "import" });
        crate::history::record(
            &mut self.tx,
            &self.actor,
            crate::history::Change {
                tenant_id: self.scope.tenant_id,
                entity: "department",
                entity_id: Some(id),
                entity_key: key,
                action: "create",
                before: None,
                after: Some(&after),
            },
        )
        .await
        .map_err(|e| FieldError {
            field: "department",
            message: e.to_string(),
        })?;
        self.departments
            .insert(key.to_string(), (id, key.to_string()));
        self.created_departments.push(key.to_string());
        Ok(key.to_string())
    }

    /// Adds or updates one row. `place` names the row for a duplicate-tag message
    /// ("file", row). Field errors are the row's; a `StoreError` stops the run.
    pub async fn upsert_asset(
        &mut self,
        place: (&str, usize),
        input: &AssetInput,
    ) -> Result<Result<RowOutcome, Vec<FieldError>>, StoreError> {
        let department_id = match self.departments.get(input.department.trim()) {
            Some((id, _)) => *id,
            None => {
                let message = if input.department.trim().is_empty() {
                    "所属がありません（列を設けるか --department で指定してください）".to_string()
                } else {
                    format!(
                        "所属「{}」はないか、あなたの担当範囲外です",
                        input.department.trim()
                    )
                };
                return Ok(Err(vec![FieldError {
                    field: "department",
                    message,
                }]));
            }
        };
        let mut fields = match input.validate(department_id, self.today) {
            Ok(f) => f,
            Err(errors) => return Ok(Err(errors)),
        };
        if let Ok(tag) = AssetTag::parse(&input.asset_tag) {
            if let Some((file, row)) = self.seen.get(tag.as_str()) {
                let message =
                    format!("備品番号「{tag}」が重複しています（{file} {row}行目と同じ）");
                return Ok(Err(vec![FieldError {
                    field: "asset_tag",
                    message,
                }]));
            }
            self.seen
                .insert(tag.as_str().to_string(), (place.0.to_string(), place.1));
        }
        let mut sql = Sql::new(&format!(
            "SELECT {ASSET_COLUMNS} FROM {ASSET_FROM} WHERE a.tenant_id = "
        ));
        sql.bind(self.scope.tenant_id)
            .push(" AND a.asset_tag = ")
            .bind(fields.asset_tag.as_str());
        let existing = match sql.query().fetch_optional(&mut *self.tx).await? {
            Some(row) => Some(asset_from_row(&row)?),
            None => None,
        };
        fields.location_id =
            ensure_location(&mut self.tx, self.scope.tenant_id, &input.location).await?;
        let tenant_id = self.scope.tenant_id;
        match existing {
            None => {
                insert_in(&mut self.tx, tenant_id, &self.actor, &fields).await?;
                self.counts.added += 1;
                Ok(Ok(RowOutcome::Added))
            }
            Some(before) if !self.scope.covers(before.fields.department_id) => {
                Ok(Err(vec![FieldError {
                    field: "asset_tag",
                    message: format!(
                        "備品番号「{}」は担当範囲外の所属の資産です",
                        fields.asset_tag
                    ),
                }]))
            }
            Some(before) if before.fields == fields => {
                self.counts.unchanged += 1;
                Ok(Ok(RowOutcome::Unchanged))
            }
            Some(before) => {
                update_in(&mut self.tx, tenant_id, &self.actor, &before, &fields).await?;
                self.counts.updated += 1;
                Ok(Ok(RowOutcome::Updated))
            }
        }
    }

    /// Commits when `commit`, otherwise rolls everything back (a dry run, or a run with
    /// errors).
    pub async fn finish(self, commit: bool) -> Result<(), StoreError> {
        if commit {
            self.tx.commit().await?
        } else {
            self.tx.rollback().await?
        }
        Ok(())
    }
}
