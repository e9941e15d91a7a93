//! The directory settings page against a real slapd: an administrator sets the city's
//! directory on the screen (refused with the fields named when wrong, the service
//! account's password never shown and kept when left blank), checks it with a person,
//! and the people of the directory then log in — without setup codes, and told where
//! their password is changed. Removing the settings stops their logins.

use crate::app::{Client, PASSWORD, TestApp, hidden};
use axum::http::StatusCode;
use daicho_directory::testing::{ADMIN_DN, ADMIN_PASSWORD, BASE, CITY_LDIF, Slapd};

/// The settings of the test directory as the form sends them.
fn form<'a>(csrf: &'a str, url: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("url", url),
        ("bind_dn", ADMIN_DN),
        ("bind_password", password),
        ("search_base", BASE),
        ("user_filter", "(uid={username})"),
        ("staff_attribute", "employeeNumber"),
        ("name_attribute", "displayName"),
        (
            "groups_policy",
            "cn=daicho-policy,ou=groups,dc=city,dc=example",
        ),
        (
            "groups_staff",
            "cn=daicho-staff,ou=groups,dc=city,dc=example",
        ),
        ("default_role", ""),
    ]
}

/// Logs a person of the directory in through the form; their client with its CSRF token.
/// The directory page's "接続を確かめる" with `username` and `password`: what the page said.
async fn test_connection(app: &TestApp, admin: &Client, username: &str, password: &str) -> String {
    app.post(
        Some(admin),
        "/users/directory/test",
        &[
            ("csrf_token", &admin.csrf),
            ("username", username),
            ("password", password),
        ],
    )
    .await
    .body
}

async fn directory_login(app: &TestApp, username: &str, password: &str) -> Client {
    let (page, status) = app.try_login(username, password).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", page.body);
    let client = page.session();
    let my = app.get(Some(&client), "/my").await;
    let csrf = hidden(&my.body, "csrf_token").expect("csrf");
    Client { csrf, ..client }
}

#[tokio::test]
async fn an_administrator_sets_the_directory_on_the_screen_and_its_people_log_in() {
    let Some(slapd) = Slapd::start(CITY_LDIF) else {
        return;
    };
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let empty = app.get(Some(&admin), "/users/directory").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("ディレクトリは設定されていません"));
    assert!(
        empty.body.contains("(sAMAccountName={username})"),
        "Active Directory's way is offered first"
    );
    let policy = app.login("policy").await;
    assert_eq!(
        app.get(Some(&policy), "/users/directory").await.status,
        StatusCode::FORBIDDEN
    );

    // Wrong settings: every field named, nothing saved.
    let mut wrong = form(&admin.csrf, "http://dc01", "");
    wrong.retain(|(k, _)| !matches!(*k, "bind_dn" | "user_filter"));
    wrong.extend([
        ("user_filter", "uid=x"),
        ("ca_certificate", "not a certificate"),
        ("groups_admin", "Domain Admins"),
    ]);
    let refused = app.post(Some(&admin), "/users/directory", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for said in [
        "href=\"#f-url\"",
        "href=\"#f-bind_dn\"",
        "href=\"#f-user_filter\"",
        "href=\"#f-ca_certificate\"",
        "グループ「Domain Admins」は DN",
    ] {
        assert!(refused.body.contains(said), "{said}: {}", refused.body);
    }
    assert!(
        refused.body.contains("http://dc01"),
        "what was typed stays in the form"
    );
    assert!(app.db.directory(app.demo.id).await.expect("q").is_none());
    // Without its token the form is refused.
    let mut forged = form("", &slapd.url, ADMIN_PASSWORD);
    forged.remove(0);
    let forged = app.post(Some(&admin), "/users/directory", &forged).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(app.db.directory(app.demo.id).await.expect("q").is_none());

    let saved = app
        .post(
            Some(&admin),
            "/users/directory",
            &form(&admin.csrf, &slapd.url, ADMIN_PASSWORD),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = app.get(Some(&admin), &saved.location).await;
    assert!(shown.body.contains("ディレクトリでログインします"));
    assert!(shown.body.contains("（設定済み。変えるときだけ入力）"));
    assert!(
        !shown.body.contains(ADMIN_PASSWORD),
        "the service account's password is never shown"
    );
    // Saved again with the password left blank: the password is kept.
    let mut again = form(&admin.csrf, &slapd.url, "");
    again.push(("starttls", ""));
    let saved = app.post(Some(&admin), "/users/directory", &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let kept = app
        .db
        .directory(app.demo.id)
        .await
        .expect("q")
        .expect("set");
    assert_eq!(kept.bind_password.as_deref(), Some(ADMIN_PASSWORD));
    assert_eq!(kept.group_roles.len(), 2);
    assert_eq!(kept.default_role, None);

    let tested = test_connection(&app, &admin, "suzuki", "suzuki-pass-1234").await;
    assert!(
        tested.contains("見つかりました: 表示名 鈴木 一郎"),
        "{tested}"
    );
    let tested = test_connection(&app, &admin, "suzuki", "wrong").await;
    assert!(tested.contains("見つからないか、パスワードが違います"));
    // The test counts as a login: after a run of wrong passwords it waits, even for the
    // right one, so that it is no faster way to guess a person's password; another
    // person is not slowed.
    for _ in 0..4 {
        test_connection(&app, &admin, "kato", "guess").await;
    }
    let tested = test_connection(&app, &admin, "suzuki", "suzuki-pass-1234").await;
    assert!(
        tested.contains("見つかりました"),
        "another is not slowed: {tested}"
    );
    for _ in 0..2 {
        test_connection(&app, &admin, "kato", "guess").await;
    }
    let tested = test_connection(&app, &admin, "kato", "kato-pass-1234").await;
    assert!(tested.contains("しばらくお待ちください"), "{tested}");

    // A person of the directory: their password is changed at the directory.
    let yamada = directory_login(&app, "yamada", "yamada-pass-1234").await;
    let password = app.get(Some(&yamada), "/account/password").await;
    assert!(password.body.contains("daicho では変更できません"));
    assert!(!password.body.contains("new_password"));

    // The accounts page: the directory's accounts are marked and get no setup code, and
    // the staff sync hands out none.
    let users = app.get(Some(&admin), "/users").await;
    assert!(
        users.body.contains("有効（ディレクトリ）"),
        "{}",
        users.body
    );
    let yamada_id = app
        .db
        .users(Some(app.demo.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "yamada" && u.directory)
        .expect("made at the login")
        .id;
    assert!(
        !users
            .body
            .contains(&format!("/users/{yamada_id}/setup-code"))
    );
    let code = app
        .post(
            Some(&admin),
            &format!("/users/{yamada_id}/setup-code"),
            &[("csrf_token", &admin.csrf)],
        )
        .await;
    assert_ne!(code.status, StatusCode::OK);
    assert!(
        code.body
            .contains("ディレクトリのアカウントには登録コードを発行できません")
    );
    let synced = app
        .post(Some(&admin), "/users/sync", &[("csrf_token", &admin.csrf)])
        .await;
    assert_eq!(synced.status, StatusCode::OK);
    assert!(
        synced.body.contains("登録コードは発行しません")
            && synced.body.contains("ログイン済み 1人")
            && !synced.body.contains("初回登録のご案内です"),
        "{}",
        synced.body
    );
    let waiting: usize = synced
        .body
        .split("まだログインしていない職員は ")
        .nth(1)
        .and_then(|rest| rest.split('人').next())
        .and_then(|n| n.parse().ok())
        .expect("how many have not logged in");
    assert!(waiting > 0, "the demo's staff ledger has more than 山田");
    assert_eq!(
        app.db.users(Some(app.demo.id)).await.expect("users").len(),
        daicho_domain::Role::ALL.len() + 1,
        "no account made by the sync"
    );

    // Removed: the directory's people no longer log in; daicho's own accounts do.
    let removed = app
        .post(
            Some(&admin),
            "/users/directory/remove",
            &[("csrf_token", &admin.csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let ended = app.get(Some(&yamada), "/my").await;
    assert!(
        ended.location.starts_with("/login"),
        "the directory's sessions end with it"
    );
    let (_, status) = app.try_login("yamada", "yamada-pass-1234").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, status) = app.try_login("admin", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let history = app
        .db
        .history(
            &daicho_store::Scope::tenant(app.demo.id),
            "directories",
            app.demo.id,
        )
        .await
        .expect("history");
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert!(history.iter().all(|h| h.changed_by == "admin"));
    let kept = format!("{:?}", history);
    assert!(
        !kept.contains(ADMIN_PASSWORD) && kept.contains("（設定あり）"),
        "the history says a password was set, never which"
    );
}
