//! Importing from the browser: GET /import (choose files), POST /import (upload; a dry run
//! shows what would change and every error, writing nothing), POST /import/{token}
//! (confirm: the same files imported for real). Uploads wait in a folder of their own,
//! named by a random token and bound to the user who sent them.

use crate::auth::CurrentUser;
use crate::csrf::{verify, verify_form};
use crate::error::AppError;
use crate::handlers::assets::list::department_choices;
use crate::state::AppState;
use crate::uploads::{MAX_BYTES, io, owner_mark, write};
use crate::view::{Choice, Layout};
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
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
fn kept<T: serde::de::DeserializeOwned + Default>(path: &std::path::Path) -> T {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// Imports an upload's files (as a dry run, or for real).
async fn run(
    state: &AppState,
    user: &CurrentUser,
    dir: &std::path::Path,
    dry_run: bool,
    progress: impl FnMut(usize),
) -> Result<ImportReport, AppError> {
    let (files, department) = files_of(dir);
    let mapping = kept(&dir.join("mapping.json"));
    let departments = kept(&dir.join("departments.json"));
    let options = ImportOptions {
        department,
        dry_run,
        replace: false,
        mapping,
        departments,
        ..Default::default()
    };
    Ok(import_paths(
        &state.db,
        &user.scope,
        &user.actor(),
        &files,
        &options,
        progress,
    )
    .await?)
}

/// Starts the import of an upload in the background and sends the browser to its page,
/// which shows the rows read until the report is ready.
fn start(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
    dir: PathBuf,
    dry_run: bool,
) -> Result<Response, AppError> {
    let rows = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let job = crate::state::ImportJob {
        owner: (user.user.tenant_id, user.user.id),
        dry_run,
        rows: rows.clone(),
        outcome: None,
        started: std::time::Instant::now(),
    };
    let mut jobs = state
        .jobs
        .lock()
        .map_err(|_| AppError::Internal("import jobs poisoned".into()))?;
    // Finished jobs are forgotten as their uploads are (a running one never is).
    jobs.retain(|_, j| j.outcome.is_none() || j.started.elapsed() < crate::uploads::MAX_AGE);
    jobs.insert(token.to_string(), job);
    drop(jobs);
    let (state, user, token_owned) = (state.clone(), user.clone(), token.to_string());
    tokio::spawn(async move {
        let result = run(&state, &user, &dir, dry_run, |n| {
            rows.store(n, std::sync::atomic::Ordering::Relaxed)
        })
        .await;
        // A confirmed upload, or one that could not be read at all, is not kept.
        if !dry_run || result.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let outcome = result.map_err(|e| match e {
            AppError::Store(daicho_store::StoreError::Locked(_)) => crate::error::BUSY.to_string(),
            AppError::Store(daicho_store::StoreError::Unavailable(m)) => m,
            e => {
                let id = crate::error::log_internal(&format!("{e:?}"));
                format!(
                    "取り込みを完了できませんでした。時間をおいて再度お試しください。解決しない場合は、エラー番号 {id} を添えて管理者に連絡してください。"
                )
            }
        });
        if let Ok(mut jobs) = state.jobs.lock()
            && let Some(job) = jobs.get_mut(&token_owned)
        {
            job.outcome = Some(outcome);
        }
    });
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
    let (dry_run, rows, outcome) = {
        let jobs = state.jobs.lock().map_err(|_| AppError::NotFound)?;
        let job = jobs
            .get(&token)
            .filter(|j| j.owner == (user.user.tenant_id, user.user.id))
            .ok_or(AppError::NotFound)?;
        (
            job.dry_run,
            job.rows.load(std::sync::atomic::Ordering::Relaxed),
            job.outcome.clone(),
        )
    };
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

/// The folder of an upload, if it is this user's.
fn upload_dir(state: &AppState, user: &CurrentUser, token: &str) -> Result<PathBuf, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let dir = state.uploads.dir(token)?;
    let owner = std::fs::read_to_string(dir.join("owner")).map_err(|_| AppError::NotFound)?;
    if owner != owner_mark(user.user.tenant_id, user.user.id) {
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
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BadRequest(format!(
                "ファイルが大きすぎます（1回に送信できるのは合計 {} MB までです）。分けて送信してください。",
                MAX_BYTES / (1024 * 1024)
            ))
        } else {
            AppError::BadRequest(
                "送信を読み取れません。もう一度ファイルを選んで送信してください。".into(),
            )
        }
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
                let mut out =
                    daicho_store::private::create(&dir.join("files").join(&name)).map_err(io)?;
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
    let dir = state
        .uploads
        .begin(&token, &owner_mark(user.user.tenant_id, user.user.id))?;
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
    write(&dir.join("department"), &department)?;
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
    start(&state, &user, &token, dir, true)
}

fn save_mapping_file(
    dir: &std::path::Path,
    mapping: &daicho_store::ColumnMapping,
) -> Result<(), AppError> {
    write(
        &dir.join("mapping.json"),
        &serde_json::to_string(mapping).unwrap_or_default(),
    )
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
    let dir = upload_dir(&state, &user, &token)?;
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
    start(&state, &user, &token, dir, true)
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
    let dir = upload_dir(&state, &user, &token)?;
    let path = dir.join("departments.json");
    let mut choices: daicho_store::DepartmentChoices = kept(&path);
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
    start(&state, &user, &token, dir, true)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
}

/// Where an upload's check stands.
enum Checked {
    /// No check known (never started, or the server restarted).
    Unknown,
    Running,
    /// Finished: without errors or not.
    Done {
        clean: bool,
    },
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
    let dir = upload_dir(state, user, token)?;
    let checked = state
        .jobs
        .lock()
        .ok()
        .and_then(|jobs| {
            jobs.get(token).map(|j| match &j.outcome {
                None => Checked::Running,
                Some(o) => Checked::Done {
                    clean: matches!(o, Ok(r) if r.error_count == 0),
                },
            })
        })
        .unwrap_or(Checked::Unknown);
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
        (dir, Checked::Done { clean: true }) => start(&state, &user, &token, dir, false),
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
