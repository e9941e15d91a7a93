//! Files owner-only, the change history verified, and hostile files refused within bounded
//! memory: the command as an attacker or a careless user meets it.

use crate::{daicho, text};
use std::process::Command;

#[cfg(unix)]
#[test]
fn the_data_folder_is_the_owners_and_verify_walks_the_history() {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().expect("dir");
    let dir = base.path().join("data");
    let out = daicho(&dir, &["tenant", "add", "352012", "岡山市"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = daicho(
        &dir,
        &["department", "add", "--tenant", "352012", "110", "総務課"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&daicho(&dir, &["verify"]));
    assert!(
        said.contains("岡山市（352012）: 変更履歴 1 件に改ざんはありません"),
        "{said}"
    );
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    assert_eq!(mode(&dir), 0o700, "data folder");
    for file in ["daicho.db", "history.key", "daicho.db-wal", "daicho.db-shm"] {
        let path = dir.join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    assert!(dir.join("history.key").exists());
}

/// A zip of `entries`, written at `path`.
fn zip_of(path: &std::path::Path, entries: &[(&str, &[u8])]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish");
}

/// Hostile files imported by the command under a 1 GiB address-space limit: each is refused
/// with its message, the process exits normally (no abort), and nothing is imported.
#[cfg(target_os = "linux")]
#[test]
fn hostile_files_are_refused_within_bounded_memory() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("prlimit (util-linux) is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    assert!(
        daicho(&data, &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    // One cell in A1 and one in XFD1048576: a grid of 17 billion cells if laid out.
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>備品番号</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#.as_bytes();
    let sparse = dir.path().join("sparse.xlsx");
    zip_of(
        &sparse,
        &[
            ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="assets" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet),
        ],
    );
    // 2 GiB of one byte repeated, about 2 MB packed.
    let bomb = dir.path().join("bomb.zip");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).expect("create"));
        zip.start_file("assets.csv", zip::write::SimpleFileOptions::default())
            .expect("entry");
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..2048 {
            zip.write_all(&chunk).expect("write");
        }
        zip.finish().expect("finish");
    }
    for (file, expected) in [(&sparse, "列が多すぎます"), (&bomb, "圧縮率が異常です")]
    {
        let out = Command::new("prlimit")
            .arg("--as=1073741824")
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_daicho"))
            .arg("--data-dir")
            .arg(&data)
            .args([
                "import",
                "--tenant",
                "352012",
                "--create-departments",
                "--department",
                "総務課",
            ])
            .arg(file)
            .env_remove("DAICHO_DATABASE_URL")
            .env("DAICHO_LOG", "warn")
            .output()
            .expect("run daicho under prlimit");
        let said = text(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "a clean refusal, not an abort: {said}"
        );
        assert!(said.contains(expected), "{file:?}: {said}");
    }
    let listed = text(&daicho(
        &data,
        &[
            "export",
            "--tenant",
            "352012",
            "--format",
            "csv",
            "assets",
            "--output",
            dir.path().join("out.csv").to_str().expect("path"),
        ],
    ));
    let exported = std::fs::read_to_string(dir.path().join("out.csv")).unwrap_or_default();
    assert_eq!(exported.lines().count(), 1, "only the header: {listed}");
}
