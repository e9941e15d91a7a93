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
