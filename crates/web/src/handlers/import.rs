//! Importing from the browser: GET /import (choose files), POST /import (upload; a dry run
//! shows what would change and every error, writing nothing), POST /import/{token}
//! (confirm: the same files imported for real). Uploads wait in a folder of their own,
//! named by a random token and bound to the user who sent them.

use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::handlers::assets::list::department_choices;
use crate::state::AppState;
use crate::view::{Choice, Layout};
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use daicho_ingest::{ImportOptions, ImportReport, import_paths};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    departments: Vec<Choice>,
    /// Names of the tenant's saved column mappings.
    mappings: Vec<String>,
}

struct FileLine {
    source: String,
    ledger: &'static str,
    rows: usize,
    added: usize,
    updated: usize,
    unchanged: usize,
    ignored: String,
    /// (header, choices of field with the detected one selected).
    columns: Vec<(String, Vec<Choice>)>,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    layout: Layout,
    committed: bool,
    files: Vec<FileLine>,
    skipped: Vec<(String, String)>,
    created: String,
    errors: Vec<String>,
    error_count: usize,
    /// Where the confirm button posts; empty when there is nothing to confirm.
    confirm: String,
    /// Where corrected column mappings post; empty after the import.
    remap: String,
}

fn uploads() -> PathBuf {
    std::env::temp_dir().join("daicho-uploads")
}

/// GET /import
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    user.require_write()?;
    let departments = department_choices(&state, &user, "", true).await?;
    Ok(Html(
        ImportPage {
            layout: Layout::new(&user, "台帳の取込", "import"),
            departments,
            mappings: state
                .db
                .mappings(&user.scope)
                .await?
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
        }
        .render()?,
    ))
}

/// The Japanese name of a field of a ledger (`assets` or another ledger's name).
fn field_label(ledger_name: &str, field: &str) -> String {
    match daicho_store::ledgers::ledger(ledger_name).filter(|l| l.name == ledger_name) {
        Some(l) => l.column(field).map_or(field, |c| c.label).to_string(),
        None => crate::handlers::assets::show::field_label(field).to_string(),
    }
}

fn preview(
    user: &CurrentUser,
    report: &ImportReport,
    confirm: String,
    remap: String,
) -> Result<Html<String>, AppError> {
    let label = |ledger: &str| daicho_store::ledgers::ledger(ledger).map_or("資産", |l| l.label);
    let page = PreviewPage {
        layout: Layout::new(
            user,
            if report.committed {
                "取込の結果"
            } else {
                "取込の確認"
            },
            "import",
        ),
        committed: report.committed,
        files: report
            .files
            .iter()
            .map(|f| FileLine {
                source: f.source.clone(),
                ledger: label(f.ledger),
                rows: f.rows,
                added: f.added,
                updated: f.updated,
                unchanged: f.unchanged,
                ignored: f.ignored_columns.join("、"),
                columns: f
                    .columns
                    .iter()
                    .filter(|(h, _)| !h.is_empty())
                    .map(|(header, field)| {
                        let choices = daicho_ingest::fields_of(f.ledger)
                            .into_iter()
                            .map(|name| Choice {
                                value: name.into(),
                                label: field_label(f.ledger, name),
                                selected: *field == Some(name),
                            })
                            .collect();
                        (header.clone(), choices)
                    })
                    .collect(),
            })
            .collect(),
        skipped: report.skipped.clone(),
        created: report.created_departments.join("、"),
        errors: report.errors.iter().map(ToString::to_string).collect(),
        error_count: report.error_count,
        confirm,
        remap,
    };
    Ok(Html(page.render()?))
}

/// Imports an upload's files (as a dry run, or for real).
async fn run(
    state: &AppState,
    user: &CurrentUser,
    dir: &std::path::Path,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let (files, department) = files_of(dir);
    let mapping = std::fs::read_to_string(dir.join("mapping.json"))
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default();
    let options = ImportOptions {
        department,
        dry_run,
        replace: false,
        mapping,
    };
    Ok(import_paths(
        &state.db,
        &user.scope,
        &user.actor(),
        &files,
        &options,
        |_| {},
    )
    .await?)
}

/// The folder of an upload, if it is this user's.
fn upload_dir(user: &CurrentUser, token: &str) -> Result<PathBuf, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let dir = uploads().join(token);
    let owner = std::fs::read_to_string(dir.join("owner")).map_err(|_| AppError::NotFound)?;
    if owner != format!("{}:{}", user.user.tenant_id, user.user.id) {
        return Err(AppError::NotFound);
    }
    Ok(dir)
}

fn files_of(dir: &std::path::Path) -> (Vec<PathBuf>, Option<String>) {
    let files = std::fs::read_dir(dir.join("files"))
        .map(|d| {
            let mut v: Vec<PathBuf> = d.flatten().map(|e| e.path()).collect();
            v.sort();
            v
        })
        .unwrap_or_default();
    let department = std::fs::read_to_string(dir.join("department"))
        .ok()
        .filter(|d| !d.is_empty());
    (files, department)
}

fn io(e: std::io::Error) -> AppError {
    AppError::Store(daicho_store::StoreError::Conflict(format!(
        "アップロードを保存できません: {e}"
    )))
}

/// Reads the form into `dir`: returns the chosen department, the saved column mapping
/// to apply (by name), and how many files were saved. The form puts its CSRF token before the files, so nothing is saved unchecked.
async fn receive(
    form: &mut Multipart,
    user: &CurrentUser,
    dir: &std::path::Path,
) -> Result<(String, String, usize), AppError> {
    let (mut department, mut mapping, mut saved, mut checked) =
        (String::new(), String::new(), 0, false);
    let broken = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("送信を読み取れません: {e}"))
    };
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        match field.name().unwrap_or_default() {
            "csrf_token" => {
                verify(&field.text().await.unwrap_or_default(), &user.csrf)?;
                checked = true;
            }
            "department" => department = field.text().await.unwrap_or_default(),
            "mapping" => mapping = field.text().await.unwrap_or_default(),
            "files" if !checked => return Err(AppError::Csrf),
            "files" => {
                // Only the base name, so no upload can write outside its folder.
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").to_string())
                    .unwrap_or_default();
                if name.is_empty() || name.starts_with('.') {
                    continue;
                }
                // Streamed to disk: a file of a million rows never sits in memory.
                let mut out = std::fs::File::create(dir.join("files").join(&name)).map_err(io)?;
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    std::io::Write::write_all(&mut out, &chunk).map_err(io)?;
                }
                saved += 1;
            }
            _ => {}
        }
    }
    if checked {
        Ok((department, mapping, saved))
    } else {
        Err(AppError::Csrf)
    }
}

/// POST /import: saves the upload and shows a dry run.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response, AppError> {
    user.require_write()?;
    let token = daicho_store::random_token()?;
    let dir = uploads().join(&token);
    std::fs::create_dir_all(dir.join("files")).map_err(io)?;
    let (department, mapping_name, saved) = match receive(&mut form, &user, &dir).await {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    if saved == 0 {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(AppError::BadRequest("ファイルを選んでください。".into()));
    }
    std::fs::write(
        dir.join("owner"),
        format!("{}:{}", user.user.tenant_id, user.user.id),
    )
    .map_err(io)?;
    std::fs::write(dir.join("department"), &department).map_err(io)?;
    if !mapping_name.is_empty()
        && let Some((_, mapping)) = state
            .db
            .mappings(&user.scope)
            .await?
            .into_iter()
            .find(|(n, _)| *n == mapping_name)
    {
        save_mapping_file(&dir, &mapping)?;
    }
    checked(&state, &user, &token, &dir).await
}

fn save_mapping_file(
    dir: &std::path::Path,
    mapping: &daicho_store::ColumnMapping,
) -> Result<(), AppError> {
    std::fs::write(
        dir.join("mapping.json"),
        serde_json::to_string(mapping).unwrap_or_default(),
    )
    .map_err(io)
}

/// A dry run of the upload in `dir`: what would change, every error, the columns as read
/// (to correct), and a confirm button when there is no error. The upload stays until
/// confirmed, so that its columns can be corrected.
async fn checked(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
    dir: &std::path::Path,
) -> Result<Response, AppError> {
    let report = run(state, user, dir, true).await?;
    let ok = report.error_count == 0;
    let confirm = if ok {
        format!("/import/{token}")
    } else {
        String::new()
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        preview(user, &report, confirm, format!("/import/{token}/columns"))?,
    )
        .into_response())
}

/// POST /import/{token}/columns: the user's corrections to which header fills which
/// field (`col:<header>` = field, "" = not imported), saved by name when `save_as` is
/// given, then a new dry run.
pub async fn columns(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(token): Path<String>,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify(
        form.get("csrf_token").map_or("", String::as_str),
        &user.csrf,
    )?;
    user.require_write()?;
    let dir = upload_dir(&user, &token)?;
    let mapping: daicho_store::ColumnMapping = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("col:")
                .map(|header| (header.to_string(), v.clone()))
        })
        .collect();
    save_mapping_file(&dir, &mapping)?;
    if let Some(name) = form
        .get("save_as")
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        state.db.save_mapping(&user.scope, name, &mapping).await?;
    }
    checked(&state, &user, &token, &dir).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
}

/// POST /import/{token}: imports the checked upload for real.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(token): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let dir = upload_dir(&user, &token)?;
    let report = run(&state, &user, &dir, false).await?;
    let _ = std::fs::remove_dir_all(&dir);
    let status = if report.committed {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        preview(&user, &report, String::new(), String::new())?,
    )
        .into_response())
}
