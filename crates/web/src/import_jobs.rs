//! The import engine the screens and the JSON API share: an upload waits in a folder of
//! its own, named by a random token and marked with who sent it; its check (a dry run)
//! and its import run in the background through `daicho_ingest::import_paths`, the same
//! all-or-nothing engine as the CLI, and their outcome waits in `AppState::jobs`.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::{MAX_BYTES, io, owner_mark, write};
use axum::extract::Multipart;
use axum::http::StatusCode;
use daicho_ingest::{ImportOptions, ImportReport, import_paths};
use daicho_store::{Actor, Scope};
use std::path::{Path, PathBuf};

/// Who imports: what they may change, how the history names them, and whose uploads
/// are theirs — (tenant, user id) for a person, (tenant, minus the token's id) for a
/// program, so that neither reaches the other's.
#[derive(Debug, Clone)]
pub struct Importer {
    pub scope: Scope,
    pub actor: Actor,
    pub owner: (i64, i64),
}

impl Importer {
    pub fn of_user(user: &CurrentUser) -> Self {
        Importer {
            scope: user.scope.clone(),
            actor: user.actor(),
            owner: (user.user.tenant_id, user.user.id),
        }
    }

    /// The mark written beside the upload's files.
    pub fn mark(&self) -> String {
        owner_mark(self.owner.0, self.owner.1)
    }
}

/// Where an upload's check stands.
pub enum Checked {
    /// No check known (never started, or the server restarted).
    Unknown,
    Running,
    /// Finished: without errors or not.
    Done {
        clean: bool,
    },
}

/// A job as its owner sees it: a dry run or not, rows read so far, and the outcome once
/// there is one (a report, or what to tell the user).
pub type JobState = (bool, usize, Option<Result<ImportReport, String>>);

/// A JSON file of an upload (its mapping, its departments), or the default.
pub fn kept<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// The files of an upload and the department chosen for them.
fn files_of(dir: &Path) -> (Vec<PathBuf>, Option<String>) {
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

/// Imports an upload's files (as a dry run, or for real).
async fn run(
    state: &AppState,
    importer: &Importer,
    dir: &Path,
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
        &importer.scope,
        &importer.actor,
        &files,
        &options,
        progress,
    )
    .await?)
}

/// Starts the check (`dry_run`) or the import of an upload in the background.
pub fn start(
    state: &AppState,
    importer: &Importer,
    token: &str,
    dir: PathBuf,
    dry_run: bool,
) -> Result<(), AppError> {
    let rows = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let job = crate::state::ImportJob {
        owner: importer.owner,
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
    let (state, importer, token_owned) = (state.clone(), importer.clone(), token.to_string());
    tokio::spawn(async move {
        let result = run(&state, &importer, &dir, dry_run, |n| {
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
    Ok(())
}

/// The folder of an upload, if it is `importer`'s.
pub fn upload_dir(state: &AppState, importer: &Importer, token: &str) -> Result<PathBuf, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let dir = state.uploads.dir(token)?;
    let owner = std::fs::read_to_string(dir.join("owner")).map_err(|_| AppError::NotFound)?;
    if owner != importer.mark() {
        return Err(AppError::NotFound);
    }
    Ok(dir)
}

/// The job of an upload, if it is `importer`'s.
pub fn job(state: &AppState, importer: &Importer, token: &str) -> Result<JobState, AppError> {
    let jobs = state.jobs.lock().map_err(|_| AppError::NotFound)?;
    let job = jobs
        .get(token)
        .filter(|j| j.owner == importer.owner)
        .ok_or(AppError::NotFound)?;
    Ok((
        job.dry_run,
        job.rows.load(std::sync::atomic::Ordering::Relaxed),
        job.outcome.clone(),
    ))
}

/// Where the check of an upload stands.
pub fn checked(state: &AppState, token: &str) -> Checked {
    state
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
        .unwrap_or(Checked::Unknown)
}

/// Reads a multipart upload into a new folder of `importer`'s and returns its token and
/// folder: the files (field `files`, streamed to disk), the department they are of
/// (`department`) and a saved column mapping to apply (`mapping`, by name). A form from a
/// screen names its session's CSRF token (`csrf`), which must come before any file, so
/// nothing is saved unchecked; the API's token has already been checked.
pub async fn accept(
    state: &AppState,
    importer: &Importer,
    form: &mut Multipart,
    csrf: Option<&str>,
) -> Result<(String, PathBuf), AppError> {
    let token = daicho_store::random_token()?;
    let dir = state.uploads.begin(&token, &importer.mark())?;
    let received = receive(form, csrf, &dir).await;
    let (department, mapping_name, _) = match received {
        Ok(r) if r.2 > 0 => r,
        Ok(_) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(AppError::BadRequest("ファイルを選んでください。".into()));
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    write(&dir.join("department"), &department)?;
    if !mapping_name.is_empty()
        && let Some((_, mapping)) = state
            .db
            .mappings(&importer.scope)
            .await?
            .into_iter()
            .find(|(n, _)| *n == mapping_name)
    {
        save_mapping_file(&dir, &mapping)?;
    }
    Ok((token, dir))
}

/// Keeps the column mapping an upload's check and import apply.
pub fn save_mapping_file(
    dir: &Path,
    mapping: &daicho_store::ColumnMapping,
) -> Result<(), AppError> {
    write(
        &dir.join("mapping.json"),
        &serde_json::to_string(mapping).unwrap_or_default(),
    )
}

async fn receive(
    form: &mut Multipart,
    csrf: Option<&str>,
    dir: &Path,
) -> Result<(String, String, usize), AppError> {
    let (mut department, mut mapping, mut saved) = (String::new(), String::new(), 0);
    let mut checked = csrf.is_none();
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
                if let Some(expected) = csrf {
                    crate::csrf::verify(&field.text().await.unwrap_or_default(), expected)?;
                    checked = true;
                }
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
