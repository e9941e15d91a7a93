//! GET /assets/{id}: one asset, every field in Japanese, and its change history.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{HistoryLine, Layout, date_full, fiscal_year, instant, ledger_history, shown};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use daicho_domain::format_yen;
use daicho_store::Asset;
use daicho_store::ledgers::{ASSETS, Column, Kind};

#[derive(Template)]
#[template(path = "assets/detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    can_edit: bool,
    fields: Vec<(&'static str, String)>,
    history: Vec<HistoryLine>,
}

/// An asset's column as its page shows it: names for codes, dates with their 和暦, yen.
fn cell(asset: &Asset, c: &Column) -> String {
    let text = asset.fields.text(c.db).unwrap_or_default();
    let date = || NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
    match c.kind {
        Kind::Department => format!("{}（{}）", asset.department_name, asset.department_code),
        Kind::Location => asset.location_code.clone().unwrap_or_default(),
        Kind::Date => date_full(date()),
        Kind::Yen => text
            .parse::<i64>()
            .map(|c| format!("{}円", format_yen(c)))
            .unwrap_or_default(),
        Kind::Ratio => text
            .parse::<f64>()
            .map(|r| format!("{:.0}%", r * 100.0))
            .unwrap_or_default(),
        _ => shown(Some(c), text),
    }
}

/// GET /assets/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let asset = state.db.asset(&user.scope, id).await?;
    let history = state.db.asset_history(&user.scope, id).await?;
    let mut fields = Vec::new();
    for c in ASSETS.columns {
        fields.push((c.label, cell(&asset, c)));
        if c.name == "acquired_on" {
            fields.push(("取得年度", fiscal_year(asset.fields.acquired_on)));
        }
    }
    fields.push(("登録日時", instant(&asset.created_at)));
    fields.push(("更新日時", instant(&asset.updated_at)));
    let f = &asset.fields;
    let page = DetailPage {
        layout: Layout::new(&user, format!("{} {}", f.asset_tag, f.name), "assets"),
        id,
        can_edit: user.scope.can_write,
        fields,
        history: ledger_history(&ASSETS, &history),
    };
    Ok(Html(page.render()?))
}
