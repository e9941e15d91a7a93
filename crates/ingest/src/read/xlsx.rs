//! XLSX workbooks, one sheet per worksheet. Cells become the text a user sees: integral
//! numbers without ".0", dates as ISO dates.

use super::Sheet;
use crate::error::ImportError;
use calamine::{Data, DataType, Reader, open_workbook_auto};
use std::path::Path;

pub fn open(path: &Path, display: &str) -> Result<Vec<Sheet>, ImportError> {
    let mut book = open_workbook_auto(path).map_err(|e| {
        ImportError::file(
            display,
            format!("Excel ファイルとして開けません（壊れているか、XLSX ではありません）: {e}"),
        )
    })?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            ImportError::file(display, format!("シート「{name}」を読めません: {e}"))
        })?;
        let rows: Vec<Result<Vec<String>, ImportError>> = range
            .rows()
            .map(|row| Ok(row.iter().map(cell_text).collect()))
            .collect();
        sheets.push(Sheet {
            source: format!("{display} [{name}]"),
            name,
            rows: Box::new(rows.into_iter()),
        });
    }
    Ok(sheets)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) => cell.as_date().map(|d| d.to_string()).unwrap_or_default(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
