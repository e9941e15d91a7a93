//! The dashboard: the risk first (`risk`), then assets by department, kind, status,
//! network segment, and by OS product as the lifecycle catalogue recognises it (ended
//! support first, spellings one click away).

mod risk;

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

/// One OS product: its bar, its support and the spellings recorded for it.
struct OsRow {
    bar: Bar,
    support: String,
    ended: bool,
    spellings: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    entries: i64,
    quantity: i64,
    facets: Vec<Facet>,
    os: Vec<OsRow>,
    /// None when the audit it reads could not be had in time (the counts still show).
    risk: Option<risk::Risk>,
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

/// The OS counts by recognised product; a product's bar opens every spelling of it.
fn os_rows(
    catalogue: &daicho_rules::eol::Catalogue,
    counts: Vec<FacetCount>,
    day: chrono::NaiveDate,
) -> Vec<OsRow> {
    let groups = crate::os_groups::group(catalogue, counts, day);
    let max = groups.iter().map(|g| g.entries).max().unwrap_or(1).max(1);
    let spelling = |c: FacetCount| Bar {
        href: format!("/assets?os={}", url_encode(&c.key)),
        percent: c.entries * 100 / max,
        label: if c.key.is_empty() {
            "（記録なし）".into()
        } else {
            c.key
        },
        entries: c.entries,
        quantity: c.quantity,
    };
    groups
        .into_iter()
        .map(|g| {
            let href = match (g.recognised, g.spellings.as_slice()) {
                (true, _) => format!("/assets?os_group={}", url_encode(&g.label)),
                (false, [only]) => format!("/assets?os={}", url_encode(&only.key)),
                (false, _) => format!("/assets?os_group={}", url_encode(&g.label)),
            };
            OsRow {
                bar: Bar {
                    href,
                    percent: g.entries * 100 / max,
                    label: g.label,
                    entries: g.entries,
                    quantity: g.quantity,
                },
                support: g.support,
                ended: g.ended,
                spellings: g.spellings.into_iter().map(spelling).collect(),
            }
        })
        .collect()
}

/// GET /dashboard
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    // Where every login lands: a staff member's is their own page.
    if user.user.role.is_staff() {
        return Ok(axum::response::Redirect::to(crate::auth::STAFF_HOME).into_response());
    }
    let counts = state.db.dashboard_counts(&user.scope).await?;
    let catalogue = daicho_rules::audit::catalogue(&state.db).await?;
    let day = state.db.data_day(user.scope.tenant_id).await?;
    let page = DashboardPage {
        layout: Layout::new(&user, "ダッシュボード", "dashboard"),
        entries: counts.entries,
        quantity: counts.quantity,
        facets: vec![
            facet("所属別", "department", counts.by_department),
            facet("種別", "kind", counts.by_kind),
            facet("利用状況", "status", counts.by_status),
            facet("ネットワーク区分", "segment", counts.by_segment),
        ],
        os: os_rows(&catalogue, counts.by_os, day),
        risk: match risk::load(&state, &user).await {
            Ok(risk) => Some(risk),
            Err(AppError::Unavailable(_)) => None,
            Err(e) => return Err(e),
        },
    };
    Ok(Html(page.render()?).into_response())
}
