//! Importing from the browser: GET /import (choose files), POST /import (upload; a dry run
//! shows what would change and every error, writing nothing), POST /import/{token}
//! (confirm: the same files imported for real). Uploads wait in a folder of their own,
//! named by a random token and bound to the user who sent them.

use crate::auth::CurrentUser;
use crate::csrf::{verify, verify_form};
use crate::error::AppError;
use crate::handlers::assets::list::department_choices;
use crate::import_jobs::{self, Checked, Importer};
use crate::state::AppState;
use crate::uploads::{io, write};
use crate::view::{Choice, Layout};
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_ingest::ImportReport;
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
    headers: Vec<String>,
    sample: Vec<Vec<String>>,
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
    /// Where the upload is removed without importing; empty after the import.
    cancel: String,
    /// Department names the files use that the tenant does not have: the name, the rows
    /// naming it and the closest departments to choose from.
    unknown: Vec<UnknownLine>,
    /// Every department, offered after the closest (empty when no name is unknown).
    departments: Vec<Choice>,
    /// Where the choices for those names post.
    departments_href: String,
}

/// A department name the tenant does not have, as the preview offers it.
struct UnknownLine {
    name: String,
    rows: usize,
    closest: Vec<Choice>,
}

/// What the `departments` form posts for "create it as a new department".
const CREATE: &str = "__create__";

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

/// The Japanese name of a field of a ledger.
fn field_label(ledger_name: &str, field: &str) -> String {
    daicho_store::ledgers::ledger(ledger_name)
        .and_then(|l| l.column(field))
        .map_or(field, |c| c.label)
        .to_string()
}

fn preview(
    user: &CurrentUser,
    report: &ImportReport,
    confirm: String,
    remap: String,
    departments: Vec<Choice>,
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
                headers: f.columns.iter().map(|(h, _)| h.clone()).collect(),
                sample: f.sample.clone(),
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
        cancel: remap.replace("/columns", "/cancel"),
        departments_href: remap.replace("/columns", "/departments"),
        unknown: report
            .unknown_departments
            .iter()
            .map(|u| UnknownLine {
                name: u.name.clone(),
                rows: u.rows,
                closest: u
                    .closest
                    .iter()
                    .map(|(code, name)| Choice {
                        value: code.clone(),
                        label: format!("{name}（{code}）"),
                        selected: false,
                    })
                    .collect(),
            })
            .collect(),
        departments,
        confirm,
        remap,
    };
    Ok(Html(page.render()?))
}

/// What the user chose for an upload, kept beside its files as JSON (the column mapping,
/// the departments); nothing chosen yet when there is none.
/// Starts the check or the import of the user's upload and sends the browser to its
/// page, which shows the rows read until the report is ready.
fn started(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
    dir: PathBuf,
    dry_run: bool,
) -> Result<Response, AppError> {
    import_jobs::start(state, &Importer::of_user(user), token, dir, dry_run)?;
    Ok(Redirect::to(&format!("/import/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressPage {
    layout: Layout,
    rows: usize,
}

/// GET /import/{token}: the progress of an import, then its report.
pub async fn status(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (dry_run, rows, outcome) = import_jobs::job(&state, &Importer::of_user(&user), &token)?;
    let report = match outcome {
        None => {
            let title = if dry_run {
                "取込の確認中"
            } else {
                "取り込み中"
            };
            return Ok(Html(
                ProgressPage {
                    layout: Layout::new(&user, title, "import"),
                    rows,
                }
                .render()?,
            )
            .into_response());
        }
        Some(Err(message)) => return Err(AppError::Invalid(message)),
        Some(Ok(report)) => report,
    };
    let ok = report.error_count == 0;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (confirm, remap) = if dry_run {
        (
            if ok {
                format!("/import/{token}")
            } else {
                String::new()
            },
            format!("/import/{token}/columns"),
        )
    } else {
        (String::new(), String::new())
    };
    let departments = if report.unknown_departments.is_empty() {
        Vec::new()
    } else {
        department_choices(&state, &user, "", true).await?
    };
    Ok((
        status,
        preview(&user, &report, confirm, remap, departments)?,
    )
        .into_response())
}

/// POST /import: saves the upload and shows a dry run.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response, AppError> {
    user.require_write()?;
    let importer = Importer::of_user(&user);
    let (token, dir) = import_jobs::accept(&state, &importer, &mut form, Some(&user.csrf)).await?;
    started(&state, &user, &token, dir, true)
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
    verify_form(&form, &user.csrf)?;
    user.require_write()?;
    let dir = import_jobs::upload_dir(&state, &Importer::of_user(&user), &token)?;
    let mapping: daicho_store::ColumnMapping = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("col:")
                .map(|header| (header.to_string(), v.clone()))
        })
        .collect();
    import_jobs::save_mapping_file(&dir, &mapping)?;
    if let Some(name) = form
        .get("save_as")
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        state.db.save_mapping(&user.scope, name, &mapping).await?;
    }
    started(&state, &user, &token, dir, true)
}

/// POST /import/{token}/departments: for each department name the tenant does not have
/// (`dept:<name>`), the code of the department it is, or `__create__` to create it as a
/// new one (blank: not chosen yet); then a new dry run.
pub async fn departments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(token): Path<String>,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    user.require_write()?;
    let dir = import_jobs::upload_dir(&state, &Importer::of_user(&user), &token)?;
    let path = dir.join("departments.json");
    let mut choices: daicho_store::DepartmentChoices = import_jobs::kept(&path);
    for (key, value) in &form {
        let Some(name) = key.strip_prefix("dept:") else {
            continue;
        };
        let name = name.trim().to_string();
        match value.trim() {
            "" => {}
            CREATE => {
                choices.same_as.remove(&name);
                choices.create.insert(name);
            }
            code => {
                choices.create.remove(&name);
                choices.same_as.insert(name, code.to_string());
            }
        }
    }
    write(&path, &serde_json::to_string(&choices).unwrap_or_default())?;
    started(&state, &user, &token, dir, true)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
}

/// The form's token checked, the user allowed to import, the upload theirs: its folder
/// and where its check stands.
fn posted_upload(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
    form: &ConfirmForm,
) -> Result<(PathBuf, Checked), AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let dir = import_jobs::upload_dir(state, &Importer::of_user(user), token)?;
    let checked = import_jobs::checked(state, token);
    Ok((dir, checked))
}

/// POST /import/{token}: imports the checked upload for real.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(token): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    // Only a checked upload without errors can be confirmed, and only once.
    match posted_upload(&state, &user, &token, &form)? {
        (dir, Checked::Done { clean: true }) => started(&state, &user, &token, dir, false),
        _ => Err(AppError::NotFound),
    }
}

/// POST /import/{token}/cancel: the upload is removed without importing it.
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(token): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let (dir, checked) = posted_upload(&state, &user, &token, &form)?;
    if matches!(checked, Checked::Running) {
        return Err(AppError::Invalid(
            "確認が終わってから取り消してください。".into(),
        ));
    }
    std::fs::remove_dir_all(&dir).map_err(io)?;
    if let Ok(mut jobs) = state.jobs.lock() {
        jobs.remove(&token);
    }
    Ok(Redirect::to("/import").into_response())
}
