//! Training (情報セキュリティ研修) on screen: GET /training?year=R4 shows each course's
//! participants per department split 職員 / 会計年度任用職員 (the report's tables), coverage
//! per department and the people not trained within the years asked; GET /training/xlsx
//! the same as a workbook.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use daicho_reports::Report;
use daicho_reports::training::{TrainingReport, course_rows, coverage_cells, untrained_cells};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::xlsx_download;
use crate::view::{Layout, url_encode};

#[derive(Deserialize, Default)]
pub struct TrainingQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    years: Option<u32>,
}

/// One course's table on the page.
pub struct CourseView {
    pub name: String,
    pub kind: String,
    pub provider: String,
    pub parts: String,
    /// 所属名称, 職員, 会計年度任用職員, 合計.
    pub rows: Vec<Vec<String>>,
    pub regular: i64,
    pub fiscal_year_appointed: i64,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    layout: Layout,
    year: String,
    year_label: String,
    years: u32,
    as_of: String,
    courses: Vec<CourseView>,
    coverage: Vec<Vec<String>>,
    untrained: Vec<Vec<String>>,
    xlsx_href: String,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    query: &TrainingQuery,
) -> Result<TrainingReport, AppError> {
    let today = daicho_store::today();
    let year = if query.year.trim().is_empty() {
        let day = state.db.data_day(user.scope.tenant_id).await?;
        state.db.latest_training_year(&user.scope, day).await?
    } else {
        daicho_store::ledgers::fiscal_year(&query.year).ok_or_else(|| {
            AppError::Invalid(format!(
                "年度「{}」を読めません（2022、R4、令和4年度など）。",
                query.year
            ))
        })?
    };
    let years = query.years.unwrap_or(3).clamp(1, 50);
    let as_of = TrainingReport::default_as_of(year, today);
    Ok(TrainingReport::load(&state.db, &user.scope, year, as_of, years).await?)
}

/// GET /training
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TrainingQuery>,
) -> Result<Html<String>, AppError> {
    let report = load(&state, &user, &query).await?;
    let courses = report
        .courses
        .iter()
        .map(|t| CourseView {
            name: t.course.name.clone(),
            kind: daicho_store::ledgers::choice_label("training_courses", "kind", &t.course.kind)
                .to_string(),
            provider: t.course.provider.clone().unwrap_or_default(),
            parts: t
                .course
                .parts
                .clone()
                .unwrap_or_default()
                .replace('|', "・"),
            rows: course_rows(t),
            regular: t.regular,
            fiscal_year_appointed: t.fiscal_year_appointed,
            total: t.total(),
        })
        .collect();
    let year = report.fiscal_year.to_string();
    Ok(Html(
        TrainingPage {
            layout: Layout::new(
                &user,
                format!("{} 情報セキュリティ研修", report.year_label()),
                "training",
            ),
            year_label: report.year_label(),
            years: report.years,
            as_of: report.as_of.format("%Y-%m-%d").to_string(),
            courses,
            coverage: report.coverage.iter().map(coverage_cells).collect(),
            untrained: report.untrained.iter().map(untrained_cells).collect(),
            xlsx_href: format!(
                "/training/xlsx?year={}&years={}",
                url_encode(&year),
                report.years
            ),
            year,
        }
        .render()?,
    ))
}

/// GET /training/xlsx
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TrainingQuery>,
) -> Result<Response, AppError> {
    let report = load(&state, &user, &query).await?;
    let bytes = report.xlsx_bytes()?;
    Ok(xlsx_download(
        bytes,
        &format!("training-{}.xlsx", report.fiscal_year),
        &format!("情報セキュリティ研修_{}.xlsx", report.year_label()),
    ))
}
