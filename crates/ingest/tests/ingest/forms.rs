//! The printed forms, read back as a user opening them in Excel would see them.

use calamine::{Reader, open_workbook_auto};
use daicho_ingest::{ImportOptions, import_paths, write_form};
use daicho_store::{Actor, Scope};

fn cells(path: &std::path::Path) -> (String, Vec<Vec<String>>) {
    let mut book = open_workbook_auto(path).expect("open");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    (
        name,
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    )
}

#[tokio::test]
async fn the_forms_print_what_the_ledgers_hold() {
    let (db, tenant) = crate::okayama().await;
    let scope = Scope::tenant(tenant.id);
    let dir = tempfile::tempdir().expect("dir");
    for (name, content) in crate::bundle::BUNDLE {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    std::fs::write(
        dir.path().join("assets.csv"),
        "asset_tag,department,kind,name,ownership,cost_yen,acquired_on,network_segment\n\
         LIB-0001,080500,desktop,自動化書庫端末,owned,\"128,000\",2016-05-20,standalone\n\
         LIB-0002,080500,printer,ラベルプリンター,owned,29999,2016-05-20,lgwan\n\
         LIB-0003,080500,monitor,寄付モニター,donated,45000,2019-05-01,\n",
    )
    .expect("write");
    let report = import_paths(
        &db,
        &scope,
        &Actor::system("t"),
        &[dir.path().to_path_buf()],
        &ImportOptions::default(),
        |_| {},
    )
    .await
    .expect("import");
    assert!(report.committed, "{:#?}", report.errors);
    let out = tempfile::tempdir().expect("out");

    let path = out.path().join("備品台帳.xlsx");
    assert_eq!(
        write_form(&db, &scope, "岡山市", "equipment_ledger", &path)
            .await
            .expect("form"),
        1,
        "only owned items at ¥30,000 or more"
    );
    let (name, rows) = cells(&path);
    assert_eq!(name, "備品台帳");
    assert!(rows[0][0].starts_with("備品台帳（岡山市）"));
    assert_eq!(rows[2][0], "備品番号");
    assert_eq!(
        (
            rows[3][0].as_str(),
            rows[3][5].as_str(),
            rows[3][6].as_str()
        ),
        ("LIB-0001", "平成28年5月20日", "128,000")
    );

    let path = out.path().join("ネットワーク.xlsx");
    assert_eq!(
        write_form(&db, &scope, "岡山市", "network_device_ledger", &path)
            .await
            .expect("form"),
        1,
        "connected devices only"
    );
    assert_eq!(cells(&path).1[3][0], "LIB-0002");

    let path = out.path().join("様式第7号.xlsx");
    assert_eq!(
        write_form(&db, &scope, "岡山市", "media_ledger", &path)
            .await
            .expect("form"),
        2
    );
    let (name, rows) = cells(&path);
    assert_eq!(name, "様式第7号");
    let usb = rows.iter().find(|r| r[0] == "USB-01").expect("USB-01");
    assert_eq!(usb[1], "USBメモリー");
    assert_eq!(usb[5], "令和5年10月6日 09:30");
    assert_eq!(usb[8], "LGWAN接続系 → インターネット接続系");
    assert_eq!(usb[9], "令和5年10月6日 17:00");
    assert!(
        rows.iter().any(|r| r[0] == "SD-01" && r[5].is_empty()),
        "a medium never taken out still has its line"
    );

    let e = write_form(
        &db,
        &scope,
        "岡山市",
        "furniture",
        &out.path().join("x.xlsx"),
    )
    .await
    .expect_err("refused");
    assert!(e.to_string().contains("様式「furniture」はありません"));
}
