//! Disposal with evidence on screen: 情報政策課 records the data erasure of a retired
//! machine with its certificate file, then its disposal; the certificate list reads back
//! from Excel; the certificate comes back as given; a library manager sees none of it.

use crate::app::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn a_retired_machine_is_erased_with_its_certificate_then_disposed_of() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let page = app.get(Some(&policy), "/disposals").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // 個14: the old road-ledger terminal, retired in 2020, in a room that does not lock.
    assert!(
        page.body.contains("旧道路台帳システム端末"),
        "{}",
        page.body
    );
    assert!(page.body.contains("施錠不可"), "{}", page.body);
    let row = page
        .body
        .split("<tr>")
        .find(|r| r.contains("旧道路台帳システム端末"))
        .expect("row");
    let id = row
        .split("name=\"asset\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("checkbox")
        .to_string();
    let tag = row
        .split("aria-label=\"")
        .nth(1)
        .and_then(|r| r.split(" を選ぶ").next())
        .expect("the checkbox names the tag")
        .to_string();
    let certificate: &[u8] = b"%PDF-1.4 erasure certificate 2026-118";
    let csrf = policy.csrf.as_str();
    // Disposal first is refused: the erasure comes before.
    let early = app
        .post_multipart(
            &policy.cookie,
            "/disposals",
            &[
                ("csrf_token", csrf),
                ("asset", &id),
                ("action", "dispose"),
                ("disposed_on", "2026-12-01"),
                ("contractor", "株式会社リサイクル"),
            ],
            None,
        )
        .await;
    assert!(
        early.body.contains("データ消去が記録されていません"),
        "{}",
        early.body
    );
    // Without the token nothing is read.
    let forged = app
        .post_multipart(
            &policy.cookie,
            "/disposals",
            &[("csrf_token", "x"), ("asset", &id), ("action", "erase")],
            None,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let erased = app
        .post_multipart(
            &policy.cookie,
            "/disposals",
            &[
                ("csrf_token", csrf),
                ("asset", &id),
                ("action", "erase"),
                ("erased_on", "2026-11-20"),
                ("method", "physical_destruction"),
                ("erased_by", "株式会社リサイクル"),
                ("certificate_no", "No. 2026-118"),
            ],
            Some(("certificate", "消去証明書.pdf", certificate)),
        )
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.body);
    let disposed = app
        .post_multipart(
            &policy.cookie,
            "/disposals",
            &[
                ("csrf_token", csrf),
                ("asset", &id),
                ("action", "dispose"),
                ("disposed_on", "2026-12-01"),
                ("contractor", "株式会社リサイクル"),
            ],
            None,
        )
        .await;
    assert_eq!(disposed.status, StatusCode::SEE_OTHER, "{}", disposed.body);
    let page = app.get(Some(&policy), "/disposals").await;
    assert!(
        page.body.contains("物理破壊") && page.body.contains("廃棄済"),
        "{}",
        page.body
    );
    let href = page
        .body
        .split("href=\"/disposals/certificates/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("certificate link")
        .to_string();
    let file = app
        .get(Some(&policy), &format!("/disposals/certificates/{href}"))
        .await;
    assert_eq!(file.bytes, certificate);

    let xlsx = app.get(Some(&policy), "/disposals.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).expect("xlsx");
    use calamine::Reader;
    let sheet = book
        .worksheet_range("廃棄・データ消去の証明一覧")
        .expect("sheet");
    let line: Vec<String> = sheet
        .rows()
        .find(|r| r[0].to_string() == tag)
        .expect("the machine's line")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        (
            line[6].as_str(),
            line[7].as_str(),
            line[9].as_str(),
            line[10].as_str(),
            line[11].as_str()
        ),
        (
            "2026-11-20",
            "物理破壊",
            "No. 2026-118・消去証明書.pdf",
            "2026-12-01",
            "株式会社リサイクル"
        )
    );

    // The library's manager sees neither the machine nor its certificate.
    let manager = app.login("manager").await;
    let theirs = app.get(Some(&manager), "/disposals").await;
    assert!(!theirs.body.contains("旧道路台帳システム端末"));
    let hidden = app
        .get(Some(&manager), &format!("/disposals/certificates/{href}"))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}
