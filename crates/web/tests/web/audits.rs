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

/// After the report: the library's manager sees and answers its own items only; 情報政策課
/// sees every answer, the overdue items, and the measure reported done that the data
/// contradicts.
#[tokio::test]
async fn departments_answer_their_items_and_the_contradicted_one_is_flagged() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&scope, "EX-2023").await.expect("audit");
    let items = app.db.audit_items(&scope, audit).await.expect("items");
    let id_of = |title: &str| {
        items
            .iter()
            .find(|i| i.item.title == title)
            .map(|i| i.id.to_string())
            .expect("item")
    };
    let library = app.department_id("080500").await.to_string();
    let manager = app.login("manager").await;
    let index = app.get(Some(&manager), "/measures").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("EX-2023"));
    let page = app.get(Some(&manager), "/audits/EX-2023/measures").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("図書館システムで更新の切れた登録証"));
    assert!(
        !page.body.contains("機密性の高いファイルについて"),
        "another department's item"
    );
    let answered = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("図書館システムで更新の切れた登録証")),
                ("department", &library),
                ("status", "done"),
                ("action", "期限切れ後10年を過ぎた登録者の情報を削除した"),
                ("done_on", "令和6年3月1日"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let page = app.get(Some(&manager), "/audits/EX-2023/measures").await;
    assert!(page.body.contains("中央図書館: 措置済"), "{}", page.body);
    // Without the day it was done: refused, with the reason.
    let refused = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("図書館システムで更新の切れた登録証")),
                ("department", &library),
                ("status", "done"),
                ("action", "削除した"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("措置した日を入力してください"));
    // Another department's item: refused.
    let training = app.department_id("080100").await.to_string();
    let other = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("機密性の高いファイルについて")),
                ("department", &training),
                ("status", "in_progress"),
                ("action", "x"),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // 情報政策課: the contradicted measure, and the overdue list.
    let policy = app.login("policy").await;
    let page = app.get(Some(&policy), "/audits/EX-2023/measures").await;
    assert!(page.body.contains("教育研修課: 措置済"), "{}", page.body);
    assert!(page.body.contains("措置済とされたが再発"), "{}", page.body);
    let index = app.get(Some(&policy), "/measures").await;
    assert!(
        index.body.contains("期限を過ぎた結果・意見"),
        "{}",
        index.body
    );
    assert!(index.body.contains("電子黒板の利用の有効性について"));
    assert!(
        !index.body.contains(">図書館システムで更新の切れた登録証<"),
        "answered done"
    );
}

/// 情報政策課 sends 個16 (passwords on sticky notes) to every section; the library's
/// manager answers for itself; an answer of 該当なし where the rule still fails is flagged.
#[tokio::test]
async fn a_horizontal_check_is_answered_and_a_contradicted_answer_flagged() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&scope, "EX-2023").await.expect("audit");
    let item = app
        .db
        .audit_items(&scope, audit)
        .await
        .expect("items")
        .into_iter()
        .find(|i| {
            i.item
                .title
                .starts_with("インターネット系パソコンのID及びパスワード")
        })
        .expect("個16")
        .id
        .to_string();
    let policy = app.login("policy").await;
    let sent = app
        .post(
            Some(&policy),
            "/audits/EX-2023/horizontal",
            &[
                ("csrf_token", &policy.csrf),
                ("item", &item),
                ("question", "端末にパスワードの付箋がないか確認してください"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let check = sent.location.clone();
    let page = app.get(Some(&policy), &check).await;
    assert!(page.body.contains("回答 0 / "), "{}", page.body);
    // The library's manager sees only its own line and answers it.
    let manager = app.login("manager").await;
    let library = app.department_id("080500").await.to_string();
    let mine = app.get(Some(&manager), &check).await;
    assert!(mine.body.contains("中央図書館") && !mine.body.contains("サンプル商業高等学校"));
    let answered = app
        .post(
            Some(&manager),
            &check,
            &[
                ("csrf_token", &manager.csrf),
                ("department", &library),
                ("answer", "none"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    // The school says none, but the rule finds the notes there today.
    let school = app.department_id("080600").await.to_string();
    app.post(
        Some(&policy),
        &check,
        &[
            ("csrf_token", &policy.csrf),
            ("department", &school),
            ("answer", "none"),
        ],
    )
    .await;
    let page = app.get(Some(&policy), &check).await;
    assert!(page.body.contains("回答 2 / "), "{}", page.body);
    assert_eq!(
        page.body.matches("規則では該当あり").count(),
        1,
        "{}",
        page.body
    );
    let index = app.get(Some(&policy), "/horizontal").await;
    assert!(
        index
            .body
            .contains("インターネット系パソコンのID及びパスワード管理")
    );
}

/// 情報政策課 sets the tenant's weights and cycle, adopts the proposal and moves one
/// section with a reason; the auditor reads the plan but changes nothing; a manager does
/// not see it.
#[tokio::test]
async fn the_plan_is_weighted_adopted_and_edited_by_the_policy_section() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let page = app.get(Some(&policy), "/audit-plan?year=R6").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("まだ採用されていません"),
        "{}",
        page.body
    );
    assert!(page.body.contains("セルフチェック誤答率"));
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), policy.csrf.clone()),
        ("year".into(), "R6".into()),
        ("cycle_years".into(), "4".into()),
    ];
    // A weight typed in full-width digits is read.
    for (name, _) in daicho_domain::audit_plan::WEIGHT_PARTS {
        let value = if name == "per_year" { "２０" } else { "1" };
        form.push((name.into(), value.into()));
    }
    // A word is refused with the weight's label, and nothing is kept.
    let mut bad = form.clone();
    bad.retain(|(k, _)| k != "per_eol_machine");
    bad.push(("per_eol_machine".into(), "たくさん".into()));
    let refused = app
        .post(Some(&policy), "/audit-plan/settings", &pairs(&bad))
        .await;
    assert!(
        refused.body.contains("サポート終了の機器（1台あたり）")
            && refused.body.contains("たくさん"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.db
            .plan_settings(&daicho_store::Scope::tenant(app.demo.id))
            .await
            .expect("settings"),
        daicho_store::PlanSettings::default()
    );
    let saved = app
        .post(Some(&policy), "/audit-plan/settings", &pairs(&form))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(Some(&policy), &saved.location).await;
    assert!(
        page.body.contains("重みと周期を保存しました"),
        "{}",
        page.body
    );
    assert!(page.body.contains("4年で全所属"), "{}", page.body);
    assert!(page.body.contains("value=\"20\""), "{}", page.body);

    let adopted = app
        .post(
            Some(&policy),
            "/audit-plan/adopt",
            &[("csrf_token", &policy.csrf), ("year", "R6")],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let page = app.get(Some(&policy), &adopted.location).await;
    assert!(page.body.contains("採用した計画"), "{}", page.body);
    assert!(page.body.contains("周期 4 年"), "{}", page.body);
    let library = app.department_id("080500").await.to_string();
    let moved = app
        .post(
            Some(&policy),
            "/audit-plan/move",
            &[
                ("csrf_token", &policy.csrf),
                ("year", "R6"),
                ("department", &library),
                ("planned_year", "2027"),
                ("note", "新館への移転後に監査する"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = app.get(Some(&policy), &moved.location).await;
    assert!(
        page.body.contains("（新館への移転後に監査する）"),
        "{}",
        page.body
    );
    let beyond = app
        .post(
            Some(&policy),
            "/audit-plan/move",
            &[
                ("csrf_token", &policy.csrf),
                ("year", "R6"),
                ("department", &library),
                ("planned_year", "2030"),
                ("note", "先送り"),
            ],
        )
        .await;
    assert!(
        beyond.body.contains("計画の期間内の年度"),
        "{}",
        beyond.body
    );

    // The auditor reads it, without the forms, and may not change it.
    let auditor = app.login("auditor").await;
    let page = app.get(Some(&auditor), "/audit-plan?year=R6").await;
    assert!(page.body.contains("新館への移転後に監査する"));
    assert!(!page.body.contains("action=\"/audit-plan/adopt\""));
    let refused = app
        .post(
            Some(&auditor),
            "/audit-plan/adopt",
            &[("csrf_token", &auditor.csrf), ("year", "R6")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let manager = app.login("manager").await;
    let page = app.get(Some(&manager), "/audit-plan?year=R6").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
