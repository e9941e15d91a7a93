//! `daicho import`: every file, sheet and bundle read in one transaction. A sheet's ledger
//! is known from its name (`contracts.csv`, a sheet named 契約台帳) or, failing that, from
//! its columns; bundles are read in an order that puts referenced ledgers first. Every
//! problem is collected (the first 100 in full, then a count); the transaction commits
//! only when there is none and this is not a dry run.

use crate::assets::to_input;
use crate::error::ImportError;
use crate::headers::{HEADER_SEARCH_ROWS, Mapping};
use crate::read::{self, Sheet};
use daicho_store::ledgers::{ASSETS, Engine, LEDGERS, Ledger, ledger};
use daicho_store::{Actor, Db, FieldError, ImportSession, RowError, RowOutcome, Scope, StoreError};
use std::path::{Path, PathBuf};

/// The name of an import's working folders (`daicho-import-{pid}-…`: an unpacked bundle),
/// by which a later start removes those a crashed import left.
pub const WORK_KIND: &str = "daicho-import";

/// Rows shown in a preview.
pub const SAMPLE_ROWS: usize = 5;

/// Errors listed in full; beyond this only counted.
pub const MAX_LISTED_ERRORS: usize = 100;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The department of rows whose file has no department column (or an empty cell).
    pub department: Option<String>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Remove the assets (in scope) that no asset row of the run names.
    pub replace: bool,
    /// Corrections to the detected columns: header as written → field ("" = not imported).
    pub mapping: daicho_store::ColumnMapping,
    /// What the person importing chose for department names the tenant does not have
    /// (none chosen: each such name is an error naming the closest departments).
    pub departments: daicho_store::DepartmentChoices,
    /// How much the files may hold (the defaults fit every real ledger).
    pub limits: crate::Limits,
    /// On SQLite, a run whose files hold at least this many bytes (a zipped file — XLSX,
    /// bundle ZIP — counted eight times) is written into a private copy of the database
    /// and published at the end, so that it holds nobody's saves (None:
    /// [`STAGE_FROM_BYTES`]). Smaller runs are written in place: they hold the database
    /// well under SQLite's 5 s busy time-out, and the copy and the publishing would cost
    /// them more than that (a staged 100,000-row import took 1.5 times as long).
    pub stage_from_bytes: Option<u64>,
}

/// Below this, a real import on SQLite is written in place: about 20,000 rows of a CSV,
/// which hold the database for about a second.
pub const STAGE_FROM_BYTES: u64 = 2 << 20;

/// How much more a zipped file holds per byte than a CSV (an XLSX of a ledger packs its
/// sheet about ten times).
const ZIPPED_WEIGHT: u64 = 8;

/// One sheet's part of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub source: String,
    /// The ledger it was read as (`assets`, `contracts`, ...).
    pub ledger: &'static str,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Headers that name no field: shown, not imported.
    pub ignored_columns: Vec<String>,
    /// Every header and the field it was read into, for the user to check and correct.
    pub columns: Vec<(String, Option<&'static str>)>,
    /// The first rows as written, to see beside the headers.
    pub sample: Vec<Vec<String>>,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// Sheets not read, with why.
    pub skipped: Vec<(String, String)>,
    pub created_departments: Vec<String>,
    /// Department names the files use that the tenant does not have, with the closest.
    pub unknown_departments: Vec<daicho_store::UnknownDepartment>,
    /// Tags of the assets removed by `replace`.
    pub removed: Vec<String>,
    /// (ledger, key) of the other rows removed by `replace`.
    pub removed_rows: Vec<(&'static str, String)>,
    /// The first [`MAX_LISTED_ERRORS`] errors.
    pub errors: Vec<ImportError>,
    /// All errors, listed or not.
    pub error_count: usize,
    /// Whether the data was written (no errors and not a dry run).
    pub committed: bool,
}

impl ImportReport {
    fn error(&mut self, e: ImportError) {
        self.error_count += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(e);
        }
    }
}

/// Referenced ledgers first, in the order of [`LEDGERS`]; sheets known only by their
/// columns last.
fn rank(target: Option<&'static Ledger>) -> usize {
    target
        .and_then(|l| LEDGERS.iter().position(|x| x.name == l.name))
        .unwrap_or(LEDGERS.len())
}

/// The fields a target has, by code name (an unknown name: the assets').
pub fn fields_of(target: &str) -> Vec<&'static str> {
    ledger(target)
        .filter(|l| l.name == target)
        .unwrap_or(&ASSETS)
        .columns
        .iter()
        .map(|c| c.name)
        .collect()
}

fn mapping(
    target: &'static Ledger,
    header: &[String],
    corrections: &daicho_store::ColumnMapping,
) -> Mapping {
    let mut m = Mapping::for_ledger(target, header);
    for (field, written) in &mut m.columns {
        if let Some(chosen) = corrections.get(written.trim()) {
            *field = target.column(chosen).map(|c| c.name);
        }
    }
    m
}

/// The target and mapping of a header row: the named target, or the one whose columns
/// the header names best (at least two; of equal ones the later, assets counting first).
fn read_header(
    named: Option<&'static Ledger>,
    row: &[String],
    corrections: &daicho_store::ColumnMapping,
) -> Option<(&'static Ledger, Mapping)> {
    let candidates: Vec<&'static Ledger> = match named {
        Some(t) => vec![t],
        None => std::iter::once(&ASSETS)
            .chain(LEDGERS.iter().filter(|l| l.engine != Engine::Assets))
            .collect(),
    };
    candidates
        .into_iter()
        .map(|t| (t, mapping(t, row, corrections)))
        .filter(|(_, m)| m.recognised() >= 2)
        .max_by_key(|(_, m)| m.recognised())
}

/// Imports `paths` (files, bundle folders or bundle zips) into `scope`. `progress` is
/// called with the rows read so far.
pub async fn import_paths(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    paths: &[PathBuf],
    options: &ImportOptions,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let scratch = daicho_store::private::work_dir(WORK_KIND).map_err(|_| {
        StoreError::Unavailable(
            "取込の作業フォルダを作れません（一時フォルダの空き容量や権限を確かめてください）"
                .into(),
        )
    })?;
    let mut sheets: Vec<(Option<&'static Ledger>, Sheet)> = Vec::new();
    for path in paths {
        match read::open_any(path, scratch.path(), options.limits) {
            Ok(opened) => sheets.extend(opened.into_iter().map(crate::headers::target_of)),
            Err(errors) => errors.into_iter().for_each(|e| report.error(e)),
        }
    }
    sheets.sort_by_key(|(t, _)| rank(*t));
    // On SQLite a run writes into a private copy, taking no lock on the database everyone
    // else writes: a dry run throws it away, a real one publishes it at the end.
    let stage = input_bytes(paths) >= options.stage_from_bytes.unwrap_or(STAGE_FROM_BYTES);
    let (rehearsal, staged) = match (options.dry_run, stage) {
        (true, _) => (db.rehearsal_copy(scratch.path()).await?, None),
        (false, true) => (
            None,
            db.stage_import(scratch.path(), scope.tenant_id).await?,
        ),
        (false, false) => (None, None),
    };
    let target: &Db = match (&rehearsal, &staged) {
        (Some(copy), _) => copy,
        (None, Some(staged)) => staged.db(),
        (None, None) => db,
    };
    let mut session = target.begin_import(scope, actor).await?;
    if options.dry_run {
        session.rehearse();
    }
    session.choose_departments(options.departments.clone());
    let default_department = match options
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(name) => match session.department(name).await {
            Ok(code) => Some(code),
            Err(e) => {
                report.error(ImportError {
                    file: "--department".into(),
                    row: None,
                    column: None,
                    value: Some(name.into()),
                    message: e.message,
                });
                None
            }
        },
        None => None,
    };
    let mut rows_read = 0;
    for (named, sheet) in sheets {
        let file = read_sheet(
            &mut session,
            named,
            sheet,
            Given {
                department: default_department.as_deref(),
                corrections: &options.mapping,
            },
            &mut report,
            &mut rows_read,
            &mut progress,
        )
        .await?;
        if let Some(file) = file {
            report.files.push(file);
        }
    }
    // Asset rows are written in chunks: write the last, then take their counts and any
    // row refused on writing.
    session.flush().await?;
    for file in report.files.iter_mut().filter(|f| f.ledger == "assets") {
        if let Some(c) = session.asset_counts.get(&file.source) {
            (file.added, file.updated, file.unchanged) = (c.added, c.updated, c.unchanged);
        }
    }
    if options.replace {
        replace(&mut session, &mut report).await?;
    }
    for (source, row, e) in std::mem::take(&mut session.row_errors) {
        report.error(ImportError {
            file: source,
            row: Some(row),
            column: Some("備品番号".into()),
            value: None,
            message: e.message,
        });
    }
    progress(rows_read);
    report.created_departments = session.created_departments.clone();
    report.unknown_departments = session.unknown_departments();
    if report.files.iter().all(|f| f.rows == 0) && report.error_count == 0 {
        // File names only: a server's folders are nobody's business.
        let names: Vec<String> = paths
            .iter()
            .map(|p| {
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            })
            .collect();
        report.error(ImportError::file(
            &names.join(", "),
            "取り込める行がありません",
        ));
    }
    report.committed = report.error_count == 0 && !options.dry_run;
    session.finish(report.committed).await?;
    if let Some(copy) = rehearsal {
        copy.close().await;
    }
    if let Some(staged) = staged {
        match report.committed {
            true => db.publish(staged).await?,
            false => staged.db().close().await,
        }
    }
    if report.committed {
        db.refresh_statistics().await;
    }
    Ok(report)
}

/// The size of the files named and of the files in the folders named (a bundle folder),
/// a zipped file's weighted as a CSV of its rows would be.
fn input_bytes(paths: &[PathBuf]) -> u64 {
    fn weighted(path: &Path) -> u64 {
        let Ok(meta) = std::fs::metadata(path) else {
            return 0;
        };
        let zipped = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["xlsx", "xlsm", "zip"].contains(&e.to_ascii_lowercase().as_str()));
        meta.len() * if zipped { ZIPPED_WEIGHT } else { 1 }
    }
    paths
        .iter()
        .map(|p| match std::fs::read_dir(p) {
            Ok(entries) => entries.flatten().map(|e| weighted(&e.path())).sum(),
            Err(_) => weighted(p),
        })
        .sum()
}

/// What the user gave for every sheet: the department of rows without one, and column
/// corrections.
#[derive(Clone, Copy)]
struct Given<'a> {
    department: Option<&'a str>,
    corrections: &'a daicho_store::ColumnMapping,
}

/// Reads one sheet into the session.
async fn read_sheet(
    session: &mut ImportSession,
    named: Option<&'static Ledger>,
    mut sheet: Sheet,
    given: Given<'_>,
    report: &mut ImportReport,
    rows_read: &mut usize,
    progress: &mut impl FnMut(usize),
) -> Result<Option<FileReport>, StoreError> {
    // Find the header among the first rows; title rows may stand above it.
    let mut header: Option<(usize, &'static Ledger, Mapping)> = None;
    let mut seen_data = false;
    for (i, row) in sheet.rows.by_ref().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                report.error(e);
                continue;
            }
        };
        seen_data |= row.iter().any(|c| !c.trim().is_empty());
        if let Some((target, mapping)) = read_header(named, &row, given.corrections) {
            header = Some((i, target, mapping));
            break;
        }
        if i + 1 >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    let Some((header_index, target, mapping)) = header else {
        let reason = if !seen_data {
            "データがありません".to_string()
        } else {
            format!("先頭{HEADER_SEARCH_ROWS}行に、どの台帳か分かる見出しが見つかりません")
        };
        report.skipped.push((sheet.source.clone(), reason));
        return Ok(None);
    };
    if let Some((field, headers)) = mapping.duplicated() {
        let label = target.column(field).map_or(field, |c| c.label);
        report.error(ImportError::file(
            &sheet.source,
            format!(
                "列「{}」が同じ項目（{label}）を指しています。どれか一つにしてください",
                headers.join("」「")
            ),
        ));
        return Ok(None);
    }
    let ledger_name = target.name;
    let mut file = FileReport {
        source: sheet.source.clone(),
        ledger: ledger_name,
        ignored_columns: mapping.ignored(),
        columns: mapping
            .columns
            .iter()
            .map(|(f, h)| (h.clone(), *f))
            .collect(),
        ..Default::default()
    };
    let has_department_column = mapping.has("department");
    // An asset already in the ledger keeps what this file has no column for.
    let absent: std::sync::Arc<[&'static str]> = ASSETS
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|field| !mapping.has(field))
        .collect();
    for (offset, row) in sheet.rows.by_ref().enumerate() {
        // Excel numbers rows from 1.
        let excel_row = header_index + offset + 2;
        let cells = match row {
            Ok(r) => r,
            Err(e) => {
                report.error(e);
                continue;
            }
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        file.rows += 1;
        *rows_read += 1;
        if file.sample.len() < SAMPLE_ROWS {
            file.sample.push(cells.clone());
        }
        if rows_read.is_multiple_of(10_000) {
            progress(*rows_read);
        }
        let result = match target.engine {
            Engine::Assets => {
                let mut input = to_input(&mapping, &cells, given.department);
                if has_department_column && !input.get("department").is_empty() {
                    match session.department(input.get("department")).await {
                        Ok(code) => {
                            input.set("department", code);
                        }
                        Err(e) => {
                            report.error(cell_error(
                                &sheet.source,
                                excel_row,
                                &mapping,
                                &cells,
                                &e,
                            ));
                            continue;
                        }
                    }
                }
                // Counted when written (see the end of the run).
                match session
                    .upsert_asset((&sheet.source, excel_row), &input, &absent)
                    .await
                {
                    Ok(()) => continue,
                    Err(e) => Err(e),
                }
            }
            Engine::Described | Engine::Departments => {
                let ledger = target;
                let mut pairs: Vec<(&'static daicho_store::ledgers::Column, String)> = mapping
                    .columns
                    .iter()
                    .zip(cells.iter().chain(std::iter::repeat(&String::new())))
                    .filter_map(|((field, _), cell)| {
                        field
                            .and_then(|f| ledger.column(f))
                            .map(|c| (c, cell.clone()))
                    })
                    .collect();
                if let (false, Some(d), Some(column)) = (
                    has_department_column,
                    given.department,
                    ledger.column("department"),
                ) {
                    pairs.push((column, d.to_string()));
                }
                session.upsert_row(ledger, &pairs).await
            }
        };
        match result {
            Ok(RowOutcome::Added) => file.added += 1,
            Ok(RowOutcome::Updated) => file.updated += 1,
            Ok(RowOutcome::Unchanged) => file.unchanged += 1,
            Err(RowError::Refused { errors, .. }) => {
                for e in errors {
                    report.error(cell_error(&sheet.source, excel_row, &mapping, &cells, &e));
                }
            }
            Err(RowError::Store(e)) => return Err(e),
        }
    }
    if file.rows == 0 {
        report.skipped.push((
            sheet.source.clone(),
            "見出しの下にデータ行がありません".into(),
        ));
    }
    Ok(Some(file))
}

/// `--replace`: in each ledger the run read (assets included), the rows no file named are
/// removed — referencing ledgers first, so that their references go before what they
/// refer to. A row still referred to is an error. Departments are never removed (they end).
async fn replace(session: &mut ImportSession, report: &mut ImportReport) -> Result<(), StoreError> {
    let read: Vec<&'static str> = report.files.iter().map(|f| f.ledger).collect();
    if read.is_empty() {
        report.error(ImportError::file(
            "--replace",
            "取り込んだ台帳がないため、削除するものを決められません",
        ));
        return Ok(());
    }
    for l in LEDGERS
        .iter()
        .rev()
        .filter(|l| read.contains(&l.name) && l.engine != Engine::Departments)
    {
        if l.engine == Engine::Assets {
            report.removed = session.remove_unseen_assets().await?;
            continue;
        }
        let (removed, blocked) = session.remove_unseen_rows(l).await?;
        report
            .removed_rows
            .extend(removed.into_iter().map(|k| (l.name, k)));
        for (key, by) in blocked {
            let by_label = ledger(by).map_or(by, |x| x.label);
            report.error(ImportError::file(
                "--replace",
                format!(
                    "{}「{key}」は{by_label}から参照されているため削除できません",
                    l.label
                ),
            ));
        }
    }
    Ok(())
}

/// A field error placed at its cell: the column whose header fills the field.
fn cell_error(
    source: &str,
    row: usize,
    mapping: &Mapping,
    cells: &[String],
    e: &FieldError,
) -> ImportError {
    let column = mapping
        .columns
        .iter()
        .position(|(f, _)| *f == Some(e.field));
    ImportError {
        file: source.to_string(),
        row: Some(row),
        column: Some(match column {
            Some(i) => mapping.columns[i].1.clone(),
            None if e.field == "department" => "（--department）".to_string(),
            None if e.field == "asset_tag" => "（備品番号の列なし）".to_string(),
            None => e.field.to_string(),
        }),
        value: column.and_then(|i| cells.get(i).cloned()),
        message: e.message.clone(),
    }
}

/// The rows of an asset file as ledger input, without writing anything: for benchmarks
/// that need the same rows as an import (the bulk-insert floor).
pub fn asset_inputs(
    path: &std::path::Path,
) -> Result<impl Iterator<Item = daicho_store::AssetInput>, ImportError> {
    let scratch = daicho_store::private::work_dir(WORK_KIND)
        .map_err(|_| ImportError::file(&path.display().to_string(), "作業フォルダを作れません"))?;
    let mut sheets = read::open_any(path, scratch.path(), crate::Limits::default())
        .map_err(|mut e| e.remove(0))?;
    let mut sheet = sheets
        .pop()
        .ok_or_else(|| ImportError::file(&path.display().to_string(), "シートがありません"))?;
    let header = sheet.rows.next().transpose()?.unwrap_or_default();
    let mapping = Mapping::for_ledger(&ASSETS, &header);
    Ok(sheet.rows.filter_map(Result::ok).map(move |cells| {
        // The unpacked files live as long as their rows are read.
        let _ = &scratch;
        to_input(&mapping, &cells, None)
    }))
}
