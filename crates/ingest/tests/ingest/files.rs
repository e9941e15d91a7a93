//! Importing the files cities have, built here the way users' files are made: CP932 CSV
//! as Excel saves it, XLSX written with rust_xlsxwriter, the reference report's own table.

use daicho_ingest::{ImportOptions, ImportReport, import_paths};
use daicho_store::{Actor, AssetFilter, Scope};
use std::path::PathBuf;

/// The central library's inventory table as the reference report prints it (tab-separated,
/// its header as written).
const LIBRARY: &str = "設置場所(施設名称)\t利用台数\tシステム名称(ソフトウェア)\t有形資産(ハードウェア)\tメーカー名\tOS(オペレーションシステム)\tインターネット接続の有無\t所有区分\t取得日/リース又はサービス開始日\t契約期間\t利用状況
下関市立図書館7館、移動図書館\t61\t図書館システム\tデスクトップパソコン\t富士通\tWindows10Pro\t有\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t33\t図書館システム\tノートパソコン\t富士通\tWindows10Pro\t有\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t25\t図書館システム\tタッチパネルディスプレイ\t富士通\t-\t-\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t11\t図書館システム\tページプリンタ\t富士通\t-\t-\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t69\t図書館システム\tレシートプリンター\tEPSON\t-\t-\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t28\t図書館システム\tラベルプリンター\tEPSON\t-\t-\tリース\t2021年4月1日\t5年\t常時利用
下関市立図書館7館、移動図書館\t7\t図書館システム\tインクジェット複合機\tEPSON\t-\t-\tリース\t2021年4月1日\t5年\t常時利用
中央図書館\t1\t自動化書庫システム\tサーバー機\tNEC\tWindows Server2012\t無\t自己所有\t2016年5月20日\t\t常時利用
中央図書館\t2\t自動化書庫システム\tデスクトップパソコン\tNEC\tWindows8\t無\t自己所有\t2016年5月20日\t\t常時利用
中央図書館\t2\t自動化書庫システム\tタッチパネルディスプレイ\t\t-\t-\t自己所有\t2016年5月20日\t\t常時利用
中央図書館\t1\t自動化書庫システム\tページプリンタ\tNEC\t-\t-\t自己所有\t2016年5月20日\t\t常時利用
中央図書館\t2\t自動化書庫システム\tレシートプリンタ\tナダ電子\t-\t-\t自己所有\t2016年5月20日\t\t常時利用
";

use crate::Fixture;

/// Every department a file names is made when the tenant has none such.
pub(crate) fn create_all() -> daicho_store::DepartmentChoices {
    daicho_store::DepartmentChoices {
        create_all: true,
        ..Default::default()
    }
}

impl Fixture {
    async fn import(
        &self,
        paths: &[PathBuf],
        department: Option<&str>,
        dry_run: bool,
    ) -> ImportReport {
        let options = ImportOptions {
            department: department.map(str::to_string),
            dry_run,
            replace: false,
            // As a large file is: on SQLite into a private copy, then published (the
            // other suites import small files in place).
            stage_from_bytes: Some(0),
            // These files come to an empty tenant: their departments are made as named.
            departments: create_all(),
            ..Default::default()
        };
        import_paths(
            &self.db,
            &Scope::tenant(self.tenant.id),
            &Actor::system("test"),
            paths,
            &options,
            |_| {},
        )
        .await
        .expect("import runs")
    }

    async fn assets(&self) -> Vec<daicho_store::AssetRow> {
        let mut rows = Vec::new();
        for page in 1.. {
            let p = self
                .db
                .list_assets(
                    &Scope::tenant(self.tenant.id),
                    &AssetFilter {
                        page,
                        ..Default::default()
                    },
                )
                .await
                .expect("list");
            rows.extend(p.rows);
            if page >= p.pages {
                break;
            }
        }
        rows
    }
}

fn messages(report: &ImportReport) -> Vec<String> {
    report.errors.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn the_reports_central_library_table_imports_into_twelve_entries() {
    let f = Fixture::new().await;
    let path = f.file("中央図書館.tsv", LIBRARY.as_bytes());
    let report = f
        .import(std::slice::from_ref(&path), Some("中央図書館"), false)
        .await;
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!((report.files[0].rows, report.files[0].added), (12, 12));
    assert_eq!(report.created_departments, ["中央図書館"]);
    assert_eq!(report.files[0].ignored_columns, ["契約期間"]);
    let assets = f.assets().await;
    assert_eq!(assets.len(), 12);
    let count = |kind: daicho_domain::AssetKind| {
        assets
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.quantity)
            .sum::<i64>()
    };
    use daicho_domain::AssetKind::*;
    assert_eq!(
        (
            count(Desktop),
            count(Laptop),
            count(Monitor),
            count(Printer),
            count(Server)
        ),
        (63, 33, 27, 118, 1)
    );
    let win8 = assets
        .iter()
        .find(|a| a.os.as_deref() == Some("Windows8"))
        .expect("Windows8 row");
    assert_eq!(
        (win8.quantity, win8.acquired_on.map(|d| d.to_string())),
        (2, Some("2016-05-20".into()))
    );
    let full =
        f.db.asset(&Scope::tenant(f.tenant.id), win8.id)
            .await
            .expect("asset");
    assert_eq!(full.location_code.as_deref(), Some("中央図書館"));
    assert_eq!(full.fields.ownership, Some(daicho_domain::Ownership::Owned));
    assert_eq!(full.fields.internet, Some(false));

    let again = f.import(&[path], Some("中央図書館"), false).await;
    assert_eq!(
        (
            again.files[0].added,
            again.files[0].updated,
            again.files[0].unchanged
        ),
        (0, 0, 12),
        "importing twice changes nothing"
    );
    assert!(again.created_departments.is_empty());
    assert_eq!(f.assets().await.len(), 12);
}

#[tokio::test]
async fn cp932_csv_with_wareki_yen_and_booleans_is_read() {
    let f = Fixture::new().await;
    let text = "備品番号,所属名,種別,品名,数量,ＯＳ,インターネット接続,取得年月日,取得価格,利用状況\r\n\
                00123,総務課,デスクトップPC,事務用PC（髙﨑様式①）,１,Windows 11 Pro,○,令和5年10月6日,\"￥128,000\",使用中\r\n\
                00124,総務課,ノートPC,持出用PC,1,Windows 10 Pro,×,H28.5.20,98000円,予備\r\n\
                00125,総務課,NAS,共有NAS,1,,無,R1.5.1,\"¥1,234,567\",使用中止\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let path = f.file("assets.csv", &bytes);
    let report = f.import(&[path], None, false).await;
    assert!(report.committed, "{:?}", messages(&report));
    let scope = Scope::tenant(f.tenant.id);
    let assets = f.assets().await;
    let tags: Vec<&str> = assets.iter().map(|a| a.asset_tag.as_str()).collect();
    assert_eq!(
        tags,
        ["00123", "00124", "00125"],
        "codes keep their leading zeros"
    );
    let first = f.db.asset(&scope, assets[0].id).await.expect("asset");
    assert_eq!(first.fields.name, "事務用PC（髙﨑様式①）");
    assert_eq!(
        (first.fields.cost_yen, first.fields.internet),
        (Some(128_000), Some(true))
    );
    assert_eq!(
        first.fields.acquired_on.map(|d| d.to_string()).as_deref(),
        Some("2023-10-06")
    );
    let second = f.db.asset(&scope, assets[1].id).await.expect("asset");
    assert_eq!(
        (
            second.fields.acquired_on.map(|d| d.to_string()),
            second.fields.cost_yen
        ),
        (Some("2016-05-20".into()), Some(98_000))
    );
    let third = f.db.asset(&scope, assets[2].id).await.expect("asset");
    assert_eq!(
        (third.fields.cost_yen, third.fields.status),
        (Some(1_234_567), daicho_domain::AssetStatus::Retired)
    );
    assert_eq!(
        third.fields.acquired_on.map(|d| d.to_string()).as_deref(),
        Some("2019-05-01")
    );
}

#[tokio::test]
async fn an_xlsx_with_a_title_row_and_excel_dates_is_read() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let f = Fixture::new().await;
    let path = f.dir.path().join("備品台帳.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("備品台帳").expect("name");
    sheet
        .write(0, 0, "令和5年度 備品台帳（総務課）")
        .expect("title");
    for (c, h) in ["備品番号", "種別", "品名", "数量", "取得日", "取得価格"]
        .iter()
        .enumerate()
    {
        sheet.write(2, c as u16, *h).expect("header");
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    sheet.write(3, 0, "0007").expect("tag");
    sheet.write(3, 1, "サーバー").expect("kind");
    sheet.write(3, 2, "ファイルサーバー").expect("name");
    sheet.write(3, 3, 2.0).expect("qty");
    sheet
        .write_datetime_with_format(3, 4, ExcelDateTime::from_ymd(2017, 1, 4).expect("d"), &date)
        .expect("date");
    sheet.write(3, 5, 1_500_000).expect("cost");
    book.save(&path).expect("save");
    let report = f.import(&[path], Some("総務課"), false).await;
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!(report.files[0].source, "備品台帳.xlsx [備品台帳]");
    let asset =
        f.db.asset(&Scope::tenant(f.tenant.id), f.assets().await[0].id)
            .await
            .expect("asset");
    assert_eq!(
        (
            asset.fields.asset_tag.as_str(),
            asset.fields.quantity,
            asset.fields.cost_yen
        ),
        ("0007", 2, Some(1_500_000))
    );
    assert_eq!(
        (
            asset.fields.kind,
            asset.fields.acquired_on.map(|d| d.to_string())
        ),
        (daicho_domain::AssetKind::Server, Some("2017-01-04".into()))
    );
}

#[tokio::test]
async fn every_bad_row_is_listed_with_file_row_column_and_value_and_nothing_is_written() {
    let f = Fixture::new().await;
    let good = f.file(
        "good.csv",
        "備品番号,所属,種別,品名\nG-1,総務課,desktop,PC\n".as_bytes(),
    );
    let bad = f.file(
        "bad.csv",
        "備品番号,所属,種別,品名,取得日,取得価格\n\
         B-1,総務課,desktop,PC,2023-02-30,1000\n\
         B-2,総務課,宇宙船,PC,2023-01-01,1000\n\
         B-3,総務課,desktop,PC,2023-01-01,たかい\n\
         G-1,総務課,desktop,PC,2023-01-01,1000\n\
         B-5,総務課,desktop,,2023-01-01,1000\n"
            .as_bytes(),
    );
    let report = f.import(&[good, bad], None, false).await;
    assert!(!report.committed);
    let listed = messages(&report);
    for expected in [
        "bad.csv 2行目 列「取得日」 値「2023-02-30」: 取得日「2023-02-30」は日付として読めません",
        "bad.csv 3行目 列「種別」 値「宇宙船」: 種別「宇宙船」は定義されていません",
        "bad.csv 4行目 列「取得価格」 値「たかい」",
        "bad.csv 5行目 列「備品番号」 値「G-1」: 備品番号「G-1」が重複しています（good.csv 2行目と同じ）",
        "bad.csv 6行目 列「品名」: 品名を入力してください",
    ] {
        assert!(
            listed.iter().any(|m| m.starts_with(expected)),
            "missing {expected:?} in {listed:#?}"
        );
    }
    assert_eq!(report.error_count, 5);
    assert!(f.assets().await.is_empty(), "nothing is written");
    assert!(
        f.db.departments(&Scope::tenant(f.tenant.id))
            .await
            .expect("q")
            .is_empty(),
        "not even the departments"
    );
}

#[tokio::test]
async fn files_that_are_not_tables_are_refused_with_a_reason() {
    let f = Fixture::new().await;
    let zero = f.file("zero.csv", b"");
    let binary = f.file(
        "photo.csv",
        &[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe],
    );
    let workbook = f.file(
        "renamed.csv",
        b"PK\x03\x04\x14\x00\x06\x00 not really a workbook",
    );
    let header_only = f.file("empty.csv", "備品番号,種別,品名\n".as_bytes());
    let pdf = f.file("report.pdf", b"%PDF-1.7");
    let report = f
        .import(
            &[zero, binary, workbook, header_only, pdf],
            Some("総務課"),
            false,
        )
        .await;
    let listed = messages(&report).join("\n");
    for expected in [
        "zero.csv: ファイルが空です",
        "photo.csv: テキストファイルではありません",
        "renamed.csv: Excel（XLSX）ファイルのようです",
        "report.pdf: CSV・TSV・XLSX",
    ] {
        assert!(
            listed.contains(expected),
            "missing {expected:?} in\n{listed}"
        );
    }
    assert!(
        report
            .skipped
            .iter()
            .any(|(s, r)| s == "empty.csv" && r.contains("データ行がありません")),
        "{:?}",
        report.skipped
    );
    assert!(!report.committed);
    assert!(f.assets().await.is_empty());
}

#[tokio::test]
async fn a_changed_row_updates_with_history_and_a_dry_run_writes_nothing() {
    let f = Fixture::new().await;
    let v1 = f.file("v1.csv", "備品番号,所属,種別,品名,OS\nA-1,総務課,desktop,PC,Windows 7\nA-2,総務課,desktop,PC,Windows 10 Pro\n".as_bytes());
    assert!(f.import(&[v1], None, false).await.committed);
    let v2 = f.file("v2.csv", "備品番号,所属,種別,品名,OS\nA-1,総務課,desktop,PC,Windows 11 Pro\nA-2,総務課,desktop,PC,Windows 10 Pro\nA-3,総務課,laptop,PC,Windows 11 Pro\n".as_bytes());
    let dry = f.import(std::slice::from_ref(&v2), None, true).await;
    assert_eq!(
        (
            dry.files[0].added,
            dry.files[0].updated,
            dry.files[0].unchanged,
            dry.committed
        ),
        (1, 1, 1, false)
    );
    assert_eq!(f.assets().await.len(), 2, "a dry run writes nothing");
    let real = f.import(&[v2], None, false).await;
    assert_eq!(
        (
            real.files[0].added,
            real.files[0].updated,
            real.files[0].unchanged,
            real.committed
        ),
        (1, 1, 1, true)
    );
    let scope = Scope::tenant(f.tenant.id);
    let a1 = f
        .assets()
        .await
        .into_iter()
        .find(|a| a.asset_tag == "A-1")
        .expect("A-1");
    let history = f.db.asset_history(&scope, a1.id).await.expect("history");
    assert_eq!(history[0].action, "update");
    assert!(history[0].changes().contains(&(
        "os".into(),
        "Windows 7".into(),
        "Windows 11 Pro".into()
    )));
    assert_eq!(history[0].changed_by, "system:test");
}

#[tokio::test]
async fn a_file_with_fewer_columns_updates_only_what_it_holds() {
    let f = Fixture::new().await;
    let full = f.file(
        "full.csv",
        "備品番号,所属,種別,品名,OS,所有区分,利用状況,使用中止日,設置場所,利用率,機密性\nA-1,総務課,laptop,私物PC,Windows 10 Pro,私物,使用中止,2023-04-01,倉庫,40%,2\n"
            .as_bytes(),
    );
    assert!(f.import(&[full], None, false).await.committed);
    // The accounting office's own list: tag, kind, name and price only.
    let prices = f.file(
        "prices.csv",
        "備品番号,所属,種別,品名,取得価格\nA-1,総務課,laptop,私物PC,\"¥98,000\"\n".as_bytes(),
    );
    let report = f.import(&[prices], None, false).await;
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!((report.files[0].updated, report.files[0].unchanged), (1, 0));
    let scope = Scope::tenant(f.tenant.id);
    let row = f
        .assets()
        .await
        .into_iter()
        .find(|a| a.asset_tag == "A-1")
        .expect("A-1");
    let a = f.db.asset(&scope, row.id).await.expect("asset");
    assert_eq!(
        a.fields.cost_yen,
        Some(98_000),
        "the column the file has is written"
    );
    assert_eq!(a.fields.os.as_deref(), Some("Windows 10 Pro"));
    assert_eq!(
        a.fields.ownership.map(|o| o.code()),
        Some("private"),
        "not reset to the default 自己所有"
    );
    assert_eq!(a.fields.status.code(), "retired", "not reset to 使用中");
    assert_eq!(a.location_code.as_deref(), Some("倉庫"));
    assert_eq!(
        (a.fields.usage_ratio, a.fields.confidentiality),
        (Some(0.4), Some(2))
    );
    let history = f.db.asset_history(&scope, row.id).await.expect("history");
    let changed: Vec<String> = history[0].changes().into_iter().map(|c| c.0).collect();
    assert_eq!(changed, ["cost_yen"], "only the price changed");
}

#[tokio::test]
async fn past_a_hundred_errors_the_rest_are_counted() {
    let f = Fixture::new().await;
    let mut text = String::from("備品番号,所属,種別,品名,取得日\n");
    for i in 0..150 {
        text.push_str(&format!("E-{i},総務課,desktop,PC,令和99年1月1日\n"));
    }
    let report = f
        .import(&[f.file("many.csv", text.as_bytes())], None, false)
        .await;
    assert_eq!((report.errors.len(), report.error_count), (100, 150));
}

#[tokio::test]
async fn a_manager_cannot_create_departments_or_touch_anothers_assets() {
    let f = Fixture::new().await;
    let setup = f.file(
        "setup.csv",
        "備品番号,所属,種別,品名\nX-1,総務課,desktop,PC\nL-1,図書館,desktop,PC\n".as_bytes(),
    );
    assert!(f.import(&[setup], None, false).await.committed);
    let library =
        f.db.department_by_code(&Scope::tenant(f.tenant.id), "図書館")
            .await
            .expect("q")
            .expect("図書館")
            .id;
    let manager = Scope {
        tenant_id: f.tenant.id,
        departments: Some(vec![library]),
        can_write: true,
        can_audit: false,
    };
    let path = f.file(
        "m.csv",
        "備品番号,所属,種別,品名\nX-1,図書館,laptop,PC\nN-1,新設課,desktop,PC\n".as_bytes(),
    );
    let options = ImportOptions::default();
    let report = import_paths(
        &f.db,
        &manager,
        &Actor::system("m"),
        &[path],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    let listed = messages(&report).join("\n");
    assert!(
        listed.contains("担当範囲外の所属の資産です")
            && listed.contains("所属「新設課」はないか、あなたの担当範囲外です"),
        "{listed}"
    );
    assert!(!report.committed);
}

#[tokio::test]
async fn replace_removes_and_lists_the_assets_a_file_no_longer_has() {
    let f = Fixture::new().await;
    let v1 = f.file("v1.csv", "備品番号,所属,種別,品名\nR-1,総務課,desktop,PC\nR-2,総務課,desktop,PC\nR-3,総務課,nas,NAS\n".as_bytes());
    assert!(f.import(&[v1], None, false).await.committed);
    let v2 = f.file(
        "v2.csv",
        "備品番号,所属,種別,品名\nR-1,総務課,desktop,PC\n".as_bytes(),
    );
    let plain = f.import(std::slice::from_ref(&v2), None, false).await;
    assert!(
        plain.removed.is_empty() && f.assets().await.len() == 3,
        "without --replace nothing is removed"
    );
    let options = ImportOptions {
        department: None,
        dry_run: false,
        replace: true,
        stage_from_bytes: Some(0),
        departments: create_all(),
        ..Default::default()
    };
    let scope = Scope::tenant(f.tenant.id);
    let report = import_paths(
        &f.db,
        &scope,
        &Actor::system("test"),
        &[v2],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!(report.removed, ["R-2", "R-3"]);
    assert_eq!(
        f.assets()
            .await
            .iter()
            .map(|a| a.asset_tag.as_str())
            .collect::<Vec<_>>(),
        ["R-1"]
    );
    assert_eq!(
        f.db.dashboard_counts(&scope).await.expect("counts").entries,
        1,
        "counts follow the removal"
    );
    let history: (String,) = sqlx::query_as(
        "SELECT before_json FROM change_history WHERE action = 'delete' AND entity_key = 'R-3'",
    )
    .fetch_one(f.db.pool())
    .await
    .expect("a delete entry");
    assert!(
        history.0.contains("\"kind\":\"nas\""),
        "the removed row is kept in the history"
    );
}

/// A department name the tenant does not have is not made up: the run is refused, naming
/// the closest departments (「図書館」: 中央図書館 first); told which department it is, the
/// rows go there; told to create it, it is created — and nothing else is.
#[tokio::test]
async fn an_unknown_department_name_offers_the_closest_and_waits_for_a_choice() {
    let f = Fixture::new().await;
    let setup = f.file(
        "setup.csv",
        "備品番号,所属,種別,品名\nS-1,中央図書館,desktop,PC\nS-2,中央公民館,desktop,PC\nS-3,財政課,desktop,PC\n"
            .as_bytes(),
    );
    assert!(f.import(&[setup], None, false).await.committed);
    let file = f.file(
        "library.csv",
        "備品番号,所属,種別,品名\nL-1,図書館,desktop,PC\nL-2,図書館,laptop,PC\nL-3,新設課,desktop,PC\n".as_bytes(),
    );
    let run = |choices: daicho_store::DepartmentChoices| {
        let path = file.clone();
        let scope = Scope::tenant(f.tenant.id);
        let db = f.db.clone();
        async move {
            let options = ImportOptions {
                departments: choices,
                ..Default::default()
            };
            import_paths(
                &db,
                &scope,
                &Actor::system("test"),
                &[path],
                &options,
                |_| {},
            )
            .await
            .expect("import runs")
        }
    };
    let refused = run(daicho_store::DepartmentChoices::default()).await;
    assert!(!refused.committed);
    let unknown: Vec<(&str, usize, Vec<&str>)> = refused
        .unknown_departments
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.rows,
                u.closest.iter().map(|(_, n)| n.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [("図書館", 2, vec!["中央図書館"]), ("新設課", 1, vec![])]
    );
    assert!(
        messages(&refused).iter().any(|m| m
            .contains("所属「図書館」は登録されていません。近い所属：中央図書館（中央図書館）")),
        "{:?}",
        messages(&refused)
    );
    assert_eq!(f.assets().await.len(), 3, "nothing written");
    let code_of_library = refused.unknown_departments[0].closest[0].0.clone();
    let mut chosen = daicho_store::DepartmentChoices::default();
    chosen
        .same_as
        .insert("図書館".into(), code_of_library.clone());
    chosen.create.insert("新設課".into());
    let done = run(chosen).await;
    assert!(done.committed, "{:?}", messages(&done));
    assert_eq!(done.created_departments, ["新設課"]);
    let assets = f.assets().await;
    let department_of = |tag: &str| {
        assets
            .iter()
            .find(|a| a.asset_tag == tag)
            .map(|a| a.department_name.clone())
            .expect("asset")
    };
    assert_eq!(department_of("L-1"), "中央図書館");
    assert_eq!(department_of("L-3"), "新設課");
}

/// A file without 所有区分 and 調達区分 columns leaves them not recorded (it made every
/// machine 自己所有 and 情報政策課配備 before); a file that says them records them; a later
/// file without the columns keeps what was recorded.
#[tokio::test]
async fn a_file_without_ownership_or_procurement_columns_records_none() {
    let f = Fixture::new().await;
    let without = f.file(
        "without.csv",
        "備品番号,所属,種別,品名\nP-1,総務課,desktop,PC\n".as_bytes(),
    );
    assert!(
        f.import(std::slice::from_ref(&without), None, false)
            .await
            .committed
    );
    let procured = |f: &Fixture| {
        let db = f.db.clone();
        let scope = Scope::tenant(f.tenant.id);
        async move {
            let rows = db
                .list_assets(
                    &scope,
                    &AssetFilter {
                        page: 1,
                        ..Default::default()
                    },
                )
                .await
                .expect("list")
                .rows;
            let asset = db.asset(&scope, rows[0].id).await.expect("asset");
            (asset.fields.ownership, asset.fields.procured_by)
        }
    };
    assert_eq!(procured(&f).await, (None, None));
    let with = f.file(
        "with.csv",
        "備品番号,所属,種別,品名,所有区分,調達区分\nP-1,総務課,desktop,PC,リース,原課調達\n"
            .as_bytes(),
    );
    assert!(f.import(&[with], None, false).await.committed);
    let recorded = (
        Some(daicho_domain::Ownership::Leased),
        Some(daicho_domain::ProcuredBy::Department),
    );
    assert_eq!(procured(&f).await, recorded);
    assert!(f.import(&[without], None, false).await.committed);
    assert_eq!(
        procured(&f).await,
        recorded,
        "a file without the columns keeps what was recorded"
    );
}
