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
    pub(crate) async fn import(
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

    pub(crate) async fn assets(&self) -> Vec<daicho_store::AssetRow> {
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

pub(crate) fn messages(report: &ImportReport) -> Vec<String> {
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

/// Two columns of a city's own ledger naming one field are a question for the person who
/// keeps it: the file is refused, both headers and the field named in Japanese, nothing
/// written. A tool's export overlaps by design (Systemwalker's OS名 and OS): the most
/// direct name fills the field, the other is listed as left out.
#[tokio::test]
async fn two_columns_for_one_field_are_asked_of_a_person_and_settled_for_a_tool() {
    let f = Fixture::new().await;
    let ledger = f.file(
        "assets.csv",
        "備品番号,管理番号,所属,種別,品名\nA-1,K-9,総務課,desktop,PC\n".as_bytes(),
    );
    let report = f.import(&[ledger], None, false).await;
    let listed = messages(&report).join("\n");
    assert!(
        listed
            .contains("assets.csv: 列「備品番号」「管理番号」が同じ項目（備品番号）を指しています"),
        "{listed}"
    );
    assert!(!report.committed);
    assert!(f.assets().await.is_empty());

    let export = f.file(
        "端末一覧.csv",
        "コンピュータ名,OS名,OS,IPアドレス\nSOUMU-PC01,Windows 11 Pro,Windows,10.0.0.1\n"
            .as_bytes(),
    );
    let report = f.import(&[export], None, false).await;
    assert!(report.committed, "{:#?}", messages(&report));
    let file = &report.files[0];
    assert_eq!(file.ledger, "inventory");
    assert_eq!(file.ignored_columns, ["OS名"]);
    let inventory = daicho_store::ledgers::ledger("inventory").expect("inventory");
    let rows =
        f.db.ledger_rows(&Scope::tenant(f.tenant.id), inventory)
            .await
            .expect("read");
    let os = inventory
        .columns
        .iter()
        .position(|c| c.name == "os")
        .expect("os");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0][0].as_str(), rows[0][os].as_str()),
        ("SOUMU-PC01", "Windows")
    );
}
