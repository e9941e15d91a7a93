//! Files owner-only, the change history verified, hostile files refused within bounded
//! memory and an import killed half way: the command as an attacker, a careless user or a
//! power cut meets it.

use crate::{daicho, text};
use std::process::{Command, Stdio};

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

#[tokio::test]
async fn an_import_killed_half_way_leaves_the_ledger_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    let file = dir.path().join("big.csv");
    let mut rows = String::from("備品番号,所属,種別,品名,OS\n");
    for i in 0..300_000 {
        rows.push_str(&format!(
            "K-{i:06},総務課,desktop,事務用PC,Windows 11 Pro\n"
        ));
    }
    std::fs::write(&file, rows).expect("write");
    // A large import writes into a private copy in a working folder of the temporary
    // folder, then publishes it; the child's temporary folder is ours to watch.
    let temp = dir.path().join("tmp");
    std::fs::create_dir(&temp).expect("tmp");
    let mut child = Command::new(env!("CARGO_BIN_EXE_daicho"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", "--tenant", "352012", "--create-departments"])
        .arg(&file)
        .env_remove("DAICHO_DATABASE_URL")
        .env("TMPDIR", &temp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import");
    // Wait until rows are being written into the copy (its write-ahead log grows), then
    // kill -9: the long part of an import, where a kill is likely.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while staged_log_bytes(&temp) < 2_000_000 {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the import finished before it could be killed"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let db = daicho_store::Db::open_sqlite_file(&dir.path().join("daicho.db"))
        .await
        .expect("the database opens after the kill");
    let tenant = db
        .tenant_by_code(&daicho_domain::TenantCode::parse("352012").expect("code"))
        .await
        .expect("q")
        .expect("tenant");
    let scope = daicho_store::Scope::tenant(tenant.id);
    let page = db
        .list_assets(
            &scope,
            &daicho_store::AssetFilter {
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(page.total, 0, "no row of the killed import remains");
    assert!(
        db.departments(&scope).await.expect("q").is_empty(),
        "nor the department it created"
    );
    db.close().await;
    // The kill left no lock behind: the next import goes through.
    let small = dir.path().join("one.csv");
    std::fs::write(
        &small,
        "備品番号,所属,種別,品名,OS\nK-1,総務課,desktop,事務用PC,Windows 11 Pro\n",
    )
    .expect("write");
    let out = daicho(
        dir.path(),
        &[
            "import",
            "--tenant",
            "352012",
            "--create-departments",
            small.to_str().expect("path"),
        ],
    );
    assert!(
        out.status.success() && text(&out).contains("追加 1"),
        "{}",
        text(&out)
    );
}

/// The size of the write-ahead logs of the import copies in the working folders of `temp`.
fn staged_log_bytes(temp: &std::path::Path) -> u64 {
    let Ok(folders) = std::fs::read_dir(temp) else {
        return 0;
    };
    folders
        .flatten()
        .filter_map(|f| std::fs::metadata(f.path().join("import.db-wal")).ok())
        .map(|m| m.len())
        .sum()
}
