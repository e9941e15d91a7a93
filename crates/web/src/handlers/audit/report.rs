//! The audit report from the screen: GET /audits/{id}/report the HTML preview (the same
//! document as the download, its stylesheet served by daicho), /report.xlsx and
//! /report.pdf the downloads, named in Japanese.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use daicho_reports::Report;
use daicho_reports::audit_report::{AuditReport, STYLESHEET};

use super::may_read;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{url_encode, xlsx_download};

async fn load(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
) -> Result<AuditReport, AppError> {
    may_read(user)?;
    Ok(AuditReport::load(&state.db, &user.scope, audit_id).await?)
}

/// GET /audits/{id}/report
pub async fn report_html(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let report = load(&state, &user, &audit_id).await?;
    let back = format!("/audits/{}", url_encode(&audit_id));
    Ok(Html(
        report.to_html(Some(("/static/audit-report.css", &back)))?,
    ))
}

/// GET /static/audit-report.css
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

fn file_name(report: &AuditReport, extension: &str) -> (String, String) {
    (
        format!("audit-report-{}.{extension}", report.audit_id)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect(),
        format!("監査報告書_{}.{extension}", report.audit_id),
    )
}

/// GET /audits/{id}/report.xlsx
pub async fn report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Response, AppError> {
    let report = load(&state, &user, &audit_id).await?;
    let (ascii, name) = file_name(&report, "xlsx");
    Ok(xlsx_download(report.xlsx_bytes()?, &ascii, &name))
}

/// GET /audits/{id}/report.pdf: typeset on a blocking thread (tens to hundreds of
/// milliseconds of CPU), so the server goes on answering others.
pub async fn report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
) -> Result<Response, AppError> {
    let report = load(&state, &user, &audit_id).await?;
    let (ascii, name) = file_name(&report, "pdf");
    let pdf = tokio::task::spawn_blocking(move || daicho_pdf::audit_report(&report))
        .await
        .map_err(|e| AppError::Internal(format!("PDF task: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    url_encode(&name).replace('+', "%20")
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}
