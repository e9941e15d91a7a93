//! Logging in and out.

use crate::auth::{RemoteAddr, SECOND_FACTOR_PATH, SESSION_COOKIE, cookie, set_cookie, signed_in};
use crate::csrf::{LOGIN_CSRF_COOKIE, verify};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_directory::DirectoryLogin;
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
    pub(crate) next: String,
}

/// Only a path of this site may follow a login (no open redirect). The query string has
/// been decoded once already; the path is checked as given and decoded once more, since a
/// browser drops tabs and newlines (`/\t/evil` is `//evil`) and reads `\` as `/`.
pub(crate) fn safe_next(next: &str) -> String {
    fn local(p: &str) -> bool {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    }
    let decoded = percent_decoded(next);
    if next.len() <= 2048 && local(next) && decoded.as_deref().is_some_and(local) {
        next.to_string()
    } else {
        "/dashboard".into()
    }
}

/// `%XX` sequences as the characters they stand for; None when that is no UTF-8 text.
fn percent_decoded(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn page(state: &AppState, next: &str, username: &str, message: &str) -> Result<Response, AppError> {
    anonymous_form(state, |csrf| {
        LoginPage {
            csrf: csrf.to_string(),
            next: safe_next(next),
            username: username.to_string(),
            message: message.to_string(),
        }
        .render()
    })
}

/// A page with a form sent before any session (login, first setup): its CSRF token is
/// new, put in the form by `render` and in a cookie the form's POST must match.
pub(crate) fn anonymous_form(
    state: &AppState,
    render: impl FnOnce(&str) -> Result<String, askama::Error>,
) -> Result<Response, AppError> {
    let csrf = daicho_store::random_token()?;
    let mut response = Html(render(&csrf)?).into_response();
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
    let username = form.username.trim();
    let mut outcome = state
        .db
        .authenticate(username, &form.password, &remote)
        .await?;
    // Not an account of daicho's own: the person may be one of a city's directory.
    let (mut unreachable, mut no_role) = (false, false);
    if outcome == Err(LoginFailure::BadCredentials) && !state.db.is_local_account(username).await? {
        match daicho_directory::login(&state.db, username, &form.password).await? {
            DirectoryLogin::Accepted(user) => {
                state.db.login_succeeded(username, &remote).await?;
                outcome = Ok(user);
            }
            DirectoryLogin::Unreachable => unreachable = true,
            DirectoryLogin::NoRole => no_role = true,
            DirectoryLogin::Refused => {}
        }
    }
    match outcome {
        Ok(user) => {
            // With a second factor the session opens only the page that asks for it.
            let session = state.db.create_session(&user, user.two_factors).await?;
            let next = safe_next(&form.next);
            let to = if user.two_factors {
                format!(
                    "{SECOND_FACTOR_PATH}?next={}",
                    crate::view::url_encode(&next)
                )
            } else {
                next
            };
            Ok(signed_in(&state, &session, &to))
        }
        Err(failure) => {
            let message = match failure {
                LoginFailure::Throttled => {
                    "ログインの失敗が続いたため、しばらくログインできません。少し時間をおいて（長くても15分）から再度お試しください。"
                }
                _ if no_role => {
                    "ディレクトリのアカウントに daicho を使う権限（グループ）がありません。情報政策課に連絡してください。"
                }
                _ if unreachable => {
                    "ディレクトリ（Active Directory など）に接続できないため、ディレクトリのアカウントではログインできません。しばらくしてから再度お試しください。daicho のアカウントは引き続き使えます。"
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
        // What serde has decoded from ?next=/%09/evil.example and ?next=/%5Cevil.example.
        assert_eq!(safe_next("/\t/evil.example"), "/dashboard");
        assert_eq!(safe_next("/\nevil.example"), "/dashboard");
        // Encoded twice: decoded once more here.
        assert_eq!(safe_next("/%09/evil.example"), "/dashboard");
        assert_eq!(safe_next("/%5Cevil.example"), "/dashboard");
        assert_eq!(safe_next("/%2F/evil.example"), "/dashboard");
        assert_eq!(safe_next("javascript:alert(1)"), "/dashboard");
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), "/dashboard");
        assert_eq!(safe_next("/assets?q=%E5%9B%B3"), "/assets?q=%E5%9B%B3");
    }
}
