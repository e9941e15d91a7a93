//! Accounts: login throttling and sessions.

use crate::fixture::*;

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
