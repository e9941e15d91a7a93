//! The audit through the API: GET /api/v1/findings (the rules' results as the findings
//! page lists them, from the same kept audit), GET /api/v1/audits (the audits recorded),
//! GET /api/v1/audits/{id}/items (an audit's items numbered as its report numbers them)
//! and GET /api/v1/audits/{id}/measures (what each department reported doing).

use super::error::ErrorBody;
use super::{ApiCaller, ApiError};
use crate::handlers::findings::full_audit;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use daicho_reports::audit_report::{item_numbers, visits};
use daicho_rules::{Filter, List};
use daicho_store::ledgers::ledger;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Results per page of findings.
const PAGE: u64 = 100;

#[derive(Debug, Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FindingParams {
    /// `findings` (指摘・意見, the default), `unknown` (データ不足) or `waived` (例外承認).
    list: String,
    /// A rule's id.
    rule: String,
    /// A department's code (exactly that department).
    department: String,
    /// The audit's day (ISO or 和暦); the tenant's data day when empty.
    as_of: String,
    /// 1-based page of 100.
    page: Option<u64>,
}

/// One result of one rule about one subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct Finding {
    pub rule: String,
    pub title: String,
    /// `violation` (指摘) or `opinion` (意見).
    pub grade: String,
    /// `general` (総論) or `individual` (個別).
    pub scope: String,
    pub clause: String,
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub subject_kind: String,
    pub subject: String,
    pub reason: String,
    #[schema(value_type = Option<Object>)]
    pub facts: Option<Value>,
}

/// One page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingPage {
    pub as_of: String,
    pub results: Vec<Finding>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// The rules' results, one page.
#[utoipa::path(get, path = "/api/v1/findings", tag = "audits", params(FindingParams),
    responses((status = 200, body = FindingPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn findings(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<FindingParams>,
) -> Result<Json<FindingPage>, ApiError> {
    let list = match params.list.as_str() {
        "" | "findings" => List::Findings,
        "unknown" => List::Unknown,
        "waived" => List::Waived,
        other => {
            return Err(ApiError::BadParameter(format!(
                "一覧「{other}」はありません（findings、unknown、waived）。"
            )));
        }
    };
    let day = match params.as_of.trim() {
        "" => state.db.data_day(caller.scope.tenant_id).await?,
        text => daicho_domain::parse_date(text).map_err(|_| {
            ApiError::BadParameter(format!("監査基準日「{text}」を日付として読めません。"))
        })?,
    };
    let filter = Filter {
        rule: Some(params.rule.trim().to_string()).filter(|r| !r.is_empty()),
        department: Some(params.department.trim().to_string()).filter(|d| !d.is_empty()),
        ..Filter::default()
    };
    let page = params.page.unwrap_or(1).max(1);
    let report = state
        .audits
        .report(&state, &caller.scope, &caller.tenant_code, full_audit(day))
        .await?;
    let (entries, total) = crate::audits::read(report, move |r| {
        Ok(r.page(list, &filter, (page - 1) * PAGE, PAGE)?)
    })
    .await?;
    Ok(Json(FindingPage {
        as_of: day.to_string(),
        results: entries
            .into_iter()
            .map(|e| Finding {
                facts: e.facts_value(),
                rule: e.rule.to_string(),
                title: e.title.to_string(),
                grade: e.grade.code().into(),
                scope: e.scope.code().into(),
                clause: e.clause.to_string(),
                department: e.department,
                department_name: e.department_name.map(|n| n.to_string()),
                subject_kind: e.subject_kind.to_string(),
                subject: e.subject,
                reason: e.reason,
            })
            .collect(),
        total,
        page,
        pages: total.div_ceil(PAGE).max(1),
    }))
}

/// An audit recorded in the audits ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct Audit {
    pub audit_id: String,
    /// The audit ledger's kind code.
    pub kind: String,
    pub fiscal_year: String,
    pub title: String,
    pub as_of: String,
    pub auditors: String,
}

/// The audits, as the audits ledger holds them.
#[utoipa::path(get, path = "/api/v1/audits", tag = "audits",
    responses((status = 200, body = Vec<Audit>), (status = 401, body = ErrorBody)))]
pub async fn audits(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<Audit>>, ApiError> {
    let audits = ledger("audits").ok_or(ApiError::NotFound)?;
    // audits: audit_id, kind, fiscal_year, title, as_of, auditors
    let rows = state.db.ledger_rows(&caller.scope, audits).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| {
                let cell = |i: usize| r.get(i).cloned().unwrap_or_default();
                Audit {
                    audit_id: cell(0),
                    kind: cell(1),
                    fiscal_year: cell(2),
                    title: cell(3),
                    as_of: cell(4),
                    auditors: cell(5),
                }
            })
            .collect(),
    ))
}

/// An item of an audit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Item {
    pub id: i64,
    /// 総n / 個n as the report numbers it (confirmed items only).
    pub number: Option<String>,
    /// `draft`, `confirmed` or `dropped`.
    pub state: String,
    pub scope: String,
    pub grade: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub clause: Option<String>,
    pub rule: Option<String>,
    /// Its departments' codes.
    pub departments: Vec<String>,
    pub due_on: Option<String>,
}

async fn department_codes(
    state: &AppState,
    caller: &ApiCaller,
) -> Result<HashMap<i64, String>, ApiError> {
    Ok(state
        .db
        .departments(&caller.scope)
        .await?
        .into_iter()
        .map(|d| (d.id, d.code))
        .collect())
}

/// An audit's items, in the report's order.
#[utoipa::path(get, path = "/api/v1/audits/{id}/items", tag = "audits",
    params(("id" = String, Path, description = "監査番号")),
    responses((status = 200, body = Vec<Item>), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn items(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Item>>, ApiError> {
    let audit_ref = state.db.audit_ref(&caller.scope, &id).await?;
    let visit_ids: Vec<i64> = visits(&state.db, &caller.scope, &id)
        .await
        .map_err(crate::error::AppError::from)?
        .iter()
        .map(|v| v.department_id)
        .collect();
    let items = state.db.audit_items(&caller.scope, audit_ref).await?;
    let numbers = item_numbers(&items, &visit_ids);
    let codes = department_codes(&state, &caller).await?;
    Ok(Json(
        items
            .into_iter()
            .zip(numbers)
            .map(|(i, number)| Item {
                id: i.id,
                number,
                state: i.item.state.code().into(),
                scope: i.item.scope.code().into(),
                grade: i.item.grade,
                title: i.item.title,
                summary: i.item.summary,
                body: i.item.body,
                clause: i.item.clause,
                rule: i.item.rule_id,
                departments: i
                    .item
                    .departments
                    .iter()
                    .filter_map(|d| codes.get(d).cloned())
                    .collect(),
                due_on: i.due_on.map(|d| d.to_string()),
            })
            .collect(),
    ))
}

/// A department's measure on an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureLine {
    pub item_id: i64,
    pub department: String,
    /// `done` (措置済), `in_progress` (措置中) or `not_taken` (未措置).
    pub status: String,
    pub action: Option<String>,
    pub reason: Option<String>,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

/// The measures reported on an audit's items.
#[utoipa::path(get, path = "/api/v1/audits/{id}/measures", tag = "audits",
    params(("id" = String, Path, description = "監査番号")),
    responses((status = 200, body = Vec<MeasureLine>), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn measures(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<MeasureLine>>, ApiError> {
    let audit_ref = state.db.audit_ref(&caller.scope, &id).await?;
    let codes = department_codes(&state, &caller).await?;
    Ok(Json(
        state
            .db
            .audit_measures(&caller.scope, audit_ref)
            .await?
            .into_iter()
            .map(|m| MeasureLine {
                item_id: m.item_id,
                department: codes.get(&m.department_id).cloned().unwrap_or_default(),
                status: m.input.status.code().into(),
                action: m.input.action,
                reason: m.input.reason,
                done_on: m.input.done_on.map(|d| d.to_string()),
                evidence: m.input.evidence,
            })
            .collect(),
    ))
}
