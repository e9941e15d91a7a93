//! The store against a real database: a temporary SQLite file, or PostgreSQL when
//! DAICHO_TEST_DATABASE_URL is set (CI runs both).

use chrono::NaiveDate;
use daicho_domain::{DepartmentLevel, Role, TenantCode};
use daicho_store::testing::{TestDb, fresh};
use daicho_store::{
    Actor, AssetFilter, AssetInput, Db, LoginFailure, NewDepartment, NewUser, Scope, StoreError,
    Tenant,
};

async fn db() -> TestDb {
    fresh().await.expect("test database")
}

async fn tenant(db: &Db, code: &str, name: &str) -> Tenant {
    db.ensure_tenant(&TenantCode::parse(code).expect("code"), name)
        .await
        .expect("tenant")
}

async fn department(db: &Db, t: &Tenant, code: &str, name: &str, parent: Option<&str>) -> i64 {
    let level = if parent.is_some() {
        DepartmentLevel::Section
    } else {
        DepartmentLevel::Bureau
    };
    let new = NewDepartment {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(str::to_string),
        manager: None,
        valid_from: None,
    };
    db.create_department(&Scope::tenant(t.id), &actor(), &new)
        .await
        .expect("department")
        .id
}

fn actor() -> Actor {
    Actor {
        user_id: None,
        name: "tester".into(),
    }
}

fn pc(tag: &str, department: &str) -> AssetInput {
    AssetInput {
        asset_tag: tag.into(),
        department: department.into(),
        kind: "desktop".into(),
        name: "事務用PC".into(),
        os: "Windows 10 Pro".into(),
        ..Default::default()
    }
}

/// A city with two bureaus, each with a section, and one PC per section.
async fn city(db: &Db) -> (Tenant, i64, i64) {
    let t = tenant(db, "352012", "岡山県岡山市").await;
    department(db, &t, "100", "総務局", None).await;
    let a = department(db, &t, "110", "総務課", Some("100")).await;
    department(db, &t, "200", "教育局", None).await;
    let b = department(db, &t, "210", "図書館", Some("200")).await;
    let scope = Scope::tenant(t.id);
    db.create_asset(&scope, &actor(), &pc("A-1", "110"))
        .await
        .expect("asset A-1");
    db.create_asset(&scope, &actor(), &pc("B-1", "210"))
        .await
        .expect("asset B-1");
    (t, a, b)
}

fn tags(page: &daicho_store::AssetPage) -> Vec<String> {
    page.rows.iter().map(|r| r.asset_tag.clone()).collect()
}

fn all() -> AssetFilter {
    AssetFilter {
        page: 1,
        ..Default::default()
    }
}

#[tokio::test]
async fn migrations_are_applied_once_and_reopening_keeps_data() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    let db = Db::open_sqlite_file(&path).await.expect("open");
    tenant(&db, "990001", "サンプル市").await;
    db.close().await;
    let db = Db::open_sqlite_file(&path).await.expect("reopen");
    assert_eq!(db.tenants().await.expect("tenants").len(), 1);
}

#[tokio::test]
async fn a_tenant_never_sees_another_tenants_assets() {
    let db = db().await;
    let (okayama, _, _) = city(&db).await;
    let other = tenant(&db, "990001", "サンプル市").await;
    department(&db, &other, "110", "総務課", None).await;
    let other_scope = Scope::tenant(other.id);
    let mine = db
        .create_asset(&other_scope, &actor(), &pc("A-1", "110"))
        .await
        .expect("same tag in another tenant is fine");
    let page = db.list_assets(&other_scope, &all()).await.expect("list");
    assert_eq!(tags(&page), ["A-1"]);
    assert_eq!(page.rows[0].id, mine.id);
    let theirs = db
        .list_assets(&Scope::tenant(okayama.id), &all())
        .await
        .expect("list");
    for row in &theirs.rows {
        assert!(matches!(
            db.asset(&other_scope, row.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            db.asset_history(&other_scope, row.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert_eq!(
        db.dashboard_counts(&other_scope)
            .await
            .expect("counts")
            .entries,
        1
    );
}

#[tokio::test]
async fn a_manager_sees_and_changes_only_its_departments() {
    let db = db().await;
    let (t, _, library) = city(&db).await;
    let bureau = db
        .department_by_code(&Scope::tenant(t.id), "200")
        .await
        .expect("q")
        .expect("bureau")
        .id;
    let manager = Scope {
        tenant_id: t.id,
        departments: Some(vec![bureau, library]),
        can_write: true,
    };
    assert_eq!(
        tags(&db.list_assets(&manager, &all()).await.expect("list")),
        ["B-1"]
    );
    let others = db
        .list_assets(
            &Scope::tenant(t.id),
            &AssetFilter {
                search: Some("A-1".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    let foreign = others.rows[0].id;
    assert!(matches!(
        db.asset(&manager, foreign).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.update_asset(&manager, &actor(), foreign, &pc("A-1", "210"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    match db.create_asset(&manager, &actor(), &pc("A-2", "110")).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors[0].field, "department"),
        other => panic!("expected a department error, got {other:?}"),
    }
    let names: Vec<String> = db
        .departments(&manager)
        .await
        .expect("departments")
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["教育局", "図書館"]);
    assert_eq!(
        db.dashboard_counts(&manager).await.expect("counts").entries,
        1
    );
}

#[tokio::test]
async fn a_read_only_scope_cannot_write() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let viewer = Scope {
        tenant_id: t.id,
        departments: None,
        can_write: false,
    };
    assert!(matches!(
        db.create_asset(&viewer, &actor(), &pc("V-1", "110")).await,
        Err(StoreError::Forbidden(_))
    ));
    let id = db.list_assets(&viewer, &all()).await.expect("list").rows[0].id;
    assert!(matches!(
        db.update_asset(&viewer, &actor(), id, &pc("V-1", "110"))
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

#[tokio::test]
async fn changes_are_kept_with_who_when_before_and_after_and_cannot_be_rewritten() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let id = db.list_assets(&scope, &all()).await.expect("list").rows[0].id;
    let mut input = AssetInput::from_asset(&db.asset(&scope, id).await.expect("asset"));
    input.os = "Windows 11 Pro".into();
    input.status = "retired".into();
    input.retired_on = "令和5年10月6日".into();
    let editor = Actor {
        user_id: None,
        name: "policy-user".into(),
    };
    db.update_asset(&scope, &editor, id, &input)
        .await
        .expect("update");
    db.update_asset(&scope, &editor, id, &input)
        .await
        .expect("same input again");
    let history = db.asset_history(&scope, id).await.expect("history");
    assert_eq!(history.len(), 2, "an unchanged save writes nothing");
    assert_eq!(
        (history[0].action.as_str(), history[0].changed_by.as_str()),
        ("update", "policy-user")
    );
    assert_eq!(history[1].action, "create");
    let changes = history[0].changes();
    assert!(
        changes.contains(&(
            "os".into(),
            "Windows 10 Pro".into(),
            "Windows 11 Pro".into()
        )),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("retired_on".into(), String::new(), "2023-10-06".into())),
        "{changes:?}"
    );
    for statement in [
        "UPDATE change_history SET changed_by = 'someone else'",
        "DELETE FROM change_history",
    ] {
        assert!(
            sqlx::query(statement).execute(db.pool()).await.is_err(),
            "{statement} must be refused"
        );
    }
    assert_eq!(
        db.asset_history(&scope, id).await.expect("history").len(),
        2
    );
}

#[tokio::test]
async fn a_duplicate_tag_or_a_wrong_date_changes_nothing() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    match db.create_asset(&scope, &actor(), &pc("Ａ-1", "210")).await {
        Err(StoreError::Invalid(errors)) => {
            assert_eq!(errors[0].field, "asset_tag");
            assert!(errors[0].message.contains("A-1"), "{}", errors[0].message);
        }
        other => panic!("expected a duplicate-tag error, got {other:?}"),
    }
    let bad_date = AssetInput {
        acquired_on: "2023-02-29".into(),
        ..pc("C-1", "210")
    };
    assert!(matches!(
        db.create_asset(&scope, &actor(), &bad_date).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(db.list_assets(&scope, &all()).await.expect("list").total, 2);
    assert_eq!(
        db.dashboard_counts(&scope).await.expect("counts").entries,
        2
    );
}

#[tokio::test]
async fn dashboard_counts_follow_every_change() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    db.create_asset(
        &scope,
        &actor(),
        &AssetInput {
            quantity: "12".into(),
            kind: "tablet".into(),
            os: "iPadOS 16.7".into(),
            ..pc("T-1", "210")
        },
    )
    .await
    .expect("tablets");
    let id = db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some("B-1".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list")
        .rows[0]
        .id;
    let mut input = AssetInput::from_asset(&db.asset(&scope, id).await.expect("asset"));
    input.department = "110".into();
    input.os = "Windows 7".into();
    db.update_asset(&scope, &actor(), id, &input)
        .await
        .expect("move");
    let before = db.dashboard_counts(&scope).await.expect("counts");
    assert_eq!((before.entries, before.quantity), (3, 14));
    let os: Vec<(String, i64)> = before
        .by_os
        .iter()
        .map(|f| (f.key.clone(), f.entries))
        .collect();
    assert!(
        os.contains(&("Windows 7".into(), 1)) && os.contains(&("iPadOS 16.7".into(), 1)),
        "{os:?}"
    );
    db.recount_assets(t.id).await.expect("recount");
    assert_eq!(
        db.dashboard_counts(&scope).await.expect("counts"),
        before,
        "kept counts equal a full recount"
    );
}

#[tokio::test]
async fn the_ledger_filters_searches_sorts_and_pages() {
    let db = db().await;
    let (t, _, library) = city(&db).await;
    let scope = Scope::tenant(t.id);
    for i in 0..120 {
        let kind = if i % 3 == 0 { "laptop" } else { "desktop" };
        db.create_asset(
            &scope,
            &actor(),
            &AssetInput {
                kind: kind.into(),
                maker: if i == 7 {
                    "ナダ電子".into()
                } else {
                    String::new()
                },
                ..pc(&format!("L-{i:03}"), "210")
            },
        )
        .await
        .expect("asset");
    }
    let laptops = db
        .list_assets(
            &scope,
            &AssetFilter {
                kind: Some(daicho_domain::AssetKind::Laptop),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        (laptops.total, laptops.pages, laptops.rows.len()),
        (40, 1, 40)
    );
    let bureau = db
        .list_assets(
            &scope,
            &AssetFilter {
                department_id: db
                    .department_by_code(&scope, "200")
                    .await
                    .expect("q")
                    .map(|d| d.id),
                page: 3,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        (bureau.total, bureau.page, bureau.rows.len()),
        (121, 3, 21),
        "a bureau includes its sections"
    );
    let desc = db
        .list_assets(
            &scope,
            &AssetFilter {
                department_id: Some(library),
                sort: daicho_store::AssetSort::Tag,
                descending: true,
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(desc.rows[0].asset_tag, "L-119");
    let found = db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some("ナダ".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(tags(&found), ["L-007"]);
    let printer = AssetInput {
        kind: "printer".into(),
        os: String::new(),
        name: "複合機PR".into(),
        ..pc("P-1", "210")
    };
    db.create_asset(&scope, &actor(), &printer)
        .await
        .expect("printer");
    for search in [None, Some("PR".to_string())] {
        let no_os = db
            .list_assets(
                &scope,
                &AssetFilter {
                    os: Some(String::new()),
                    search,
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert_eq!(tags(&no_os), ["P-1"], "assets with no OS recorded");
        assert_eq!(no_os.total, 1);
    }
    let beyond = db
        .list_assets(
            &scope,
            &AssetFilter {
                page: 99,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        beyond.page, beyond.pages,
        "a page past the end shows the last page"
    );
}

#[tokio::test]
async fn departments_end_and_name_their_successor() {
    let db = db().await;
    let (t, a, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    department(&db, &t, "120", "総務企画課", Some("100")).await;
    let on = NaiveDate::from_ymd_opt(2024, 4, 1).expect("date");
    let ended = db
        .end_department(&scope, &actor(), "110", on, Some("120"))
        .await
        .expect("end");
    assert_eq!(ended.valid_to.as_deref(), Some("2024-04-01"));
    assert!(ended.active_on(NaiveDate::from_ymd_opt(2024, 3, 31).expect("date")));
    assert!(!ended.active_on(on));
    let successor = db
        .department_by_code(&scope, "120")
        .await
        .expect("q")
        .expect("successor");
    assert_eq!(ended.successor_id, Some(successor.id));
    assert_eq!(
        db.list_assets(
            &scope,
            &AssetFilter {
                department_id: Some(a),
                page: 1,
                ..Default::default()
            }
        )
        .await
        .expect("list")
        .total,
        1,
        "assets stay with the ended department"
    );
    assert_eq!(
        db.history(&scope, "department", a)
            .await
            .expect("history")
            .len(),
        2
    );
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_name() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = NewUser {
        tenant_id: t.id,
        username: "suzuki".into(),
        display_name: "鈴木".into(),
        role: Role::Viewer,
        password: "correct horse battery".into(),
        departments: vec![],
        must_change_password: false,
    };
    db.create_user(&user).await.expect("user");
    assert!(
        db.authenticate("suzuki", "correct horse battery", "10.0.0.1")
            .await
            .expect("auth")
            .is_ok()
    );
    for _ in 0..5 {
        assert_eq!(
            db.authenticate("suzuki", "wrong password!!", "10.0.0.1")
                .await
                .expect("auth"),
            Err(LoginFailure::BadCredentials)
        );
    }
    assert_eq!(
        db.authenticate("suzuki", "correct horse battery", "10.0.0.1")
            .await
            .expect("auth"),
        Err(LoginFailure::Throttled)
    );
    assert_eq!(
        db.authenticate("nobody", "whatever password", "10.0.0.1")
            .await
            .expect("auth"),
        Err(LoginFailure::BadCredentials)
    );
}

#[tokio::test]
async fn sessions_end_when_the_account_is_disabled_or_its_password_changes() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let new = NewUser {
        tenant_id: t.id,
        username: "tanaka".into(),
        display_name: "田中".into(),
        role: Role::Policy,
        password: "correct horse battery".into(),
        departments: vec![],
        must_change_password: false,
    };
    let user = db.create_user(&new).await.expect("user");
    let session = db.create_session(&user).await.expect("session");
    assert_eq!(
        db.session_user(&session.token)
            .await
            .expect("q")
            .map(|(u, _)| u.id),
        Some(user.id)
    );
    assert!(db.session_user("not-a-token").await.expect("q").is_none());
    db.set_password("tanaka", "another long password", false)
        .await
        .expect("passwd");
    assert!(db.session_user(&session.token).await.expect("q").is_none());
    let session = db.create_session(&user).await.expect("session");
    db.disable_user("tanaka").await.expect("disable");
    assert!(db.session_user(&session.token).await.expect("q").is_none());
    assert_eq!(
        db.authenticate("tanaka", "another long password", "x")
            .await
            .expect("auth"),
        Err(LoginFailure::Disabled)
    );
}

#[tokio::test]
async fn a_corrupt_sqlite_file_is_reported_as_such() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    std::fs::write(&path, vec![0x42u8; 8192]).expect("write garbage");
    match Db::open_sqlite_file(&path).await {
        Err(e @ StoreError::Corrupt { .. }) => assert!(e.to_string().contains("壊れている"), "{e}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_postgres_is_reported_with_its_url_redacted() {
    match Db::open("postgres://daicho:secret@127.0.0.1:1/daicho").await {
        Err(e @ StoreError::Connect { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("接続できません")
                    && text.contains("daicho:***@")
                    && !text.contains("secret"),
                "{text}"
            );
        }
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn a_locked_sqlite_file_is_reported_as_locked_and_nothing_is_written() {
    use sqlx::{Connection, Executor};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    let db = Db::open_sqlite_file(&path).await.expect("open");
    let mut other = sqlx::AnyConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("second connection");
    other.execute("BEGIN EXCLUSIVE").await.expect("lock");
    let code = TenantCode::parse("352012").expect("code");
    match db.ensure_tenant(&code, "岡山市").await {
        Err(e @ StoreError::Locked(_)) => {
            assert!(e.to_string().contains("ロックされています"), "{e}")
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    other.execute("ROLLBACK").await.expect("unlock");
    assert!(db.tenant_by_code(&code).await.expect("q").is_none());
}
