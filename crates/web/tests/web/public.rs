//! Publication (公表, 総7): 情報政策課 previews an audit's summary and its measures-taken
//! report with what the redaction hides, publishes them, and anyone reads them without
//! login — no asset tag, serial number or IP address of the city among them. The policy's
//! public part marks its ledger row published. Versions are kept; other tenants and
//! unpublished audits are not found.

use crate::app::{TestApp, hidden};
use axum::http::StatusCode;
use daicho_store::{ItemText, Scope};

/// Every asset tag and serial number of the demo city.
async fn sensitive_words(app: &TestApp) -> Vec<String> {
    let scope = Scope::tenant(app.demo.id);
    let assets = app
        .db
        .assets_after(&scope, 0, 1_000_000)
        .await
        .expect("assets");
    assert!(assets.len() > 100, "the demo city's assets");
    assets
        .into_iter()
        .flat_map(|a| [Some(a.fields.asset_tag), a.fields.serial])
        .flatten()
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

/// Writes an asset tag and an address into an item's text, as an auditor might.
async fn plant(app: &TestApp, tag: &str) {
    let scope = Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&scope, "EX-2023").await.expect("audit");
    let item = app
        .db
        .audit_items(&scope, audit)
        .await
        .expect("items")
        .into_iter()
        .find(|i| i.item.title == "電子機器の備品管理について")
        .expect("個9");
    let mut text = ItemText {
        scope: item.item.scope,
        grade: item.item.grade.clone(),
        title: item.item.title.clone(),
        summary: item.item.summary.clone(),
        body: item.item.body.clone(),
        clause: item.item.clause.clone(),
    };
    text.body = Some(format!(
        "{}\n備品番号 {tag} のモニター（192.168.10.25 に接続）が台帳にない。",
        text.body.unwrap_or_default()
    ));
    app.db
        .update_audit_item(&scope, &daicho_store::Actor::system("test"), item.id, &text)
        .await
        .expect("rewritten");
}

#[tokio::test]
async fn an_audit_is_previewed_published_and_read_without_login_redacted() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let code = app.demo.code.as_str().to_string();
    let words = sensitive_words(&app).await;
    let tag = words[0].clone();
    plant(&app, &tag).await;

    let index = app.get(None, &format!("/public/{code}")).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("公表しているものはまだありません"));
    let missing = app
        .get(None, &format!("/public/{code}/audit/EX-2023"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let policy = app.login("policy").await;
    let preview = app
        .get(Some(&policy), "/audits/EX-2023/publish?kind=audit")
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    // The person publishing sees what is hidden and why, before it goes out.
    assert!(preview.body.contains("非公開にする語"), "{}", preview.body);
    assert!(
        preview
            .body
            .contains(&format!("<td>{tag}</td><td>備品番号</td>")),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("<td>192.168.10.25</td><td>IPアドレス</td>")
    );
    assert!(preview.body.contains("個9") && preview.body.contains("指摘又は意見なし"));
    let digest = hidden(&preview.body, "digest").expect("digest");

    // Changed after the preview: nothing is published, the new preview is shown.
    plant(&app, &tag).await;
    let stale = app
        .post(
            Some(&policy),
            "/audits/EX-2023/publish",
            &[
                ("csrf_token", &policy.csrf),
                ("kind", "audit"),
                ("digest", &digest),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert!(
        stale
            .body
            .contains("確認の後で内容が変わったため、公表していません")
    );
    let digest = hidden(&stale.body, "digest").expect("digest");
    let published = app
        .post(
            Some(&policy),
            "/audits/EX-2023/publish",
            &[
                ("csrf_token", &policy.csrf),
                ("kind", "audit"),
                ("digest", &digest),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(published.location, format!("/public/{code}/audit/EX-2023"));

    // Anyone reads it, without login: the items and their measures, nothing sensitive.
    let page = app.get(None, &published.location).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "個1",
        "総1",
        "電子機器の備品管理について",
        "［非公開］",
        "措置済",
        "第1版",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("192.168.10.25"));
    let leaked: Vec<&String> = words
        .iter()
        .filter(|w| page.body.contains(w.as_str()))
        .collect();
    assert!(leaked.is_empty(), "published: {leaked:?}");
    assert!(!page.body.contains("ログアウト"), "a public page, no menu");

    // The measures-taken report, published the same way.
    let preview = app
        .get(Some(&policy), "/audits/EX-2023/publish?kind=measures")
        .await;
    let digest = hidden(&preview.body, "digest").expect("digest");
    let published = app
        .post(
            Some(&policy),
            "/audits/EX-2023/publish",
            &[
                ("csrf_token", &policy.csrf),
                ("kind", "measures"),
                ("digest", &digest),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let page = app.get(None, &published.location).await;
    for expected in ["措置状況", "措置中", "未措置", "報告なし"] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    let leaked: Vec<&String> = words
        .iter()
        .filter(|w| page.body.contains(w.as_str()))
        .collect();
    assert!(leaked.is_empty(), "published: {leaked:?}");

    // A second version: both readable, the history names them.
    let preview = app
        .get(Some(&policy), "/audits/EX-2023/publish?kind=audit")
        .await;
    let digest = hidden(&preview.body, "digest").expect("digest");
    app.post(
        Some(&policy),
        "/audits/EX-2023/publish",
        &[
            ("csrf_token", &policy.csrf),
            ("kind", "audit"),
            ("digest", &digest),
        ],
    )
    .await;
    let latest = app
        .get(None, &format!("/public/{code}/audit/EX-2023"))
        .await;
    assert!(latest.body.contains("第2版") && latest.body.contains("?version=1"));
    let first = app
        .get(None, &format!("/public/{code}/audit/EX-2023?version=1"))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let index = app.get(None, &format!("/public/{code}")).await;
    assert!(index.body.contains("監査結果の概要") && index.body.contains("措置状況"));
    let list = app.get(Some(&policy), "/publications").await;
    assert!(
        list.body.contains("第2版") && list.body.contains("テスト情報政策課"),
        "{}",
        list.body
    );

    // Not another tenant's, not by a made-up tenant code.
    let other = app.other.code.as_str();
    let elsewhere = app
        .get(None, &format!("/public/{other}/audit/EX-2023"))
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let nowhere = app.get(None, "/public/..%2F/audit/EX-2023").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn who_may_publish() {
    let app = TestApp::new().await;
    for role in ["auditor", "manager", "viewer"] {
        let user = app.login(role).await;
        let preview = app
            .get(Some(&user), "/audits/EX-2023/publish?kind=audit")
            .await;
        assert_eq!(preview.status, StatusCode::FORBIDDEN, "{role}");
        let posted = app
            .post(
                Some(&user),
                "/audits/EX-2023/publish",
                &[
                    ("csrf_token", &user.csrf),
                    ("kind", "audit"),
                    ("digest", "x"),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN, "{role}");
    }
    let admin = app.login("admin").await;
    let forged = app
        .post(
            Some(&admin),
            "/audits/EX-2023/publish",
            &[("csrf_token", "forged"), ("kind", "audit"), ("digest", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// The policy's public part: typed, previewed, published; its ledger row says 公開 with the
/// page's address, so the rule 総1 no longer finds it unpublished.
#[tokio::test]
async fn the_basic_policy_is_published_and_its_ledger_row_says_so() {
    let app = TestApp::new().await;
    let code = app.demo.code.as_str().to_string();
    let policy = app.login("policy").await;
    let form = app
        .get(Some(&policy), "/publications/policy?document=basic_policy")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains("サンプル市行政情報セキュリティポリシー 基本方針")
    );
    // 実施手順 and other documents are never offered.
    assert!(!form.body.contains("公式Facebook運用ポリシー"));
    let text = "1 目的\n本市の情報資産を脅威から守る。\n2 対象\n情報政策課が管理する 192.168.0.1 を含む全ての機器。";
    let preview = app
        .post(
            Some(&policy),
            "/publications/policy",
            &[
                ("csrf_token", &policy.csrf),
                ("document", "basic_policy"),
                ("text", text),
                ("action", "preview"),
            ],
        )
        .await;
    assert!(
        preview
            .body
            .contains("<td>192.168.0.1</td><td>IPアドレス</td>"),
        "{}",
        preview.body
    );
    let digest = hidden(&preview.body, "digest").expect("digest");
    let published = app
        .post(
            Some(&policy),
            "/publications/policy",
            &[
                ("csrf_token", &policy.csrf),
                ("document", "basic_policy"),
                ("text", text),
                ("action", "publish"),
                ("digest", &digest),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let path = format!("/public/{code}/policy/basic_policy");
    assert_eq!(published.location, path);
    let page = app.get(None, &path).await;
    assert!(
        page.body.contains("本市の情報資産を脅威から守る。") && page.body.contains("［非公開］")
    );
    assert!(!page.body.contains("192.168.0.1"));
    // The ledger says it is published, where.
    let rows = app
        .db
        .ledger_rows(
            &Scope::tenant(app.demo.id),
            daicho_store::ledgers::ledger("policies").expect("ledger"),
        )
        .await
        .expect("rows");
    let row = rows
        .iter()
        .find(|r| r[1] == "basic_policy")
        .expect("basic policy");
    assert_eq!(
        (row[4].as_str(), row[5].as_str()),
        ("有", path.as_str()),
        "{row:?}"
    );
}
