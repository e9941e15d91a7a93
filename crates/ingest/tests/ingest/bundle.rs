//! A whole bundle — every ledger of bundle.md — as a folder, a zip and one workbook.

use daicho_ingest::{ImportOptions, ImportReport, import_paths};
use daicho_store::{Actor, Scope};
use std::path::{Path, PathBuf};

/// (file, content): one small table per ledger, headers mixing code names and Japanese.
pub const BUNDLE: &[(&str, &str)] = &[
    (
        "departments.csv",
        "code,name,parent,manager\n080000,教育部,,教育部長\n080500,中央図書館,080000,館長\n",
    ),
    (
        "locations.csv",
        "code,department,building,room,lockable\nLIB-4F,080500,中央図書館,4階書庫,有\n",
    ),
    (
        "staff.csv",
        "職員番号,所属,任用区分,セキュリティ役割\n000123,080500,職員,情報セキュリティ管理者\n000456,中央図書館,会計年度任用職員,\n",
    ),
    (
        "assets.csv",
        "asset_tag,department,kind,name,os,location\nLIB-0001,中央図書館,desktop,自動化書庫端末,Windows8,LIB-4F\n",
    ),
    (
        "media.csv",
        "media_id,department,kind,encrypted,registered_on,custodian\nUSB-01,080500,USBメモリー,有,R5.4.1,館長\nSD-01,080500,SDカード,無,,\n",
    ),
    (
        "media_movements.csv",
        "media_id,out_at,out_by,purpose,from_segment,to_segment,returned_at\nUSB-01,2023-10-06 09:30,000123,統計データ移送,LGWAN接続系,インターネット接続系,2023-10-06 17:00\n",
    ),
    (
        "systems.csv",
        "name,department,network_segment,status,decision,vendor\n自動化書庫システム,080500,standalone,稼働中,,NEC\n",
    ),
    (
        "contracts.csv",
        "契約番号,所属,件名,契約方法,応札者数,契約相手方,契約金額,再委託の割合,契約開始日\nC-2020-01,080500,図書館システム賃貸借,一般競争入札,1,富士通Japan,\"￥97,541,400\",不明,令和2年2月3日\nC-2021-07,080500,図書館システム保守,随意契約,,富士通Japan,1200000,50%,2021-04-01\n",
    ),
    (
        "data_holdings.csv",
        "name,department,records_total,records_past_retention,retention_rule\n図書館利用者登録,080500,120000,35000,期限切れ後10年\n",
    ),
    (
        "websites.csv",
        "url,department,https,redirects_to_https\nhttp://library.example.jp/,080500,無,無\n",
    ),
    (
        "policies.csv",
        "name,kind,publish_required,published\n情報セキュリティ基本方針,基本方針,有,無\n",
    ),
    (
        "exceptions.csv",
        "id,department,kind,subject,approved_by,starts_on,ends_on\nEX-1,080500,私物端末の業務利用,私物PC,館長,2023-04-01,2024-03-31\n",
    ),
    (
        "stocktakes.csv",
        "stocktake_id,department,location,done_on,complete\nST-2023-1,080500,LIB-4F,2023-09-28,○\n",
    ),
    (
        "sightings.csv",
        "stocktake_id,line,asset_tag,kind,description,ownership,tag_present,wire_lock,password_note,cost_yen\nST-2023-1,1,LIB-0001,desktop,自動化書庫端末,自己所有,有,無,無,\nST-2023-1,2,,monitor,寄付のモニター,寄付,無,,,45000\n",
    ),
    (
        "observations.csv",
        "department,observed_on,item,subject,detail\n080500,2023-09-28,wire-lock-missing,LIB-0001,ワイヤーロックなし\n",
    ),
    (
        "training.csv",
        "staff_id,course,taken_on\n000123,研修Ⅰ,2023-06-01\n000456,研修Ⅰ,2023-06-02\n",
    ),
    (
        "self_check_questions.csv",
        "campaign,question_id,category,text,choices,answer\nR4,Q1,パスワード,付箋に書いてよいか,はい|いいえ,いいえ\n",
    ),
    (
        "self_check_results.csv",
        "campaign,question_id,department,respondents,correct\nR4,Q1,080500,20,19\n",
    ),
    (
        "audits.csv",
        "audit_id,fiscal_year,kind,title,as_of,auditors,published\nA-R5-1,令和5年度,情報セキュリティ監査,令和5年度情報セキュリティ監査,2023-11-30,情報政策課,無\n",
    ),
    (
        "audit_visits.csv",
        "audit_id,department,visited_on,visit_order\nA-R5-1,080500,2023-11-01,1\n",
    ),
    (
        "audit_findings.csv",
        "finding_id,audit_id,department,item,grade,followed_up_on,outcome\nF-1,A-R5-1,080500,password-note,指摘,,\n",
    ),
    (
        "expenditures.csv",
        "fiscal_year,department,category,basis,amount_yen\n2023,080500,保守料,決算,1200000\n2023,,回線使用料,予算,\"3,000,000\"\n",
    ),
    (
        "general_account.csv",
        "fiscal_year,basis,total_yen\nR5,決算,\"130,000,000,000\"\n",
    ),
];

fn write_bundle(dir: &Path) {
    std::fs::create_dir_all(dir).expect("dir");
    for (name, content) in BUNDLE {
        std::fs::write(dir.join(name), content).expect("write");
    }
}

/// Bundles are imported as a large file is: on SQLite into a private copy, then published
/// (every ledger's rows, new, updated and removed, pass through the publishing).
fn staged() -> ImportOptions {
    ImportOptions {
        stage_from_bytes: Some(0),
        ..Default::default()
    }
}

async fn run(db: &daicho_store::Db, tenant: i64, paths: &[PathBuf]) -> ImportReport {
    import_paths(
        db,
        &Scope::tenant(tenant),
        &Actor::system("test"),
        paths,
        &staged(),
        |_| {},
    )
    .await
    .expect("import runs")
}

fn added(report: &ImportReport) -> Vec<(&'static str, usize)> {
    let mut v: Vec<_> = report.files.iter().map(|f| (f.ledger, f.added)).collect();
    v.sort();
    v
}

async fn scalar(db: &daicho_store::Db, sql: &str) -> String {
    let row: (String,) = sqlx::query_as(sql).fetch_one(db.pool()).await.expect(sql);
    row.0
}

#[tokio::test]
async fn every_ledger_of_a_bundle_folder_imports_and_reimports_unchanged() {
    let (db, tenant) = crate::okayama().await;
    let dir = tempfile::tempdir().expect("dir");
    write_bundle(dir.path());
    let report = run(&db, tenant.id, &[dir.path().to_path_buf()]).await;
    assert!(report.committed, "{:#?}", report.errors);
    assert_eq!(
        report.files.len(),
        BUNDLE.len(),
        "every file is read: {:?}",
        report.files.iter().map(|f| &f.source).collect::<Vec<_>>()
    );
    let rows: usize = report.files.iter().map(|f| f.added).sum();
    assert_eq!(
        rows,
        BUNDLE
            .iter()
            .map(|(_, c)| c.lines().count() - 1)
            .sum::<usize>()
    );
    assert!(
        report.created_departments.is_empty(),
        "departments come from departments.csv: {:?}",
        report.created_departments
    );
    assert!(
        report.files.iter().all(|f| f.ignored_columns.is_empty()),
        "{:?}",
        report.files
    );

    let parent = scalar(&db.db, "SELECT p.name FROM departments d JOIN departments p ON p.id = d.parent_id AND p.tenant_id = d.tenant_id WHERE d.code = '080500'").await;
    assert_eq!(parent, "教育部");
    let share = scalar(&db.db, "SELECT CAST(subcontract_share_unknown AS TEXT) || ':' || COALESCE(CAST(bidder_count AS TEXT), '') || ':' || CAST(amount_yen AS TEXT) FROM contracts WHERE contract_no = 'C-2020-01'").await;
    assert_eq!(
        share, "1:1:97541400",
        "不明 is recorded as unknown, yen read"
    );
    let method = scalar(&db.db, "SELECT method || ':' || CAST(subcontract_share AS TEXT) FROM contracts WHERE contract_no = 'C-2021-07'").await;
    assert_eq!(
        method, "discretionary:0.5",
        "a share of 50% is stored as 0.5 on both databases"
    );
    let movement = scalar(&db.db, "SELECT m.media_id || ' ' || mm.out_at || ' ' || mm.to_segment FROM media_movements mm JOIN media m ON m.id = mm.media_ref AND m.tenant_id = mm.tenant_id").await;
    assert_eq!(movement, "USB-01 2023-10-06 09:30 internet");
    let fiscal = scalar(&db.db, "SELECT CAST(fiscal_year AS TEXT) || ':' || CAST(total_yen AS TEXT) FROM general_account_totals").await;
    assert_eq!(fiscal, "2023:130000000000");
    let staff = scalar(&db.db, "SELECT staff_id || ':' || employment || ':' || COALESCE(security_role, '') FROM staff_members ORDER BY staff_id LIMIT 1").await;
    assert_eq!(
        staff, "000123:regular:manager",
        "leading zeros kept, labels read as codes"
    );
    let asset = db
        .list_assets(
            &Scope::tenant(tenant.id),
            &daicho_store::AssetFilter {
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list")
        .rows;
    let asset = db
        .asset(&Scope::tenant(tenant.id), asset[0].id)
        .await
        .expect("asset");
    assert_eq!(
        (
            asset.department_code.as_str(),
            asset.location_code.as_deref()
        ),
        ("080500", Some("LIB-4F"))
    );

    let again = run(&db, tenant.id, &[dir.path().to_path_buf()]).await;
    assert!(again.committed);
    assert!(
        again.files.iter().all(|f| f.added == 0 && f.updated == 0),
        "{:?}",
        again.files
    );
}

#[tokio::test]
async fn a_zip_and_a_workbook_of_sheets_import_the_same_ledgers() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let zip_path = dir.path().join("bundle.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).expect("zip"));
        for (name, content) in BUNDLE {
            zip.start_file(
                format!("bundle/{name}"),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("entry");
            zip.write_all(content.as_bytes()).expect("write");
        }
        zip.finish().expect("finish");
    }
    let book_path = dir.path().join("bundle.xlsx");
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, content) in BUNDLE {
            let sheet = book.add_worksheet();
            sheet
                .set_name(name.trim_end_matches(".csv"))
                .expect("sheet name");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(content.as_bytes());
            for (r, record) in reader.records().enumerate() {
                for (c, cell) in record.expect("record").iter().enumerate() {
                    sheet.write(r as u32, c as u16, cell).expect("cell");
                }
            }
        }
        book.save(&book_path).expect("save");
    }
    let mut results = Vec::new();
    for path in [zip_path, book_path] {
        let (db, tenant) = crate::okayama().await;
        let report = run(&db, tenant.id, std::slice::from_ref(&path)).await;
        assert!(report.committed, "{}: {:#?}", path.display(), report.errors);
        results.push(added(&report));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0].len(), BUNDLE.len());
}

#[tokio::test]
async fn a_row_naming_a_missing_reference_is_placed_and_nothing_is_written() {
    let (db, tenant) = crate::okayama().await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("media.csv"),
        "media_id,department,kind\nUSB-01,総務課,usb_memory\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("media_movements.csv"),
        "media_id,out_at,purpose\nUSB-01,2023-10-06,移送\nUSB-99,2023-10-07,移送\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("contracts.csv"),
        "contract_no,title,method,subcontract_share\nC-1,保守,随契,150%\n",
    )
    .expect("write");
    let report = run(&db, tenant.id, &[dir.path().to_path_buf()]).await;
    let listed: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    for expected in [
        "media_movements.csv 3行目 列「media_id」 値「USB-99」: 外部記録媒体に「USB-99」がありません",
        "contracts.csv 2行目 列「method」 値「随契」: 「随契」は次のいずれかで入力してください",
        "contracts.csv 2行目 列「subcontract_share」 値「150%」: 割合「150%」は0〜100%の範囲で入力してください",
    ] {
        assert!(
            listed.iter().any(|m| m.starts_with(expected)),
            "missing {expected:?} in {listed:#?}"
        );
    }
    assert!(!report.committed);
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM media")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(count.0, 0);
}

#[tokio::test]
async fn replace_removes_rows_a_bundle_no_longer_has_but_not_those_still_referred_to() {
    let (db, tenant) = crate::okayama().await;
    let dir = tempfile::tempdir().expect("dir");
    write_bundle(dir.path());
    assert!(
        run(&db, tenant.id, &[dir.path().to_path_buf()])
            .await
            .committed
    );
    // The next bundle drops SD-01 (never taken out), USB-01 (taken out once) and one contract.
    let next = tempfile::tempdir().expect("dir");
    std::fs::write(
        next.path().join("media.csv"),
        "media_id,department,kind\nUSB-02,080500,usb_memory\n",
    )
    .expect("write");
    std::fs::write(
        next.path().join("contracts.csv"),
        "contract_no,department,title\nC-2020-01,080500,図書館システム賃貸借\n",
    )
    .expect("write");
    let options = ImportOptions {
        replace: true,
        ..staged()
    };
    let scope = Scope::tenant(tenant.id);
    let report = import_paths(
        &db,
        &scope,
        &Actor::system("test"),
        &[next.path().to_path_buf()],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    let listed: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert!(
        listed.iter().any(|m| m.contains(
            "外部記録媒体「USB-01」は外部記録媒体の受払から参照されているため削除できません"
        )),
        "{listed:#?}"
    );
    assert!(!report.committed, "a row still referred to stops the run");

    // With the movements replaced too (none left), both media go.
    std::fs::write(next.path().join("media_movements.csv"), "media_id,out_at\n").expect("write");
    let report = import_paths(
        &db,
        &scope,
        &Actor::system("test"),
        &[next.path().to_path_buf()],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    assert!(report.committed, "{:#?}", report.errors);
    let removed: Vec<(&str, &str)> = report
        .removed_rows
        .iter()
        .map(|(l, k)| (*l, k.as_str()))
        .collect();
    for expected in [
        ("contracts", "C-2021-07"),
        ("media", "SD-01"),
        ("media", "USB-01"),
    ] {
        assert!(removed.contains(&expected), "{expected:?} in {removed:?}");
    }
    let left: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM media")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(left.0, 1);
    let deleted: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM change_history WHERE action = 'delete'")
            .fetch_one(db.pool())
            .await
            .expect("count");
    assert!(deleted.0 >= 4, "each removal is in the history");
}
