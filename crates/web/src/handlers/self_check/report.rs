//! The scored report of a campaign for the user's departments: GET /self-check/{c} and
//! its workbook, GET /self-check/{c}/xlsx.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use daicho_domain::self_check::Band;
use daicho_reports::Report;
use daicho_reports::campaign::title;
use daicho_reports::self_check::{SelfCheckReport, rate_text, score_text};

use super::{ScoreView, score_views};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode, xlsx_download};

/// One department's row of the report.
pub struct DepartmentLine {
    pub label: String,
    pub respondents: u64,
    pub scores: Vec<String>,
}

/// One question's row of the report.
pub struct QuestionLine {
    pub id: String,
    pub category: String,
    pub text: String,
    pub respondents: u64,
    pub correct: u64,
    pub rate: String,
}

/// A band of the legend.
pub struct BandLine {
    pub range: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "self_check_report.html")]
struct ReportPage {
    layout: Layout,
    href: String,
    scores: Vec<ScoreView>,
    bands: Vec<BandLine>,
    questions: Vec<QuestionLine>,
    category_names: Vec<String>,
    departments: Vec<DepartmentLine>,
    unknown: String,
}

/// GET /self-check/{campaign}
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let report = SelfCheckReport::load(&state.db, &user.scope, &code).await?;
    Ok(Html(
        ReportPage {
            layout: Layout::new(
                &user,
                format!("{} 総合判定結果", title(&report.campaign)),
                "self_check",
            ),
            href: url_encode(&code),
            scores: score_views(&report.categories),
            bands: Band::ALL
                .iter()
                .map(|b| BandLine {
                    range: b.range(),
                    label: b.label_ja(),
                })
                .collect(),
            questions: report
                .questions
                .iter()
                .map(|q| QuestionLine {
                    id: q.question.question_id.clone(),
                    category: q.question.category.clone(),
                    text: q.question.text.clone(),
                    respondents: q.respondents,
                    correct: q.correct,
                    rate: rate_text(q.rate),
                })
                .collect(),
            category_names: report
                .categories
                .iter()
                .map(|c| c.category.clone())
                .collect(),
            departments: report
                .departments
                .iter()
                .map(|d| DepartmentLine {
                    label: match (&d.department, &d.name) {
                        (Some(code), Some(name)) => format!("{code} {name}"),
                        _ => "所属なし".into(),
                    },
                    respondents: d.respondents,
                    scores: d.categories.iter().map(|c| score_text(c.score)).collect(),
                })
                .collect(),
            unknown: report.unknown_questions.join("、"),
        }
        .render()?,
    ))
}

/// GET /self-check/{campaign}/xlsx
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let report = SelfCheckReport::load(&state.db, &user.scope, &code).await?;
    let bytes = report.xlsx_bytes()?;
    let ascii: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    Ok(xlsx_download(
        bytes,
        &format!("self-check-{ascii}.xlsx"),
        &format!("セルフチェック結果_{code}.xlsx"),
    ))
}
