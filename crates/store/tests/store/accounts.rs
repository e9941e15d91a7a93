//! Accounts: login throttling and sessions.

use crate::fixture::*;

const IDLE: chrono::Duration = chrono::Duration::minutes(30);

/// An account of `t` with the password "correct horse battery".
fn account(t: &Tenant, username: &str, role: Role) -> NewUser {
    NewUser {
        tenant_id: t.id,
        username: username.into(),
        display_name: username.into(),
        role,
        password: "correct horse battery".into(),
        departments: vec![],
        must_change_password: false,
    }
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_name() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = account(&t, "suzuki", Role::Viewer);
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
        db.authenticate("nobody", "whatever password", "10.0.0.2")
            .await
            .expect("auth"),
        Err(LoginFailure::BadCredentials),
        "another name from another address is not held up"
    );
    // One address trying many names is held up by its own count (past 30 failures:
    // many staff may share one proxy address).
    for i in 0..30 {
        assert_eq!(
            db.authenticate(&format!("guess{i}"), "whatever password", "10.3.0.1")
                .await
                .expect("auth"),
            Err(LoginFailure::BadCredentials)
        );
    }
    assert_eq!(
        db.authenticate("somebody", "whatever password", "10.3.0.1")
            .await
            .expect("auth"),
        Err(LoginFailure::Throttled)
    );
    // The delay grows but ends: the user gets in after a short wait, not a lock. (The
    // wait is made to have passed.)
    sqlx::query("UPDATE login_throttle SET next_at = '2000-01-01T00:00:00Z'")
        .execute(db.pool())
        .await
        .expect("time passes");
    assert!(
        db.authenticate("suzuki", "correct horse battery", "10.0.0.3")
            .await
            .expect("auth")
            .is_ok()
    );
}

#[tokio::test]
async fn parallel_tries_cannot_pass_the_count() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    db.create_user(&account(&t, "sato", Role::Viewer))
        .await
        .expect("user");
    let tries: Vec<_> = (0..100)
        .map(|i| {
            let db = db.db.clone();
            tokio::spawn(async move {
                // Every address differs: only the account's own count can hold them.
                let password = if i == 99 {
                    "correct horse battery"
                } else {
                    "wrong password!!"
                };
                db.authenticate("sato", password, &format!("10.1.0.{i}"))
                    .await
                    .expect("auth")
            })
        })
        .collect();
    let mut checked = 0;
    let mut succeeded = 0;
    for t in tries {
        match t.await.expect("task") {
            Err(LoginFailure::BadCredentials) => checked += 1,
            Ok(_) => succeeded += 1,
            Err(LoginFailure::Throttled) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(
        checked + succeeded <= 5,
        "{checked} wrong and {succeeded} right passwords were checked"
    );
}

#[tokio::test]
async fn weak_and_overlong_passwords_are_refused_when_set() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    for (password, why) in [
        ("aaaaaaaaaaaa", "同じ文字の繰り返し"),
        ("password1234", "よく使われて"),
        ("kobayashi-secret", "ユーザー名を含めない"),
    ] {
        let refused = db
            .create_user(&NewUser {
                password: password.into(),
                ..account(&t, "kobayashi", Role::Viewer)
            })
            .await;
        assert!(
            matches!(&refused, Err(e) if e.to_string().contains(why)),
            "{password}: {refused:?}"
        );
    }
    let huge = "x1y2z3".repeat(200_000);
    assert_eq!(
        db.authenticate("kobayashi", &huge, "10.2.0.1")
            .await
            .expect("a megabyte password is refused, not hashed"),
        Err(LoginFailure::BadCredentials)
    );
}

#[tokio::test]
async fn sessions_end_when_the_account_is_disabled_or_its_password_changes() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let new = account(&t, "tanaka", Role::Policy);
    let user = db.create_user(&new).await.expect("user");
    let session = db.create_session(&user, false).await.expect("session");
    assert_eq!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("q")
            .map(|s| s.user.id),
        Some(user.id)
    );
    assert!(
        db.session_user("not-a-token", IDLE)
            .await
            .expect("q")
            .is_none()
    );
    db.set_password("tanaka", "another long password", false)
        .await
        .expect("passwd");
    assert!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("q")
            .is_none()
    );
    let session = db.create_session(&user, false).await.expect("session");
    db.disable_user("tanaka").await.expect("disable");
    assert!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("q")
            .is_none()
    );
    assert_eq!(
        db.authenticate("tanaka", "another long password", "x")
            .await
            .expect("auth"),
        Err(LoginFailure::Disabled)
    );
}

#[tokio::test]
async fn logins_go_on_while_an_import_holds_the_ledgers() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = db
        .create_user(&account(&t, "ito", Role::Policy))
        .await
        .expect("user");
    let scope = Scope::tenant(t.id);
    // An import that has written and not yet committed: on SQLite it holds the write lock
    // of the ledgers' file, on PostgreSQL the tenant's history head and its rows.
    let mut import = db.begin_import(&scope, &actor()).await.expect("import");
    for i in 0..500 {
        import
            .upsert_asset(
                ("import.csv", i + 2),
                &pc(&format!("IMP-{i}"), "110"),
                &no_absent(),
            )
            .await
            .expect("valid");
    }
    import.flush().await.expect("written, not committed");
    let started = std::time::Instant::now();
    let logged_in = db
        .authenticate("ito", "correct horse battery", "10.9.0.1")
        .await
        .expect("login is not held up")
        .expect("accepted");
    let session = db.create_session(&logged_in, false).await.expect("session");
    assert!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("session read")
            .is_some()
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the login did not wait for the import ({:?})",
        started.elapsed()
    );
    // An edit of the same tenant waits a bounded time, then says why in Japanese.
    let asset = db.list_assets(&scope, &all()).await.expect("list").rows[0].id;
    let edit = db
        .update_asset(&scope, &actor(), asset, &pc("A-1", "210"), None)
        .await;
    match edit {
        Err(StoreError::Locked(_)) => {}
        other => panic!("expected a bounded wait, got {other:?}"),
    }
    import.finish(false).await.expect("rolled back");
    assert_eq!(user.username, "ito");
}

#[tokio::test]
async fn an_idle_session_ends() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = db
        .create_user(&account(&t, "kato", Role::Viewer))
        .await
        .expect("user");
    let session = db.create_session(&user, false).await.expect("session");
    assert!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("q")
            .is_some()
    );
    // Its last request was 31 minutes ago (as if the user had left the desk).
    let long_ago = daicho_store::instant_text(chrono::Utc::now() - chrono::Duration::minutes(31));
    sqlx::query(&format!("UPDATE sessions SET last_seen_at = '{long_ago}'"))
        .execute(db.pool())
        .await
        .expect("time passes");
    assert!(
        db.session_user(&session.token, IDLE)
            .await
            .expect("q")
            .is_none(),
        "ended after 30 idle minutes"
    );
    assert!(
        db.session_user(&session.token, chrono::Duration::minutes(60))
            .await
            .expect("q")
            .is_some(),
        "a server configured for 60 minutes keeps it"
    );
}

/// A dry run holds nobody's edits: on SQLite it writes into a private copy of the
/// database (`rehearsal_copy`), on PostgreSQL it chains no history, so it holds no tenant's
/// history head — as `import_paths` runs one.
#[tokio::test]
async fn a_dry_run_does_not_hold_edits() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let dir = tempfile::tempdir().expect("dir");
    let copy = db.rehearsal_copy(dir.path()).await.expect("copy");
    assert_eq!(
        copy.is_some(),
        db.backend() == daicho_store::Backend::Sqlite,
        "a copy on SQLite only"
    );
    let target = copy.as_ref().unwrap_or(&db.db);
    let mut dry = target.begin_import(&scope, &actor()).await.expect("import");
    dry.rehearse();
    for i in 0..50 {
        dry.upsert_asset(
            ("dry.csv", i + 2),
            &pc(&format!("DRY-{i}"), "110"),
            &no_absent(),
        )
        .await
        .expect("valid");
    }
    dry.flush().await.expect("written, not committed");
    let asset = db.list_assets(&scope, &all()).await.expect("list").rows[0].id;
    let started = std::time::Instant::now();
    db.update_asset(&scope, &actor(), asset, &pc("A-1", "210"), None)
        .await
        .expect("the edit is not held");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    dry.finish(false).await.expect("rolled back");
    assert_eq!(
        db.list_assets(&scope, &all()).await.expect("list").total,
        2,
        "the dry run's rows are nowhere"
    );
    assert!(
        db.verify_history(Some(t.id)).await.expect("verify")[0]
            .broken
            .is_none()
    );
}
