//! The media ledger's 受払 (check-out and return), replacing the paper 受払簿: POST
//! /media/{id}/checkout records who takes a medium out, for what, from and to which
//! network; POST /media/{id}/return records its return and who checked it. Both go
//! through the ledger engine, so they are validated and kept in the change history.

use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::Choice;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use daicho_domain::NetworkSegment;
use daicho_store::ledgers::{Ledger, ledger};
use serde::Deserialize;

/// One check-out of a medium, as the detail page lists it.
pub struct Movement {
    pub out_at: String,
    pub out_by: String,
    pub purpose: String,
    pub route: String,
    pub returned_at: String,
    pub checked_by: String,
}

/// What the media detail page adds: the movements and whether the medium is out.
pub struct MediaPanel {
    pub movements: Vec<Movement>,
    /// The check-out still open, if any.
    pub open: Option<String>,
    pub segments: Vec<Choice>,
    pub can_write: bool,
    pub id: i64,
}

fn specs() -> Result<(&'static Ledger, &'static Ledger), AppError> {
    match (ledger("media"), ledger("media_movements")) {
        (Some(m), Some(mv)) => Ok((m, mv)),
        _ => Err(AppError::NotFound),
    }
}

fn position(l: &Ledger, name: &str) -> usize {
    l.columns.iter().position(|c| c.name == name).unwrap_or(0)
}

/// The medium's key (媒体番号), checking that it is visible to the user.
async fn media_key(state: &AppState, user: &CurrentUser, id: i64) -> Result<String, AppError> {
    let (media, _) = specs()?;
    let cells = state.db.ledger_row(&user.scope, media, id).await?;
    Ok(cells[position(media, "media_id")].clone())
}

/// The panel for the media detail page.
pub async fn panel(state: &AppState, user: &CurrentUser, id: i64) -> Result<MediaPanel, AppError> {
    let (_, movements) = specs()?;
    let key = media_key(state, user, id).await?;
    let seg = |code: &str| {
        NetworkSegment::parse(code)
            .map(|s| s.label_ja().to_string())
            .unwrap_or_else(|_| code.to_string())
    };
    let rows: Vec<Vec<String>> = state
        .db
        .ledger_rows(
            &daicho_store::Scope::tenant(user.scope.tenant_id),
            movements,
        )
        .await?
        .into_iter()
        .filter(|r| r[position(movements, "media_id")] == key)
        .collect();
    let p = |name: &str| position(movements, name);
    let open = rows
        .iter()
        .find(|r| r[p("returned_at")].is_empty())
        .map(|r| r[p("out_at")].clone());
    Ok(MediaPanel {
        movements: rows
            .iter()
            .map(|r| Movement {
                out_at: r[p("out_at")].clone(),
                out_by: r[p("out_by")].clone(),
                purpose: r[p("purpose")].clone(),
                route: format!(
                    "{} → {}",
                    seg(&r[p("from_segment")]),
                    seg(&r[p("to_segment")])
                ),
                returned_at: r[p("returned_at")].clone(),
                checked_by: r[p("checked_by")].clone(),
            })
            .collect(),
        open,
        segments: Choice::of(
            NetworkSegment::ALL,
            "",
            NetworkSegment::code,
            NetworkSegment::label_ja,
        ),
        can_write: user.scope.can_write,
        id,
    })
}

/// Now in Japan, to the minute, as the ledger stores instants of movements.
fn now_jst() -> String {
    let jst = chrono::FixedOffset::east_opt(9 * 3600)
        .unwrap_or_else(|| unreachable!("+09:00 is a valid offset"));
    chrono::Utc::now()
        .with_timezone(&jst)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Writes one movement row through the ledger engine.
async fn write(
    state: &AppState,
    user: &CurrentUser,
    cells: Vec<(&str, String)>,
) -> Result<(), AppError> {
    let (_, movements) = specs()?;
    let cells: Vec<_> = cells
        .into_iter()
        .filter_map(|(name, v)| movements.column(name).map(|c| (c, v)))
        .collect();
    let mut session = state.db.begin_import(&user.scope, &user.actor()).await?;
    match session.upsert_row(movements, &cells).await {
        Ok(_) => {
            session.finish(true).await?;
            Ok(())
        }
        Err(e) => {
            session.finish(false).await?;
            Err(e.into())
        }
    }
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    out_by: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    from_segment: String,
    #[serde(default)]
    to_segment: String,
}

/// POST /media/{id}/checkout
pub async fn checkout(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<CheckoutForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let key = media_key(&state, &user, id).await?;
    if panel(&state, &user, id).await?.open.is_some() {
        return Err(AppError::Invalid(
            "この媒体は持ち出し中です。先に返却を記録してください。".into(),
        ));
    }
    if form.out_by.trim().is_empty() || form.purpose.trim().is_empty() {
        return Err(AppError::Invalid(
            "持出者と使用目的を入力してください。".into(),
        ));
    }
    let cells = vec![
        ("media_id", key),
        ("out_at", now_jst()),
        ("out_by", form.out_by),
        ("purpose", form.purpose),
        ("from_segment", form.from_segment),
        ("to_segment", form.to_segment),
    ];
    write(&state, &user, cells).await?;
    Ok(Redirect::to(&format!("/ledgers/media/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    checked_by: String,
}

/// POST /media/{id}/return
pub async fn give_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ReturnForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let key = media_key(&state, &user, id).await?;
    let Some(out_at) = panel(&state, &user, id).await?.open else {
        return Err(AppError::Invalid("この媒体は持ち出されていません。".into()));
    };
    if form.checked_by.trim().is_empty() {
        return Err(AppError::Invalid(
            "返却を確認した人を入力してください。".into(),
        ));
    }
    let cells = vec![
        ("media_id", key),
        ("out_at", out_at),
        ("returned_at", now_jst()),
        ("checked_by", form.checked_by),
    ];
    write(&state, &user, cells).await?;
    Ok(Redirect::to(&format!("/ledgers/media/{id}")).into_response())
}
