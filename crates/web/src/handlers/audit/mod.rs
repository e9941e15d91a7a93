//! Audits on screen (監査): GET /audits lists the tenant's audits; GET /audits/{id} shows
//! one — its visits, its items (監査の結果・意見) with their state and the report's number —
//! and POST /audits/{id} is what the auditor does to the items there (draft from the rules,
//! confirm, drop, move, merge). Items are edited or written by hand on their own form
//! (`item`), a visited department's survey on its page (`survey`), and the report is
//! previewed and downloaded as HTML, XLSX and PDF (`report`). After the report: the
//! departments' measures (`measures`), horizontal checks (`horizontal`) and the proposed
//! plan of the next internal audits (`plan`).
//!
//! Everyone who sees the whole tenant reads audits; the auditor, 情報政策課 and the
//! administrator record them (`Scope::can_audit`). Measures and horizontal checks are
//! answered by each department's manager for its own departments.

pub mod horizontal;
mod item;
mod measures;
pub mod plan;
mod report;
mod survey;

pub use item::{edit_item, new_item, save_item};
pub use measures::{index as measures_index, measures, save_due, save_measure};
pub use report::{report_html, report_pdf, report_xlsx, stylesheet as report_stylesheet};
pub use survey::{save_survey, survey};

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::audit_item::ItemScope;
use daicho_reports::audit_report::{Visit, item_numbers, visits};
use daicho_store::ItemState;
use daicho_store::ledgers::{choice_label, ledger};

use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, date_full, url_encode};

/// Audits are read by who sees the whole tenant.
fn may_read(user: &CurrentUser) -> Result<(), AppError> {
    if user.scope.departments.is_none() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "監査を見られるのは、団体全体を見られる利用者です。".into(),
        ))
    }
}

/// Items are recorded by the auditor, 情報政策課 and the administrator.
fn may_record(user: &CurrentUser) -> Result<(), AppError> {
    may_read(user)?;
    if user.scope.can_audit {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "監査の結果・意見を記録できるのは監査人・情報政策課・管理者です。".into(),
        ))
    }
}

/// An audit as its pages head it.
pub struct AuditHead {
    pub audit_id: String,
    pub href: String,
    pub kind: String,
    pub year: String,
    pub title: String,
    pub as_of: String,
    pub auditors: String,
}

/// The tenant's audits (audits: audit_id, kind, fiscal_year, title, as_of, auditors,
/// published).
pub(crate) async fn audit_heads(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<AuditHead>, AppError> {
    let audits = ledger("audits").ok_or(AppError::NotFound)?;
    let mut heads: Vec<(String, AuditHead)> = state
        .db
        .ledger_rows(&user.scope, audits)
        .await?
        .into_iter()
        .map(|r| {
            (
                r[2].clone(),
                AuditHead {
                    href: url_encode(&r[0]),
                    kind: choice_label("audits", "kind", &r[1]).to_string(),
                    year: r[2]
                        .parse()
                        .map(daicho_reports::year_label)
                        .unwrap_or_default(),
                    title: r[3].clone(),
                    as_of: date_full(daicho_domain::parse_date(&r[4]).ok()),
                    auditors: r[5].clone(),
                    audit_id: r[0].clone(),
                },
            )
        })
        .collect();
    // Newest fiscal year first.
    heads.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.audit_id.cmp(&b.1.audit_id)));
    Ok(heads.into_iter().map(|(_, h)| h).collect())
}

async fn audit_head(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
) -> Result<AuditHead, AppError> {
    audit_heads(state, user)
        .await?
        .into_iter()
        .find(|h| h.audit_id == audit_id)
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "audits.html")]
struct AuditsPage {
    layout: Layout,
    audits: Vec<AuditHead>,
}

/// GET /audits
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    Ok(Html(
        AuditsPage {
            layout: Layout::new(&user, "監査", "audits"),
            audits: audit_heads(&state, &user).await?,
        }
        .render()?,
    ))
}

/// An item as the audit's page lists it.
pub struct ItemLine {
    pub id: i64,
    pub number: String,
    pub state: &'static str,
    pub draft: bool,
    pub confirmed: bool,
    pub scope: &'static str,
    pub grade: &'static str,
    pub title: String,
    pub departments: String,
    pub evidence: usize,
}

/// A visit as the audit's page lists it.
pub struct VisitLine {
    pub department: String,
    pub visited_on: String,
    pub survey_href: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    head: AuditHead,
    visits: Vec<VisitLine>,
    items: Vec<ItemLine>,
    dropped: Vec<ItemLine>,
    drafts: usize,
    confirmed: usize,
    can_record: bool,
    message: Option<String>,
}

pub(crate) fn scope_label(scope: ItemScope) -> &'static str {
    match scope {
        ItemScope::General => "総論",
        ItemScope::Individual => "個別事案",
    }
}

pub(crate) fn grade_label(grade: &str) -> &'static str {
    if grade == "violation" {
        "指摘"
    } else {
        "意見"
    }
}

async fn audit_page(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    message: Option<String>,
) -> Result<String, AppError> {
    let head = audit_head(state, user, audit_id).await?;
    let audit_ref = state.db.audit_ref(&user.scope, audit_id).await?;
    let visited: Vec<Visit> = visits(&state.db, &user.scope, audit_id).await?;
    let visit_ids: Vec<i64> = visited.iter().map(|v| v.department_id).collect();
    let items = state.db.audit_items(&user.scope, audit_ref).await?;
    let numbers = item_numbers(&items, &visit_ids);
    let departments = state.db.departments(&user.scope).await?;
    let name = |id: &i64| {
        departments
            .iter()
            .find(|d| d.id == *id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let mut lines = Vec::new();
    let mut dropped = Vec::new();
    for (i, number) in items.iter().zip(numbers) {
        let line = ItemLine {
            id: i.id,
            number: number.unwrap_or_default(),
            state: i.item.state.label(),
            draft: i.item.state == ItemState::Draft,
            confirmed: i.item.state == ItemState::Confirmed,
            scope: scope_label(i.item.scope),
            grade: grade_label(&i.item.grade),
            title: i.item.title.clone(),
            departments: i
                .item
                .departments
                .iter()
                .map(name)
                .collect::<Vec<_>>()
                .join("、"),
            evidence: i.item.evidence.len(),
        };
        if i.item.state == ItemState::Dropped {
            dropped.push(line);
        } else {
            lines.push(line);
        }
    }
    let href = head.href.clone();
    Ok(AuditPage {
        layout: Layout::new(user, format!("監査 {audit_id}"), "audits"),
        visits: visited
            .iter()
            .map(|v| VisitLine {
                department: v.department.clone(),
                visited_on: date_full(v.visited_on),
                survey_href: format!("/audits/{href}/survey/{}", url_encode(&v.code)),
            })
            .collect(),
        drafts: lines.iter().filter(|l| l.draft).count(),
        confirmed: lines.iter().filter(|l| l.confirmed).count(),
        items: lines,
        dropped,
        can_record: user.scope.can_audit,
        message,
        head,
    }
    .render()?)
}

/// GET /audits/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    Ok(Html(audit_page(&state, &user, &audit_id, None).await?))
}

fn find_item<'a>(
    items: &'a [daicho_store::AuditItem],
    id: &str,
) -> Result<&'a daicho_store::AuditItem, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    items.iter().find(|i| i.id == id).ok_or(AppError::NotFound)
}

fn form_field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// POST /audits/{id}: `action` is `draft`, `merge` (the items ticked in `pick`, into the
/// first), or `confirm:ID`, `drop:ID`, `restore:ID`, `up:ID`, `down:ID`.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    verify(&form_field(&form, "csrf_token"), &user.csrf)?;
    may_record(&user)?;
    let action = form_field(&form, "action");
    let picked: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.clone())
        .collect();
    let message = act_on(&state, &user, &audit_id, &action, &picked).await?;
    match message {
        Some(message) => {
            Ok(Html(audit_page(&state, &user, &audit_id, Some(message)).await?).into_response())
        }
        None => {
            Ok(Redirect::to(&format!("/audits/{}#items", url_encode(&audit_id))).into_response())
        }
    }
}

/// Does `action`; the message to show, or `None` for a move (the page is shown again).
async fn act_on(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    action: &str,
    picked: &[String],
) -> Result<Option<String>, AppError> {
    let scope = &user.scope;
    let actor = user.actor();
    if action == "draft" {
        // Drafting runs the audit, whose future is not provably Send (see `audits::run`):
        // it is driven to the end on a blocking thread.
        let (db, scope, tenant, audit) = (
            state.db.clone(),
            scope.clone(),
            user.tenant_code.clone(),
            audit_id.to_string(),
        );
        let runtime = tokio::runtime::Handle::current();
        let done = tokio::task::spawn_blocking(move || {
            runtime.block_on(daicho_rules::drafting::draft_audit_items(
                &db, &scope, &actor, &tenant, &audit,
            ))
        })
        .await
        .map_err(|e| AppError::Internal(format!("drafting task: {e}")))??;
        return Ok(Some(format!(
            "規則の判定から下書きを {} 件作りました（既にある項目 {} 件はそのまま）。",
            done.added, done.kept
        )));
    }
    let audit_ref = state.db.audit_ref(scope, audit_id).await?;
    let items = state.db.audit_items(scope, audit_ref).await?;
    if action == "merge" {
        let ids: Vec<i64> = picked
            .iter()
            .map(|v| find_item(&items, v).map(|i| i.id))
            .collect::<Result<_, _>>()?;
        let Some((into, others)) = ids.split_first().filter(|(_, o)| !o.is_empty()) else {
            return Err(AppError::Invalid(
                "まとめる結果・意見を2件以上選んでください（最初に選んだものにまとめます）。"
                    .into(),
            ));
        };
        state
            .db
            .merge_audit_items(scope, &actor, *into, others)
            .await?;
        return Ok(Some(format!("{} 件を1件にまとめました。", ids.len())));
    }
    let Some((verb, id)) = action.split_once(':') else {
        return Err(AppError::BadRequest("その操作はありません。".into()));
    };
    let it = find_item(&items, id)?;
    let (id, title, position) = (it.id, it.item.title.clone(), it.position);
    let (to, done) = match verb {
        "confirm" => (ItemState::Confirmed, "確定"),
        "drop" => (ItemState::Dropped, "取り下げ"),
        "restore" => (ItemState::Draft, "下書きに戻"),
        "up" | "down" => {
            let to = if verb == "up" {
                position - 1
            } else {
                position + 1
            };
            state
                .db
                .move_audit_item(scope, &actor, id, to.max(1))
                .await?;
            return Ok(None);
        }
        _ => return Err(AppError::BadRequest("その操作はありません。".into())),
    };
    state.db.set_audit_item_state(scope, &actor, id, to).await?;
    Ok(Some(format!("「{title}」を{done}しました。")))
}
