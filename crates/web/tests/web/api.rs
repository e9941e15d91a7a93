//! The JSON API: its OpenAPI document against its routes, tokens made and revoked by an
//! administrator, every route scoped to the token's tenant, errors in JSON with the
//! screens' Japanese, and the import's check and confirmation.

use crate::app::{Client, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

/// A request to the API with `token` (none: no Authorization header).
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let page = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    assert!(
        page.content_type.starts_with("application/json"),
        "{path}: {} {}",
        page.content_type,
        page.body
    );
    (
        page.status,
        serde_json::from_str(&page.body).expect("JSON body"),
    )
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, body) = call(app, Method::GET, path, Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// Makes a token on the accounts page, as an administrator does, and reads it off the page.
async fn token(app: &TestApp, admin: &Client, name: &str, role: &str) -> String {
    let page = app
        .post(
            Some(admin),
            "/users/tokens",
            &[
                ("csrf_token", &admin.csrf),
                ("name", name),
                ("role", role),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start = page
        .body
        .find("<code id=\"new-token\">")
        .expect("token shown")
        + 21;
    page.body[start..start + page.body[start..].find('<').expect("end")].to_string()
}

/// Sends files to the import as a program would (multipart, field `files`).
async fn upload(app: &TestApp, token: &str, name: &str, csv: &str) -> (StatusCode, Value) {
    const BOUNDARY: &str = "api-boundary";
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    );
    let request = Request::post("/api/v1/imports")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    let page = app.send(request).await;
    (
        page.status,
        serde_json::from_str(&page.body).expect("JSON body"),
    )
}

/// Polls an import until its check or import is done.
async fn settled(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let status = get(app, &format!("/api/v1/imports/{id}"), token).await;
        if !matches!(status["stage"].as_str(), Some("checking" | "importing")) {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_names_every_route() {
    let app = TestApp::new().await;
    let page = app.get(None, "/api/v1/openapi.json").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&page.body).expect("JSON");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "GET /api/v1/assets",
            "GET /api/v1/audits",
            "GET /api/v1/audits/{id}/items",
            "GET /api/v1/audits/{id}/measures",
            "GET /api/v1/findings",
            "GET /api/v1/imports/{id}",
            "GET /api/v1/ledgers",
            "GET /api/v1/ledgers/{name}",
            "GET /api/v1/ledgers/{name}/{id}",
            "POST /api/v1/imports",
            "POST /api/v1/imports/{id}/confirm",
        ]
    );
    // Every documented operation is a route (it asks for a token, where a path that is
    // no route answers 404), and says what a missing token gets.
    for op in &operations {
        let (method, path) = op.split_once(' ').expect("op");
        let concrete = path.replace("{name}", "contracts").replace("{id}", "1");
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let (status, body) = call(&app, method, &concrete, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{op}: {body}");
        let documented = &doc["paths"][path][op.split_once(' ').expect("op").0.to_lowercase()];
        assert!(documented["responses"]["401"].is_object(), "{op}");
    }
    let (status, _) = call(&app, Method::GET, "/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_token_sees_its_own_tenant_and_nothing_else() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let okayama_admin = app.login("okayama-admin").await;
    let demo = token(&app, &admin, "集計", "viewer").await;
    let okayama = token(&app, &okayama_admin, "岡山の集計", "viewer").await;

    let mine = get(&app, "/api/v1/assets?q=OKA-1", &okayama).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["rows"][0]["department_name"], "岡山総務課");
    let theirs = get(&app, "/api/v1/assets?q=OKA-1", &demo).await;
    assert_eq!(theirs["total"], 0);
    let all = get(&app, "/api/v1/assets", &okayama).await;
    assert_eq!(all["total"], 1, "only Okayama's asset");
    let demo_assets = get(&app, "/api/v1/assets?department=080500", &demo).await;
    let library_total = demo_assets["total"].as_i64().expect("n");
    assert!(library_total > 0);
    assert!(
        demo_assets["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["department"]
                .as_str()
                .is_some_and(|d| d.starts_with("0805")))
    );
    // Another tenant's department code names nothing for this token.
    let (status, body) = call(
        &app,
        Method::GET,
        "/api/v1/assets?department=080500",
        Some(&okayama),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("080500")
    );

    // A row of the demo's ledgers, by id, is not found with Okayama's token.
    let contracts = get(&app, "/api/v1/ledgers/contracts", &demo).await;
    let id = contracts["rows"][0]["id"].as_i64().expect("a contract");
    let one = get(&app, &format!("/api/v1/ledgers/contracts/{id}"), &demo).await;
    assert_eq!(one["id"], id);
    assert!(!one["history"].as_array().expect("history").is_empty());
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/ledgers/contracts/{id}"),
        Some(&okayama),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/api/v1/ledgers/contracts", &okayama).await["total"],
        0
    );

    // The audit and its items are the demo's alone.
    let audits = get(&app, "/api/v1/audits", &demo).await;
    assert!(
        audits
            .as_array()
            .expect("audits")
            .iter()
            .any(|a| a["audit_id"] == "EX-2023")
    );
    assert_eq!(
        get(&app, "/api/v1/audits", &okayama).await,
        Value::Array(vec![])
    );
    // An item confirmed for the library is numbered as the report numbers it.
    let whole = daicho_store::Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&whole, "EX-2023").await.expect("audit");
    let item = daicho_store::NewAuditItem {
        scope: daicho_domain::audit_item::ItemScope::Individual,
        grade: "violation".into(),
        title: "資産番号のない端末".into(),
        summary: None,
        body: None,
        clause: None,
        rule_id: None,
        state: daicho_store::ItemState::Confirmed,
        departments: vec![app.department_id("080500").await],
        evidence: vec![],
    };
    app.db
        .add_audit_item(&whole, &daicho_store::Actor::system("test"), audit, &item)
        .await
        .expect("item");
    let items = get(&app, "/api/v1/audits/EX-2023/items", &demo).await;
    let numbers: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["number"].as_str())
        .collect();
    assert_eq!(numbers, ["個1"], "{items}");
    assert_eq!(items[0]["departments"][0], "080500");
    for path in [
        "/api/v1/audits/EX-2023/items",
        "/api/v1/audits/EX-2023/measures",
    ] {
        let (status, _) = call(&app, Method::GET, path, Some(&okayama)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // The findings are read from the tenant's own audit.
    let findings = get(&app, "/api/v1/findings", &demo).await;
    assert!(findings["total"].as_u64().expect("n") > 0);
    let okayama_findings = get(&app, "/api/v1/findings", &okayama).await;
    assert!(
        okayama_findings["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["department"].is_null() || r["department"] == "110"),
        "{okayama_findings}"
    );
}

#[tokio::test]
async fn bad_requests_get_json_errors_in_japanese() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let viewer = token(&app, &admin, "閲覧", "viewer").await;
    let (status, body) = call(&app, Method::GET, "/api/v1/assets", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("トークン")
    );
    let last = if viewer.ends_with('0') { "1" } else { "0" };
    let forged = format!("{}{last}", &viewer[..viewer.len() - 1]);
    let (status, _) = call(&app, Method::GET, "/api/v1/assets", Some(&forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A session cookie is no token.
    let request = Request::get("/api/v1/assets")
        .header(header::COOKIE, &admin.cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::UNAUTHORIZED);

    let (status, body) = call(
        &app,
        Method::GET,
        "/api/v1/assets?kind=spaceship",
        Some(&viewer),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["message"], "種別「spaceship」はありません。");
    let (status, _) = call(&app, Method::GET, "/api/v1/ledgers/no-such", Some(&viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(
        &app,
        Method::GET,
        "/api/v1/findings?as_of=someday",
        Some(&viewer),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("監査基準日「someday」")
    );

    // A reading token cannot import.
    let (status, body) = upload(
        &app,
        &viewer,
        "a.csv",
        "備品番号,種別,品名\nV-1,desktop,PC\n",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("取り込めません")
    );

    // Revoked on the page, the token stops at once.
    let id = app
        .db
        .api_tokens(app.demo.id)
        .await
        .expect("tokens")
        .into_iter()
        .find(|t| t.name == "閲覧")
        .expect("token")
        .id;
    let revoked = app
        .post(
            Some(&admin),
            &format!("/users/tokens/{id}/revoke"),
            &[("csrf_token", &admin.csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let (status, _) = call(&app, Method::GET, "/api/v1/assets", Some(&viewer)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Only an administrator makes tokens.
    let policy = app.login("policy").await;
    let refused = app
        .post(
            Some(&policy),
            "/users/tokens",
            &[
                ("csrf_token", &policy.csrf),
                ("name", "x"),
                ("role", "policy"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_import_is_checked_then_confirmed_all_or_nothing() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let policy = token(&app, &admin, "資産管理ツール", "policy").await;
    let other = token(&app, &admin, "別のツール", "policy").await;
    let before = app.asset_count(&app.demo).await;

    // A check with an error: said with its file, row and column; cannot be confirmed.
    let (status, started) = upload(
        &app,
        &policy,
        "bad.csv",
        "備品番号,所属,種別,品名,取得日\nAPI-1,080500,desktop,PC,2023-04-01\nAPI-2,080500,desktop,PC,2023-02-30\n",
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let id = started["id"].as_str().expect("id").to_string();
    let checked = settled(&app, &policy, &id).await;
    assert_eq!(checked["stage"], "checked");
    let report = &checked["report"];
    assert_eq!(report["error_count"], 1, "{report}");
    assert_eq!(report["errors"][0]["file"], "bad.csv");
    assert_eq!(report["errors"][0]["row"], 3);
    assert_eq!(report["errors"][0]["column"], "取得日");
    assert!(
        !report["errors"][0]["message"]
            .as_str()
            .expect("m")
            .is_ascii()
    );
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/imports/{id}/confirm"),
        Some(&policy),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(app.asset_count(&app.demo).await, before, "nothing written");

    // A clean check, confirmed: written, once, and named in the history by the token.
    let (_, started) = upload(
        &app,
        &policy,
        "good.csv",
        "備品番号,所属,種別,品名,取得日\nAPI-1,080500,desktop,PC,2023-04-01\nAPI-2,080500,desktop,PC,2023-04-02\n",
    )
    .await;
    let id = started["id"].as_str().expect("id").to_string();
    let checked = settled(&app, &policy, &id).await;
    assert_eq!(checked["report"]["error_count"], 0, "{checked}");
    assert_eq!(checked["report"]["committed"], false);
    assert_eq!(
        app.asset_count(&app.demo).await,
        before,
        "a check writes nothing"
    );
    // Another token's upload is not this one's to see or confirm.
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/imports/{id}"),
        Some(&other),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/imports/{id}/confirm"),
        Some(&other),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/imports/{id}/confirm"),
        Some(&policy),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let done = settled(&app, &policy, &id).await;
    assert_eq!(done["stage"], "imported", "{done}");
    assert_eq!(done["report"]["committed"], true);
    assert_eq!(app.asset_count(&app.demo).await, before + 2);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/imports/{id}/confirm"),
        Some(&policy),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "confirmed once");
    let asset = app.asset_id(&app.demo, "API-1").await;
    let history = app
        .db
        .history(&daicho_store::Scope::tenant(app.demo.id), "assets", asset)
        .await
        .expect("history");
    assert_eq!(history[0].changed_by, "api:資産管理ツール");
}
