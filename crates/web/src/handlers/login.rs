//! Logging in and out.

use crate::auth::{RemoteAddr, SESSION_COOKIE, cookie, set_cookie};
use crate::csrf::{LOGIN_CSRF_COOKIE, verify};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_store::LoginFailure;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    message: String,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths may follow a login (no open redirect to another site).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/dashboard".into()
    }
}

fn page(state: &AppState, next: &str, username: &str, message: &str) -> Result<Response, AppError> {
    let csrf = daicho_store::random_token()?;
    let html = LoginPage {
        csrf: csrf.clone(),
        next: safe_next(next),
        username: username.to_string(),
        message: message.to_string(),
    }
    .render()?;
    let mut response = Html(html).into_response();
    let cookie = set_cookie(
        LOGIN_CSRF_COOKIE,
        &csrf,
        3600,
        state.settings.secure_cookies,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// GET /login
pub async fn show(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    page(&state, &q.next, "", "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
    username: String,
    password: String,
}

/// POST /login
pub async fn submit(
    State(state): State<AppState>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    verify(
        &form.csrf_token,
        &cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
    )?;
    match state
        .db
        .authenticate(form.username.trim(), &form.password, &remote)
        .await?
    {
        Ok(user) => {
            let session = state.db.create_session(&user).await?;
            let mut response = Redirect::to(&safe_next(&form.next)).into_response();
            let max_age = daicho_store::SESSION_HOURS * 3600;
            for c in [
                set_cookie(
                    SESSION_COOKIE,
                    &session.token,
                    max_age,
                    state.settings.secure_cookies,
                ),
                set_cookie(LOGIN_CSRF_COOKIE, "", 0, state.settings.secure_cookies),
            ] {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            Ok(response)
        }
        Err(failure) => {
            let message = match failure {
                LoginFailure::Throttled => {
                    "ログインの失敗が続いたため、このユーザー名は15分間ログインできません。"
                }
                LoginFailure::BadCredentials | LoginFailure::Disabled => {
                    "ユーザー名またはパスワードが違います。"
                }
            };
            let mut response = page(&state, &form.next, &form.username, message)?;
            *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(response)
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// POST /logout
pub async fn logout(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.db.end_session(&token).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        SESSION_COOKIE,
        "",
        0,
        state.settings.secure_cookies,
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/assets?kind=nas"), "/assets?kind=nas");
        assert_eq!(safe_next("//evil.example/"), "/dashboard");
        assert_eq!(safe_next("https://evil.example/"), "/dashboard");
        assert_eq!(safe_next("/\\evil.example"), "/dashboard");
    }
}
