//! A bundle exported and imported into an empty tenant gives identical ledgers — as CSV
//! files and as one XLSX workbook with Japanese headers.

use daicho_domain::TenantCode;
use daicho_ingest::{ExportFormat, ImportOptions, export, import_paths};
use daicho_store::testing::fresh;
use daicho_store::{Actor, Db, Scope};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

async fn tenant(db: &Db, code: &str) -> Scope {
    Scope::tenant(
        db.ensure_tenant(&TenantCode::parse(code).expect("code"), code)
            .await
            .expect("tenant")
            .id,
    )
}

async fn import(db: &Db, scope: &Scope, path: PathBuf) {
    let report = import_paths(
        db,
        scope,
        &Actor::system("test"),
        &[path],
        &ImportOptions::default(),
        |_| {},
    )
    .await
    .expect("import runs");
    assert!(report.committed, "{:#?}", report.errors);
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).expect("read"),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_exported_bundle_imports_into_an_empty_tenant_as_the_same_ledgers() {
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    let source = Scope::tenant(demo.id);
    let extra = tempfile::tempdir().expect("dir");
    for (name, content) in crate::bundle::BUNDLE {
        std::fs::write(extra.path().join(name), content).expect("write");
    }
    import(&db, &source, extra.path().to_path_buf()).await;

    let out = tempfile::tempdir().expect("dir");
    let first = out.path().join("first");
    let written = export(&db, &source, "bundle", ExportFormat::Csv, &first)
        .await
        .expect("export");
    let assets = written
        .iter()
        .find(|(l, _)| *l == "assets")
        .expect("assets")
        .1;
    assert!(assets > 1000, "the whole demo city: {assets}");

    let copy = tenant(&db, "352012").await;
    import(&db, &copy, first.clone()).await;
    let second = out.path().join("second");
    export(&db, &copy, "bundle", ExportFormat::Csv, &second)
        .await
        .expect("export");
    let (a, b) = (files(&first), files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, text) in &a {
        assert!(text == &b[name], "{name} differs after the round trip");
    }
    assert!(
        a["contracts.csv"].contains("不明")
            && a["assets.csv"].starts_with("\u{feff}asset_tag,department")
    );

    let book = out.path().join("台帳.xlsx");
    export(&db, &source, "bundle", ExportFormat::Xlsx, &book)
        .await
        .expect("xlsx export");
    // The workbook is for people: choices by their names, yes/no as 有/無.
    {
        use calamine::Reader;
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&book).expect("opens");
        let mut cells = |sheet: &str| -> Vec<String> {
            let range = workbook.worksheet_range(sheet).expect("sheet");
            range.cells().map(|(_, _, c)| c.to_string()).collect()
        };
        let assets = cells("情報資産");
        assert!(
            assets.iter().any(|c| c == "デスクトップPC") && !assets.iter().any(|c| c == "desktop")
        );
        assert!(assets.iter().any(|c| c == "有") && !assets.iter().any(|c| c == "true"));
        let contracts = cells("契約");
        assert!(contracts.iter().any(|c| c == "随意契約"));
        assert!(!contracts.iter().any(|c| c == "discretionary"));
    }
    let third_tenant = tenant(&db, "131016").await;
    import(&db, &third_tenant, book).await;
    let third = out.path().join("third");
    export(&db, &third_tenant, "bundle", ExportFormat::Csv, &third)
        .await
        .expect("export");
    let c = files(&third);
    for (name, text) in &a {
        assert!(
            text == &c[name],
            "{name} differs after a round trip through XLSX"
        );
    }
}

#[tokio::test]
async fn an_unknown_ledger_name_is_refused_with_the_names_there_are() {
    let db = fresh().await.expect("db");
    let scope = tenant(&db, "352012").await;
    let out = tempfile::tempdir().expect("dir");
    let e = export(
        &db,
        &scope,
        "furniture",
        ExportFormat::Csv,
        &out.path().join("x.csv"),
    )
    .await
    .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains("台帳「furniture」はありません") && text.contains("contracts"),
        "{text}"
    );
}

/// Cells a spreadsheet would run as formulas are written inert (OWASP's leading `'`) and
/// read back by daicho exactly as they were.
#[tokio::test]
async fn formula_like_cells_are_exported_inert_and_read_back_unchanged() {
    let db = fresh().await.expect("db");
    let source = tenant(&db, "352012").await;
    let dir = tempfile::tempdir().expect("dir");
    let titles = [
        "=HYPERLINK(\"http://evil.example\",\"開く\")",
        "+1+1",
        "@SUM(A1:A9)",
        "-1+1",
        "'普通の引用符",
        "-12",
        "保守委託",
    ];
    let mut csv = "契約番号,件名\n".to_string();
    for (i, t) in titles.iter().enumerate() {
        csv.push_str(&format!("C-{i},\"{}\"\n", t.replace('"', "\"\"")));
    }
    std::fs::write(dir.path().join("contracts.csv"), csv).expect("write");
    import(&db, &source, dir.path().join("contracts.csv")).await;

    let out = dir.path().join("out.csv");
    export(&db, &source, "contracts", ExportFormat::Csv, &out)
        .await
        .expect("export");
    let written = std::fs::read_to_string(&out).expect("read");
    for (raw, inert) in [
        ("=HYPERLINK", "'=HYPERLINK"),
        ("+1+1", "'+1+1"),
        ("@SUM", "'@SUM"),
        ("-1+1", "'-1+1"),
    ] {
        assert!(
            written.contains(inert),
            "{raw} is written as {inert}: {written}"
        );
    }
    let cells: Vec<String> =
        csv::Reader::from_reader(written.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .flatten()
            .flat_map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
    assert!(
        !cells.iter().any(|c| c.starts_with(['=', '+', '@'])),
        "no cell starts a formula: {cells:?}"
    );
    assert!(
        cells.contains(&"-12".to_string()),
        "a plain number stays as it is"
    );

    let again = tenant(&db, "011002").await;
    import(&db, &again, out.clone()).await;
    let back = dir.path().join("back.csv");
    export(&db, &again, "contracts", ExportFormat::Csv, &back)
        .await
        .expect("export again");
    assert_eq!(
        std::fs::read_to_string(&back).expect("read"),
        written,
        "read back exactly"
    );
    let spec = daicho_store::ledgers::ledger("contracts").expect("contracts");
    let rows = db.ledger_rows(&again, spec).await.expect("rows");
    let title = spec
        .columns
        .iter()
        .position(|c| c.name == "title")
        .expect("title");
    let stored: Vec<&str> = rows.iter().map(|r| r[title].as_str()).collect();
    for t in titles {
        assert!(stored.contains(&t), "{t:?} stored as it was: {stored:?}");
    }
}
