//! CSV and TSV as cities save them: UTF-8 with or without a BOM, or Shift_JIS (CP932,
//! what Excel writes on Japanese Windows). The encoding is decided from the start of the
//! file; each field is decoded strictly, so that a byte that is no character in it is an
//! error naming row and column, never a replacement character.

use super::Sheet;
use crate::error::ImportError;
use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// How much of the file decides its encoding.
const SNIFF: usize = 64 * 1024;

/// The encoding of a file that starts with `head`.
pub fn detect(head: &[u8]) -> &'static Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return UTF_8;
    }
    match std::str::from_utf8(head) {
        Ok(_) => UTF_8,
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => SHIFT_JIS,
    }
}

pub fn open(
    path: &Path,
    display: &str,
    stem: &str,
    tab: bool,
    limits: super::limits::Limits,
) -> Result<Sheet, ImportError> {
    let fail = |m: String| ImportError::file(display, m);
    let mut file = File::open(path).map_err(|_| fail("ファイルを開けません".into()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limits.text_bytes {
        return Err(fail(format!(
            "ファイルが大きすぎます（CSV・TSV は 1 ファイル {} MB までです）。分けて取り込んでください",
            super::limits::mib(limits.text_bytes)
        )));
    }
    let mut head = vec![0u8; SNIFF];
    let mut filled = 0;
    while filled < SNIFF {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(_) => return Err(fail("ファイルを読めません".into())),
        }
    }
    head.truncate(filled);
    if head.is_empty() {
        return Err(fail("ファイルが空です（0バイト）".into()));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(fail(
            "Excel（XLSX）ファイルのようです。拡張子を .xlsx にしてください".into(),
        ));
    }
    if head.contains(&0) {
        return Err(fail(
            "テキストファイルではありません（CSV として読めない内容です）".into(),
        ));
    }
    let encoding = detect(&head);
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    // A .txt file is TSV when its first line has tabs (Excel's "Unicode text").
    let delimiter = if tab || (is_txt(display) && first_line.contains(&b'\t')) {
        b'\t'
    } else {
        b','
    };
    // Fields are split as bytes, then each is decoded on its own: the delimiter, quote and
    // line end are ASCII, and no Shift_JIS trail byte is below 0x40, so splitting first is
    // safe in both encodings, and a byte that is no character is named by row and column.
    let stream = std::io::Cursor::new(head).chain(file);
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(stream);
    let source = display.to_string();
    let mut first = true;
    let rows = reader.into_byte_records().map(move |record| {
        let error = |row: Option<usize>, column: Option<usize>, message: String| ImportError {
            file: source.clone(),
            row,
            column: column.map(|c| format!("{}列目", c + 1)),
            value: None,
            message,
        };
        let record = record.map_err(|e| {
            let row = e.position().map(|p| p.line() as usize);
            error(
                row,
                None,
                format!("CSV として読めない行です（{}）", csv_problem(&e)),
            )
        })?;
        let row = record.position().map(|p| p.line() as usize);
        let mut cells = Vec::with_capacity(record.len());
        for (i, mut bytes) in record.iter().enumerate() {
            if std::mem::take(&mut first) && encoding == UTF_8 {
                bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            }
            let text = decode_strict(encoding, bytes).ok_or_else(|| {
                error(
                    row,
                    Some(i),
                    format!(
                        "文字として読めないバイトがあります（{} として読んでいます）。\
                         ファイルの文字コードを確かめてください",
                        if encoding == UTF_8 {
                            "UTF-8"
                        } else {
                            "Shift_JIS"
                        }
                    ),
                )
            })?;
            cells.push(crate::export::unguard(text));
        }
        Ok(cells)
    });
    Ok(Sheet {
        source: display.to_string(),
        name: stem.to_string(),
        rows: Box::new(rows),
    })
}

/// The text of `bytes` in `encoding`, or None when some byte is no character in it
/// (never a replacement character).
fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    if encoding == UTF_8 {
        return std::str::from_utf8(bytes).ok().map(str::to_string);
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

/// What went wrong with a CSV record, in words (the csv crate's own text is English).
fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(_) => "ファイルを読めません".into(),
        _ => "引用符（\"）の対応が崩れている可能性があります".into(),
    }
}

fn is_txt(display: &str) -> bool {
    display.to_lowercase().ends_with(".txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_utf8_from_shift_jis() {
        assert_eq!(detect("所属,備品番号".as_bytes()), UTF_8);
        assert_eq!(detect(b"\xEF\xBB\xBFasset_tag"), UTF_8);
        let (sjis, _, _) = SHIFT_JIS.encode("所属,備品番号,①㈱髙﨑");
        assert_eq!(detect(&sjis), SHIFT_JIS);
        let cut = &"所属".as_bytes()[..4];
        assert_eq!(
            detect(cut),
            UTF_8,
            "a character cut at the end of the sample"
        );
    }
}
