//! XLSX workbooks, one sheet per worksheet. Cells become the text a user sees: integral
//! numbers without ".0", dates as ISO dates.
//!
//! A sheet is streamed cell by cell (calamine's cell reader) on a thread of its own into a
//! short queue, never laid out as a grid: a file that declares or uses a huge range (one
//! cell in A1, one in XFD1048576) costs what its cells cost, and is refused by
//! [`Limits`] before that is much. The workbook's parts are unpacked once into nothing
//! first ([`limits::check_zip`]), so that calamine only ever reads parts of a known size.

use super::Sheet;
use super::limits::{self, Limits};
use crate::error::ImportError;
use calamine::{DataRef, DataType, Reader, Xlsx, open_workbook};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

type Book = Xlsx<BufReader<std::fs::File>>;

/// Rows waiting between the reading thread and the import.
const QUEUE: usize = 256;

fn unreadable(display: &str) -> ImportError {
    ImportError::file(
        display,
        "Excel ファイルとして開けません（壊れているか、XLSX ではありません）",
    )
}

pub fn open(path: &Path, display: &str, limits: Limits) -> Result<Vec<Sheet>, ImportError> {
    limits::check_zip(path, limits).map_err(|m| ImportError::file(display, m))?;
    let book: Book = open_workbook(path).map_err(|_| unreadable(display))?;
    Ok(book
        .sheet_names()
        .into_iter()
        .map(|name| Sheet {
            source: format!("{display} [{name}]"),
            name: name.clone(),
            rows: Box::new(Rows::Waiting {
                path: path.to_path_buf(),
                display: display.to_string(),
                sheet: name,
                limits,
            }),
        })
        .collect())
}

type Row = Result<Vec<String>, ImportError>;

/// A sheet's rows: read on first demand, so that only the sheet being imported is open.
enum Rows {
    Waiting {
        path: PathBuf,
        display: String,
        sheet: String,
        limits: Limits,
    },
    Reading(Receiver<Row>),
}

impl Iterator for Rows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if let Rows::Waiting {
            path,
            display,
            sheet,
            limits,
        } = self
        {
            let (tx, rx) = sync_channel(QUEUE);
            let (path, display, sheet, limits) = (
                std::mem::take(path),
                std::mem::take(display),
                std::mem::take(sheet),
                *limits,
            );
            std::thread::spawn(move || read_sheet(&path, &display, &sheet, limits, &tx));
            *self = Rows::Reading(rx);
        }
        match self {
            Rows::Reading(rx) => rx.recv().ok(),
            Rows::Waiting { .. } => None,
        }
    }
}

/// Sends the rows of one sheet, empty rows included (rows are numbered by position), and
/// stops at the first problem or when nobody reads any more.
fn read_sheet(path: &Path, display: &str, sheet: &str, limits: Limits, tx: &SyncSender<Row>) {
    let source = format!("{display} [{sheet}]");
    let fail = |row: Option<usize>, message: String| {
        let _ = tx.send(Err(ImportError {
            file: source.clone(),
            row,
            column: None,
            value: None,
            message,
        }));
    };
    let Ok(mut book) = open_workbook::<Book, _>(path) else {
        return fail(None, unreadable(display).message);
    };
    let Ok(mut cells) = book.worksheet_cells_reader(sheet) else {
        return fail(
            None,
            format!("シート「{sheet}」を読めません（壊れています）"),
        );
    };
    let mut row: Vec<String> = Vec::new();
    // The index of the row being filled; rows before it have been sent.
    let mut at: usize = 0;
    let mut count: usize = 0;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => {
                return fail(
                    Some(at + 1),
                    format!(
                        "シート「{sheet}」の {} 行目付近を読めません（壊れています）",
                        at + 1
                    ),
                );
            }
        };
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if c >= limits.columns {
            return fail(
                Some(r + 1),
                format!(
                    "列が多すぎます（{} 列目にセルがあります。{} 列までです）",
                    c + 1,
                    limits.columns
                ),
            );
        }
        if r >= limits.rows {
            return fail(
                Some(r + 1),
                format!("行が多すぎます（{} 行までです）", limits.rows),
            );
        }
        if r < at {
            return fail(
                Some(r + 1),
                "セルの並び順が崩れています（Excel で開いて保存し直してください）".into(),
            );
        }
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        count += 1;
        if count > limits.cells {
            return fail(
                Some(r + 1),
                format!("値のあるセルが多すぎます（{} 個までです）", limits.cells),
            );
        }
        while at < r {
            if tx.send(Ok(std::mem::take(&mut row))).is_err() {
                return;
            }
            at += 1;
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    if !row.is_empty() {
        let _ = tx.send(Ok(row));
    }
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(_) => cell.as_date().map(|d| d.to_string()).unwrap_or_default(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}
