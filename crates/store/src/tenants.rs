//! Tenants: one municipality each, keyed by its 全国地方公共団体コード.

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
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tenants (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(code.as_str())
        .bind(name)
        .bind(crate::now_text())
        .fetch_one(self.pool())
        .await?;
        Ok(Tenant {
            id,
            code: code.as_str().to_string(),
            name: name.to_string(),
        })
    }

    /// The tenant with `code`, if any.
    pub async fn tenant_by_code(&self, code: &TenantCode) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT id, code, name FROM tenants WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(self.pool())
            .await?;
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
        let r = sqlx::query("SELECT id, code, name FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
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
        let rows = sqlx::query("SELECT id, code, name FROM tenants ORDER BY code")
            .fetch_all(self.pool())
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
