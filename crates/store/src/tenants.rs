//! Tenants: one municipality each, keyed by its 全国地方公共団体コード.

use crate::sql::Sql;
use crate::{Db, StoreError};
use daicho_domain::TenantCode;
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
}
