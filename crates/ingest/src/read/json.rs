//! osquery's JSON as a table: the array `osqueryi --json` prints (one object per row), or
//! the results log osqueryd writes (one JSON object per line, with `hostIdentifier`,
//! `unixTime` and either the row in `columns` or the rows in `snapshot`). Each key becomes
//! a column, in the order first seen; `unixTime` becomes the moment in Japan. An inventory
//! is small (a few MB for 10,000 machines): a file past [`MAX_BYTES`] is refused before
//! it is read, and serde_json's depth limit stops a deeply nested one.

use super::Sheet;
use crate::error::ImportError;
use serde_json::{Map, Value};
use std::path::Path;

/// The largest JSON file read (it is parsed whole).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

pub fn open(
    path: &Path,
    display: &str,
    stem: &str,
    limits: super::limits::Limits,
) -> Result<Sheet, ImportError> {
    let fail = |m: String| ImportError::file(display, m);
    let size = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|_| fail("ファイルを開けません".into()))?;
    if size > MAX_BYTES {
        return Err(fail(format!(
            "ファイルが大きすぎます（JSON は 1 ファイル {} MB までです）。分けて取り込んでください",
            super::limits::mib(MAX_BYTES)
        )));
    }
    let bytes = std::fs::read(path).map_err(|_| fail("ファイルを読めません".into()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| fail("JSON は UTF-8 で保存してください".into()))?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(fail("ファイルが空です".into()));
    }
    let objects = objects(text).map_err(fail)?;
    let mut headers: Vec<String> = Vec::new();
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for object in objects {
        for row in rows_of(object) {
            for key in row.keys() {
                if !headers.contains(key) {
                    if headers.len() >= limits.columns {
                        return Err(fail(format!(
                            "項目が多すぎます（{} 項目まで）",
                            limits.columns
                        )));
                    }
                    headers.push(key.clone());
                }
            }
            if rows.len() >= limits.rows {
                return Err(fail(format!("行が多すぎます（{} 行まで）", limits.rows)));
            }
            rows.push(row);
        }
    }
    let mut table: Vec<Result<Vec<String>, ImportError>> = vec![Ok(headers.clone())];
    table.extend(rows.into_iter().map(|row| {
        Ok(headers
            .iter()
            .map(|h| row.get(h).map(|v| text_of(h, v)).unwrap_or_default())
            .collect())
    }));
    Ok(Sheet {
        source: display.to_string(),
        name: stem.to_string(),
        rows: Box::new(table.into_iter()),
    })
}

/// The file's objects: an array of them, or one per line.
fn objects(text: &str) -> Result<Vec<Map<String, Value>>, String> {
    let not_rows = || {
        "JSON の配列（行ごとのオブジェクト）か、1行に1つのオブジェクトを並べた形式にしてください"
            .to_string()
    };
    if text.starts_with('[') {
        let values: Vec<Value> = serde_json::from_str(text).map_err(|e| {
            format!(
                "JSON として読めません（{} 行目 {} 文字目）",
                e.line(),
                e.column()
            )
        })?;
        return values
            .into_iter()
            .map(|v| match v {
                Value::Object(o) => Ok(o),
                _ => Err(not_rows()),
            })
            .collect();
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => Ok(o),
            Ok(_) => Err(not_rows()),
            Err(_) => Err(format!("{} 行目を JSON として読めません", i + 1)),
        })
        .collect()
}

/// The rows one object holds: a results-log entry's `columns` or each of its `snapshot`
/// rows, with the entry's host and time; any other object is a row itself.
fn rows_of(mut object: Map<String, Value>) -> Vec<Map<String, Value>> {
    let mut shared = Map::new();
    for key in ["hostIdentifier", "unixTime"] {
        if let Some(v) = object.get(key) {
            shared.insert(key.to_string(), v.clone());
        }
    }
    let with_shared = |mut row: Map<String, Value>| {
        for (k, v) in &shared {
            row.entry(k.clone()).or_insert_with(|| v.clone());
        }
        row
    };
    match (object.remove("columns"), object.remove("snapshot")) {
        (Some(Value::Object(columns)), _) => vec![with_shared(columns)],
        (_, Some(Value::Array(snapshot))) => snapshot
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(with_shared(o)),
                _ => None,
            })
            .collect(),
        _ => vec![object],
    }
}

/// A value as a cell's text; `unixTime` (seconds) as the moment in Japan.
fn text_of(key: &str, value: &Value) -> String {
    let seconds = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    if key == "unixTime"
        && let Some(moment) = seconds.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        && let Some(jst) = chrono::FixedOffset::east_opt(9 * 3600)
    {
        return moment
            .with_timezone(&jst)
            .format("%Y-%m-%d %H:%M")
            .to_string();
    }
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_results_log_becomes_rows_with_their_host_and_time() {
        let log = r#"{"name":"inventory","hostIdentifier":"PC-001","unixTime":1696552200,"columns":{"hardware_serial":"SN1"}}
{"name":"inventory","hostIdentifier":"PC-002","unixTime":"1696552200","snapshot":[{"hardware_serial":"SN2"},{"hardware_serial":"SN3"}]}"#;
        let rows: Vec<_> = objects(log)
            .expect("objects")
            .into_iter()
            .flat_map(rows_of)
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2]["hostIdentifier"], "PC-002");
        assert_eq!(
            text_of("unixTime", &rows[0]["unixTime"]),
            "2023-10-06 09:30"
        );
        assert!(objects("[1, 2]").is_err());
        assert!(objects("{\"a\":").is_err());
    }
}
