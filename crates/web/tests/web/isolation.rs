//! Every route respects tenant and role: a manager reads and changes only its own
//! departments, one tenant never sees another's, read-only roles cannot write, and forms
//! without the session's CSRF token are refused.

use crate::app::{TestApp, asset_form};
use axum::http::StatusCode;

const GET_ROUTES: &[&str] = &[
    "/dashboard",
    "/departments",
    "/assets",
    "/assets/new",
    "/assets/1",
    "/assets/1/edit",
    "/ledgers",
    "/ledgers/contracts",
    "/ledgers/contracts/1",
    "/account/password",
];

#[tokio::test]
async fn every_page_asks_for_a_login_first() {
    let app = TestApp::new().await;
    for path in GET_ROUTES {
        let page = app.get(None, path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            page.location.starts_with("/login?next="),
            "{path} → {}",
            page.location
        );
    }
    for path in ["/assets", "/assets/1", "/logout"] {
        let page = app.post(None, path, &[("csrf_token", "x")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "POST {path}");
    }
    let before = app.asset_count(&app.demo).await;
    let page = app
        .post(
            None,
            "/assets",
            &asset_form("x", "NEW-1", "080500", "2023-04-01"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.asset_count(&app.demo).await, before);
}

#[tokio::test]
async fn a_manager_reads_and_changes_only_its_own_departments() {
    let app = TestApp::new().await;
    let manager = app.login("manager").await;
    let foreign = app.asset_id(&app.demo, "040100-").await;
    let own = app.asset_id(&app.demo, "080500-").await;
    assert_eq!(
        app.get(Some(&manager), &format!("/assets/{own}"))
            .await
            .status,
        StatusCode::OK
    );
    for path in [
        format!("/assets/{foreign}"),
        format!("/assets/{foreign}/edit"),
    ] {
        assert_eq!(
            app.get(Some(&manager), &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let before = app
        .db
        .asset(&daicho_store::Scope::tenant(app.demo.id), foreign)
        .await
        .expect("asset");
    let page = app
        .post(
            Some(&manager),
            &format!("/assets/{foreign}"),
            &asset_form(&manager.csrf, "040100-X", "080500", "2023-04-01"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.db
            .asset(&daicho_store::Scope::tenant(app.demo.id), foreign)
            .await
            .expect("asset"),
        before,
        "nothing changed"
    );

    let count = app.asset_count(&app.demo).await;
    let page = app
        .post(
            Some(&manager),
            "/assets",
            &asset_form(&manager.csrf, "LIB-NEW", "040100", "2023-04-01"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("あなたの担当範囲外です"),
        "the message names the department problem"
    );
    assert_eq!(app.asset_count(&app.demo).await, count);

    let list = app.get(Some(&manager), "/assets").await;
    assert!(
        list.body.contains("080500-") && !list.body.contains("040100-"),
        "only the library's assets are listed"
    );
    let departments = app.get(Some(&manager), "/departments").await.body;
    assert!(departments.contains("中央図書館") && !departments.contains("市民サービス課"));
    let dashboard = app.get(Some(&manager), "/dashboard").await.body;
    assert!(dashboard.contains("中央図書館") && !dashboard.contains("市民サービス課"));
    let new = app.get(Some(&manager), "/assets/new").await.body;
    assert!(
        !new.contains("市民サービス課"),
        "the form offers only its own departments"
    );
}

#[tokio::test]
async fn one_tenant_never_sees_another() {
    let app = TestApp::new().await;
    let okayama = app.login("okayama-admin").await;
    let demo_asset = app.asset_id(&app.demo, "080500-").await;
    for path in [
        format!("/assets/{demo_asset}"),
        format!("/assets/{demo_asset}/edit"),
    ] {
        assert_eq!(
            app.get(Some(&okayama), &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let page = app
        .post(
            Some(&okayama),
            &format!("/assets/{demo_asset}"),
            &asset_form(&okayama.csrf, "X", "110", "2023-04-01"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    for path in ["/assets", "/dashboard", "/departments", "/assets/new"] {
        let body = app.get(Some(&okayama), path).await.body;
        assert!(
            !body.contains("中央図書館") && !body.contains("サンプル市"),
            "{path} shows nothing of サンプル市"
        );
    }
    assert!(
        app.get(Some(&okayama), "/assets")
            .await
            .body
            .contains("OKA-1")
    );
    let admin = app.login("admin").await;
    let theirs = app.asset_id(&app.other, "OKA-1").await;
    assert_eq!(
        app.get(Some(&admin), &format!("/assets/{theirs}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !app.get(Some(&admin), "/assets?q=OKA")
            .await
            .body
            .contains("OKA-1")
    );
}

#[tokio::test]
async fn viewers_and_auditors_cannot_change_ledgers() {
    let app = TestApp::new().await;
    let id = app.asset_id(&app.demo, "080500-").await;
    let count = app.asset_count(&app.demo).await;
    for role in ["viewer", "auditor"] {
        let client = app.login(role).await;
        assert_eq!(
            app.get(Some(&client), &format!("/assets/{id}"))
                .await
                .status,
            StatusCode::OK,
            "{role} reads"
        );
        assert!(
            !app.get(Some(&client), &format!("/assets/{id}"))
                .await
                .body
                .contains("/edit\""),
            "{role} sees no edit button"
        );
        assert_eq!(
            app.get(Some(&client), "/assets/new").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            app.get(Some(&client), &format!("/assets/{id}/edit"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let page = app
            .post(
                Some(&client),
                "/assets",
                &asset_form(&client.csrf, "RO-1", "080500", "2023-04-01"),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role}");
        let page = app
            .post(
                Some(&client),
                &format!("/assets/{id}"),
                &asset_form(&client.csrf, "RO-2", "080500", "2023-04-01"),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(app.asset_count(&app.demo).await, count);
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let other = app.login("admin").await;
    let id = app.asset_id(&app.demo, "080500-").await;
    let count = app.asset_count(&app.demo).await;
    for token in ["", "0000", other.csrf.as_str()] {
        let page = app
            .post(
                Some(&policy),
                "/assets",
                &asset_form(token, "CSRF-1", "080500", "2023-04-01"),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "token {token:?}");
        let page = app
            .post(
                Some(&policy),
                &format!("/assets/{id}"),
                &asset_form(token, "CSRF-2", "080500", "2023-04-01"),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    assert_eq!(app.asset_count(&app.demo).await, count);
    assert_eq!(
        app.post(Some(&policy), "/logout", &[("csrf_token", "")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Some(&policy), "/dashboard").await.status,
        StatusCode::OK,
        "still logged in"
    );
    let page = app
        .post(
            None,
            "/login",
            &[
                ("csrf_token", "abc"),
                ("username", "policy"),
                ("password", crate::app::PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "a login form needs its own token cookie"
    );
    assert_eq!(
        app.post(Some(&policy), "/logout", &[("csrf_token", &policy.csrf)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(Some(&policy), "/dashboard").await.status,
        StatusCode::SEE_OTHER,
        "logged out"
    );
}
