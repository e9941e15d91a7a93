//! Any bytes, named .csv, .xlsx or .zip (a bundle), go through the readers a city's file
//! goes through: they must give rows or a message, never a panic, a hang or unbounded
//! memory (CI runs it with libFuzzer's -rss_limit_mb).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    for name in ["input.csv", "input.xlsx", "input.zip"] {
        let path = dir.path().join(name);
        if std::fs::write(&path, data).is_err() {
            return;
        }
        if let Ok(rows) = daicho_ingest::asset_inputs(&path) {
            for _ in rows.take(10_000) {}
        }
    }
});
