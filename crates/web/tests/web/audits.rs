//! Audits on screen: the auditor drafts the items from the rules, confirms, rewrites,
//! writes one by hand, merges and keeps a survey row; the report follows as HTML, XLSX
//! (read back) and PDF. Who may read, who may write, and no other tenant.

use crate::app::TestApp;
use axum::http::StatusCode;

fn item_id(body: &str, title: &str) -> String {
    // …<a href="/audits/EX-2023/items/{id}">{title}</a>
    let at = body.find(&format!(">{title}</a>")).expect("item listed");
    let start = body[..at].rfind("/items/").expect("link") + "/items/".len();
    body[start..at].trim_end_matches('"').to_string()
}

#[tokio::test]
async fn an_auditor_drafts_confirms_edits_and_downloads_the_report() {
    let app = TestApp::new().await;
    let auditor = app.login("auditor").await;
    let index = app.get(Some(&auditor), "/audits").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("EX-2023") && index.body.contains("包括外部監査"));
    let drafted = app
        .post(
            Some(&auditor),
            "/audits/EX-2023",
            &[("csrf_token", &auditor.csrf), ("action", "draft")],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::OK, "{}", drafted.body);
    assert!(
        drafted.body.contains("下書きを 70 件作りました"),
        "{}",
        drafted.body
    );
    // Names, never codes: the department's name, never its code, shown.
    assert!(drafted.body.contains("教育研修課") && !drafted.body.contains(">080100"));
    let title = "私物端末の例外措置が長期化している";
    let id = item_id(&drafted.body, title);
    let confirmed = app
        .post(
            Some(&auditor),
            "/audits/EX-2023",
            &[
                ("csrf_token", &auditor.csrf),
                ("action", &format!("confirm:{id}")),
            ],
        )
        .await;
    assert!(
        confirmed
            .body
            .contains(&format!("「{title}」を確定しました"))
    );
    // Rewritten in the report's words: the rule said 意見, it stays 意見; the title changes.
    let saved = app
        .post(
            Some(&auditor),
            &format!("/audits/EX-2023/items/{id}"),
            &[
                ("csrf_token", &auditor.csrf),
                ("scope", "individual"),
                ("grade", "opinion"),
                ("title", "私有物のパソコン、モバイル端末の業務使用について"),
                (
                    "summary",
                    "部・課として予算計上し、購入またはリース使用を検討すべきである。",
                ),
                ("body", ""),
                ("clause", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // A blank title is refused with the reason, on the form.
    let blank = app
        .post(
            Some(&auditor),
            &format!("/audits/EX-2023/items/{id}"),
            &[
                ("csrf_token", &auditor.csrf),
                ("grade", "opinion"),
                ("title", " "),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blank.body.contains("件名を入力してください"),
        "{}",
        blank.body
    );
    // Written by hand, as 総論, then confirmed.
    let written = app
        .post(
            Some(&auditor),
            "/audits/EX-2023/items",
            &[
                ("csrf_token", &auditor.csrf),
                ("scope", "general"),
                ("grade", "opinion"),
                ("title", "情報セキュリティ監査の選定について"),
                (
                    "summary",
                    "自己点検結果などから監査対象の選定について工夫されるべきである。",
                ),
            ],
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let page = app.get(Some(&auditor), "/audits/EX-2023").await;
    let by_hand = item_id(&page.body, "情報セキュリティ監査の選定について");
    app.post(
        Some(&auditor),
        "/audits/EX-2023",
        &[
            ("csrf_token", &auditor.csrf),
            ("action", &format!("confirm:{by_hand}")),
        ],
    )
    .await;
    // A survey row kept by the auditor.
    let survey = app
        .get(Some(&auditor), "/audits/EX-2023/survey/010100")
        .await;
    assert_eq!(survey.status, StatusCode::OK);
    assert!(survey.body.contains("(1) LGWAN接続系（3Sパソコン）"));
    let kept = app
        .post(
            Some(&auditor),
            "/audits/EX-2023/survey/010100",
            &[
                ("csrf_token", &auditor.csrf),
                ("row1", "職員7名、7台（全員配置）"),
            ],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    // The report carries the two confirmed items, numbered, and the kept row.
    let report = app.get(Some(&auditor), "/audits/EX-2023/report").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report
            .body
            .contains("総1【意見】情報セキュリティ監査の選定について"),
        "{}",
        report.body
    );
    assert!(
        report
            .body
            .contains("個1【意見】私有物のパソコン、モバイル端末の業務使用について")
    );
    assert!(report.body.contains("職員7名、7台（全員配置）"));
    assert!(report.body.contains("未確定の下書きが 69 件"));
    assert!(
        report.body.contains("/static/audit-report.css"),
        "stylesheet linked, not inline (CSP)"
    );
    let xlsx = app.get(Some(&auditor), "/audits/EX-2023/report.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes)).expect("xlsx");
    let counts = book.worksheet_range("件数").expect("件数 sheet");
    let row = |r: usize| -> Vec<String> {
        (0..4)
            .map(|c| {
                counts
                    .get((r, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(row(1), ["指摘", "0", "0", "0"]);
    assert_eq!(row(2), ["意見", "1", "1", "2"]);
    let pdf = app.get(Some(&auditor), "/audits/EX-2023/report.pdf").await;
    if daicho_pdf::fonts_available() {
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
    } else {
        // Without the fonts: a page that says what to install, not a failure of daicho.
        assert!(
            std::env::var_os("DAICHO_REQUIRE_PDF").is_none(),
            "fonts-ipaexfont missing"
        );
        assert_eq!(pdf.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(pdf.body.contains("fonts-ipaexfont-gothic"), "{}", pdf.body);
    }
}

#[tokio::test]
async fn who_may_see_and_record_an_audit() {
    let app = TestApp::new().await;
    // A viewer reads the audit but records nothing.
    let viewer = app.login("viewer").await;
    assert_eq!(
        app.get(Some(&viewer), "/audits/EX-2023").await.status,
        StatusCode::OK
    );
    let refused = app
        .post(
            Some(&viewer),
            "/audits/EX-2023",
            &[("csrf_token", &viewer.csrf), ("action", "draft")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A department's manager does not see audits of the whole city.
    let manager = app.login("manager").await;
    assert_eq!(
        app.get(Some(&manager), "/audits").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !app.get(Some(&manager), "/dashboard")
            .await
            .body
            .contains("href=\"/audits\"")
    );
    // Another city's administrator finds no such audit.
    let other = app.login("okayama-admin").await;
    assert_eq!(
        app.get(Some(&other), "/audits/EX-2023").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(Some(&other), "/audits/EX-2023/report.pdf")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The auditor keeps the audits' own ledgers, and no other.
    let auditor = app.login("auditor").await;
    let audits = app.get(Some(&auditor), "/ledgers/audits").await;
    assert!(
        audits.body.contains("href=\"/ledgers/audits/new\""),
        "{}",
        audits.body
    );
    let media = app.get(Some(&auditor), "/ledgers/media").await;
    assert!(!media.body.contains("/ledgers/media/new"));
    let created = app
        .post(
            Some(&auditor),
            "/ledgers/audits",
            &[
                ("csrf_token", &auditor.csrf),
                ("audit_id", "IA-2024-1"),
                ("kind", "internal"),
                ("fiscal_year", "令和6年度"),
                ("title", "情報セキュリティ監査"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(
        app.get(Some(&auditor), "/audits")
            .await
            .body
            .contains("IA-2024-1")
    );
    let refused = app
        .post(
            Some(&auditor),
            "/ledgers/media",
            &[
                ("csrf_token", &auditor.csrf),
                ("media_id", "U-99"),
                ("kind", "usb_memory"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A form without the session's token changes nothing.
    let forged = app
        .post(
            Some(&auditor),
            "/audits/EX-2023",
            &[("csrf_token", "x"), ("action", "draft")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let audit = app
        .db
        .audit_ref(&daicho_store::Scope::tenant(app.demo.id), "EX-2023")
        .await
        .expect("audit");
    assert!(
        app.db
            .audit_items(&daicho_store::Scope::tenant(app.demo.id), audit)
            .await
            .expect("items")
            .is_empty()
    );
}
