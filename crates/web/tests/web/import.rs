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

/// Follows an import to its report: the redirect to its page, then the page's
/// self-refresh while it runs.
async fn follow(app: &TestApp, client: &Client, mut page: Page) -> Page {
    let mut at = String::new();
    for _ in 0..500 {
        if page.status == StatusCode::SEE_OTHER && page.location.starts_with("/import/") {
            at = page.location.clone();
        } else if page.body.contains("http-equiv=\"refresh\"") {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        } else {
            return page;
        }
        page = app.get(Some(client), &at).await;
    }
    panic!("the import never finished");
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
    follow(app, client, app.send(request).await).await
}

/// The `action` of every form on the page.
fn form_actions(page: &Page) -> Vec<String> {
    page.body
        .split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

fn confirm_path(page: &Page) -> String {
    form_actions(page)
        .into_iter()
        .find(|path| {
            path.starts_with("/import/")
                && !path.ends_with("/columns")
                && !path.ends_with("/departments")
        })
        .expect("a confirm form")
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
    assert!(
        page.body.contains("蔵書検索端末.csv の先頭 2 行")
            && page.body.contains("<td>貸出用PC</td>"),
        "the first rows are shown"
    );

    let other = app.login("policy").await;
    let path = confirm_path(&page);
    assert_eq!(
        app.get(Some(&other), &path).await.status,
        StatusCode::NOT_FOUND,
        "only the uploader sees its import"
    );
    let stolen = app
        .post(Some(&other), &path, &[("csrf_token", &other.csrf)])
        .await;
    assert_eq!(
        stolen.status,
        StatusCode::NOT_FOUND,
        "only the uploader confirms"
    );
    let done = follow(
        &app,
        &manager,
        app.post(Some(&manager), &path, &[("csrf_token", &manager.csrf)])
            .await,
    )
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
        form_actions(&page)
            .iter()
            .filter(|a| a.starts_with("/import/"))
            .all(|a| a.ends_with("/columns") || a.ends_with("/cancel")),
        "no confirm button, only the column corrections and cancelling"
    );
}

#[tokio::test]
async fn pending_uploads_are_few_per_user_and_cancelling_removes_one() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let bad = [(
        "bad.csv",
        "備品番号,種別,品名,取得日\nX-1,desktop,PC,2023-02-30\n",
    )];
    let mut cancels = Vec::new();
    for _ in 0..daicho_web::uploads::MAX_PENDING {
        let page = upload(&app, &policy, &bad).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let cancel = form_actions(&page)
            .into_iter()
            .find(|a| a.ends_with("/cancel"))
            .expect("a cancel button");
        cancels.push(cancel);
    }
    let refused = upload(&app, &policy, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("確認待ちの取込が3件あります"),
        "{}",
        refused.body
    );
    let done = app
        .post(
            Some(&policy),
            &cancels[0],
            &[("csrf_token", policy.csrf.as_str())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let token_page = cancels[0].trim_end_matches("/cancel");
    assert_eq!(
        app.get(Some(&policy), token_page).await.status,
        StatusCode::NOT_FOUND,
        "the cancelled upload is gone"
    );
    let again = upload(&app, &policy, &bad).await;
    assert!(
        again.body.contains("1 件の誤りがあります"),
        "a slot is free again"
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

#[tokio::test]
async fn a_corrected_column_mapping_is_applied_and_saved_for_the_next_file() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    // The city calls its tag column 「シール番号」 and its place 「置き場」: neither is known.
    let csv = "シール番号,種別,品名,置き場\nSEAL-1,デスクトップパソコン,受付PC,1階窓口\n";
    let page = upload(&app, &policy, &[("受付.csv", csv)]).await;
    assert!(
        page.body.contains("name=\"col:シール番号\"") && page.body.contains("name=\"col:置き場\""),
        "every header can be corrected"
    );
    let columns = form_actions(&page)
        .into_iter()
        .find(|a| a.ends_with("/columns"))
        .expect("a form to correct the columns");
    let fixed = follow(
        &app,
        &policy,
        app.post(
            Some(&policy),
            &columns,
            &[
                ("csrf_token", &policy.csrf),
                ("col:シール番号", "asset_tag"),
                ("col:置き場", "location"),
                ("col:種別", "kind"),
                ("col:品名", "name"),
                ("save_as", "窓口の機器一覧"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(fixed.status, StatusCode::OK);
    assert!(fixed.body.contains("まだ何も書き込んでいません"));
    let confirm = confirm_path(&fixed);
    let done = follow(
        &app,
        &policy,
        app.post(Some(&policy), &confirm, &[("csrf_token", &policy.csrf)])
            .await,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    let asset = app.asset_id(&app.demo, "SEAL-1").await;
    let detail = app
        .get(Some(&policy), &format!("/assets/{asset}"))
        .await
        .body;
    assert!(detail.contains("1階窓口"), "the place went into 設置場所");

    let form = app.get(Some(&policy), "/import").await.body;
    assert!(
        form.contains("<option value=\"窓口の機器一覧\">"),
        "the mapping is offered by name"
    );
}

/// A zip bomb and a workbook with a cell in XFD1048576, sent from the browser: the page
/// names the file and the limit, and nothing is written.
#[tokio::test]
async fn hostile_uploads_are_refused_on_the_page_and_change_nothing() {
    use std::io::Write;
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let before = app.get(Some(&policy), "/dashboard").await.body;
    let mut bomb = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
        zip.start_file("assets.csv", zip::write::SimpleFileOptions::default())
            .expect("entry");
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&chunk).expect("write");
        }
        zip.finish().expect("finish");
    }
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bundle.zip\"\r\nContent-Type: application/zip\r\n\r\n",
        policy.csrf
    )
    .into_bytes();
    body.extend_from_slice(&bomb);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post("/import")
        .header(header::COOKIE, &policy.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    let page = follow(&app, &policy, app.send(request).await).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("bundle.zip") && page.body.contains("圧縮率が異常です"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/tmp"), "no server path on the page");
    assert!(
        form_actions(&page)
            .iter()
            .all(|a| !a.starts_with("/import/")
                || a.ends_with("/columns")
                || a.ends_with("/cancel")),
        "nothing to confirm"
    );
    assert_eq!(
        app.get(Some(&policy), "/dashboard").await.body,
        before,
        "nothing written"
    );
}

/// A file names 「図書館」, which the city does not have: nothing is made up — the check
/// lists the name with 中央図書館 first among the closest; chosen, the check passes and
/// the rows go to 中央図書館; no department is created.
#[tokio::test]
async fn an_unknown_department_is_chosen_from_the_closest_before_anything_is_written() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let departments_before = app.db.departments(&scope).await.expect("departments").len();
    let csv = "備品番号,所属,種別,品名\nLIB-9101,図書館,desktop,検索用PC\n";
    let page = upload(&app, &policy, &[("図書館.csv", csv)]).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("「図書館」（1 行）"), "{}", page.body);
    let closest = page
        .body
        .split("<optgroup label=\"名前の近い所属\">")
        .nth(1)
        .and_then(|rest| rest.split("</optgroup>").next())
        .expect("the closest departments");
    assert!(
        closest.starts_with("<option value=\"080500\">中央図書館（080500）"),
        "{closest}"
    );
    let action = form_actions(&page)
        .into_iter()
        .find(|a| a.ends_with("/departments"))
        .expect("the departments form");
    let chosen = app
        .post(
            Some(&policy),
            &action,
            &[("csrf_token", &policy.csrf), ("dept:図書館", "080500")],
        )
        .await;
    let checked = follow(&app, &policy, chosen).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        !checked.body.contains("新しく作成する所属"),
        "{}",
        checked.body
    );
    let done = app
        .post(
            Some(&policy),
            &confirm_path(&checked),
            &[("csrf_token", &policy.csrf)],
        )
        .await;
    let done = follow(&app, &policy, done).await;
    assert!(done.body.contains("取り込みました"), "{}", done.body);
    let filter = daicho_store::AssetFilter {
        search: Some("LIB-9101".into()),
        page: 1,
        ..Default::default()
    };
    let rows = app
        .db
        .list_assets(&scope, &filter)
        .await
        .expect("list")
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].department_code, "080500");
    assert_eq!(
        app.db.departments(&scope).await.expect("departments").len(),
        departments_before,
        "no department made up"
    );
}
