//! The ledgers as the screens read them: GET /api/v1/ledgers (which there are), GET
//! /api/v1/ledgers/{name} (one page, searched and narrowed to a department), GET
//! /api/v1/ledgers/{name}/{id} (one row and its change history), GET /api/v1/assets (the
//! asset ledger, filtered as its screen filters it).

use super::error::ErrorBody;
use super::{ApiCaller, ApiError};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment};
use daicho_store::ledgers::{Engine, LEDGERS, Ledger, ledger};
use daicho_store::{AssetFilter, AssetSort, Scope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

/// A ledger and how many rows the token sees in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerLine {
    /// Its name in the API (`contracts`, `media`, …).
    pub name: String,
    /// Its name on screen.
    pub label: String,
    pub rows: i64,
    /// Its columns' names, in order.
    pub columns: Vec<String>,
}

/// One page of rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowPage {
    pub rows: Vec<Row>,
    /// Rows that match, over all pages.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// A row: its id and its values by column name (as stored: codes, ISO dates).
#[derive(Debug, Serialize, ToSchema)]
pub struct Row {
    pub id: i64,
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
}

/// A row with its change history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowWithHistory {
    pub id: i64,
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
    pub history: Vec<Change>,
}

/// One change: who, when, before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    pub action: String,
    pub changed_by: String,
    pub changed_at: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
}

fn find(caller: &ApiCaller, name: &str) -> Result<&'static Ledger, ApiError> {
    ledger(name)
        .filter(|l| l.name == name && l.engine != Engine::Assets && l.visible_in(&caller.scope))
        .ok_or(ApiError::NotFound)
}

fn row(l: &Ledger, id: i64, cells: Vec<String>) -> Row {
    let values = l
        .columns
        .iter()
        .zip(cells)
        .map(|(c, v)| (c.name.to_string(), Value::String(v)))
        .collect();
    Row { id, values }
}

/// The scope narrowed to a department given by its code (and those under it).
async fn narrowed(
    state: &AppState,
    caller: &ApiCaller,
    department: &str,
) -> Result<(Scope, Option<i64>), ApiError> {
    let code = department.trim();
    if code.is_empty() {
        return Ok((caller.scope.clone(), None));
    }
    let d = state
        .db
        .department_by_code(&caller.scope, code)
        .await?
        .ok_or_else(|| ApiError::BadParameter(format!("所属コード「{code}」はありません。")))?;
    Ok((state.db.narrow_to(&caller.scope, d.id).await?, Some(d.id)))
}

/// The ledgers the token sees.
#[utoipa::path(get, path = "/api/v1/ledgers", tag = "ledgers",
    responses((status = 200, body = Vec<LedgerLine>), (status = 401, body = ErrorBody)))]
pub async fn index(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<LedgerLine>>, ApiError> {
    let mut out = Vec::new();
    for l in LEDGERS
        .iter()
        .filter(|l| l.engine != Engine::Assets && l.visible_in(&caller.scope))
    {
        out.push(LedgerLine {
            name: l.name.into(),
            label: l.label.into(),
            rows: state.db.ledger_page(&caller.scope, l, None, 1).await?.total,
            columns: l.columns.iter().map(|c| c.name.to_string()).collect(),
        });
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words every row must contain.
    q: String,
    /// A department's code: only its rows (and those of the departments under it).
    department: String,
    /// 1-based page of 50 rows.
    page: Option<i64>,
}

/// One page of a ledger.
#[utoipa::path(get, path = "/api/v1/ledgers/{name}", tag = "ledgers",
    params(("name" = String, Path, description = "The ledger's name"), ListParams),
    responses((status = 200, body = RowPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(name): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Json<RowPage>, ApiError> {
    let l = find(&caller, &name)?;
    let (scope, _) = if l.column("department").is_some() {
        narrowed(&state, &caller, &params.department).await?
    } else {
        (caller.scope.clone(), None)
    };
    let search = Some(params.q.trim()).filter(|q| !q.is_empty());
    let page = state
        .db
        .ledger_page(&scope, l, search, params.page.unwrap_or(1))
        .await?;
    Ok(Json(RowPage {
        rows: page
            .rows
            .into_iter()
            .map(|(id, cells)| row(l, id, cells))
            .collect(),
        total: page.total,
        page: page.page,
        pages: page.pages,
    }))
}

/// One row of a ledger with its change history.
#[utoipa::path(get, path = "/api/v1/ledgers/{name}/{id}", tag = "ledgers",
    params(("name" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = RowWithHistory), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn row_of(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((name, id)): Path<(String, i64)>,
) -> Result<Json<RowWithHistory>, ApiError> {
    let l = find(&caller, &name)?;
    let cells = state.db.ledger_row(&caller.scope, l, id).await?;
    let Row { values, .. } = row(l, id, cells);
    let history = state
        .db
        .history(&caller.scope, l.name, id)
        .await?
        .into_iter()
        .map(|h| Change {
            action: h.action,
            changed_by: h.changed_by,
            changed_at: h.changed_at,
            before: h.before,
            after: h.after,
        })
        .collect();
    Ok(Json(RowWithHistory {
        id,
        values,
        history,
    }))
}

#[derive(Debug, Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AssetParams {
    /// Words found in the tag, name, maker, model or serial.
    q: String,
    /// A department's code (and those under it).
    department: String,
    /// `desktop`, `laptop`, `server`, … (the asset kinds).
    kind: String,
    /// `in_use`, `spare`, `retired`, `disposed`.
    status: String,
    /// The network segment's code.
    segment: String,
    /// The OS exactly as recorded.
    os: Option<String>,
    page: Option<i64>,
}

/// An asset as the ledger's list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetLine {
    pub id: i64,
    pub asset_tag: String,
    pub department: String,
    pub department_name: String,
    pub kind: String,
    pub name: String,
    pub os: Option<String>,
    pub network_segment: Option<String>,
    pub status: String,
    pub acquired_on: Option<String>,
    pub quantity: i64,
}

/// One page of assets.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetPage {
    pub rows: Vec<AssetLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// A choice given by its code: none when empty, refused when it names nothing.
fn choice<T>(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, daicho_domain::DomainError>,
) -> Result<Option<T>, ApiError> {
    match text.trim() {
        "" => Ok(None),
        t => parse(t)
            .map(Some)
            .map_err(|_| ApiError::BadParameter(format!("{what}「{t}」はありません。"))),
    }
}

/// One page of the asset ledger.
#[utoipa::path(get, path = "/api/v1/assets", tag = "ledgers", params(AssetParams),
    responses((status = 200, body = AssetPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn assets(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<AssetParams>,
) -> Result<Json<AssetPage>, ApiError> {
    let (_, department_id) = narrowed(&state, &caller, &params.department).await?;
    let filter = AssetFilter {
        department_id,
        kind: choice(&params.kind, "種別", AssetKind::parse)?,
        status: choice(&params.status, "利用状況", AssetStatus::parse)?,
        network_segment: choice(&params.segment, "ネットワーク区分", NetworkSegment::parse)?,
        os: params.os.clone(),
        os_any: Vec::new(),
        search: Some(params.q.trim().to_string()).filter(|q| !q.is_empty()),
        sort: AssetSort::parse(""),
        descending: false,
        page: params.page.unwrap_or(1),
    };
    let page = state.db.list_assets(&caller.scope, &filter).await?;
    Ok(Json(AssetPage {
        rows: page
            .rows
            .into_iter()
            .map(|a| AssetLine {
                id: a.id,
                asset_tag: a.asset_tag,
                department: a.department_code,
                department_name: a.department_name,
                kind: a.kind.code().into(),
                name: a.name,
                os: a.os,
                network_segment: a.network_segment.map(|s| s.code().to_string()),
                status: a.status.code().into(),
                acquired_on: a.acquired_on.map(|d| d.to_string()),
                quantity: a.quantity,
            })
            .collect(),
        total: page.total,
        page: page.page,
        pages: page.pages,
    }))
}
