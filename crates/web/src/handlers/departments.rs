//! The department tree.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use daicho_store::Department;
use std::collections::HashMap;

struct Node {
    id: i64,
    code: String,
    name: String,
    level: &'static str,
    depth: usize,
    assets: i64,
    ended: bool,
    ended_label: String,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    layout: Layout,
    nodes: Vec<Node>,
}

/// Depth-first order; a department whose parent is outside the scope is a root.
fn tree_order(departments: &[Department]) -> Vec<(&Department, usize)> {
    let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
    let mut out = Vec::with_capacity(departments.len());
    fn walk<'a>(
        all: &'a [Department],
        parent: i64,
        depth: usize,
        out: &mut Vec<(&'a Department, usize)>,
    ) {
        for d in all.iter().filter(|d| d.parent_id == Some(parent)) {
            out.push((d, depth));
            walk(all, d.id, depth + 1, out);
        }
    }
    for root in departments
        .iter()
        .filter(|d| d.parent_id.is_none_or(|p| !ids.contains(&p)))
    {
        out.push((root, 0));
        walk(departments, root.id, 1, &mut out);
    }
    out
}

/// GET /departments
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let departments = state.db.departments(&user.scope).await?;
    let counts: HashMap<String, i64> = state
        .db
        .dashboard_counts(&user.scope)
        .await?
        .by_department
        .into_iter()
        .map(|c| (c.key, c.entries))
        .collect();
    let names: HashMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.name.as_str()))
        .collect();
    // A bureau's figure includes its sections and units.
    let mut totals: HashMap<i64, i64> = HashMap::new();
    for d in &departments {
        let own = counts.get(&d.id.to_string()).copied().unwrap_or(0);
        let mut at = Some(d.id);
        while let Some(id) = at {
            *totals.entry(id).or_default() += own;
            at = departments
                .iter()
                .find(|x| x.id == id)
                .and_then(|x| x.parent_id);
        }
    }
    let nodes = tree_order(&departments)
        .into_iter()
        .map(|(d, depth)| Node {
            id: d.id,
            code: d.code.clone(),
            name: d.name.clone(),
            level: d.level.label_ja(),
            depth: depth.min(4),
            assets: totals.get(&d.id).copied().unwrap_or(0),
            ended: d.valid_to.is_some(),
            ended_label: match (&d.valid_to, d.successor_id.and_then(|s| names.get(&s))) {
                (Some(to), Some(succ)) => {
                    format!("{} 廃止（後継: {succ}）", crate::view::date_full(Some(*to)))
                }
                (Some(to), None) => format!("{} 廃止", crate::view::date_full(Some(*to))),
                _ => String::new(),
            },
        })
        .collect();
    Ok(Html(
        DepartmentsPage {
            layout: Layout::new(&user, "所属", "departments"),
            nodes,
        }
        .render()?,
    ))
}
