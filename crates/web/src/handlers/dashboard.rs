//! The dashboard: assets by department, kind, status, network segment and OS.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use daicho_store::FacetCount;

struct Bar {
    label: String,
    href: String,
    entries: i64,
    quantity: i64,
    percent: i64,
}

struct Facet {
    title: &'static str,
    bars: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    entries: i64,
    quantity: i64,
    facets: Vec<Facet>,
}

fn facet(title: &'static str, param: &str, counts: Vec<FacetCount>) -> Facet {
    let max = counts.iter().map(|c| c.entries).max().unwrap_or(1).max(1);
    let bars = counts
        .into_iter()
        .map(|c| Bar {
            href: format!("/assets?{param}={}", url_encode(&c.key)),
            percent: c.entries * 100 / max,
            label: c.label,
            entries: c.entries,
            quantity: c.quantity,
        })
        .collect();
    Facet { title, bars }
}

/// GET /dashboard
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let counts = state.db.dashboard_counts(&user.scope).await?;
    let page = DashboardPage {
        layout: Layout::new(&user, "ダッシュボード", "dashboard"),
        entries: counts.entries,
        quantity: counts.quantity,
        facets: vec![
            facet("所属別", "department", counts.by_department),
            facet("種別", "kind", counts.by_kind),
            facet("利用状況", "status", counts.by_status),
            facet("ネットワーク区分", "segment", counts.by_segment),
            facet("OS", "os", counts.by_os),
        ],
    };
    Ok(Html(page.render()?))
}
