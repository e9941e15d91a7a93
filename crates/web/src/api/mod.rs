//! The JSON API under `/api/v1`, for the programs a city runs beside daicho (its asset
//! tools, its reporting): the ledgers read as the screens read them (paged and filtered),
//! the import (upload → check → confirm) on the same all-or-nothing engine, the audit's
//! findings, items and measures. A caller presents a token (`Authorization: Bearer …`)
//! that an administrator made for one tenant with one role; every read is scoped by it as
//! a screen is by its user. Errors are JSON with the screens' Japanese messages.
//!
//! The OpenAPI 3.1 document is made from the handlers' own annotations, and each route is
//! registered together with its annotation (utoipa-axum), so the served document
//! (`/api/v1/openapi.json`) and the routes cannot drift apart.

mod audits;
mod auth;
mod error;
mod imports;
mod ledgers;

pub use auth::ApiCaller;
pub use error::ApiError;

use crate::state::AppState;
use axum::Json;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "daicho API",
        description = "情報資産台帳・セキュリティ監査 daicho の JSON API。トークンは管理者が「アカウント」画面で発行する（団体・役割・有効期限つき）。",
        version = "1"
    ),
    modifiers(&BearerToken),
    security(("token" = []))
)]
struct Document;

/// The token scheme every operation requires.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("daicho_<団体>_<64桁> の形のトークン"))
                    .build(),
            ),
        );
    }
}

/// The API's routes and their document.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(Document::openapi())
        .routes(routes!(ledgers::index))
        .routes(routes!(ledgers::list))
        .routes(routes!(ledgers::row_of))
        .routes(routes!(ledgers::assets))
        // An upload may be as large as the screens' (a million-row ledger).
        .merge(OpenApiRouter::new().routes(routes!(imports::upload)).layer(
            axum::extract::DefaultBodyLimit::max(crate::uploads::MAX_BYTES),
        ))
        .routes(routes!(imports::status))
        .routes(routes!(imports::confirm))
        .routes(routes!(audits::findings))
        .routes(routes!(audits::audits))
        .routes(routes!(audits::items))
        .routes(routes!(audits::measures))
        .split_for_parts()
}

/// The API mounted with its document at `/api/v1/openapi.json` (served to anyone: it
/// says what the API is, not what a city holds).
pub fn router() -> axum::Router<AppState> {
    let (router, document) = routes();
    let document = std::sync::Arc::new(document);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()) }
            }),
        )
        // A path under the API that names nothing answers in JSON too.
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async { ApiError::NotFound }),
        )
}
