//! Bytes to sheets of text cells. A CSV or TSV file is one sheet, read as it streams; an
//! XLSX workbook gives one sheet per worksheet. What is plainly not a table (an empty
//! file, a binary file, a workbook renamed .csv) is refused with a message saying so.

mod text;
mod xlsx;

use crate::error::ImportError;
use std::path::Path;

/// Rows of text cells, one sheet of a file.
pub struct Sheet {
    /// How messages name it: `file.csv`, or `book.xlsx [シート名]`.
    pub source: String,
    pub rows: Box<dyn Iterator<Item = Result<Vec<String>, ImportError>> + Send>,
}

/// Opens every sheet of `path`.
pub fn open(path: &Path) -> Result<Vec<Sheet>, ImportError> {
    let display = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" => xlsx::open(path, &display),
        "csv" | "tsv" | "txt" => Ok(vec![text::open(path, &display, extension == "tsv")?]),
        _ => Err(ImportError::file(
            &display,
            "CSV・TSV・XLSX のいずれかのファイルを指定してください",
        )),
    }
}
