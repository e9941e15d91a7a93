//! The accounts page (administrators only). GET /users lists the tenant's accounts and
//! whether each has its second factor; POST /users/two-factors requires it (or not) of
//! 管理者 and 情報政策課; POST /users/sync makes the staff accounts from the staff ledger
//! and shows their setup sheet once; POST /users/{id}/setup-code issues one person a new
//! code (a lost sheet) and POST /users/{id}/reset-two-factors takes a lost phone's factor
//! off an account; POST /users/tokens makes a JSON API token (shown once) and POST
//! /users/tokens/{id}/revoke revokes one.

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, instant};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::Role;
use daicho_reports::setup_sheet::{self, SheetPlace};
use daicho_store::{AccountLine, SETUP_DAYS, SetupSlip, TOKEN_ROLES, User};
use serde::Deserialize;
use std::collections::HashMap;

/// Accounts listed at once; a search narrows a city of thousands.
const LISTED: i64 = 200;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    notice: String,
    required: bool,
    /// The tenant's people log in at its directory (no setup codes for them).
    directory: bool,
    days: i64,
    q: String,
    total: i64,
    lines: Vec<AccountLine>,
    me: i64,
    tokens: Vec<TokenLine>,
    /// A token just made, shown this once.
    new_token: String,
    token_roles: Vec<(&'static str, &'static str)>,
}

/// A token as the page lists it.
struct TokenLine {
    id: i64,
    name: String,
    role: &'static str,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    live: bool,
}

pub(crate) fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "アカウントを管理できるのは管理者です。".into(),
        ))
    }
}

/// A form of this page: its CSRF token, and sent by an administrator.
pub(crate) fn admin_form(
    user: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    verify_form(form, &user.csrf)?;
    require_admin(user)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    notice: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    q: String,
    notice: String,
    new_token: String,
) -> Result<Html<String>, AppError> {
    let (lines, total) = state.db.accounts(user.scope.tenant_id, &q, LISTED).await?;
    let now = daicho_store::instant_text(chrono::Utc::now());
    let tokens = state
        .db
        .api_tokens(user.scope.tenant_id)
        .await?
        .into_iter()
        .map(|t| {
            let (state, live) = if t.revoked_at.is_some() {
                ("失効", false)
            } else if t.expires_at <= now {
                ("期限切れ", false)
            } else {
                ("有効", true)
            };
            TokenLine {
                id: t.id,
                role: t.role.label_ja(),
                created: format!("{}（{}）", instant(&t.created_at), t.created_by),
                expires: instant(&t.expires_at),
                last_used: t.last_used_at.as_deref().map(instant).unwrap_or_default(),
                name: t.name,
                state,
                live,
            }
        })
        .collect();
    Ok(Html(
        UsersPage {
            layout: Layout::new(user, "アカウント", "users"),
            notice,
            required: state.db.two_factors_required(user.scope.tenant_id).await?,
            directory: state.db.has_directory(user.scope.tenant_id).await?,
            days: SETUP_DAYS,
            q,
            total,
            lines,
            me: user.user.id,
            tokens,
            new_token,
            token_roles: TOKEN_ROLES
                .iter()
                .map(|r| (r.code(), r.label_ja()))
                .collect(),
        }
        .render()?,
    ))
}

/// GET /users
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    let notice = match query.notice.as_str() {
        "required" => {
            "二要素認証を必須にしました。未設定の管理者・情報政策課は次のページを開くときに設定を求められます。"
        }
        "optional" => {
            "二要素認証を必須にする設定を外しました（設定済みのアカウントは引き続き確認コードを求めます）。"
        }
        "reset" => "二要素認証を解除しました。そのアカウントのログインは終了しました。",
        "revoked" => "トークンを失効させました。以後そのトークンでは API を使えません。",
        _ => "",
    };
    page(&state, &user, query.q, notice.into(), String::new()).await
}

/// POST /users/two-factors
pub async fn set_two_factors(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let required = form.get("required").is_some_and(|v| v == "1");
    state
        .db
        .set_two_factors_required(&user.scope, &user.actor(), required)
        .await?;
    let notice = if required { "required" } else { "optional" };
    Ok(Redirect::to(&format!("/users?notice={notice}")).into_response())
}

/// daicho's address as the administrator's browser reached it, for the sheet's QR code:
/// only a plain host (and port) is taken, and the scheme follows the cookies' setting.
fn origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    plain.then(|| format!("{scheme}://{host}"))
}

fn sheet(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    slips: &[SetupSlip],
    notes: &[String],
) -> Result<Response, AppError> {
    let html = setup_sheet::html(
        &user.tenant_name,
        slips,
        notes,
        origin(state, headers).as_deref(),
        SheetPlace {
            stylesheet: Some("/static/setup-sheet.css"),
            back: Some("/users"),
        },
    )?;
    Ok(Html(html).into_response())
}

/// POST /users/sync
pub async fn sync(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let done = state
        .db
        .sync_staff_accounts(user.scope.tenant_id, "", SETUP_DAYS)
        .await?;
    let mut notes = Vec::new();
    if !done.disabled.is_empty() {
        notes.push(format!(
            "職員台帳にいない {}人の職員アカウントを無効にしました。",
            done.disabled.len()
        ));
    }
    if !done.conflicts.is_empty() {
        notes.push(format!(
            "職員番号がほかのアカウントのユーザー名と重なるため作れなかった人: {}。",
            done.conflicts.join("、")
        ));
    }
    if done.by_directory {
        notes.insert(
            0,
            format!(
                "この団体はディレクトリのパスワードでログインするため、登録コードは発行しません。まだログインしていない職員は {}人です（初めてのログインでアカウントが作られます。ログイン済み {}人）。",
                done.awaiting_login, done.kept
            ),
        );
    } else if done.created.is_empty() {
        notes.insert(
            0,
            format!(
                "新しく作るアカウントはありませんでした（作成済み {}人）。",
                done.kept
            ),
        );
    }
    if done.created.is_empty() {
        return Ok(
            page(&state, &user, String::new(), notes.join(""), String::new())
                .await?
                .into_response(),
        );
    }
    sheet(&state, &user, &headers, &done.created, &notes)
}

/// The account `id`, if it is of the administrator's tenant and not their own.
async fn other_account(state: &AppState, user: &CurrentUser, id: i64) -> Result<User, AppError> {
    let account = state.db.user(id).await?;
    if account.tenant_id != user.scope.tenant_id {
        return Err(AppError::NotFound);
    }
    if account.id == user.user.id {
        return Err(AppError::Forbidden(
            "自分のアカウントはこの画面では変更できません。".into(),
        ));
    }
    Ok(account)
}

/// POST /users/{id}/setup-code
pub async fn setup_code(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let account = other_account(&state, &user, id).await?;
    let slip = state.db.issue_setup_code(&account, SETUP_DAYS).await?;
    sheet(&state, &user, &headers, &[slip], &[])
}

/// POST /users/{id}/reset-two-factors
pub async fn reset_two_factors(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let account = other_account(&state, &user, id).await?;
    state.db.reset_two_factors(&account).await?;
    Ok(Redirect::to("/users?notice=reset").into_response())
}

/// POST /users/tokens: makes an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let role = Role::parse(field("role"))
        .map_err(|_| AppError::Invalid("トークンの役割を選んでください。".into()))?;
    let days = field("days")
        .parse::<i64>()
        .map_err(|_| AppError::Invalid("有効日数を数字で入力してください。".into()))?;
    let (token, secret) = state
        .db
        .create_api_token(
            user.scope.tenant_id,
            field("name"),
            role,
            days,
            &user.user.username,
        )
        .await?;
    let notice = format!(
        "トークン「{}」を発行しました。次の値はこの画面でのみ表示します。控えて、使うプログラムに設定してください。",
        token.name
    );
    Ok(page(&state, &user, String::new(), notice, secret)
        .await?
        .into_response())
}

/// POST /users/tokens/{id}/revoke
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    admin_form(&user, &form)?;
    state.db.revoke_api_token(user.scope.tenant_id, id).await?;
    Ok(Redirect::to("/users?notice=revoked").into_response())
}

/// GET /static/setup-sheet.css
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        setup_sheet::STYLESHEET,
    )
}
