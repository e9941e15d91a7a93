//! Files out: a ledger, or the whole bundle, as CSV (UTF-8 with BOM, code-name headers, so
//! that importing it again gives the same ledgers) or as an XLSX workbook for people:
//! Japanese headers, choices by their names and yes/no as 有/無 (which import back the
//! same), A4 landscape, the header repeated on every printed page.

use daicho_store::ledgers::{Column, Engine, Kind, LEDGERS, Ledger, ledger};
use daicho_store::{AssetInput, Db, Scope, StoreError};
use rust_xlsxwriter::{Format, FormatBorder, Workbook};
use std::path::Path;

/// Rows read per query while exporting assets.
const ASSET_PAGE: i64 = 5_000;

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

fn resolve(kind: &str) -> Result<Vec<&'static Ledger>, String> {
    match kind {
        "bundle" => Ok(LEDGERS.iter().collect()),
        other => ledger(other).map(|l| vec![l]).ok_or_else(|| {
            let names: Vec<&str> = LEDGERS.iter().map(|l| l.name).collect();
            format!(
                "台帳「{other}」はありません。次のいずれかか bundle を指定してください: {}",
                names.join(", ")
            )
        }),
    }
}

fn headers(ledger: &Ledger, japanese: bool) -> Vec<&'static str> {
    ledger
        .columns
        .iter()
        .map(|c| if japanese { c.label } else { c.name })
        .collect()
}

/// Calls `sink` with each row's cells; assets stream by pages.
async fn rows(
    ledger: &'static Ledger,
    db: &Db,
    scope: &Scope,
    mut sink: impl FnMut(Vec<String>) -> Result<(), String>,
) -> Result<usize, ExportError> {
    let mut count = 0;
    match ledger.engine {
        Engine::Assets => {
            let mut after = 0;
            loop {
                let page = db.assets_after(scope, after, ASSET_PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for asset in &page {
                    let input = AssetInput::from_asset(asset);
                    sink(
                        ledger
                            .columns
                            .iter()
                            .map(|c| input.get(c.name).to_string())
                            .collect(),
                    )
                    .map_err(ExportError::Write)?;
                    count += 1;
                }
            }
        }
        Engine::Described | Engine::Departments => {
            for row in db.ledger_rows(scope, ledger).await? {
                sink(row).map_err(ExportError::Write)?;
                count += 1;
            }
        }
    }
    Ok(count)
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("書き出せません: {0}")]
    Write(String),
}

/// Writes `kind` (`bundle`, `assets` or a ledger's name) of `scope` to `output`: CSV to a
/// file (one ledger) or a folder (the bundle; a `.zip` path gives a zip), XLSX to one
/// workbook with a sheet per ledger. Returns (ledger, rows) written.
pub async fn export(
    db: &Db,
    scope: &Scope,
    kind: &str,
    format: ExportFormat,
    output: &Path,
) -> Result<Vec<(&'static str, usize)>, ExportError> {
    let what = resolve(kind).map_err(ExportError::Usage)?;
    match format {
        ExportFormat::Csv if what.len() == 1 => Ok(vec![(
            what[0].name,
            write_csv(db, scope, what[0], output).await?,
        )]),
        ExportFormat::Csv => {
            let zip = output
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
            let scratch = tempfile::tempdir().map_err(|e| ExportError::Write(e.to_string()))?;
            let folder = if zip {
                scratch.path().to_path_buf()
            } else {
                output.to_path_buf()
            };
            std::fs::create_dir_all(&folder)
                .map_err(|e| ExportError::Write(format!("{}: {e}", folder.display())))?;
            let mut written = Vec::new();
            for w in what {
                written.push((
                    w.name,
                    write_csv(db, scope, w, &folder.join(format!("{}.csv", w.name))).await?,
                ));
            }
            if zip {
                zip_folder(&folder, output)?;
            }
            Ok(written)
        }
        ExportFormat::Xlsx => write_xlsx(db, scope, &what, output).await,
    }
}

async fn write_csv(
    db: &Db,
    scope: &Scope,
    what: &'static Ledger,
    path: &Path,
) -> Result<usize, ExportError> {
    let file = std::fs::File::create(path)
        .map_err(|e| ExportError::Write(format!("{}: {e}", path.display())))?;
    let mut out = std::io::BufWriter::new(file);
    // A BOM so that Excel opens UTF-8 as UTF-8; CRLF as Excel writes.
    std::io::Write::write_all(&mut out, b"\xEF\xBB\xBF")
        .map_err(|e| ExportError::Write(e.to_string()))?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer
        .write_record(headers(what, false))
        .map_err(|e| ExportError::Write(e.to_string()))?;
    let count = rows(what, db, scope, |row| {
        writer
            .write_record(row.iter().map(|c| guard(c).into_owned()))
            .map_err(|e| e.to_string())
    })
    .await?;
    writer
        .flush()
        .map_err(|e| ExportError::Write(e.to_string()))?;
    Ok(count)
}

/// The first characters with which a spreadsheet reads a cell as a formula (OWASP, "CSV
/// injection"): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell that Excel or LibreOffice would run as a formula, made inert with a leading
/// `'` as OWASP recommends. A plain number (`-12`, `-0.5`) is no formula and stays as it is.
pub(crate) fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    let plain_number = cell.strip_prefix('-').is_some_and(|n| {
        !n.is_empty()
            && n.split_once('.')
                .map_or(n, |(i, _)| i)
                .bytes()
                .all(|b| b.is_ascii_digit())
            && n.parse::<f64>().is_ok()
    });
    // A cell that already looks guarded gets a second quote, so reading back is exact.
    let looks_guarded = cell
        .strip_prefix('\'')
        .is_some_and(|r| r.starts_with(FORMULA_STARTS) || r.starts_with('\''));
    if (cell.starts_with(FORMULA_STARTS) && !plain_number) || looks_guarded {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell a guarded CSV cell stood for: daicho reads its own exports back unchanged.
pub(crate) fn unguard(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => {
            rest.to_string()
        }
        _ => cell,
    }
}

/// A cell as the workbook a clerk opens shows it: a choice by its label (随意契約, not
/// `discretionary`), yes/no as 有/無. daicho reads both back, so the workbook still
/// imports as it was; the CSV keeps the codes for machines.
fn for_people<'a>(column: &Column, cell: &'a str) -> &'a str {
    match column.kind {
        Kind::Choice(_) => column.choice_label(cell).unwrap_or(cell),
        Kind::Bool => match daicho_domain::parse_bool(cell) {
            Some(true) => "有",
            Some(false) => "無",
            None => cell,
        },
        _ => cell,
    }
}

async fn write_xlsx(
    db: &Db,
    scope: &Scope,
    what: &[&'static Ledger],
    path: &Path,
) -> Result<Vec<(&'static str, usize)>, ExportError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDE4EE)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let mut written = Vec::new();
    for w in what {
        let sheet = book.add_worksheet();
        let fail = |e: rust_xlsxwriter::XlsxError| ExportError::Write(e.to_string());
        sheet.set_name(w.label).map_err(fail)?;
        sheet
            .set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0).map_err(fail)?;
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        for (c, h) in headers(w, true).iter().enumerate() {
            sheet
                .write_with_format(0, c as u16, *h, &header)
                .map_err(fail)?;
            sheet.set_column_width(c as u16, 14).map_err(fail)?;
        }
        let mut r = 0u32;
        let count = rows(w, db, scope, |row| {
            r += 1;
            for (c, (cell, column)) in row.iter().zip(w.columns).enumerate() {
                sheet
                    .write_string(r, c as u16, for_people(column, cell))
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .await?;
        written.push((w.name, count));
    }
    book.save(path)
        .map_err(|e| ExportError::Write(format!("{}: {e}", path.display())))?;
    Ok(written)
}

fn zip_folder(folder: &Path, output: &Path) -> Result<(), ExportError> {
    let fail = |e: String| ExportError::Write(e);
    let file =
        std::fs::File::create(output).map_err(|e| fail(format!("{}: {e}", output.display())))?;
    let mut zip = zip::ZipWriter::new(file);
    let mut names: Vec<_> = std::fs::read_dir(folder)
        .map_err(|e| fail(e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .map_err(|e| fail(e.to_string()))?;
        let mut f = std::fs::File::open(&path).map_err(|e| fail(e.to_string()))?;
        std::io::copy(&mut f, &mut zip).map_err(|e| fail(e.to_string()))?;
    }
    zip.finish().map_err(|e| fail(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{guard, unguard};

    #[test]
    fn formula_starts_are_guarded_and_read_back_exactly() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("-12", "-12"),
            ("-0.5", "-0.5"),
            ("'plain", "'plain"),
            ("保守", "保守"),
            ("", ""),
        ] {
            assert_eq!(guard(cell), written, "{cell:?}");
            assert_eq!(unguard(written.to_string()), cell, "{written:?}");
        }
    }
}
