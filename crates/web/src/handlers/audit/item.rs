//! One audit item on screen: GET /audits/{id}/items/new and POST /audits/{id}/items write
//! one by hand (in the departments chosen among those visited); GET and POST
//! /audits/{id}/items/{item} rewrite one (scope, grade and text; the rule's defaults
//! overridden) and show what it rests on.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::audit_item::ItemScope;
use daicho_reports::audit_report::visits;
use daicho_store::{ItemState, ItemText, NewAuditItem, StoreError};

use super::{AuditHead, audit_head, may_read, may_record};
use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode};

/// A department that can be ticked for a new item.
pub struct DepartmentChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

/// What an item rests on, in words.
pub struct EvidenceLine {
    pub kind: &'static str,
    pub rule: String,
    pub subject: String,
    pub department: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "audit_item.html")]
struct ItemPage {
    layout: Layout,
    head: AuditHead,
    /// `None` for a new item.
    item_id: Option<i64>,
    action: String,
    form: HashMap<String, String>,
    departments: Vec<DepartmentChoice>,
    found_in: String,
    rule: String,
    evidence: Vec<EvidenceLine>,
    errors: Vec<String>,
    can_record: bool,
}

impl ItemPage {
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }
}

fn text_of(form: &HashMap<String, String>) -> ItemText {
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
    ItemText {
        scope: if field("scope") == "general" {
            ItemScope::General
        } else {
            ItemScope::Individual
        },
        grade: field("grade"),
        title: field("title"),
        summary: optional("summary"),
        body: optional("body"),
        clause: optional("clause"),
    }
}

fn form_of(text: &ItemText) -> HashMap<String, String> {
    HashMap::from([
        (
            "scope".into(),
            match text.scope {
                ItemScope::General => "general",
                ItemScope::Individual => "individual",
            }
            .into(),
        ),
        ("grade".into(), text.grade.clone()),
        ("title".into(), text.title.clone()),
        ("summary".into(), text.summary.clone().unwrap_or_default()),
        ("body".into(), text.body.clone().unwrap_or_default()),
        ("clause".into(), text.clause.clone().unwrap_or_default()),
    ])
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    item_id: Option<i64>,
    form: Option<HashMap<String, String>>,
    picked: &[i64],
    errors: Vec<String>,
) -> Result<String, AppError> {
    let head = audit_head(state, user, audit_id).await?;
    let audit_ref = state.db.audit_ref(&user.scope, audit_id).await?;
    let departments = state.db.departments(&user.scope).await?;
    let name = |id: i64| {
        departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let href = head.href.clone();
    let (action, mut shown, found_in, rule, evidence) = match item_id {
        None => (
            format!("/audits/{href}/items"),
            HashMap::from([
                ("scope".to_string(), "individual".to_string()),
                ("grade".to_string(), "opinion".to_string()),
            ]),
            String::new(),
            String::new(),
            Vec::new(),
        ),
        Some(id) => {
            let items = state.db.audit_items(&user.scope, audit_ref).await?;
            let it = items
                .iter()
                .find(|i| i.id == id)
                .ok_or(AppError::NotFound)?;
            let rules = daicho_rules::builtin::rules().unwrap_or_default();
            let rule_title = |rule: &str| {
                rules
                    .iter()
                    .find(|r| r.id == rule)
                    .map(|r| r.title.clone())
                    .unwrap_or_else(|| rule.to_string())
            };
            (
                format!("/audits/{href}/items/{id}"),
                form_of(&it.item.text()),
                it.item
                    .departments
                    .iter()
                    .map(|d| name(*d))
                    .collect::<Vec<_>>()
                    .join("、"),
                it.item
                    .rule_id
                    .as_deref()
                    .map(rule_title)
                    .unwrap_or_default(),
                it.item
                    .evidence
                    .iter()
                    .map(|e| EvidenceLine {
                        kind: match e.kind.as_str() {
                            "rule_result" => "規則の判定",
                            "observation" => "往査での確認",
                            _ => "メモ",
                        },
                        rule: e.rule_id.as_deref().map(rule_title).unwrap_or_default(),
                        subject: e.subject.clone().unwrap_or_default(),
                        department: e.department_id.map(name).unwrap_or_default(),
                        reason: e
                            .reason
                            .clone()
                            .or_else(|| e.note.clone())
                            .unwrap_or_default(),
                    })
                    .collect(),
            )
        }
    };
    if let Some(form) = form {
        shown = form;
    }
    let visited = visits(&state.db, &user.scope, audit_id).await?;
    Ok(ItemPage {
        layout: Layout::new(
            user,
            if item_id.is_some() {
                "監査の結果・意見を直す"
            } else {
                "監査の結果・意見を書く"
            },
            "audits",
        ),
        head,
        item_id,
        action,
        form: shown,
        departments: visited
            .iter()
            .map(|v| DepartmentChoice {
                id: v.department_id,
                name: v.department.clone(),
                checked: picked.contains(&v.department_id),
            })
            .collect(),
        found_in,
        rule,
        evidence,
        errors,
        can_record: user.scope.can_audit,
    }
    .render()?)
}

/// GET /audits/{id}/items/new
pub async fn new_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Html<String>, AppError> {
    may_record(&user)?;
    Ok(Html(
        page(&state, &user, &audit_id, None, None, &[], Vec::new()).await?,
    ))
}

/// GET /audits/{id}/items/{item}
pub async fn edit_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((audit_id, item_id)): Path<(String, i64)>,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    Ok(Html(
        page(
            &state,
            &user,
            &audit_id,
            Some(item_id),
            None,
            &[],
            Vec::new(),
        )
        .await?,
    ))
}

/// POST /audits/{id}/items (a new item) and POST /audits/{id}/items/{item} (saved).
pub async fn save_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<Vec<String>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let audit_id = path.first().cloned().unwrap_or_default();
    let item_id: Option<i64> = match path.get(1) {
        Some(id) => Some(id.parse().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let form: HashMap<String, String> = pairs
        .iter()
        .filter(|(k, _)| k != "department")
        .cloned()
        .collect();
    verify(
        form.get("csrf_token").map_or("", String::as_str),
        &user.csrf,
    )?;
    may_record(&user)?;
    let picked: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "department")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let text = text_of(&form);
    let audit_ref = state.db.audit_ref(&user.scope, &audit_id).await?;
    let result = match item_id {
        Some(id) => state
            .db
            .update_audit_item(&user.scope, &user.actor(), id, &text)
            .await
            .map(|()| id),
        None => {
            let visited = visits(&state.db, &user.scope, &audit_id).await?;
            if text.scope == ItemScope::Individual && picked.is_empty() {
                Err(StoreError::invalid(
                    "department",
                    "個別事案は、見つかった所属を1つ以上選んでください",
                ))
            } else if picked
                .iter()
                .any(|d| !visited.iter().any(|v| v.department_id == *d))
            {
                Err(StoreError::invalid(
                    "department",
                    "所属は、この監査で往査した所属から選んでください",
                ))
            } else {
                let departments = if text.scope == ItemScope::General {
                    Vec::new()
                } else {
                    picked.clone()
                };
                state
                    .db
                    .add_audit_item(
                        &user.scope,
                        &user.actor(),
                        audit_ref,
                        &NewAuditItem {
                            scope: text.scope,
                            grade: text.grade.clone(),
                            title: text.title.clone(),
                            summary: text.summary.clone(),
                            body: text.body.clone(),
                            clause: text.clause.clone(),
                            rule_id: None,
                            state: ItemState::Draft,
                            departments,
                            evidence: Vec::new(),
                        },
                    )
                    .await
            }
        }
    };
    match result {
        Ok(id) => Ok(
            Redirect::to(&format!("/audits/{}#item-{id}", url_encode(&audit_id))).into_response(),
        ),
        Err(StoreError::Invalid(errors)) => {
            let html = page(
                &state,
                &user,
                &audit_id,
                item_id,
                Some(form),
                &picked,
                errors.into_iter().map(|e| e.message).collect(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
