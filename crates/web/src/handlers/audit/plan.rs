//! The audit plan on screen (監査計画, 総4・総5). GET /audit-plan?year=R6 ranks the sections
//! by a score whose parts are shown and places each in a fiscal year so that none waits
//! longer than the tenant's cycle; with the coverage of the years before, the tenant's
//! weights, and the plan adopted for that year beside the proposal. 情報政策課 and the
//! administrator change the weights (POST /audit-plan/settings), adopt the proposal
//! (POST /audit-plan/adopt) and move a department to another year with a reason
//! (POST /audit-plan/move).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{Html, Redirect};
use daicho_domain::audit_plan::{MAX_CYCLE_YEARS, WEIGHT_PARTS};
use daicho_rules::plan::{AuditPlan, findings_of, propose_from};
use daicho_store::{AdoptedPlan, PlanEntry, PlanSettings};
use serde::Deserialize;

use super::may_read;
use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::Layout;

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    saved: String,
}

/// One weight as the settings form shows it.
pub struct WeightField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// A department's place in the adopted plan, beside the proposal's.
pub struct AdoptedPlace {
    pub year: i64,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_plan.html")]
struct PlanPage {
    layout: Layout,
    plan: AuditPlan,
    weights: Vec<WeightField>,
    year: String,
    year_label: String,
    /// Whether the user decides the plan (情報政策課・管理者).
    decides: bool,
    adopted: Option<AdoptedPlan>,
    /// Department id → its place in the adopted plan.
    places: HashMap<i64, AdoptedPlace>,
    /// The fiscal years of the cycle, for the move form.
    years: Vec<i64>,
    notice: Option<&'static str>,
}

impl PlanPage {
    fn year_of(&self, y: &i64) -> String {
        daicho_reports::year_label(*y)
    }

    fn score_of(&self, s: &f64) -> String {
        format!("{s:.1}")
    }

    fn self_check_of(&self, wrong: &Option<f64>) -> String {
        wrong.map_or_else(|| "回答なし".into(), |w| format!("{w:.1}%"))
    }

    fn place_of(&self, department_id: &i64) -> Option<&AdoptedPlace> {
        self.places.get(department_id)
    }
}

fn first_year_of(text: &str) -> Result<i64, AppError> {
    if text.trim().is_empty() {
        return Ok(i64::from(daicho_domain::FiscalYear::of(daicho_store::today()).0) + 1);
    }
    daicho_store::ledgers::fiscal_year(text).ok_or_else(|| {
        AppError::Invalid(format!(
            "年度「{text}」を読めません（2024、R6、令和6年度など）。"
        ))
    })
}

/// Whether the user decides the plan: write access to the whole tenant.
fn decides(user: &CurrentUser) -> bool {
    user.scope.can_write && user.scope.departments.is_none()
}

/// Refuses before any work who does not decide the plan (the store refuses too).
fn may_decide(user: &CurrentUser) -> Result<(), AppError> {
    if decides(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "監査計画を決められるのは情報政策課と管理者です。".into(),
        ))
    }
}

/// The proposal, from the kept audit of today (the findings pages' cache: a second view
/// of the plan runs no audit).
async fn proposal(
    state: &AppState,
    user: &CurrentUser,
    first_year: i64,
    settings: PlanSettings,
) -> Result<AuditPlan, AppError> {
    let today = daicho_store::today();
    let report = state
        .audits
        .report(
            state,
            &user.scope,
            &user.tenant_code,
            crate::handlers::findings::full_audit(today),
        )
        .await?;
    let findings = crate::audits::read(report, |r| Ok(findings_of(r)?)).await?;
    Ok(propose_from(
        &state.db,
        &user.scope,
        today,
        first_year,
        &settings,
        &findings,
    )
    .await?)
}

/// GET /audit-plan
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PlanQuery>,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    let first_year = first_year_of(&query.year)?;
    let settings = state.db.plan_settings(&user.scope).await?;
    let weights = WEIGHT_PARTS
        .iter()
        .map(|(name, label)| WeightField {
            name,
            label,
            value: settings.weights.get(name).unwrap_or_default().to_string(),
        })
        .collect();
    let adopted = state.db.adopted_audit_plan(&user.scope, first_year).await?;
    let places = adopted
        .iter()
        .flat_map(|p| &p.entries)
        .map(|e| {
            (
                e.department_id,
                AdoptedPlace {
                    year: e.planned_year,
                    note: e.note.clone(),
                },
            )
        })
        .collect();
    let cycle = adopted
        .as_ref()
        .map_or(settings.cycle_years, |p| p.cycle_years);
    let plan = proposal(&state, &user, first_year, settings).await?;
    Ok(Html(
        PlanPage {
            layout: Layout::new(&user, "監査計画", "audits"),
            year_label: daicho_reports::year_label(first_year),
            year: query.year,
            weights,
            decides: decides(&user),
            adopted,
            places,
            years: (first_year..first_year + cycle).collect(),
            notice: match query.saved.as_str() {
                "settings" => Some("重みと周期を保存しました。"),
                "adopted" => Some("この案を監査計画として採用しました。"),
                "moved" => Some("計画の年度を変えました。"),
                _ => None,
            },
            plan,
        }
        .render()?,
    ))
}

fn back_to(year: &str, saved: &str) -> Redirect {
    Redirect::to(&format!(
        "/audit-plan?year={}&saved={saved}",
        crate::view::url_encode(year)
    ))
}

/// POST /audit-plan/settings: `cycle_years` and one field per weight.
pub async fn save_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    may_decide(&user)?;
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut settings = state.db.plan_settings(&user.scope).await?;
    settings.cycle_years = field("cycle_years").parse().map_err(|_| {
        AppError::Invalid(format!(
            "周期「{}」を読めません（1 から {MAX_CYCLE_YEARS} の年数）。",
            field("cycle_years")
        ))
    })?;
    for (name, label) in WEIGHT_PARTS {
        let text = daicho_domain::normalize_width(field(name));
        let value: f64 = text.parse().map_err(|_| {
            AppError::Invalid(format!("「{label}」の重み「{text}」を数として読めません。"))
        })?;
        settings
            .weights
            .set(name, value)
            .map_err(|m| AppError::Invalid(format!("「{label}」: {m}。")))?;
    }
    state
        .db
        .save_plan_settings(&user.scope, &user.actor(), &settings)
        .await?;
    Ok(back_to(field("year"), "settings"))
}

/// POST /audit-plan/adopt: `year` — the proposal as it stands now becomes the plan.
pub async fn adopt(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    may_decide(&user)?;
    let year = form.get("year").map(String::as_str).unwrap_or_default();
    let first_year = first_year_of(year)?;
    let settings = state.db.plan_settings(&user.scope).await?;
    let plan = proposal(&state, &user, first_year, settings.clone()).await?;
    let entries: Vec<PlanEntry> = plan
        .departments
        .iter()
        .map(|d| PlanEntry {
            department_id: d.department_id,
            planned_year: d.planned_year,
            score: d.score,
            note: None,
        })
        .collect();
    state
        .db
        .adopt_audit_plan(&user.scope, &user.actor(), first_year, &settings, &entries)
        .await?;
    Ok(back_to(year, "adopted"))
}

/// POST /audit-plan/move: `year`, `department`, `planned_year`, `note`.
pub async fn move_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    may_decide(&user)?;
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let first_year = first_year_of(field("year"))?;
    let department: i64 = field("department")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let planned_year: i64 = field("planned_year")
        .parse()
        .map_err(|_| AppError::Invalid("年度を選んでください。".into()))?;
    state
        .db
        .move_plan_entry(
            &user.scope,
            &user.actor(),
            first_year,
            department,
            planned_year,
            field("note"),
        )
        .await?;
    Ok(back_to(field("year"), "moved"))
}
