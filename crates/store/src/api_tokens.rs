//! Tokens of the JSON API: a tenant's, with a role and a last day, made and revoked by an
//! administrator. The token is `daicho_<tenant id>_<64 hex>`: it names its tenant so that a
//! database sharded by tenant looks it up on one shard; only its SHA-256 is kept, so a copy
//! of the database opens nothing.

use crate::sql::{Sql, Value};
use crate::{Db, Scope, StoreError};
use daicho_domain::Role;
use sqlx::Row;

/// The roles a token may have: reading (閲覧者, 監査人) or also importing (情報政策課).
/// An administrator's powers and a department-bound role are not given to a program.
pub const TOKEN_ROLES: &[Role] = &[Role::Viewer, Role::Auditor, Role::Policy];

/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl ApiToken {
    /// What the token may see and change: its tenant, every department.
    pub fn scope(&self) -> Scope {
        Scope {
            tenant_id: self.tenant_id,
            departments: None,
            can_write: self.role.writes_ledgers(),
            can_audit: self.role.records_audits(),
        }
    }
}

const COLUMNS: &str =
    "id, tenant_id, name, role, created_by, created_at, expires_at, revoked_at, last_used_at";

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<ApiToken, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(ApiToken {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        name: r.try_get("name")?,
        role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

impl Db {
    /// Makes a token of `tenant_id` with `role`, valid `days` days; returns it and its
    /// secret, shown once.
    pub async fn create_api_token(
        &self,
        tenant_id: i64,
        name: &str,
        role: Role,
        days: i64,
        created_by: &str,
    ) -> Result<(ApiToken, String), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid(
                "name",
                "トークンの名前（用途）を100文字以内で入力してください",
            ));
        }
        if !TOKEN_ROLES.contains(&role) {
            return Err(StoreError::invalid(
                "role",
                "トークンの役割は閲覧者・監査人・情報政策課のいずれかです",
            ));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(StoreError::invalid(
                "days",
                format!("有効日数は1～{MAX_TOKEN_DAYS}日にしてください"),
            ));
        }
        let secret = format!("daicho_{tenant_id}_{}", crate::random_token()?);
        let expires = crate::instant_text(chrono::Utc::now() + chrono::Duration::days(days));
        let mut sql = Sql::insert(
            "api_tokens",
            &[
                "tenant_id",
                "name",
                "role",
                "token_hash",
                "created_by",
                "created_at",
                "expires_at",
            ],
        );
        sql.bind_list([
            Value::from(tenant_id),
            name.into(),
            role.code().into(),
            crate::sessions::token_hash(&secret).into(),
            created_by.into(),
            crate::now_text().into(),
            expires.into(),
        ])
        .push(" RETURNING id");
        let id: i64 = sql.fetch_one(self).await?.try_get("id")?;
        tracing::info!(tenant_id, id, role = role.code(), "api token created");
        let token = self
            .api_tokens(tenant_id)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::NotFound(format!("トークン {id}")))?;
        Ok((token, secret))
    }

    /// The tenant's tokens, newest first.
    pub async fn api_tokens(&self, tenant_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE tenant_id = "
        ));
        sql.bind(tenant_id).push(" ORDER BY id DESC");
        let rows = sql.fetch_all(self).await?;
        Ok(rows.iter().map(token_from_row).collect::<Result<_, _>>()?)
    }

    /// Revokes a token of the tenant at once.
    pub async fn revoke_api_token(&self, tenant_id: i64, id: i64) -> Result<(), StoreError> {
        let mut sql = Sql::new("UPDATE api_tokens SET revoked_at = ");
        sql.bind(crate::now_text())
            .push(" WHERE tenant_id = ")
            .bind(tenant_id)
            .push(" AND id = ")
            .bind(id)
            .push(" AND revoked_at IS NULL");
        if sql.execute(self).await?.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("トークン {id}")));
        }
        tracing::info!(tenant_id, id, "api token revoked");
        Ok(())
    }

    /// The live token a request presents, if any: not revoked, not past its last day.
    pub async fn api_token(&self, secret: &str) -> Result<Option<ApiToken>, StoreError> {
        let Some(tenant_id) = secret
            .strip_prefix("daicho_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(t, _)| t.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        let now = crate::now_text();
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE tenant_id = "
        ));
        sql.bind(tenant_id)
            .push(" AND token_hash = ")
            .bind(crate::sessions::token_hash(secret))
            .push(" AND revoked_at IS NULL AND expires_at > ")
            .bind(now.as_str());
        let Some(row) = sql.fetch_optional(self).await? else {
            return Ok(None);
        };
        let token = token_from_row(&row)?;
        // Written at most once a minute: a busy program should not write on every read.
        let stale = crate::instant_text(chrono::Utc::now() - chrono::Duration::seconds(60));
        if token
            .last_used_at
            .as_deref()
            .is_none_or(|t| t < stale.as_str())
        {
            let mut sql = Sql::new("UPDATE api_tokens SET last_used_at = ");
            sql.bind(now.as_str())
                .push(" WHERE tenant_id = ")
                .bind(tenant_id)
                .push(" AND id = ")
                .bind(token.id);
            if let Err(e) = sql.execute(self).await {
                tracing::debug!(error = %e, "token use not recorded");
            }
        }
        Ok(Some(token))
    }
}
