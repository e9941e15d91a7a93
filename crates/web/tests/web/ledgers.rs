//! The other ledgers on screen: listed, searched, one row with its history — within the
//! tenant and, for a manager, its own departments.

use crate::app::TestApp;
use axum::http::StatusCode;
use daicho_store::ledgers::ledger;
use daicho_store::{Actor, Scope};

/// Two contracts of サンプル市 — the library's and the citizens' service section's — and a
/// general-account total (a ledger without departments).
async fn contracts(app: &TestApp) -> (i64, i64) {
    let db = &app.db;
    let mut session = db
        .begin_import(&Scope::tenant(app.demo.id), &Actor::system("test"))
        .await
        .expect("session");
    let spec = ledger("contracts").expect("contracts");
    let col = |n: &str| spec.column(n).expect("column");
    for (no, dept, title) in [
        ("C-1", "080500", "図書館システム保守"),
        ("C-2", "040100", "窓口端末賃貸借"),
    ] {
        let cells = vec![
            (col("contract_no"), no.to_string()),
            (col("department"), dept.to_string()),
            (col("title"), title.to_string()),
            (col("method"), "随意契約".to_string()),
        ];
        session.upsert_row(spec, &cells).await.expect("valid row");
    }
    let total = ledger("general_account").expect("general_account");
    let cells = vec![
        (
            total.column("fiscal_year").expect("c"),
            "令和5年度".to_string(),
        ),
        (total.column("basis").expect("c"), "決算".to_string()),
        (total.column("total_yen").expect("c"), "1000".to_string()),
    ];
    session.upsert_row(total, &cells).await.expect("valid row");
    session.finish(true).await.expect("commit");
    let page = db
        .ledger_page(&Scope::tenant(app.demo.id), spec, None, 1)
        .await
        .expect("page");
    let id = |no: &str| page.rows.iter().find(|(_, c)| c[0] == no).expect("row").0;
    (id("C-1"), id("C-2"))
}

#[tokio::test]
async fn ledgers_are_listed_searched_and_shown_with_history() {
    let app = TestApp::new().await;
    let (library, _) = contracts(&app).await;
    let policy = app.login("policy").await;
    let index = app.get(Some(&policy), "/ledgers").await.body;
    assert!(index.contains(">契約</a>") && index.contains("一般会計歳出総額"));
    let list = app.get(Some(&policy), "/ledgers/contracts").await.body;
    // The two above and the demo city's own contracts.
    let total = app
        .db
        .ledger_page(
            &Scope::tenant(app.demo.id),
            ledger("contracts").expect("contracts"),
            None,
            1,
        )
        .await
        .expect("page")
        .total;
    assert!(total > 2);
    assert!(
        list.contains(&format!("{total} 件"))
            && list.contains("図書館システム保守")
            && list.contains("<td>随意契約</td>"),
        "choices show their names, not codes"
    );
    assert!(!list.contains("<td>discretionary</td>"));
    // A department by its name, never its code.
    let library_name = app
        .db
        .department_by_code(&Scope::tenant(app.demo.id), "080500")
        .await
        .expect("q")
        .expect("080500")
        .name;
    assert!(
        list.contains(&format!("<td>{library_name}</td>")) && !list.contains("<td>080500</td>"),
        "{list}"
    );
    let found = app
        .get(Some(&policy), "/ledgers/contracts?q=窓口")
        .await
        .body;
    assert!(
        found.contains("1 件")
            && found.contains("窓口端末賃貸借")
            && !found.contains("図書館システム保守")
    );
    let detail = app
        .get(Some(&policy), &format!("/ledgers/contracts/{library}"))
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(
        detail.body.contains("契約（C-1）")
            && detail
                .body
                .contains("<dt>件名</dt><dd>図書館システム保守</dd>")
    );
    assert!(
        detail.body.contains("登録") && detail.body.contains("system:test"),
        "its history"
    );
    assert_eq!(
        app.get(Some(&policy), "/ledgers/furniture").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A department made by the demo (as by the CLI or an import) shows its history on its
/// ledger page: the history names rows by their ledger (`departments`) everywhere.
#[tokio::test]
async fn a_departments_page_shows_its_history() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let library = app.department_id("080500").await;
    let page = app
        .get(Some(&policy), &format!("/ledgers/departments/{library}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("変更履歴はありません") && page.body.contains("<td>登録</td>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_manager_sees_only_its_rows_and_a_tenant_only_its_own() {
    let app = TestApp::new().await;
    let (library, service) = contracts(&app).await;
    let manager = app.login("manager").await;
    let policy = app.login("policy").await;
    let library_id = app.department_id("080500").await;
    let filtered = app
        .get(
            Some(&policy),
            &format!("/ledgers/contracts?department={library_id}"),
        )
        .await
        .body;
    assert!(
        filtered.contains("1 件")
            && filtered.contains("図書館システム保守")
            && !filtered.contains("窓口端末賃貸借"),
        "filtered by department"
    );
    let service_id = app.department_id("040100").await;
    let outside = app
        .get(
            Some(&manager),
            &format!("/ledgers/contracts?department={service_id}"),
        )
        .await
        .body;
    assert!(
        outside.contains("0 件"),
        "a filter never widens a manager's scope"
    );
    let list = app.get(Some(&manager), "/ledgers/contracts").await.body;
    assert!(list.contains("図書館システム保守") && !list.contains("窓口端末賃貸借"));
    assert_eq!(
        app.get(Some(&manager), &format!("/ledgers/contracts/{library}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(Some(&manager), &format!("/ledgers/contracts/{service}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(Some(&manager), "/ledgers/general_account")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a ledger without departments"
    );
    assert!(
        !app.get(Some(&manager), "/ledgers")
            .await
            .body
            .contains("一般会計歳出総額")
    );
    let okayama = app.login("okayama-admin").await;
    assert_eq!(
        app.get(Some(&okayama), &format!("/ledgers/contracts/{library}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.get(Some(&okayama), "/ledgers/contracts")
            .await
            .body
            .contains("0 件")
    );
}

/// A USB memory of the library and an SD card of the citizens' service section.
async fn media(app: &TestApp) -> (i64, i64) {
    let mut session = app
        .db
        .begin_import(&Scope::tenant(app.demo.id), &Actor::system("test"))
        .await
        .expect("session");
    let spec = ledger("media").expect("media");
    let col = |n: &str| spec.column(n).expect("column");
    for (id, dept, kind) in [
        ("USB-01", "080500", "USBメモリー"),
        ("SD-01", "040100", "SDカード"),
    ] {
        let cells = vec![
            (col("media_id"), id.to_string()),
            (col("department"), dept.to_string()),
            (col("kind"), kind.to_string()),
        ];
        session.upsert_row(spec, &cells).await.expect("valid row");
    }
    session.finish(true).await.expect("commit");
    let page = app
        .db
        .ledger_page(&Scope::tenant(app.demo.id), spec, None, 1)
        .await
        .expect("page");
    let id = |key: &str| page.rows.iter().find(|(_, c)| c[0] == key).expect("row").0;
    (id("USB-01"), id("SD-01"))
}

#[tokio::test]
async fn a_medium_is_checked_out_and_returned_in_place_of_the_paper_register() {
    let app = TestApp::new().await;
    let (usb, sd) = media(&app).await;
    let manager = app.login("manager").await;
    let page = format!("/ledgers/media/{usb}");
    assert!(
        app.get(Some(&manager), &page)
            .await
            .body
            .contains("持出の記録はありません")
    );
    let out = [
        ("csrf_token", manager.csrf.as_str()),
        ("out_by", "図書館 山田"),
        ("purpose", "統計データの移送"),
        ("from_segment", "lgwan"),
        ("to_segment", "internet"),
    ];
    let done = app
        .post(Some(&manager), &format!("/media/{usb}/checkout"), &out)
        .await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (StatusCode::SEE_OTHER, page.as_str())
    );
    let body = app.get(Some(&manager), &page).await.body;
    assert!(
        body.contains("持出中")
            && body.contains("統計データの移送")
            && body.contains("LGWAN接続系 → インターネット接続系")
    );
    assert!(
        body.contains("返却を記録する"),
        "the medium is out: only a return can be recorded"
    );
    let again = app
        .post(Some(&manager), &format!("/media/{usb}/checkout"), &out)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("持ち出し中です"));
    let missing = app
        .post(
            Some(&manager),
            &format!("/media/{usb}/return"),
            &[("csrf_token", &manager.csrf), ("checked_by", "")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let back = app
        .post(
            Some(&manager),
            &format!("/media/{usb}/return"),
            &[("csrf_token", &manager.csrf), ("checked_by", "館長")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let body = app.get(Some(&manager), &page).await.body;
    assert!(
        !body.contains("<strong>持出中</strong>")
            && body.contains("館長")
            && body.contains("持出を記録する")
    );
    let policy = app.login("policy").await;
    let movements = app
        .get(Some(&policy), "/ledgers/media_movements")
        .await
        .body;
    let start = movements
        .find("<td><a href=\"/ledgers/media_movements/")
        .expect("the movement is listed")
        + "<td><a href=\"".len();
    let link = movements[start..]
        .split('"')
        .next()
        .expect("link")
        .to_string();
    let history = app.get(Some(&policy), &link).await.body;
    assert!(
        history.contains("<del></del> → <ins>館長</ins>") && history.contains("manager"),
        "the return is in the change history"
    );

    assert_eq!(
        app.post(Some(&manager), &format!("/media/{sd}/checkout"), &out)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "another department's medium"
    );
    let viewer = app.login("viewer").await;
    let forbidden = app
        .post(
            Some(&viewer),
            &format!("/media/{usb}/checkout"),
            &[
                ("csrf_token", viewer.csrf.as_str()),
                ("out_by", "x"),
                ("purpose", "y"),
            ],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.post(
            Some(&manager),
            &format!("/media/{usb}/checkout"),
            &[("csrf_token", "forged"), ("out_by", "x"), ("purpose", "y")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn rows_are_added_and_changed_by_form_with_messages_beside_the_fields() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    assert!(
        app.get(Some(&policy), "/ledgers/contracts/new")
            .await
            .body
            .contains("契約の登録")
    );
    let form = |csrf: &str, no: &str, method: &str, amount: &str| {
        vec![
            ("csrf_token".to_string(), csrf.to_string()),
            ("contract_no".to_string(), no.to_string()),
            ("department".to_string(), "080500".to_string()),
            ("title".to_string(), "図書館システム保守".to_string()),
            ("method".to_string(), method.to_string()),
            ("amount_yen".to_string(), amount.to_string()),
            ("starts_on".to_string(), "令和5年4月1日".to_string()),
        ]
    };
    let post = |path: String, fields: Vec<(String, String)>| {
        let app = &app;
        let policy = &policy;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post(Some(policy), &path, &pairs).await
        }
    };
    let bad = post(
        "/ledgers/contracts".into(),
        form(&policy.csrf, "C-9", "随契", "高い"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"e-method\"")
            && bad.body.contains("id=\"e-amount_yen\"")
            && bad.body.contains("value=\"図書館システム保守\"")
    );
    let made = post(
        "/ledgers/contracts".into(),
        form(&policy.csrf, "C-9", "discretionary", "￥1,200,000"),
    )
    .await;
    assert_eq!(
        (made.status, made.location.as_str()),
        (StatusCode::SEE_OTHER, "/ledgers/contracts")
    );
    let again = post(
        "/ledgers/contracts".into(),
        form(&policy.csrf, "C-9", "discretionary", "1"),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("既に登録されています"));

    let spec = ledger("contracts").expect("contracts");
    let id = app
        .db
        .ledger_page(&Scope::tenant(app.demo.id), spec, Some("C-9"), 1)
        .await
        .expect("page")
        .rows[0]
        .0;
    let detail = app
        .get(Some(&policy), &format!("/ledgers/contracts/{id}"))
        .await
        .body;
    assert!(detail.contains("<dd>1,200,000円</dd>") && detail.contains("<dd>2023-04-01</dd>"));
    let mut changed = form(&policy.csrf, "C-CHANGED", "discretionary", "1,300,000");
    changed.push(("justification".into(), "著作権のため".into()));
    let saved = post(format!("/ledgers/contracts/{id}"), changed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let detail = app
        .get(Some(&policy), &format!("/ledgers/contracts/{id}"))
        .await
        .body;
    assert!(
        detail.contains("契約（C-9）"),
        "the key cannot be changed by a form"
    );
    assert!(
        detail.contains("<ins>1,300,000円</ins>") && detail.contains("<ins>著作権のため</ins>"),
        "the change is in the history"
    );

    let viewer = app.login("viewer").await;
    assert_eq!(
        app.get(Some(&viewer), "/ledgers/contracts/new")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Some(&viewer), &format!("/ledgers/contracts/{id}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(
            Some(&viewer),
            &format!("/ledgers/contracts/{id}"),
            &[("csrf_token", &viewer.csrf), ("title", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let manager = app.login("manager").await;
    let foreign = app
        .post(
            Some(&manager),
            "/ledgers/contracts",
            &[
                ("csrf_token", &manager.csrf),
                ("contract_no", "M-1"),
                ("department", "040100"),
                ("title", "窓口"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.body.contains("担当範囲外"));
}
