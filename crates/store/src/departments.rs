//! The department tree (部局 > 課 > 係) and its history across reorganisations: a
//! department is never deleted; it ends on a date and may name its successor.

use crate::history::{Change, record};
use crate::scope::Actor;
use crate::sql::{Read, Sql, Value};
use crate::{Db, Scope, StoreError};
use chrono::NaiveDate;
use daicho_domain::DepartmentLevel;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A department as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: DepartmentLevel,
    pub parent_id: Option<i64>,
    pub manager: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub successor_id: Option<i64>,
}

impl Department {
    /// Whether the department still exists on `date`.
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.valid_to.is_none_or(|to| to > date)
    }

    fn to_json(&self) -> serde_json::Value {
        json!({
            "code": self.code, "name": self.name, "level": self.level.code(),
            "parent_id": self.parent_id, "manager": self.manager,
            "valid_from": self.valid_from, "valid_to": self.valid_to, "successor_id": self.successor_id,
        })
    }
}

/// A department to create.
#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub level: DepartmentLevel,
    pub parent_code: Option<String>,
    pub manager: Option<String>,
    pub valid_from: Option<NaiveDate>,
}

const COLUMNS: &str =
    "id, code, name, level, parent_id, manager, valid_from, valid_to, successor_id";

fn from_row(r: &AnyRow) -> Result<Department, sqlx::Error> {
    let level: String = r.try_get("level")?;
    Ok(Department {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        level: DepartmentLevel::parse(&level).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        parent_id: r.try_get("parent_id")?,
        manager: r.try_get("manager")?,
        valid_from: r.date("valid_from")?,
        valid_to: r.date("valid_to")?,
        successor_id: r.try_get("successor_id")?,
    })
}

impl Db {
    /// Creates a department under `parent_code` and records it in the change history.
    pub async fn create_department(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: &NewDepartment,
    ) -> Result<Department, StoreError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(StoreError::Forbidden(
                "所属の追加は情報政策課・管理者のみが行えます".into(),
            ));
        }
        let parent_id = match &new.parent_code {
            Some(code) => Some(
                self.department_by_code(scope, code)
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid("parent", format!("上位所属「{code}」が見つかりません"))
                    })?
                    .id,
            ),
            None => None,
        };
        if self.department_by_code(scope, &new.code).await?.is_some() {
            return Err(StoreError::invalid(
                "code",
                format!("所属コード「{}」は既に使われています", new.code),
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::insert(
            "departments",
            &[
                "tenant_id",
                "code",
                "name",
                "level",
                "parent_id",
                "manager",
                "valid_from",
                "sort_order",
            ],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                new.code.as_str().into(),
                new.name.as_str().into(),
                new.level.code().into(),
                parent_id.into(),
                new.manager.clone().into(),
                new.valid_from.map(|d| d.to_string()).into(),
                next_sort_order(&mut tx, scope.tenant_id).await?.into(),
            ])
            .push(") RETURNING ")
            .push(COLUMNS);
        let row = sql.fetch_one(&mut *tx).await?;
        let dept = from_row(&row)?;
        let after = dept.to_json();
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: crate::ledgers::DEPARTMENTS.name,
                entity_id: Some(dept.id),
                entity_key: &dept.code,
                action: "create",
                before: None,
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(dept)
    }

    /// Ends a department on `on` (a reorganisation), naming the department that takes
    /// over its work. Its assets and history stay attached to it.
    pub async fn end_department(
        &self,
        scope: &Scope,
        actor: &Actor,
        code: &str,
        on: NaiveDate,
        successor_code: Option<&str>,
    ) -> Result<Department, StoreError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(StoreError::Forbidden(
                "組織改編は情報政策課・管理者のみが行えます".into(),
            ));
        }
        let before = self
            .department_by_code(scope, code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("所属「{code}」")))?;
        let successor_id = match successor_code {
            Some(s) => Some(
                self.department_by_code(scope, s)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("後継所属「{s}」")))?
                    .id,
            ),
            None => None,
        };
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new("UPDATE departments SET valid_to = ");
        sql.bind(on.to_string())
            .push(", successor_id = ")
            .bind(successor_id)
            .push(" WHERE id = ")
            .bind(before.id)
            .push(" RETURNING ")
            .push(COLUMNS);
        let row = sql.fetch_one(&mut *tx).await?;
        let after = from_row(&row)?;
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: crate::ledgers::DEPARTMENTS.name,
                entity_id: Some(after.id),
                entity_key: &after.code,
                action: "update",
                before: Some(&before.to_json()),
                after: Some(&after.to_json()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The departments visible in `scope`, in tree order of creation.
    pub async fn departments(&self, scope: &Scope) -> Result<Vec<Department>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM departments WHERE tenant_id = "
        ));
        sql.bind(scope.tenant_id);
        scope.restrict(&mut sql, "id");
        sql.push(" ORDER BY sort_order, code");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// One department by code, if visible.
    pub async fn department_by_code(
        &self,
        scope: &Scope,
        code: &str,
    ) -> Result<Option<Department>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM departments WHERE tenant_id = "
        ));
        sql.bind(scope.tenant_id).push(" AND code = ").bind(code);
        scope.restrict(&mut sql, "id");
        let row = sql.fetch_optional(self).await?;
        row.as_ref()
            .map(from_row)
            .transpose()
            .map_err(StoreError::from)
    }

    /// `roots` and every department below them.
    pub(crate) async fn department_subtree(
        &self,
        tenant_id: i64,
        roots: &[i64],
    ) -> Result<Vec<i64>, StoreError> {
        let all = self.departments(&Scope::tenant(tenant_id)).await?;
        let mut out: Vec<i64> = roots.to_vec();
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(
                all.iter()
                    .filter(|d| d.parent_id == Some(parent) && !out.contains(&d.id))
                    .map(|d| d.id)
                    .collect::<Vec<_>>(),
            );
            i += 1;
        }
        Ok(out)
    }
}

impl Db {
    /// `scope` narrowed to one department and everything under it (for filters): never
    /// wider than `scope` itself.
    pub async fn narrow_to(&self, scope: &Scope, department_id: i64) -> Result<Scope, StoreError> {
        let subtree = self
            .department_subtree(scope.tenant_id, &[department_id])
            .await?;
        let departments = match &scope.departments {
            None => subtree,
            Some(own) => subtree.into_iter().filter(|d| own.contains(d)).collect(),
        };
        Ok(Scope {
            departments: Some(departments),
            ..scope.clone()
        })
    }
}

/// Where a new department goes in the tenant's order: last. Read first, not in a subquery
/// of the INSERT, which a distributed database (Citus) does not take.
pub(crate) async fn next_sort_order(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM departments WHERE tenant_id = ");
    sql.bind(tenant_id);
    sql.fetch_one(&mut **tx).await?.try_get("n")
}

/// `id` and every department below it.
pub fn department_and_below(departments: &[Department], id: i64) -> Vec<i64> {
    let mut under = vec![id];
    let mut i = 0;
    // Each department is taken once: a broken tree with a cycle still ends.
    while i < under.len() && under.len() <= departments.len() + 1 {
        let parent = under[i];
        under.extend(
            departments
                .iter()
                .filter(|d| d.parent_id == Some(parent) && !under.contains(&d.id))
                .map(|d| d.id)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    under
}
