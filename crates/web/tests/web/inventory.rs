//! The reconciliation with the asset-management tools on screen: what a tool saw that no
//! ledger holds, and the ledger's machine no tool has seen.

use crate::app::TestApp;
use axum::http::StatusCode;
use daicho_store::{Actor, AssetInput, Scope};

#[tokio::test]
async fn the_reconciliation_names_what_no_ledger_holds_and_what_no_tool_saw() {
    let app = TestApp::new().await;
    let scope = Scope::tenant(app.demo.id);
    for (tag, host) in [("TOOL-SEEN", "JOHO-PC01"), ("TOOL-GONE", "JOHO-PC09")] {
        let asset = AssetInput::default()
            .with("asset_tag", tag)
            .with("department", "080500")
            .with("kind", "desktop")
            .with("name", "照合用PC")
            .with("status", "in_use")
            .with("host_name", host);
        app.db
            .create_asset(&scope, &Actor::system("test"), &asset)
            .await
            .expect("asset");
    }
    let policy = app.login("policy").await;
    let empty = app.get(Some(&policy), "/inventory").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("検出記録はまだありません"));

    // SKYSEA's export as the tool saves it, under its own file name.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("SKYSEA資産一覧.csv");
    let day = app.db.data_day(app.demo.id).await.expect("day");
    std::fs::write(
        &file,
        format!(
            "コンピューター名,IPアドレス,MACアドレス,OS,最終通信日時\n\
             joho-pc01.city.local,10.1.0.1,AA:BB:CC:00:00:01,Windows 11 Pro,{day} 08:30\n\
             DONATED-PC,10.1.0.77,AA:BB:CC:77:77:77,Windows 10 Home,{day} 09:00\n"
        ),
    )
    .expect("write");
    let report = daicho_ingest::import_paths(
        &app.db,
        &scope,
        &Actor::system("test"),
        &[file],
        &daicho_ingest::ImportOptions::default(),
        |_| {},
    )
    .await
    .expect("import");
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    assert_eq!(report.files[0].ledger, "inventory");

    let page = app.get(Some(&policy), "/inventory").await;
    assert_eq!(page.status, StatusCode::OK);
    let section = |id: &str| {
        let start = page.body.find(id).expect("section");
        let end = page.body[start..].find("</section>").expect("end") + start;
        page.body[start..end].to_string()
    };
    let unregistered = section("unregistered-h");
    assert!(unregistered.contains("DONATED-PC") && unregistered.contains("10.1.0.77"));
    assert!(!unregistered.contains("joho-pc01"));
    let unseen = section("unseen-h");
    assert!(unseen.contains("TOOL-GONE") && unseen.contains("一度も検出されていません"));
    assert!(!unseen.contains("TOOL-SEEN"));
    // The same machines are findings.
    let findings = app
        .get(Some(&policy), "/findings?rule=inventory-unregistered")
        .await;
    assert!(findings.body.contains("DONATED-PC"), "{}", findings.body);

    assert!(
        page.body.contains("90日を超えて検出なし"),
        "the rule's own days"
    );
    // The city's own number of days is the page's.
    let mut params = serde_json::Map::new();
    params.insert("days".into(), serde_json::json!(30));
    app.db
        .save_rule_setting(
            &scope,
            &Actor::system("test"),
            "inventory-unseen",
            true,
            None,
            &params,
        )
        .await
        .expect("setting");
    let page = app.get(Some(&policy), "/inventory").await;
    assert!(page.body.contains("30日を超えて検出なし"), "{}", page.body);

    // A department's manager sees no tenant-wide reconciliation; another tenant, nothing.
    let manager = app.login("manager").await;
    assert_eq!(
        app.get(Some(&manager), "/inventory").await.status,
        StatusCode::FORBIDDEN
    );
    let okayama = app.login("okayama-admin").await;
    let theirs = app.get(Some(&okayama), "/inventory").await;
    assert!(!theirs.body.contains("DONATED-PC"));
}
