//! The audit plan proposal on screen (監査計画, 総4・総5): GET /audit-plan?year=R6&cycle=5
//! ranks the sections by a score whose parts are shown and places each in a fiscal year so
//! that none waits longer than the cycle; with the coverage of the years before.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use daicho_rules::plan::{AuditPlan, PlanWeights, propose};
use serde::Deserialize;

use super::may_read;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::Layout;

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    cycle: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit_plan.html")]
struct PlanPage {
    layout: Layout,
    plan: AuditPlan,
    weights: PlanWeights,
    year: String,
    year_label: String,
}

impl PlanPage {
    fn year_of(&self, y: &i64) -> String {
        daicho_reports::year_label(*y)
    }

    fn score_of(&self, s: &f64) -> String {
        format!("{s:.1}")
    }
}

/// GET /audit-plan
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PlanQuery>,
) -> Result<Html<String>, AppError> {
    may_read(&user)?;
    let today = daicho_store::today();
    let first_year = if query.year.trim().is_empty() {
        i64::from(daicho_domain::FiscalYear::of(today).0) + 1
    } else {
        daicho_store::ledgers::fiscal_year(&query.year).ok_or_else(|| {
            AppError::Invalid(format!(
                "年度「{}」を読めません（2024、R6、令和6年度など）。",
                query.year
            ))
        })?
    };
    let cycle = query.cycle.unwrap_or(5).clamp(1, 10);
    // The plan runs the audit, whose future is not provably Send (see `audits::run`).
    let (db, scope, tenant) = (
        state.db.clone(),
        user.scope.clone(),
        user.tenant_code.clone(),
    );
    let runtime = tokio::runtime::Handle::current();
    let plan = tokio::task::spawn_blocking(move || {
        runtime.block_on(propose(
            &db,
            &scope,
            &tenant,
            today,
            first_year,
            cycle,
            &PlanWeights::default(),
        ))
    })
    .await
    .map_err(|e| AppError::Internal(format!("plan task: {e}")))??;
    Ok(Html(
        PlanPage {
            layout: Layout::new(&user, "監査計画（案）", "audits"),
            year_label: daicho_reports::year_label(first_year),
            year: query.year,
            weights: PlanWeights::default(),
            plan,
        }
        .render()?,
    ))
}
