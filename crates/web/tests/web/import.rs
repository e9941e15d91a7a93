//! Importing from the browser: a dry run shows what would change and every error; only a
//! confirmation by the same user writes.

use crate::app::{Client, Page, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

const BOUNDARY: &str = "daicho-test-boundary";

fn multipart(csrf: &str, files: &[(&str, &str)]) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
    );
    body.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"department\"\r\n\r\n080500\r\n"
    ));
    for (name, content) in files {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

async fn upload(app: &TestApp, client: &Client, files: &[(&str, &str)]) -> Page {
    let request = Request::post("/import")
        .header(header::COOKIE, &client.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(&client.csrf, files)))
        .expect("request");
    app.send(request).await
}

fn confirm_path(page: &Page) -> String {
    let start = page.body.find("action=\"/import/").expect("a confirm form") + "action=\"".len();
    page.body[start..]
        .split('"')
        .next()
        .expect("path")
        .to_string()
}

#[tokio::test]
async fn a_checked_upload_is_written_only_when_confirmed() {
    let app = TestApp::new().await;
    let manager = app.login("manager").await;
    let before = app.asset_count(&app.demo).await;
    let csv = "備品番号,種別,品名,取得日\nLIB-9001,ノートパソコン,貸出用PC,令和5年4月1日\nLIB-9002,デスクトップパソコン,検索用PC,2023-04-01\n";
    let page = upload(&app, &manager, &[("蔵書検索端末.csv", csv)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("まだ何も書き込んでいません") && page.body.contains("蔵書検索端末.csv")
    );
    assert_eq!(
        app.asset_count(&app.demo).await,
        before,
        "the preview writes nothing"
    );

    let other = app.login("policy").await;
    let path = confirm_path(&page);
    let stolen = app
        .post(Some(&other), &path, &[("csrf_token", &other.csrf)])
        .await;
    assert_eq!(
        stolen.status,
        StatusCode::NOT_FOUND,
        "only the uploader confirms"
    );
    let done = app
        .post(Some(&manager), &path, &[("csrf_token", &manager.csrf)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("取り込みました"));
    assert_eq!(app.asset_count(&app.demo).await, before + 2);
    assert_eq!(
        app.post(Some(&manager), &path, &[("csrf_token", &manager.csrf)])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a confirmation is used once"
    );
}

#[tokio::test]
async fn errors_are_listed_and_nothing_can_be_confirmed() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let page = upload(
        &app,
        &policy,
        &[(
            "bad.csv",
            "備品番号,種別,品名,取得日\nX-1,desktop,PC,2023-02-30\n",
        )],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("1 件の誤りがあります")
            && page
                .body
                .contains("bad.csv 2行目 列「取得日」 値「2023-02-30」")
    );
    assert!(
        !page.body.contains("action=\"/import/"),
        "no confirm button"
    );
}

#[tokio::test]
async fn read_only_roles_and_forged_forms_cannot_import() {
    let app = TestApp::new().await;
    let viewer = app.login("viewer").await;
    assert_eq!(
        app.get(Some(&viewer), "/import").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(
            &app,
            &viewer,
            &[("a.csv", "備品番号,種別,品名\nV-1,desktop,PC\n")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let policy = app.login("policy").await;
    let forged = Client {
        cookie: policy.cookie.clone(),
        csrf: "0".repeat(64),
    };
    assert_eq!(
        upload(
            &app,
            &forged,
            &[("a.csv", "備品番号,種別,品名\nV-1,desktop,PC\n")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
