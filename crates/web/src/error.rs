//! The one error type of the web edge. Store errors become pages a user can read: a
//! missing or out-of-scope record is "not found" (never "forbidden", which would confirm
//! that it exists), a refused change is 403, anything else is a 500 whose detail goes to
//! the log only.

use crate::view::ErrorPage;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_store::StoreError;

/// An error a handler returns.
#[derive(Debug)]
pub enum AppError {
    /// No valid session: go to the login page, then come back.
    LoginRequired {
        next: String,
    },
    NotFound,
    Forbidden(String),
    /// A form came without the right CSRF token.
    Csrf,
    Store(StoreError),
    Render(askama::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Forbidden(m) => AppError::Forbidden(m),
            other => AppError::Store(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Render(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            AppError::LoginRequired { next } => {
                let target = format!("/login?next={}", crate::view::url_encode(&next));
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, "見つかりません", "ページまたはデータが見つからないか、閲覧の権限がありません。".to_string()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "権限がありません", m),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "送信を受け付けられません",
                "フォームの有効期限が切れたか、別のサイトから送信されました。ページを開き直してもう一度送信してください。".to_string(),
            ),
            AppError::Store(e) => {
                tracing::error!(error = %e, "store error");
                (StatusCode::INTERNAL_SERVER_ERROR, "エラーが発生しました", "処理できませんでした。時間をおいて再度お試しください。解決しない場合は管理者に連絡してください。".to_string())
            }
            AppError::Render(e) => {
                tracing::error!(error = %e, "template error");
                (StatusCode::INTERNAL_SERVER_ERROR, "エラーが発生しました", "画面を表示できませんでした。".to_string())
            }
        };
        let page = ErrorPage { title, message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message_fallback(title),
            )
                .into_response(),
        }
    }
}

fn message_fallback(title: &str) -> String {
    title.to_string()
}
