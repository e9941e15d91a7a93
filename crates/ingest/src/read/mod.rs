//! Bytes to sheets of text cells. A CSV or TSV file is one sheet, read as it streams; an
//! XLSX workbook gives one sheet per worksheet. What is plainly not a table (an empty
//! file, a binary file, a workbook renamed .csv) is refused with a message saying so.

mod json;
pub mod limits;
mod text;
mod xlsx;

use crate::error::ImportError;
use limits::{Limits, read_zip, refusal};
use std::path::Path;

/// Rows of text cells, one sheet of a file.
pub struct Sheet {
    /// How messages name it: `file.csv`, or `book.xlsx [シート名]`.
    pub source: String,
    /// The sheet's name, or the file's stem: which ledger it is, when it says so.
    pub name: String,
    pub rows: Box<dyn Iterator<Item = Result<Vec<String>, ImportError>> + Send>,
}

/// Opens every sheet of `path`: a file, a bundle folder (every file in it), or a bundle
/// zip (unpacked into `scratch`), within `limits`.
pub fn open_any(
    path: &Path,
    scratch: &Path,
    limits: Limits,
) -> Result<Vec<Sheet>, Vec<ImportError>> {
    // The name only: the folder an upload waits in is the server's, not the user's.
    let display = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let folder = if path.is_dir() {
        path.to_path_buf()
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let target = scratch.join(format!(
            "bundle-{}",
            scratch.read_dir().map(|d| d.count()).unwrap_or(0)
        ));
        unzip(path, &target, limits).map_err(|m| vec![ImportError::file(&display, m)])?;
        target
    } else {
        return open(path, limits).map_err(|e| vec![e]);
    };
    let mut files: Vec<_> = walk(&folder);
    files.sort();
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match open(&file, limits) {
            Ok(mut s) => sheets.append(&mut s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(sheets)
    } else {
        Err(errors)
    }
}

/// Every table file below `folder` (hidden files and others skipped).
fn walk(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with("~$") || name == "__MACOSX" {
            continue;
        }
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| {
            ["csv", "tsv", "txt", "xlsx", "xlsm", "json"]
                .contains(&e.to_string_lossy().to_lowercase().as_str())
        }) {
            out.push(path);
        }
    }
    out
}

/// Unpacks a zip, refusing entries that would land outside `target` and stopping at the
/// first limit passed (what was unpacked is removed with the scratch folder).
fn unzip(path: &Path, target: &Path, limits: Limits) -> Result<(), String> {
    let cannot_write = |_| "作業フォルダに展開できません".to_string();
    read_zip(path, limits, |entry| {
        let Some(relative) = entry.enclosed else {
            return Err(format!("ZIP に不正なパスがあります: {}", entry.name));
        };
        let out = target.join(relative);
        if entry.is_dir {
            return std::fs::create_dir_all(&out).map_err(cannot_write);
        }
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(cannot_write)?;
        }
        let mut writer = std::fs::File::create(&out).map_err(cannot_write)?;
        std::io::copy(entry.bytes, &mut writer)
            .map(drop)
            .map_err(|e| refusal(&e, "ZIP を展開できません（壊れています）"))
    })
}

/// Opens every sheet of one file.
fn open(path: &Path, limits: Limits) -> Result<Vec<Sheet>, ImportError> {
    let display = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" => xlsx::open(path, &display, limits),
        "csv" | "tsv" | "txt" => Ok(vec![text::open(
            path,
            &display,
            &stem,
            extension == "tsv",
            limits,
        )?]),
        "json" => Ok(vec![json::open(path, &display, &stem, limits)?]),
        _ => Err(ImportError::file(
            &display,
            "CSV・TSV・XLSX（資産管理ツールの検出は JSON も）のいずれかのファイルを指定してください",
        )),
    }
}
