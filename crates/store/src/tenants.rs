//! Tenants: one municipality each, keyed by its 全国地方公共団体コード.

use crate::history::{Change, record};
use crate::sql::Sql;
use crate::{Actor, Db, Scope, StoreError};
use chrono::NaiveDate;
use daicho_domain::TenantCode;
use serde_json::json;
use sqlx::Row;

/// A municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl Db {
    /// Returns the tenant with `code`, creating it with `name` if it does not exist.
    pub async fn ensure_tenant(&self, code: &TenantCode, name: &str) -> Result<Tenant, StoreError> {
        if let Some(t) = self.tenant_by_code(code).await? {
            return Ok(t);
        }
        let mut sql = Sql::insert("tenants", &["code", "name", "created_at"]);
        sql.bind_list([code.as_str(), name, crate::now_text().as_str()])
            .push(" RETURNING id");
        let id: i64 = sql.fetch_one(self).await?.try_get("id")?;
        Ok(Tenant {
            id,
            code: code.as_str().to_string(),
            name: name.to_string(),
        })
    }

    /// The tenant with `code`, if any.
    pub async fn tenant_by_code(&self, code: &TenantCode) -> Result<Option<Tenant>, StoreError> {
        let mut sql = Sql::new("SELECT id, code, name FROM tenants WHERE code = ");
        sql.bind(code.as_str());
        let row = sql.fetch_optional(self).await?;
        row.map(|r| {
            Ok(Tenant {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
            })
        })
        .transpose()
    }

    /// The tenant with `id`.
    pub async fn tenant(&self, id: i64) -> Result<Tenant, StoreError> {
        let mut sql = Sql::new("SELECT id, code, name FROM tenants WHERE id = ");
        sql.bind(id);
        let r = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("団体 {id}")))?;
        Ok(Tenant {
            id: r.try_get("id")?,
            code: r.try_get("code")?,
            name: r.try_get("name")?,
        })
    }

    /// Every tenant, by code.
    pub async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = Sql::new("SELECT id, code, name FROM tenants ORDER BY code")
            .fetch_all(self)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Tenant {
                    id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The day the tenant set for its data, if it set one.
    pub async fn data_as_of(&self, tenant_id: i64) -> Result<Option<NaiveDate>, StoreError> {
        let mut sql = Sql::new("SELECT data_as_of FROM tenants WHERE id = ");
        sql.bind(tenant_id);
        let text: Option<String> = match sql.fetch_optional(self).await? {
            Some(r) => r.try_get("data_as_of")?,
            None => None,
        };
        Ok(text.and_then(|t| t.parse().ok()))
    }

    /// The day a tenant's screens open on when none is asked for (findings, the dashboard,
    /// the default fiscal year): the day it set for its data — a city whose ledgers are a
    /// snapshot, as the demo's are of its audit — else today in Japan.
    pub async fn data_day(&self, tenant_id: i64) -> Result<NaiveDate, StoreError> {
        Ok(self
            .data_as_of(tenant_id)
            .await?
            .unwrap_or_else(crate::today))
    }

    /// Sets (or, with none, clears) the tenant's data day — 情報政策課 and administrators
    /// only; not a day after today. Kept in the history.
    pub async fn set_data_as_of(
        &self,
        scope: &Scope,
        actor: &Actor,
        day: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(StoreError::Forbidden(
                "既定の基準日を決められるのは情報政策課と管理者です".into(),
            ));
        }
        if day.is_some_and(|d| d > crate::today()) {
            return Err(StoreError::invalid(
                "data_as_of",
                "既定の基準日に今日より後の日は選べません",
            ));
        }
        let before = self.data_as_of(scope.tenant_id).await?;
        let as_json = |d: Option<NaiveDate>| json!({ "data_as_of": d.map(|d| d.to_string()) });
        self.set_tenant_column(
            scope,
            actor,
            "data_as_of",
            day.map(|d| d.to_string()).into(),
            (as_json(before), as_json(day)),
        )
        .await
    }

    /// Writes one setting of the tenant's own row (a column of `tenants`) and keeps it in
    /// the history under the column's name, with (before, after).
    pub(crate) async fn set_tenant_column(
        &self,
        scope: &Scope,
        actor: &Actor,
        column: &'static str,
        value: crate::sql::Value,
        (before, after): (serde_json::Value, serde_json::Value),
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new(&format!("UPDATE tenants SET {column} = "));
        sql.bind(value).push(" WHERE id = ").bind(scope.tenant_id);
        sql.execute(&mut *tx).await?;
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "tenants",
                entity_id: Some(scope.tenant_id),
                entity_key: column,
                action: "update",
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
