//! The other ledgers of the bundle, from their descriptions: GET /ledgers (the list of
//! ledgers), /ledgers/{name} (one ledger, searched and paginated), /ledgers/{name}/{id}
//! (one row and its change history). A department-bound user sees only ledgers whose rows
//! carry a department, and only its own rows.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Choice, HistoryLine, Layout, ledger_history, shown, url_encode};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use daicho_store::Scope;
use daicho_store::ledgers::{Column, Engine, Kind, LEDGERS, Ledger, ledger};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "ledgers/index.html")]
struct IndexPage {
    layout: Layout,
    /// (name, label, rows)
    ledgers: Vec<(&'static str, &'static str, i64)>,
}

#[derive(Template)]
#[template(path = "ledgers/list.html")]
struct ListPage {
    layout: Layout,
    name: &'static str,
    q: String,
    /// The department filter's options (ledgers whose rows carry a department).
    departments: Vec<Choice>,
    headers: Vec<&'static str>,
    rows: Vec<(i64, Vec<String>)>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: String,
    next_href: String,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "ledgers/detail.html")]
struct DetailPage {
    layout: Layout,
    name: &'static str,
    label: &'static str,
    fields: Vec<(&'static str, String)>,
    history: Vec<HistoryLine>,
    id: i64,
    can_write: bool,
    /// The 受払 of a medium (media ledger only).
    media: Option<crate::handlers::media::MediaPanel>,
}

/// A stored cell as a clerk reads it: a department by its name, a choice by its label.
fn cell(c: &Column, value: String, departments: &HashMap<String, String>) -> String {
    match c.kind {
        Kind::Department => departments.get(&value).cloned().unwrap_or(value),
        _ => shown(Some(c), value),
    }
}

/// The tenant's department names by code, for [`cell`].
async fn department_names(
    state: &AppState,
    user: &CurrentUser,
) -> Result<HashMap<String, String>, AppError> {
    let all = Scope::tenant(user.scope.tenant_id);
    Ok(state
        .db
        .departments(&all)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}

fn find(user: &CurrentUser, name: &str) -> Result<&'static Ledger, AppError> {
    ledger(name)
        .filter(|l| l.name == name && l.engine != Engine::Assets && l.visible_in(&user.scope))
        .ok_or(AppError::NotFound)
}

/// GET /ledgers
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let mut ledgers = Vec::new();
    // Assets have their own pages (/assets).
    for l in LEDGERS
        .iter()
        .filter(|l| l.engine != Engine::Assets && l.visible_in(&user.scope))
    {
        ledgers.push((
            l.name,
            l.label,
            state.db.ledger_page(&user.scope, l, None, 1).await?.total,
        ));
    }
    Ok(Html(
        IndexPage {
            layout: Layout::new(&user, "台帳", "ledgers"),
            ledgers,
        }
        .render()?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    department: String,
    page: String,
}

/// GET /ledgers/{name}
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let l = find(&user, &name)?;
    let search = Some(query.q.trim()).filter(|q| !q.is_empty());
    let has_department = l.column("department").is_some();
    let scope = match query.department.parse::<i64>() {
        Ok(d) if has_department => state.db.narrow_to(&user.scope, d).await?,
        _ => user.scope.clone(),
    };
    let page = state
        .db
        .ledger_page(&scope, l, search, query.page.parse().unwrap_or(1))
        .await?;
    let departments = if has_department {
        crate::handlers::assets::list::department_choices(&state, &user, &query.department, false)
            .await?
    } else {
        Vec::new()
    };
    let href = |p: i64| {
        format!(
            "/ledgers/{}?q={}&department={}&page={p}",
            l.name,
            url_encode(&query.q),
            url_encode(&query.department)
        )
    };
    let names = department_names(&state, &user).await?;
    let listing = ListPage {
        layout: Layout::new(&user, l.label, "ledgers"),
        name: l.name,
        q: query.q.clone(),
        departments,
        headers: l.columns.iter().map(|c| c.label).collect(),
        prev_href: if page.page > 1 {
            href(page.page - 1)
        } else {
            String::new()
        },
        next_href: if page.page < page.pages {
            href(page.page + 1)
        } else {
            String::new()
        },
        can_write: l.writable_by(&user.scope),
        rows: page
            .rows
            .into_iter()
            .map(|(id, cells)| {
                let cells = l.columns.iter().zip(cells).map(|(c, v)| cell(c, v, &names));
                (id, cells.collect())
            })
            .collect(),
        total: page.total,
        page: page.page,
        pages: page.pages,
    };
    Ok(Html(listing.render()?))
}

/// GET /ledgers/{name}/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((name, id)): Path<(String, i64)>,
) -> Result<Html<String>, AppError> {
    let l = find(&user, &name)?;
    let cells = state.db.ledger_row(&user.scope, l, id).await?;
    let names = department_names(&state, &user).await?;
    let history = state.db.history(&user.scope, l.name, id).await?;
    let page = DetailPage {
        layout: Layout::new(
            &user,
            format!(
                "{}（{}）",
                l.label,
                l.key
                    .iter()
                    .filter_map(|k| l.columns.iter().position(|c| c.name == *k))
                    .map(|i| cells[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
            "ledgers",
        ),
        name: l.name,
        label: l.label,
        id,
        can_write: l.writable_by(&user.scope),
        fields: l
            .columns
            .iter()
            .zip(cells)
            .map(|(c, v)| (c.label, cell(c, v, &names)))
            .collect(),
        history: ledger_history(l, &history),
        media: match l.register {
            Some(_) => Some(crate::handlers::media::panel(&state, &user, id).await?),
            None => None,
        },
    };
    Ok(Html(page.render()?))
}
