//! Who may log in and see what: the staff account's own page and nothing else, the
//! second factor at login and its setup, a tenant requiring it, and staff accounts made
//! from the staff ledger and opened with their setup code.

use crate::app::{Client, PASSWORD, Page, TestApp, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use daicho_store::Scope;
use daicho_store::testing::totp_code;

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("after 1970")
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    Some(&html[from..from + html[from..].find(end)?])
}

/// Posts a form sent before any session (the setup page), with the cookie its GET set.
async fn post_anonymous(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
    let form = app.get(None, path).await;
    let token = hidden(&form.body, "csrf_token").expect("csrf");
    let cookie = form
        .cookies
        .iter()
        .find(|c| c.starts_with("daicho_login_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();
    let mut pairs = vec![("csrf_token", token.as_str())];
    pairs.extend_from_slice(fields);
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

#[tokio::test]
async fn a_staff_account_opens_its_own_page_and_nothing_else() {
    let app = TestApp::new().await;
    app.db
        .link_user_to_staff("staff", daicho_demo::DEMO_STAFF)
        .await
        .expect("link");
    let staff = app.login("staff").await;
    let landing = app.get(Some(&staff), "/dashboard").await;
    assert_eq!(landing.status, StatusCode::SEE_OTHER);
    assert_eq!(landing.location, "/my");
    let my = app.get(Some(&staff), "/my").await;
    assert_eq!(my.status, StatusCode::OK, "{}", my.body);
    assert!(my.body.contains(daicho_demo::DEMO_STAFF) && my.body.contains("図書館"));
    // The menu offers the person's own pages only.
    assert!(my.body.contains("セルフチェック") && !my.body.contains("資産台帳"));
    // Their department's open items, as the measures page would list them for it.
    let user = app
        .db
        .users(Some(app.demo.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "staff")
        .expect("staff");
    let scope = app.db.scope_for(&user).await.expect("scope");
    let library = app.department_id("080500").await;
    assert_eq!(scope.departments, Some(vec![library]));
    // An item confirmed for the library, and one for another department.
    let whole = Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&whole, "EX-2023").await.expect("audit");
    for (title, department) in [
        ("図書館の端末に資産番号がない", library),
        (
            "財政課の媒体が台帳にない",
            app.department_id("030100").await,
        ),
    ] {
        let item = daicho_store::NewAuditItem {
            scope: daicho_domain::audit_item::ItemScope::Individual,
            grade: "violation".into(),
            title: title.into(),
            summary: None,
            body: None,
            clause: None,
            rule_id: None,
            state: daicho_store::ItemState::Confirmed,
            departments: vec![department],
            evidence: vec![],
        };
        app.db
            .add_audit_item(&whole, &daicho_store::Actor::system("test"), audit, &item)
            .await
            .expect("item");
    }
    let my = app.get(Some(&staff), "/my").await;
    assert!(!my.body.contains("財政課の媒体が台帳にない"));
    let items = app.db.open_items(&scope).await.expect("items");
    assert!(
        items
            .iter()
            .any(|i| i.title == "図書館の端末に資産番号がない"),
        "{items:?}"
    );
    for item in items {
        assert!(my.body.contains(&item.title), "{}", item.title);
    }
    // The self-check: listed with a way to answer, the answer form opens.
    let campaign = app
        .db
        .self_check_campaigns(app.demo.id)
        .await
        .expect("campaigns")[0]
        .campaign
        .clone();
    let list = app.get(Some(&staff), "/self-check").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        !list
            .body
            .contains(&format!("href=\"/self-check/{campaign}\""))
    );
    let form = app
        .get(Some(&staff), &format!("/self-check/{campaign}/answer"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let asset = app.asset_id(&app.demo, "").await;
    for path in [
        "/departments".to_string(),
        "/assets".into(),
        format!("/assets/{asset}"),
        "/ledgers".into(),
        "/ledgers/staff".into(),
        "/findings".into(),
        "/audits".into(),
        "/measures".into(),
        "/horizontal".into(),
        "/training".into(),
        "/training/xlsx".into(),
        "/stocktakes".into(),
        "/disposals.xlsx".into(),
        "/rules".into(),
        "/users".into(),
        "/import".into(),
        format!("/self-check/{campaign}"),
        format!("/self-check/{campaign}/xlsx"),
        "/account/two-factor".into(),
    ] {
        let page = app.get(Some(&staff), &path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.body.contains("PC-"), "{path} shows no asset");
    }
    let post = app
        .post(
            Some(&staff),
            "/assets",
            &[("csrf_token", &staff.csrf), ("asset_tag", "X-1")],
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
}

/// Sets the second factor up through the page and returns its secret.
async fn set_up_second_factor(app: &TestApp, client: &Client) -> String {
    let page = app.get(Some(client), "/account/two-factor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"), "a QR code for the app");
    let secret = between(&page.body, "<code id=\"secret\">", "</code>")
        .expect("secret")
        .to_string();
    let wrong = app
        .post(
            Some(client),
            "/account/two-factor",
            &[("csrf_token", &client.csrf), ("code", "12345")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .post(
            Some(client),
            "/account/two-factor",
            &[
                ("csrf_token", &client.csrf),
                ("code", &totp_code(&secret, now())),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("回復コード"));
    secret
}

#[tokio::test]
async fn a_login_with_a_second_factor_opens_only_after_its_code() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let secret = set_up_second_factor(&app, &policy).await;

    let (page, status) = app.try_login("policy", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        page.location.starts_with("/login/two-factor?next="),
        "{}",
        page.location
    );
    let pending = page.session();
    // The password alone opens nothing.
    let assets = app.get(Some(&pending), "/assets").await;
    assert_eq!(assets.status, StatusCode::SEE_OTHER);
    assert!(assets.location.starts_with("/login/two-factor"));
    let prompt = app
        .get(Some(&pending), "/login/two-factor?next=/assets")
        .await;
    assert_eq!(prompt.status, StatusCode::OK);
    let csrf = hidden(&prompt.body, "csrf_token").expect("csrf");
    let wrong = app
        .post(
            Some(&pending),
            "/login/two-factor",
            &[
                ("csrf_token", &csrf),
                ("next", "/assets"),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("確認コードが違います"));
    // The code of the next step (the setup used this one's).
    let right = app
        .post(
            Some(&pending),
            "/login/two-factor",
            &[
                ("csrf_token", &csrf),
                ("next", "/assets"),
                ("code", &totp_code(&secret, now() + 30)),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location, "/assets");
    let full = right.session();
    assert_ne!(full.cookie, pending.cookie, "a new session after the code");
    assert_eq!(app.get(Some(&full), "/assets").await.status, StatusCode::OK);
    assert_eq!(
        app.get(Some(&pending), "/assets").await.status,
        StatusCode::SEE_OTHER,
        "the pending session is gone"
    );
}

#[tokio::test]
async fn a_tenant_can_require_the_second_factor_of_admins_and_policy() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let policy = app.login("policy").await;
    let auditor = app.login("auditor").await;
    let okayama = app.login("okayama-admin").await;
    // Only an administrator may change it.
    let refused = app
        .post(
            Some(&policy),
            "/users/two-factors",
            &[("csrf_token", &policy.csrf), ("required", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let set = app
        .post(
            Some(&admin),
            "/users/two-factors",
            &[("csrf_token", &admin.csrf), ("required", "1")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    for client in [&admin, &policy] {
        let page = app.get(Some(client), "/assets").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location, "/account/two-factor");
    }
    // Other roles, and another tenant's administrator, go on as before.
    assert_eq!(
        app.get(Some(&auditor), "/findings").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(Some(&okayama), "/assets").await.status,
        StatusCode::OK
    );
    // Set up, the administrator works again.
    set_up_second_factor(&app, &admin).await;
    assert_eq!(
        app.get(Some(&admin), "/assets").await.status,
        StatusCode::OK
    );
    // Another tenant's administrator cannot take it off.
    let admin_id = app
        .db
        .users(Some(app.demo.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "admin")
        .expect("admin")
        .id;
    let reset = app
        .post(
            Some(&okayama),
            &format!("/users/{admin_id}/reset-two-factors"),
            &[("csrf_token", &okayama.csrf)],
        )
        .await;
    assert_eq!(reset.status, StatusCode::NOT_FOUND);
    assert!(app.db.user(admin_id).await.expect("user").two_factors);
}

#[tokio::test]
async fn staff_accounts_are_made_from_the_staff_ledger_and_opened_with_their_code() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let policy = app.login("policy").await;
    let refused = app
        .post(
            Some(&policy),
            "/users/sync",
            &[("csrf_token", &policy.csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(Some(&policy), "/users").await.status,
        StatusCode::FORBIDDEN
    );

    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf_token", &admin.csrf)
        .finish();
    let request = Request::post("/users/sync")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &admin.cookie)
        .header(header::HOST, "daicho.example.lg.jp")
        .body(Body::from(body))
        .expect("request");
    let sheet = app.send(request).await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let people = app
        .db
        .staff_training(&Scope::tenant(app.demo.id), "2099-12-31")
        .await
        .expect("staff")
        .len();
    let slips = sheet.body.matches("<section class=\"slip\">").count();
    assert_eq!(slips, people, "one slip per person without an account");
    assert!(sheet.body.contains("https://daicho.example.lg.jp/welcome"));
    assert!(sheet.body.contains("<symbol id=\"welcome-qr\""));
    let username = between(&sheet.body, "<dt>ユーザー名</dt><dd><code>", "</code>")
        .expect("user name")
        .to_string();
    let code = between(&sheet.body, "<code class=\"code\">", "</code>")
        .expect("code")
        .to_string();
    // The list now shows them waiting for their first login.
    let list = app.get(Some(&admin), &format!("/users?q={username}")).await;
    assert!(list.body.contains("初回登録待ち"), "{}", list.body);

    let wrong = post_anonymous(
        &app,
        "/welcome",
        &[
            ("code", "aaaa-bbbb-cccc-dddd"),
            ("new_password", "my own long password"),
            ("confirm_password", "my own long password"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("登録コードが違うか"));
    let done = post_anonymous(
        &app,
        "/welcome",
        &[
            ("code", &code),
            ("new_password", "my own long password"),
            ("confirm_password", "my own long password"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let person = done.session();
    let home = app.get(Some(&person), "/dashboard").await;
    assert_eq!(home.location, "/my");
    assert_eq!(app.get(Some(&person), "/my").await.status, StatusCode::OK);
    assert_eq!(
        app.get(Some(&person), "/assets").await.status,
        StatusCode::FORBIDDEN
    );
    let (_, status) = app.try_login(&username, "my own long password").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The code opened once.
    let again = post_anonymous(
        &app,
        "/welcome",
        &[
            ("code", &code),
            ("new_password", "another long password"),
            ("confirm_password", "another long password"),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    // An office behind one address registers many people on one morning: more than the
    // address's free failures, none of them refused.
    let codes: Vec<&str> = sheet
        .body
        .split("<code class=\"code\">")
        .skip(2)
        .filter_map(|rest| rest.split('<').next())
        .take(40)
        .collect();
    assert_eq!(codes.len(), 40, "the demo has enough people");
    for (i, code) in codes.iter().enumerate() {
        let done = post_anonymous(
            &app,
            "/welcome",
            &[
                ("code", code),
                ("new_password", "a long password of mine"),
                ("confirm_password", "a long password of mine"),
            ],
        )
        .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "person {i}: {}",
            done.body
        );
    }
}

#[tokio::test]
async fn a_person_of_the_citys_directory_logs_in_through_the_form() {
    use daicho_directory::testing::{CITY_LDIF, Slapd, city_directory};
    let Some(slapd) = Slapd::start(CITY_LDIF) else {
        return;
    };
    let app = TestApp::new().await;
    app.db
        .set_directory(
            &daicho_store::Actor::system("test"),
            &city_directory(app.demo.id, &slapd.url),
        )
        .await
        .expect("directory");
    let (page, status) = app.try_login("yamada", "yamada-pass-1234").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", page.body);
    let yamada = page.session();
    let home = app.get(Some(&yamada), "/dashboard").await;
    assert_eq!(home.location, "/my", "a staff member of the directory");
    let my = app.get(Some(&yamada), "/my").await;
    assert!(my.body.contains("山田 花子") && my.body.contains("080500-P003"));
    // Taken out of the group while logged in: the session ends at its next check with
    // the directory (every few minutes; made due here), not 12 hours later.
    slapd.set_member("daicho-staff", "yamada", false).await;
    let still = app.get(Some(&yamada), "/my").await;
    assert_eq!(
        still.status,
        StatusCode::OK,
        "not asked again at every request"
    );
    let id = app
        .db
        .users(Some(app.demo.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "yamada")
        .expect("account")
        .id;
    daicho_store::testing::directory_check_now(&app.db, id)
        .await
        .expect("due");
    let ended = app.get(Some(&yamada), "/my").await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert!(ended.location.starts_with("/login"), "{}", ended.location);
    slapd.set_member("daicho-staff", "yamada", true).await;
    let (_, status) = app.try_login("yamada", "yamada-pass-1234").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "back in the group, back in");
    let (page, status) = app.try_login("kato", "kato-pass-1234").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("権限（グループ）がありません"));
    let (_, status) = app.try_login("yamada", "wrong-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The directory goes down: its people are told so, daicho's own accounts go on.
    drop(slapd);
    let (page, status) = app.try_login("yamada", "yamada-pass-1234").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        page.body
            .contains("ディレクトリ（Active Directory など）に接続できない")
    );
    let (_, status) = app.try_login("admin", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the local administrator logs in"
    );
}
