//! Who calls the API: the token in `Authorization: Bearer …`, resolved to its tenant, its
//! role and the scope that role has. A session cookie opens nothing here (no form, no
//! CSRF token: a browser's cookie must not act as a program).

use super::ApiError;
use crate::import_jobs::Importer;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use daicho_store::{Actor, ApiToken, Scope};

/// The token of a request.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub token: ApiToken,
    pub scope: Scope,
    pub tenant_code: String,
}

impl ApiCaller {
    /// The token as the change history names it.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: None,
            name: format!("api:{}", self.token.name),
        }
    }

    /// Who owns the token's uploads: the tenant and minus the token's id (a user's are
    /// plus their id), so neither reaches the other's.
    pub fn importer(&self) -> Importer {
        Importer {
            scope: self.scope.clone(),
            actor: self.actor(),
            owner: (self.token.tenant_id, -self.token.id),
        }
    }

    /// Refuses a token whose role may not change ledgers.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.scope.can_write {
            Ok(())
        } else {
            Err(ApiError::App(crate::error::AppError::Forbidden(
                "このトークンの役割では取り込めません（情報政策課の役割のトークンが必要です）。"
                    .into(),
            )))
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or(ApiError::Unauthorized)?;
        let token = state
            .db
            .api_token(secret)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let tenant = state.db.tenant(token.tenant_id).await?;
        Ok(ApiCaller {
            scope: token.scope(),
            tenant_code: tenant.code,
            token,
        })
    }
}
