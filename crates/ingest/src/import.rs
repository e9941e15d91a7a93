//! `daicho import`: every file and sheet read in one transaction. A sheet is taken for an
//! asset ledger by its columns; rows are checked one by one and every problem is
//! collected (the first 100 in full, then a count); the transaction commits only when
//! there is none and this is not a dry run.

use crate::assets::to_input;
use crate::error::ImportError;
use crate::headers::{HEADER_SEARCH_ROWS, Mapping};
use crate::read;
use daicho_store::{Actor, Db, FieldError, Scope, StoreError};
use std::path::PathBuf;

/// Errors listed in full; beyond this only counted.
pub const MAX_LISTED_ERRORS: usize = 100;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The department of rows whose file has no department column (or an empty cell).
    pub department: Option<String>,
    /// Check everything, write nothing.
    pub dry_run: bool,
}

/// One sheet's part of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub source: String,
    /// The ledger it was read as (`assets`).
    pub ledger: &'static str,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Headers that name no field: shown, not imported.
    pub ignored_columns: Vec<String>,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// Sheets not read, with why.
    pub skipped: Vec<(String, String)>,
    pub created_departments: Vec<String>,
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

/// Imports `paths` into `scope`. `progress` is called with the rows read so far.
pub async fn import_paths(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    paths: &[PathBuf],
    options: &ImportOptions,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut session = db.begin_asset_import(scope, actor).await?;
    let mut rows_read = 0;
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
    for path in paths {
        let sheets = match read::open(path) {
            Ok(s) => s,
            Err(e) => {
                report.error(e);
                continue;
            }
        };
        for mut sheet in sheets {
            // Find the header among the first rows; title rows may stand above it.
            let mut before: Vec<Vec<String>> = Vec::new();
            let mut header: Option<(usize, Mapping)> = None;
            for (i, row) in sheet.rows.by_ref().enumerate() {
                let row = match row {
                    Ok(r) => r,
                    Err(e) => {
                        report.error(e);
                        continue;
                    }
                };
                let mapping = Mapping::from_headers(&row);
                if mapping.recognised() >= 2 {
                    header = Some((i, mapping));
                    break;
                }
                before.push(row);
                if i + 1 >= HEADER_SEARCH_ROWS {
                    break;
                }
            }
            let Some((header_index, mapping)) = header else {
                let reason = if before.iter().all(|r| r.iter().all(|c| c.trim().is_empty())) {
                    "データがありません".to_string()
                } else {
                    format!(
                        "先頭{HEADER_SEARCH_ROWS}行に資産台帳の見出し（備品番号・所属・種別・品名など）が見つかりません"
                    )
                };
                report.skipped.push((sheet.source.clone(), reason));
                continue;
            };
            if let Some((field, headers)) = mapping.duplicated() {
                report.error(ImportError::file(
                    &sheet.source,
                    format!(
                        "列「{}」が同じ項目（{field}）を指しています。どれか一つにしてください",
                        headers.join("」「")
                    ),
                ));
                continue;
            }
            let mut file = FileReport {
                source: sheet.source.clone(),
                ledger: "assets",
                ignored_columns: mapping.ignored(),
                ..Default::default()
            };
            let has_department_column = mapping.has("department");
            for (offset, row) in sheet.rows.by_ref().enumerate() {
                // Excel numbers rows from 1; the header is at header_index + 1.
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
                rows_read += 1;
                if rows_read % 10_000 == 0 {
                    progress(rows_read);
                }
                let mut input = to_input(&mapping, &cells, default_department.as_deref());
                if has_department_column && !input.department.is_empty() {
                    match session.department(&input.department).await {
                        Ok(code) => input.department = code,
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
                match session.upsert((&sheet.source, excel_row), &input).await? {
                    Ok(outcome) => match outcome {
                        daicho_store::RowOutcome::Added => file.added += 1,
                        daicho_store::RowOutcome::Updated => file.updated += 1,
                        daicho_store::RowOutcome::Unchanged => file.unchanged += 1,
                    },
                    Err(errors) => {
                        for e in errors {
                            report.error(cell_error(
                                &sheet.source,
                                excel_row,
                                &mapping,
                                &cells,
                                &e,
                            ));
                        }
                    }
                }
            }
            if file.rows == 0 {
                report.skipped.push((
                    sheet.source.clone(),
                    "見出しの下にデータ行がありません".into(),
                ));
            }
            report.files.push(file);
        }
    }
    progress(rows_read);
    report.created_departments = session.created_departments.clone();
    if report.files.iter().all(|f| f.rows == 0) && report.error_count == 0 {
        report.error(ImportError::file(
            &paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "取り込める行がありません",
        ));
    }
    report.committed = report.error_count == 0 && !options.dry_run;
    session.finish(report.committed).await?;
    Ok(report)
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
