//! Horizontal checks (横展開) on screen. POST /audits/{id}/horizontal sends a confirmed
//! item's question to every section (情報政策課・管理者); GET /horizontal lists the checks
//! with their coverage; GET /horizontal/{check} shows each department's answer beside the
//! item's rule as of today — 該当なし where the rule fails is flagged — with the form for
//! the departments the user answers for; POST /horizontal/{check} records an answer.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_store::{CheckAnswer, HorizontalCheck, StoreError};

use crate::audits;
use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, date_full, url_encode};

/// POST /audits/{id}/horizontal: `item`, `question`, `due_on`.
pub async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(_audit_id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let item: i64 = field("item").parse().map_err(|_| AppError::NotFound)?;
    let due_on =
        match field("due_on") {
            d if d.is_empty() => None,
            d => Some(daicho_domain::parse_date(&d).map_err(|_| {
                AppError::Invalid(format!("回答期限「{d}」を日付として読めません。"))
            })?),
        };
    let to = state
        .db
        .check_recipients(&user.scope, daicho_store::today())
        .await?;
    let result = state
        .db
        .send_horizontal_check(
            &user.scope,
            &user.actor(),
            item,
            &field("question"),
            &to,
            due_on,
        )
        .await;
    let id = result?;
    Ok(Redirect::to(&format!("/horizontal/{id}")).into_response())
}

/// A check as the list shows it.
pub struct CheckLine {
    pub id: i64,
    pub audit_id: String,
    pub title: String,
    pub sent_on: String,
    pub answered: usize,
    pub sent: usize,
}

#[derive(Template)]
#[template(path = "horizontal.html")]
struct IndexPage {
    layout: Layout,
    checks: Vec<CheckLine>,
}

/// GET /horizontal
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let checks = state
        .db
        .horizontal_checks(&user.scope)
        .await?
        .into_iter()
        .map(|c| {
            let (answered, sent) = c.coverage();
            CheckLine {
                id: c.id,
                audit_id: c.audit_id,
                title: c.item_title,
                sent_on: date_full(Some(c.sent_on)),
                answered,
                sent,
            }
        })
        .collect();
    Ok(Html(
        IndexPage {
            layout: Layout::new(&user, "横展開", "horizontal"),
            checks,
        }
        .render()?,
    ))
}

/// A department's line on a check's page.
pub struct ReplyView {
    pub department_id: i64,
    pub department: String,
    pub answer: String,
    pub answer_code: String,
    pub detail: String,
    pub answered_on: String,
    /// How many subjects the rule fails for there today (`None`: no rule).
    pub failing: Option<usize>,
    /// 該当なし, yet the rule fails there.
    pub contradicted: bool,
    pub can_answer: bool,
}

#[derive(Template)]
#[template(path = "horizontal_check.html")]
struct CheckPage {
    layout: Layout,
    check: HorizontalCheck,
    sent_on: String,
    due_on: String,
    rule_href: String,
    answered: usize,
    sent: usize,
    replies: Vec<ReplyView>,
    answers: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: Vec<String>,
) -> Result<String, AppError> {
    let check = state
        .db
        .horizontal_checks(&user.scope)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    let departments = state.db.departments(&user.scope).await?;
    let code_of = |id: i64| {
        departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| (d.code.clone(), d.name.clone()))
            .unwrap_or_default()
    };
    let asked: Vec<String> = check
        .replies
        .iter()
        .map(|r| code_of(r.department_id).0)
        .collect();
    let failing = match &check.rule_id {
        Some(rule) => {
            // The findings pages' kept audit of the data day: no audit of its own.
            let day = state.db.data_day(user.scope.tenant_id).await?;
            let departments = state.db.departments(&user.scope).await?;
            let report = state
                .audits
                .report(
                    state,
                    &user.scope,
                    &user.tenant_code,
                    crate::handlers::findings::full_audit(day),
                )
                .await?;
            let (rule, asked) = (rule.clone(), asked.clone());
            Some(
                audits::read(report, move |r| {
                    Ok(daicho_rules::horizontal::failures_in(
                        r,
                        &departments,
                        &rule,
                        &asked,
                    )?)
                })
                .await?,
            )
        }
        None => None,
    };
    let replies: Vec<ReplyView> = check
        .replies
        .iter()
        .map(|r| {
            let (code, name) = code_of(r.department_id);
            let fails = failing.as_ref().map(|f| f.get(&code).copied().unwrap_or(0));
            ReplyView {
                department_id: r.department_id,
                department: name,
                answer: r.answer.map_or("未回答", |a| a.label_ja()).to_string(),
                answer_code: r.answer.map_or("", |a| a.code()).to_string(),
                detail: r.detail.clone().unwrap_or_default(),
                answered_on: date_full(r.answered_on),
                failing: fails,
                contradicted: r.answer == Some(CheckAnswer::None) && fails.is_some_and(|n| n > 0),
                can_answer: user.scope.can_write && user.scope.covers(r.department_id),
            }
        })
        .collect();
    let (answered, sent) = check.coverage();
    Ok(CheckPage {
        layout: Layout::new(user, format!("横展開: {}", check.item_title), "horizontal"),
        sent_on: date_full(Some(check.sent_on)),
        due_on: date_full(check.due_on),
        rule_href: check
            .rule_id
            .as_deref()
            .map(|r| format!("/findings/horizontal/{}", url_encode(r)))
            .unwrap_or_default(),
        answered,
        sent,
        replies,
        answers: CheckAnswer::ALL
            .iter()
            .map(|a| (a.code(), a.label_ja()))
            .collect(),
        errors,
        check,
    }
    .render()?)
}

/// GET /horizontal/{check}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    Ok(Html(page(&state, &user, id, Vec::new()).await?))
}

/// POST /horizontal/{check}: `department`, `answer`, `detail`.
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    let department: i64 = form
        .get("department")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(AppError::NotFound)?;
    let answer = form.get("answer").and_then(|a| CheckAnswer::parse(a).ok());
    let result = match answer {
        Some(answer) => {
            state
                .db
                .answer_horizontal_check(
                    &user.scope,
                    &user.actor(),
                    id,
                    department,
                    answer,
                    form.get("detail").map(String::as_str),
                )
                .await
        }
        None => Err(StoreError::invalid("answer", "回答を選んでください")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/horizontal/{id}#d-{department}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let html = page(
                &state,
                &user,
                id,
                errors.into_iter().map(|e| e.message).collect(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
