//! GET /assets: the ledger, filtered, searched, sorted and paginated.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Choice, Layout, url_encode};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment};
use daicho_store::{AssetFilter, AssetSort, PAGE_SIZE};
use serde::Deserialize;

/// The query string. Unknown or empty values mean "no filter".
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    department: String,
    kind: String,
    status: String,
    segment: String,
    os: Option<String>,
    /// A recognised OS product (every spelling of it), as the dashboard groups them.
    os_group: String,
    q: String,
    sort: String,
    desc: String,
    page: String,
}

impl ListQuery {
    fn filter(&self) -> AssetFilter {
        AssetFilter {
            department_id: self.department.parse().ok(),
            kind: AssetKind::parse(&self.kind).ok(),
            status: AssetStatus::parse(&self.status).ok(),
            network_segment: NetworkSegment::parse(&self.segment).ok(),
            os: self.os.clone().filter(|o| !o.is_empty()),
            os_any: Vec::new(),
            search: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            sort: AssetSort::parse(&self.sort),
            descending: self.desc == "1",
            page: self.page.parse().unwrap_or(1),
        }
    }

    /// This query as a URL with some parameters replaced.
    fn href(&self, sort: Option<(&str, bool)>, page: Option<i64>) -> String {
        let (sort, desc) = sort.unwrap_or((self.sort.as_str(), self.desc == "1"));
        let page = page
            .map(|p| p.to_string())
            .unwrap_or_else(|| self.page.clone());
        let os = self.os.clone().unwrap_or_default();
        let params = [
            ("department", self.department.as_str()),
            ("kind", self.kind.as_str()),
            ("status", self.status.as_str()),
            ("segment", self.segment.as_str()),
            ("os", os.as_str()),
            ("os_group", self.os_group.as_str()),
            ("q", self.q.as_str()),
            ("sort", sort),
            ("desc", if desc { "1" } else { "" }),
            ("page", page.as_str()),
        ];
        let query: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        format!("/assets?{}", query.join("&"))
    }
}

struct Header {
    label: &'static str,
    href: String,
    aria_sort: &'static str,
    arrow: &'static str,
}

struct Line {
    id: i64,
    tag: String,
    name: String,
    department: String,
    kind: &'static str,
    os: String,
    segment: &'static str,
    status: &'static str,
    acquired_on: String,
    quantity: i64,
}

#[derive(Template)]
#[template(path = "assets/list.html")]
struct ListPage {
    layout: Layout,
    departments: Vec<Choice>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    segments: Vec<Choice>,
    /// OS products as recognised, with their support.
    os_groups: Vec<Choice>,
    /// A spelling asked for exactly (a link from the dashboard), kept by the form.
    os: String,
    q: String,
    headers: Vec<Header>,
    rows: Vec<Line>,
    total: i64,
    first: i64,
    last: i64,
    page: i64,
    pages: i64,
    prev_href: String,
    next_href: String,
    can_create: bool,
    label_layouts: &'static [daicho_reports::labels::LabelLayout],
}

/// The department options, indented by depth.
pub async fn department_choices(
    state: &AppState,
    user: &CurrentUser,
    selected: &str,
    by_code: bool,
) -> Result<Vec<Choice>, AppError> {
    let departments = state.db.departments(&user.scope).await?;
    let depth_of = |mut parent: Option<i64>| {
        let mut depth = 0;
        while let Some(p) = parent {
            depth += 1;
            parent = departments
                .iter()
                .find(|d| d.id == p)
                .and_then(|d| d.parent_id);
        }
        depth
    };
    Ok(departments
        .iter()
        .map(|d| {
            let value = if by_code {
                d.code.clone()
            } else {
                d.id.to_string()
            };
            Choice {
                selected: value == selected,
                value,
                label: format!("{}{}", "　".repeat(depth_of(d.parent_id)), d.name),
            }
        })
        .collect())
}

/// GET /assets
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let mut filter = query.filter();
    let os_values = state.db.asset_os_values(&user.scope).await?;
    let catalogue = daicho_rules::audit::catalogue(&state.db).await?;
    if !query.os_group.is_empty() {
        filter.os_any = crate::os_groups::spellings_of(&catalogue, &query.os_group, &os_values);
        if filter.os_any.is_empty() {
            // A spelling nothing recognises is its own group.
            filter.os_any = vec![query.os_group.clone()];
        }
    }
    let page = state.db.list_assets(&user.scope, &filter).await?;
    let spellings = os_values
        .iter()
        .map(|o| daicho_store::FacetCount {
            key: o.clone(),
            label: o.clone(),
            entries: 0,
            quantity: 0,
        })
        .collect();
    let day = state.db.data_day(user.scope.tenant_id).await?;
    let os_groups = crate::os_groups::group(&catalogue, spellings, day)
        .into_iter()
        .map(|g| Choice {
            selected: g.label == query.os_group,
            label: match g.support.is_empty() {
                true => g.label.clone(),
                false => format!("{}（{}）", g.label, g.support),
            },
            value: g.label,
        })
        .collect();
    let columns: [(&'static str, Option<AssetSort>); 9] = [
        ("備品番号", Some(AssetSort::Tag)),
        ("品名", Some(AssetSort::Name)),
        ("所属", Some(AssetSort::Department)),
        ("種別", Some(AssetSort::Kind)),
        ("OS", Some(AssetSort::Os)),
        ("ネットワーク区分", None),
        ("利用状況", Some(AssetSort::Status)),
        ("取得日", Some(AssetSort::AcquiredOn)),
        ("数量", None),
    ];
    let headers = columns
        .iter()
        .map(|(label, sort)| {
            let current = *sort == Some(filter.sort);
            let (aria_sort, arrow) = match (current, filter.descending) {
                (true, false) => ("ascending", " ▲"),
                (true, true) => ("descending", " ▼"),
                _ => ("none", ""),
            };
            Header {
                label,
                // A second click on the current column reverses it.
                href: sort
                    .map(|s| query.href(Some((s.code(), current && !filter.descending)), Some(1)))
                    .unwrap_or_default(),
                aria_sort,
                arrow,
            }
        })
        .collect();
    let rows = page
        .rows
        .iter()
        .map(|r| Line {
            id: r.id,
            tag: r.asset_tag.clone(),
            name: r.name.clone(),
            department: r.department_name.clone(),
            kind: r.kind.label_ja(),
            os: r.os.clone().unwrap_or_default(),
            segment: r.network_segment.map(|s| s.label_ja()).unwrap_or(""),
            status: r.status.label_ja(),
            acquired_on: r.acquired_on.map(|d| d.to_string()).unwrap_or_default(),
            quantity: r.quantity,
        })
        .collect::<Vec<_>>();
    let first = if page.total == 0 {
        0
    } else {
        (page.page - 1) * PAGE_SIZE + 1
    };
    let listing = ListPage {
        layout: Layout::new(&user, "資産台帳", "assets"),
        departments: department_choices(&state, &user, &query.department, false).await?,
        kinds: Choice::of(
            AssetKind::ALL,
            &query.kind,
            AssetKind::code,
            AssetKind::label_ja,
        ),
        statuses: Choice::of(
            AssetStatus::ALL,
            &query.status,
            AssetStatus::code,
            AssetStatus::label_ja,
        ),
        segments: Choice::of(
            NetworkSegment::ALL,
            &query.segment,
            NetworkSegment::code,
            NetworkSegment::label_ja,
        ),
        os_groups,
        os: query.os.clone().unwrap_or_default(),
        q: query.q.clone(),
        headers,
        first,
        last: first + rows.len() as i64 - i64::from(!rows.is_empty()),
        rows,
        total: page.total,
        page: page.page,
        pages: page.pages,
        prev_href: if page.page > 1 {
            query.href(None, Some(page.page - 1))
        } else {
            String::new()
        },
        next_href: if page.page < page.pages {
            query.href(None, Some(page.page + 1))
        } else {
            String::new()
        },
        can_create: user.scope.can_write,
        label_layouts: &daicho_reports::labels::LABEL_LAYOUTS,
    };
    Ok(Html(listing.render()?))
}
