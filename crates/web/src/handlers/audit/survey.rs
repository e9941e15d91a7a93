//! A visited department's survey (事前調査・往査の記録) on screen: GET
//! /audits/{id}/survey/{department} shows the six rows, each read from the ledgers until
//! the auditor keeps their own text; POST keeps what was written (an emptied row goes back
//! to the ledgers).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_reports::audit_report::visits;
use daicho_store::SurveyRow;

use super::{AuditHead, audit_head, may_read, may_record};
use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, date_full};

#[derive(Template)]
#[template(path = "audit_survey.html")]
struct SurveyPage {
    layout: Layout,
    head: AuditHead,
    department: String,
    visited_on: String,
    rows: Vec<SurveyRow>,
    can_record: bool,
    saved: bool,
}

async fn visit(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    code: &str,
) -> Result<daicho_reports::audit_report::Visit, AppError> {
    visits(&state.db, &user.scope, audit_id)
        .await?
        .into_iter()
        .find(|v| v.code == code)
        .ok_or(AppError::NotFound)
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    code: &str,
    saved: bool,
) -> Result<String, AppError> {
    let head = audit_head(state, user, audit_id).await?;
    let v = visit(state, user, audit_id, code).await?;
    let audit_ref = state.db.audit_ref(&user.scope, audit_id).await?;
    let rows = state
        .db
        .audit_survey(&user.scope, audit_ref, v.department_id)
        .await?;
    Ok(SurveyPage {
        layout: Layout::new(user, format!("往査の記録 {}", v.department), "audits"),
        head,
        department: v.department,
        visited_on: date_full(v.visited_on),
        rows,
        can_record: user.scope.can_audit,
        saved,
    }
    .render()?)
}

/// GET /audits/{id}/survey/{department}
pub async fn survey(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((audit_id, code)): Path<(String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    let saved = query.contains_key("saved");
    Ok(Html(page(&state, &user, &audit_id, &code, saved).await?))
}

/// POST /audits/{id}/survey/{department}: rows `row1` … `row6`.
pub async fn save_survey(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((audit_id, code)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    verify(&field("csrf_token").unwrap_or_default(), &user.csrf)?;
    may_record(&user)?;
    let v = visit(&state, &user, &audit_id, &code).await?;
    let audit_ref = state.db.audit_ref(&user.scope, &audit_id).await?;
    let shown = state
        .db
        .audit_survey(&user.scope, audit_ref, v.department_id)
        .await?;
    // A row sent as the ledgers show it is not the auditor's text: it stays prefilled.
    let rows: Vec<(u8, String)> = (1..=6u8)
        .filter_map(|row| {
            let text = field(&format!("row{row}"))?;
            let text = text.trim().replace("\r\n", "\n");
            let was = shown.iter().find(|r| r.row == row)?;
            (was.kept || text != was.content).then_some((row, text))
        })
        .collect();
    state
        .db
        .save_audit_survey(
            &user.scope,
            &user.actor(),
            audit_ref,
            v.department_id,
            &rows,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/audits/{}/survey/{}?saved=1",
        crate::view::url_encode(&audit_id),
        crate::view::url_encode(&code)
    ))
    .into_response())
}
