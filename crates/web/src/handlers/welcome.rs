//! GET/POST /welcome: a person whose account was made from the staff ledger sets their
//! first password with the setup code printed for them, and is then logged in. Wrong
//! codes are throttled per client address, as logins are.

use crate::auth::{RemoteAddr, cookie, signed_in};
use crate::csrf::{LOGIN_CSRF_COOKIE, verify};
use crate::error::AppError;
use crate::handlers::login::anonymous_form;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use daicho_store::{LoginFailure, MIN_PASSWORD_CHARS, StoreError, password_problem};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "welcome.html")]
struct WelcomePage {
    csrf: String,
    code: String,
    message: String,
    min_chars: usize,
}

fn page(state: &AppState, code: &str, message: &str) -> Result<Response, AppError> {
    anonymous_form(state, |csrf| {
        WelcomePage {
            csrf: csrf.to_string(),
            code: code.to_string(),
            message: message.to_string(),
            min_chars: MIN_PASSWORD_CHARS,
        }
        .render()
    })
}

/// GET /welcome
pub async fn show(State(state): State<AppState>) -> Result<Response, AppError> {
    page(&state, "", "")
}

#[derive(Deserialize)]
pub struct WelcomeForm {
    #[serde(default)]
    csrf_token: String,
    code: String,
    new_password: String,
    confirm_password: String,
}

/// POST /welcome
pub async fn submit(
    State(state): State<AppState>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Form(form): Form<WelcomeForm>,
) -> Result<Response, AppError> {
    verify(
        &form.csrf_token,
        &cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
    )?;
    let refused = |code: &str, message: &str| -> Result<Response, AppError> {
        let mut response = page(&state, code, message)?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(response)
    };
    let user = match state.db.account_of_setup_code(&form.code, &remote).await? {
        Ok(user) => user,
        Err(LoginFailure::Throttled) => {
            return refused(
                "",
                "誤りが続いたため、しばらく登録できません。少し時間をおいて（長くても15分）から再度お試しください。",
            );
        }
        Err(_) => {
            return refused(
                &form.code,
                "登録コードが違うか、期限が切れています。ご案内の登録コードを確かめてください。解決しないときは管理者に新しいコードを依頼してください。",
            );
        }
    };
    if let Some(problem) = password_problem(&user.username, &form.new_password) {
        return refused(&form.code, &format!("{problem}。"));
    }
    if form.new_password != form.confirm_password {
        return refused(&form.code, "確認用のパスワードが一致しません。");
    }
    match state
        .db
        .complete_setup(&form.code, &user, &form.new_password)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(errors)) => {
            let message = errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("。");
            return refused("", &format!("{message}。"));
        }
        Err(e) => return Err(e.into()),
    }
    // The try counted against the address is given back: an office behind one address
    // registers dozens of people on the same morning.
    state.db.login_succeeded(&user.username, &remote).await?;
    let session = state.db.create_session(&user, user.two_factors).await?;
    Ok(signed_in(&state, &session, "/dashboard"))
}
