//! The second factor on screen. GET/POST /login/two-factor asks a session that has
//! passed the password for the authenticator app's code (or a recovery code) and, when it
//! is right, replaces that session with a full one. GET/POST /account/two-factor sets the
//! factor up: a QR code of the secret for the app, then a code from the app to confirm,
//! then the recovery codes, shown once.

use crate::auth::{CurrentUser, SESSION_COOKIE, cookie, signed_in};
use crate::csrf::verify;
use crate::error::AppError;
use crate::handlers::login::{NextQuery, safe_next};
use crate::state::AppState;
use crate::view::Layout;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use daicho_store::SecondFactor;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "two_factor_login.html")]
struct PromptPage {
    csrf: String,
    next: String,
    name: String,
    message: String,
}

fn prompt(user: &CurrentUser, next: &str, message: &str) -> Result<Html<String>, AppError> {
    Ok(Html(
        PromptPage {
            csrf: user.csrf.clone(),
            next: safe_next(next),
            name: user.user.display_name.clone(),
            message: message.to_string(),
        }
        .render()?,
    ))
}

/// GET /login/two-factor
pub async fn show(user: CurrentUser, Query(q): Query<NextQuery>) -> Result<Html<String>, AppError> {
    prompt(&user, &q.next, "")
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
    code: String,
}

/// POST /login/two-factor
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    let message = match state
        .db
        .verify_second_factor(&user.user, &form.code)
        .await?
    {
        SecondFactor::Accepted => {
            // A new session for the full login: the pending one's token is not kept.
            if let Some(token) = cookie(&headers, SESSION_COOKIE) {
                state.db.end_session(&token).await?;
            }
            let session = state.db.create_session(&user.user, false).await?;
            return Ok(signed_in(&state, &session, &safe_next(&form.next)));
        }
        SecondFactor::Refused => {
            "確認コードが違います。アプリに表示されている最新のコードを入力してください（同じコードは2回使えません）。"
        }
        SecondFactor::Throttled => {
            "確認コードの誤りが続いたため、しばらく入力できません。少し時間をおいて（長くても1分）から再度お試しください。"
        }
    };
    Ok((
        StatusCode::UNAUTHORIZED,
        prompt(&user, &form.next, message)?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "account_two_factor.html")]
struct SetupPage {
    layout: Layout,
    required: bool,
    enabled: bool,
    left: usize,
    secret: String,
    qr: String,
    message: String,
    recovery: Vec<String>,
}

async fn setup_page(
    state: &AppState,
    user: &CurrentUser,
    message: &str,
    recovery: Vec<String>,
) -> Result<Html<String>, AppError> {
    let fresh = state.db.user(user.user.id).await?;
    let (secret, qr) = if fresh.two_factors {
        (String::new(), String::new())
    } else {
        let enrollment = match state.db.pending_totp(&fresh).await? {
            Some(e) => e,
            None => state.db.start_totp(&fresh).await?,
        };
        let qr = daicho_reports::qr::svg(&enrollment.uri, 220, "認証アプリで読み取る QR コード")
            .unwrap_or_default();
        (enrollment.secret, qr)
    };
    let page = SetupPage {
        layout: Layout::new(user, "二要素認証の設定", ""),
        required: !fresh.two_factors
            && fresh.role.may_need_second_factor()
            && state.db.two_factors_required(fresh.tenant_id).await?,
        enabled: fresh.two_factors,
        left: state.db.recovery_codes_left(&fresh).await?,
        secret,
        qr,
        message: message.to_string(),
        recovery,
    };
    Ok(Html(page.render()?))
}

/// GET /account/two-factor
pub async fn setup(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    setup_page(&state, &user, "", Vec::new()).await
}

/// POST /account/two-factor
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    match state.db.confirm_totp(&user.user, &form.code).await? {
        Some(codes) => Ok(setup_page(&state, &user, "", codes).await?.into_response()),
        None => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            setup_page(
                &state,
                &user,
                "確認コードが違います。アプリが QR コードを読み取ったか、スマートフォンの時刻が正しいかを確かめて、表示中のコードを入力してください。",
                Vec::new(),
            )
            .await?,
        )
            .into_response()),
    }
}
