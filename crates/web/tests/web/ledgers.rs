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
        session
            .upsert_row(spec, &cells)
            .await
            .expect("db")
            .expect("valid row");
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
    session
        .upsert_row(total, &cells)
        .await
        .expect("db")
        .expect("valid row");
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
    assert!(
        list.contains("2 件")
            && list.contains("図書館システム保守")
            && list.contains("discretionary")
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

#[tokio::test]
async fn a_manager_sees_only_its_rows_and_a_tenant_only_its_own() {
    let app = TestApp::new().await;
    let (library, service) = contracts(&app).await;
    let manager = app.login("manager").await;
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
