//! The API's errors as JSON: the status the screens would answer with and the same
//! Japanese message, under `error`. A failure of daicho itself shows only an id, as on
//! the screens; its detail goes to the log.

use crate::error::AppError;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use daicho_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error the API answers with.
#[derive(Debug)]
pub enum ApiError {
    /// No token, or one that is unknown, revoked or past its last day.
    Unauthorized,
    NotFound,
    /// A parameter that names nothing (a kind, a department), said in Japanese.
    BadParameter(String),
    App(AppError),
}

/// The body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status.
    pub status: u16,
    /// What kind of error (Japanese).
    pub title: String,
    /// What to correct or do (Japanese).
    pub message: String,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::App(e.into())
    }
}

impl From<daicho_rules::AuditError> for ApiError {
    fn from(e: daicho_rules::AuditError) -> Self {
        ApiError::App(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "認証が必要です",
                "有効な API トークンを Authorization: Bearer で送ってください（トークンは管理者が発行します）。".to_string(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "見つかりません",
                "指定されたものが見つからないか、このトークンでは見られません。".to_string(),
            ),
            ApiError::BadParameter(m) => (StatusCode::BAD_REQUEST, "指定を確認してください", m),
            ApiError::App(e) => app_error(e),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                title: title.to_string(),
                message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED
            && let Ok(v) = "Bearer realm=\"daicho\"".parse()
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

/// The status, title and message the screens give an error.
fn app_error(e: AppError) -> (StatusCode, &'static str, String) {
    // The page the screens render for it carries the same three things; the API takes
    // them from there rather than saying them a second time.
    let response = e.into_response();
    let status = response.status();
    match response.extensions().get::<crate::error::Refusal>() {
        Some(r) => (status, r.title, r.message.clone()),
        // A redirect (a session's) has no place in the API.
        None => (
            StatusCode::UNAUTHORIZED,
            "認証が必要です",
            "有効な API トークンを送ってください。".to_string(),
        ),
    }
}
