//! The import through the API, on the screens' engine: POST /api/v1/imports sends the
//! files (multipart, field `files`) and starts their check, a dry run that writes
//! nothing; GET /api/v1/imports/{id} says where it stands and, once done, what would
//! change and every error with its file, row and column; POST /api/v1/imports/{id}/confirm
//! imports a check without errors for real, all or nothing.

use super::error::ErrorBody;
use super::{ApiCaller, ApiError};
use crate::error::AppError;
use crate::import_jobs::{self, Checked};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use daicho_ingest::ImportReport;
use serde::Serialize;
use utoipa::ToSchema;

/// Where an import stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportStatus {
    /// The upload's id, for the status and the confirmation.
    pub id: String,
    /// `checking`, `checked`, `importing`, `imported` or `failed`.
    pub stage: String,
    /// Rows read so far.
    pub rows_read: usize,
    /// What the check or the import found, once it is done.
    pub report: Option<Report>,
    /// Why it could not be done (`failed`).
    pub message: Option<String>,
}

/// What an import would change (a check) or changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    /// Whether the data was written.
    pub committed: bool,
    pub files: Vec<FileLine>,
    /// Every error, counted; the first ones listed.
    pub error_count: usize,
    pub errors: Vec<RowError>,
    /// Sheets not read, with why.
    pub skipped: Vec<Skipped>,
    pub created_departments: Vec<String>,
    /// Department names the files use that the tenant does not have.
    pub unknown_departments: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileLine {
    pub source: String,
    pub ledger: String,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Headers that name no field.
    pub ignored_columns: Vec<String>,
}

/// An error of a file, a row or a cell, in Japanese, as the screens say it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowError {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub sheet: String,
    pub reason: String,
}

fn report(r: &ImportReport) -> Report {
    Report {
        committed: r.committed,
        files: r
            .files
            .iter()
            .map(|f| FileLine {
                source: f.source.clone(),
                ledger: f.ledger.into(),
                rows: f.rows,
                added: f.added,
                updated: f.updated,
                unchanged: f.unchanged,
                ignored_columns: f.ignored_columns.clone(),
            })
            .collect(),
        error_count: r.error_count,
        errors: r
            .errors
            .iter()
            .map(|e| RowError {
                file: e.file.clone(),
                row: e.row,
                column: e.column.clone(),
                value: e.value.clone(),
                message: e.message.clone(),
            })
            .collect(),
        skipped: r
            .skipped
            .iter()
            .map(|(sheet, reason)| Skipped {
                sheet: sheet.clone(),
                reason: reason.clone(),
            })
            .collect(),
        created_departments: r.created_departments.clone(),
        unknown_departments: r
            .unknown_departments
            .iter()
            .map(|u| u.name.clone())
            .collect(),
    }
}

fn status_of(state: &AppState, caller: &ApiCaller, id: &str) -> Result<ImportStatus, ApiError> {
    let (dry_run, rows_read, outcome) =
        import_jobs::job(state, &caller.importer(), id).map_err(|_| ApiError::NotFound)?;
    let (stage, report, message) = match (&outcome, dry_run) {
        (None, true) => ("checking", None, None),
        (None, false) => ("importing", None, None),
        (Some(Ok(r)), true) => ("checked", Some(report(r)), None),
        (Some(Ok(r)), false) => ("imported", Some(report(r)), None),
        (Some(Err(m)), _) => ("failed", None, Some(m.clone())),
    };
    Ok(ImportStatus {
        id: id.to_string(),
        stage: stage.into(),
        rows_read,
        report,
        message,
    })
}

/// Sends files and starts their check.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports",
    request_body(content_type = "multipart/form-data", description = "files（1つ以上）、department（所属コード、任意）、mapping（保存した列の対応の名前、任意）"),
    responses((status = 202, body = ImportStatus), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    mut form: Multipart,
) -> Result<(StatusCode, Json<ImportStatus>), ApiError> {
    caller.require_write()?;
    let importer = caller.importer();
    let (id, dir) = import_jobs::accept(&state, &importer, &mut form, None).await?;
    import_jobs::start(&state, &importer, &id, dir, true)?;
    Ok((StatusCode::ACCEPTED, Json(status_of(&state, &caller, &id)?)))
}

/// Where an import stands, and its report once done.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = String, Path)),
    responses((status = 200, body = ImportStatus), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ImportStatus>, ApiError> {
    Ok(Json(status_of(&state, &caller, &id)?))
}

/// Imports a checked upload for real (only one whose check found no error, and once).
#[utoipa::path(post, path = "/api/v1/imports/{id}/confirm", tag = "imports",
    params(("id" = String, Path)),
    responses((status = 202, body = ImportStatus), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ImportStatus>), ApiError> {
    caller.require_write()?;
    let importer = caller.importer();
    let dir = import_jobs::upload_dir(&state, &importer, &id).map_err(|_| ApiError::NotFound)?;
    match import_jobs::checked(&state, &id) {
        Checked::Done { clean: true } => {}
        Checked::Done { clean: false } => {
            return Err(AppError::Invalid(
                "確認で誤りが見つかった取込は確定できません。ファイルを直して送り直してください。"
                    .into(),
            )
            .into());
        }
        Checked::Running => {
            return Err(ApiError::App(AppError::Store(
                daicho_store::StoreError::Conflict("確認が終わってから確定してください。".into()),
            )));
        }
        Checked::Unknown => return Err(ApiError::NotFound),
    }
    import_jobs::start(&state, &importer, &id, dir, false)?;
    Ok((StatusCode::ACCEPTED, Json(status_of(&state, &caller, &id)?)))
}
