//! Measures taken (措置) on screen. GET /measures lists the audits with the items the user
//! answers for and, for 情報政策課, the overdue items; GET /audits/{id}/measures shows each
//! confirmed item the user sees (a department's manager: its own departments') with each
//! department's measure, a form to report it, the due day (set by 情報政策課) and, where a
//! measure was reported done but the rule still fails for the same subject today,
//! 「措置済とされたが再発」. POST /audits/{id}/measures reports one; POST …/due sets a due day.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::audit_item::ItemScope;
use daicho_reports::audit_report::{item_numbers, visits};
use daicho_store::{ItemState, LedgerLink, MeasureInput, MeasureStatus, StoreError};

use super::{AuditHead, audit_head, audit_heads, grade_label};
use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::findings::may_govern;
use crate::state::AppState;
use crate::view::{Layout, date_full, optional_day, url_encode};

/// One department's answer to an item, as the page shows and edits it.
pub struct AnswerView {
    pub department_id: i64,
    pub department: String,
    pub status: String,
    pub status_code: String,
    pub action: String,
    pub reason: String,
    pub done_on: String,
    pub evidence: String,
    pub links: String,
    pub recurred: String,
    pub can_answer: bool,
}

/// An item with its answers.
pub struct ItemMeasures {
    pub id: i64,
    pub number: String,
    pub grade: &'static str,
    pub title: String,
    pub due_on: String,
    pub due_value: String,
    pub answers: Vec<AnswerView>,
}

#[derive(Template)]
#[template(path = "audit_measures.html")]
struct MeasuresPage {
    layout: Layout,
    head: AuditHead,
    items: Vec<ItemMeasures>,
    statuses: Vec<(&'static str, &'static str)>,
    can_govern: bool,
    errors: Vec<String>,
    checked_on: String,
}

/// The recurrences as of today, from the kept audit of today (the findings pages' cache:
/// a second view runs no audit).
async fn recurrences(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
) -> Result<Vec<daicho_rules::recurrence::Recurrence>, AppError> {
    use daicho_rules::recurrence::{failing_in, watched};
    let watched = watched(&state.db, &user.scope, audit_id).await?;
    let rules = watched.rules();
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let today = daicho_store::today();
    let report = state
        .audits
        .report(
            state,
            &user.scope,
            &user.tenant_code,
            crate::handlers::findings::full_audit(today),
        )
        .await?;
    let failing = crate::audits::read(report, move |r| Ok(failing_in(r, &rules)?)).await?;
    Ok(watched.contradicted(&failing))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    errors: Vec<String>,
) -> Result<String, AppError> {
    let head = audit_head(state, user, audit_id).await?;
    let db = &state.db;
    let audit_ref = db.audit_ref(&user.scope, audit_id).await?;
    let visit_ids: Vec<i64> = visits(db, &user.scope, audit_id)
        .await?
        .iter()
        .map(|v| v.department_id)
        .collect();
    let items = db.audit_items(&user.scope, audit_ref).await?;
    let numbers = item_numbers(&items, &visit_ids);
    let measures = db.audit_measures(&user.scope, audit_ref).await?;
    let recurred = recurrences(state, user, audit_id).await?;
    let departments = db.departments(&user.scope).await?;
    let name = |id: i64| {
        departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let mut views = Vec::new();
    for (i, number) in items.iter().zip(numbers) {
        if i.item.state != ItemState::Confirmed {
            continue;
        }
        // Who answers: the departments named; a 総論 item, whoever took it on (the user's
        // own department offered when it has none yet).
        let mut answering: Vec<i64> = i.item.departments.clone();
        if i.item.scope == ItemScope::General {
            for m in measures.iter().filter(|m| m.item_id == i.id) {
                if !answering.contains(&m.department_id) {
                    answering.push(m.department_id);
                }
            }
            if let Some(own) = user.scope.departments.as_ref().and_then(|d| d.first())
                && !answering.contains(own)
            {
                answering.push(*own);
            }
        }
        let answers = answering
            .into_iter()
            .filter(|d| user.scope.covers(*d))
            .map(|d| {
                let m = measures
                    .iter()
                    .find(|m| m.item_id == i.id && m.department_id == d);
                let text = |f: fn(&MeasureInput) -> Option<String>| {
                    m.and_then(|m| f(&m.input)).unwrap_or_default()
                };
                AnswerView {
                    department_id: d,
                    department: name(d),
                    status: m
                        .map_or("未報告", |m| m.input.status.label_ja())
                        .to_string(),
                    status_code: m.map_or("", |m| m.input.status.code()).to_string(),
                    action: text(|m| m.action.clone()),
                    reason: text(|m| m.reason.clone()),
                    done_on: text(|m| m.done_on.map(|d| d.to_string())),
                    evidence: text(|m| m.evidence.clone()),
                    links: m
                        .map(|m| {
                            m.input
                                .links
                                .iter()
                                .map(|l| format!("{}:{}", l.ledger, l.key))
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .unwrap_or_default(),
                    recurred: recurred
                        .iter()
                        .find(|r| r.item_id == i.id && r.department_id == d)
                        .map(|r| r.subjects.join("、"))
                        .unwrap_or_default(),
                    can_answer: user.scope.can_write,
                }
            })
            .collect();
        views.push(ItemMeasures {
            id: i.id,
            number: number.unwrap_or_default(),
            grade: grade_label(&i.item.grade),
            title: i.item.title.clone(),
            due_on: date_full(i.due_on),
            due_value: i.due_on.map(|d| d.to_string()).unwrap_or_default(),
            answers,
        });
    }
    Ok(MeasuresPage {
        layout: Layout::new(user, format!("措置 {audit_id}"), "measures"),
        head,
        items: views,
        statuses: MeasureStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label_ja()))
            .collect(),
        can_govern: may_govern(user),
        errors,
        checked_on: date_full(Some(daicho_store::today())),
    }
    .render()?)
}

/// GET /audits/{id}/measures
pub async fn measures(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Html<String>, AppError> {
    Ok(Html(page(&state, &user, &audit_id, Vec::new()).await?))
}

fn links(text: &str) -> Result<Vec<LedgerLink>, StoreError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((ledger, key)) if !key.trim().is_empty() => Ok(LedgerLink {
                ledger: ledger.trim().to_string(),
                key: key.trim().to_string(),
            }),
            _ => Err(StoreError::invalid(
                "links",
                format!("「{l}」は「台帳名:番号」（例 assets:100400-S034）で書いてください"),
            )),
        })
        .collect()
}

/// POST /audits/{id}/measures: `item`, `department`, `status`, `action`, `reason`,
/// `done_on`, `evidence`, `links`.
pub async fn save_measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
    let item: i64 = field("item").parse().map_err(|_| AppError::NotFound)?;
    let department: i64 = field("department")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let result = async {
        let status = MeasureStatus::parse(&field("status"))
            .ok()
            .ok_or_else(|| StoreError::invalid("status", "措置の状況を選んでください"))?;
        let done_on = match optional("done_on") {
            Some(d) => Some(daicho_domain::parse_date(&d).map_err(|_| {
                StoreError::invalid("done_on", format!("「{d}」を日付として読めません"))
            })?),
            None => None,
        };
        let input = MeasureInput {
            status,
            action: optional("action"),
            reason: optional("reason"),
            done_on,
            evidence: optional("evidence"),
            links: links(&field("links"))?,
        };
        state
            .db
            .record_measure(&user.scope, &user.actor(), item, department, &input)
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/audits/{}/measures#item-{item}",
            url_encode(&audit_id)
        ))
        .into_response()),
        Err(StoreError::Invalid(errors)) => {
            let html = page(
                &state,
                &user,
                &audit_id,
                errors.into_iter().map(|e| e.message).collect(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /audits/{id}/due: `item`, `due_on` (empty clears it).
pub async fn save_due(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    let item: i64 = form
        .get("item")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(AppError::NotFound)?;
    let due_on = optional_day(
        form.get("due_on").map(String::as_str).unwrap_or_default(),
        "期限",
    )?;
    state
        .db
        .set_item_due(&user.scope, &user.actor(), item, due_on)
        .await?;
    Ok(Redirect::to(&format!(
        "/audits/{}/measures#item-{item}",
        url_encode(&audit_id)
    ))
    .into_response())
}

/// An overdue item as the list shows it.
pub struct OverdueView {
    pub audit_href: String,
    pub audit_id: String,
    pub item_id: i64,
    pub title: String,
    pub due_on: String,
    pub pending: String,
}

#[derive(Template)]
#[template(path = "measures.html")]
struct IndexPage {
    layout: Layout,
    audits: Vec<AuditHead>,
    overdue: Vec<OverdueView>,
}

/// GET /measures
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let audits = audit_heads(&state, &user).await?;
    let departments = state.db.departments(&user.scope).await?;
    let overdue = state
        .db
        .overdue_items(&user.scope, daicho_store::today())
        .await?
        .into_iter()
        .map(|o| OverdueView {
            audit_href: url_encode(&o.audit_id),
            pending: o
                .pending
                .iter()
                .filter_map(|id| departments.iter().find(|d| d.id == *id))
                .map(|d| d.name.clone())
                .collect::<Vec<_>>()
                .join("、"),
            audit_id: o.audit_id,
            item_id: o.item_id,
            title: o.title,
            due_on: date_full(Some(o.due_on)),
        })
        .collect();
    Ok(Html(
        IndexPage {
            layout: Layout::new(&user, "措置", "measures"),
            audits,
            overdue,
        }
        .render()?,
    ))
}
