//! Staff accounts from the staff ledger, setup codes, and the second factor.

use crate::fixture::*;
use daicho_store::testing::totp_code;
use daicho_store::{SecondFactor, User, ledgers::ledger};

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("after 1970")
}

/// Puts people in the staff ledger of `t` (staff number, name, department code); with
/// `replace`, the people not named leave.
async fn staff(db: &Db, t: &Tenant, people: &[(&str, &str, &str)], replace: bool) {
    let scope = Scope::tenant(t.id);
    let mut import = db.begin_import(&scope, &actor()).await.expect("import");
    let l = ledger("staff").expect("staff ledger");
    let cell = |name: &str, value: &str| (l.column(name).expect("column"), value.to_string());
    for (id, name, department) in people {
        import
            .upsert_row(
                l,
                &[
                    cell("staff_id", id),
                    cell("name", name),
                    cell("department", department),
                    cell("employment", "職員"),
                ],
            )
            .await
            .expect("staff row");
    }
    if replace {
        import.remove_unseen_rows(l).await.expect("replace");
    }
    import.finish(true).await.expect("commit");
}

async fn policy_user(db: &Db, t: &Tenant, name: &str) -> User {
    db.create_user(&NewUser {
        tenant_id: t.id,
        username: name.into(),
        display_name: name.into(),
        role: Role::Policy,
        password: "correct horse battery".into(),
        departments: vec![],
        must_change_password: false,
    })
    .await
    .expect("user")
}

#[tokio::test]
async fn the_second_factor_takes_each_code_once() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = policy_user(&db, &t, "tanaka").await;
    let enrollment = db.start_totp(&user).await.expect("start");
    assert!(
        enrollment
            .uri
            .starts_with("otpauth://totp/daicho:tanaka?secret=")
            && enrollment.uri.contains(&enrollment.secret)
    );
    // Kept sealed: the database alone does not give the secret.
    let stored: String = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(db.pool())
        .await
        .expect("stored");
    assert!(stored.starts_with("v1:") && !stored.contains(&enrollment.secret));
    assert_eq!(
        db.pending_totp(&user)
            .await
            .expect("pending")
            .map(|e| e.secret),
        Some(enrollment.secret.clone())
    );
    // Not in force until a code from the app is typed.
    assert!(!db.user(user.id).await.expect("user").two_factors);
    let wrong = format!(
        "{:06}",
        (totp_code(&enrollment.secret, now())
            .parse::<u32>()
            .expect("n")
            + 1)
            % 1_000_000
    );
    assert_eq!(db.confirm_totp(&user, &wrong).await.expect("confirm"), None);
    let first = totp_code(&enrollment.secret, now());
    let recovery = db
        .confirm_totp(&user, &first)
        .await
        .expect("confirm")
        .expect("recovery codes");
    assert_eq!(recovery.len(), daicho_store::RECOVERY_CODES);
    let user = db.user(user.id).await.expect("user");
    assert!(user.two_factors);
    assert!(db.start_totp(&user).await.is_err(), "set up once");

    // The code that confirmed it is spent; the next step's is taken once.
    assert_eq!(
        db.verify_second_factor(&user, &first).await.expect("v"),
        SecondFactor::Refused
    );
    let next = totp_code(&enrollment.secret, now() + 30);
    assert_eq!(
        db.verify_second_factor(&user, &next).await.expect("v"),
        SecondFactor::Accepted
    );
    assert_eq!(
        db.verify_second_factor(&user, &next).await.expect("v"),
        SecondFactor::Refused
    );
    // A code far from now is not taken.
    let old = totp_code(&enrollment.secret, now() - 600);
    assert_eq!(
        db.verify_second_factor(&user, &old).await.expect("v"),
        SecondFactor::Refused
    );

    // A recovery code, typed as a person would, opens one login.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    assert_eq!(
        db.verify_second_factor(&user, &typed).await.expect("v"),
        SecondFactor::Accepted
    );
    assert_eq!(
        db.verify_second_factor(&user, &recovery[3])
            .await
            .expect("v"),
        SecondFactor::Refused
    );
    assert_eq!(db.recovery_codes_left(&user).await.expect("left"), 9);

    // Guessing is slowed: past the free failures the account waits.
    let mut throttled = false;
    for _ in 0..8 {
        if db.verify_second_factor(&user, "000000").await.expect("v") == SecondFactor::Throttled {
            throttled = true;
            break;
        }
    }
    assert!(throttled);

    // An administrator takes it off a lost phone: the sessions end, a new setup starts.
    let session = db.create_session(&user, false).await.expect("session");
    db.reset_two_factors(&user).await.expect("reset");
    let user = db.user(user.id).await.expect("user");
    assert!(!user.two_factors);
    assert!(
        db.session_user(&session.token, chrono::Duration::minutes(30))
            .await
            .expect("q")
            .is_none()
    );
    let again = db.start_totp(&user).await.expect("start again");
    assert_ne!(again.secret, enrollment.secret);
}

#[tokio::test]
async fn a_session_waits_for_its_second_factor_and_a_tenant_may_require_it() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let user = policy_user(&db, &t, "sato").await;
    let pending = db.create_session(&user, true).await.expect("session");
    let seen = db
        .session_user(&pending.token, chrono::Duration::minutes(30))
        .await
        .expect("q")
        .expect("live");
    assert!(seen.second_factor_pending);
    assert!(!db.two_factors_required(t.id).await.expect("q"));
    db.set_two_factors_required(&Scope::tenant(t.id), &actor(), true)
        .await
        .expect("set");
    assert!(db.two_factors_required(t.id).await.expect("q"));
    let other = tenant(&db, "131016", "千代田区").await;
    assert!(!db.two_factors_required(other.id).await.expect("q"));
    let history = db
        .history(&Scope::tenant(t.id), "tenants", t.id)
        .await
        .expect("history");
    assert!(
        history
            .iter()
            .any(|h| h.entity_key == "two_factors_required"),
        "{history:?}"
    );
}

#[tokio::test]
async fn staff_accounts_come_from_the_staff_ledger_and_open_with_their_code_once() {
    let db = db().await;
    let (t, _, library) = city(&db).await;
    staff(
        &db,
        &t,
        &[
            ("1001", "山田 花子", "210"),
            ("1002", "鈴木 一郎", "210"),
            ("1003", "佐藤 次郎", "110"),
        ],
        false,
    )
    .await;
    // A person who already has an account keeps it.
    let manager = policy_user(&db, &t, "yamada").await;
    db.link_user_to_staff("yamada", "1001").await.expect("link");

    let sync = db.sync_staff_accounts(t.id, "", 30).await.expect("sync");
    assert_eq!(sync.kept, 1);
    let names: Vec<&str> = sync.created.iter().map(|s| s.username.as_str()).collect();
    assert_eq!(names, ["1002", "1003"]);
    let suzuki = &sync.created[0];
    assert_eq!(suzuki.display_name, "鈴木 一郎");
    assert_eq!(suzuki.department_name, "図書館");
    assert_eq!(
        suzuki.expires_on,
        daicho_store::today() + chrono::Duration::days(30)
    );
    // A second sync makes no one twice.
    let again = db.sync_staff_accounts(t.id, "", 30).await.expect("sync");
    assert!(again.created.is_empty() && again.kept == 3);

    // No password opens a new account; its code does, once, per address throttled.
    assert!(
        db.authenticate("1002", "", "10.0.0.1")
            .await
            .expect("auth")
            .is_err()
    );
    let account = db
        .account_of_setup_code(&suzuki.code.to_uppercase(), "10.0.0.1")
        .await
        .expect("q")
        .expect("code opens the account");
    assert_eq!(account.username, "1002");
    assert_eq!(account.role, Role::Staff);
    assert!(
        db.complete_setup(&suzuki.code, &account, "short")
            .await
            .is_err(),
        "a weak password is refused"
    );
    db.complete_setup(&suzuki.code, &account, "my own long password")
        .await
        .expect("setup");
    assert!(
        db.authenticate("1002", "my own long password", "10.0.0.1")
            .await
            .expect("auth")
            .is_ok()
    );
    assert!(
        db.account_of_setup_code(&suzuki.code, "10.0.0.1")
            .await
            .expect("q")
            .is_err(),
        "a code opens once"
    );

    // A staff account sees its own department only, and writes nothing.
    let scope = db.scope_for(&account).await.expect("scope");
    assert_eq!(scope.departments, Some(vec![library]));
    assert!(!scope.can_write && !scope.can_audit);

    // Someone who left the staff ledger loses their staff account; the ledger's
    // replacement is not blocked by the account, and other accounts keep working.
    staff(
        &db,
        &t,
        &[("1001", "山田 花子", "210"), ("1003", "佐藤 次郎", "110")],
        true,
    )
    .await;
    let gone = db.user(account.id).await.expect("user");
    assert!(gone.disabled);
    assert!(
        db.authenticate("1002", "my own long password", "10.0.0.2")
            .await
            .expect("auth")
            .is_err()
    );
    assert!(!db.user(manager.id).await.expect("user").disabled);

    // Staff numbers that another tenant already uses are reported, not taken.
    let other = tenant(&db, "131016", "千代田区").await;
    department(&db, &other, "10", "総務課", None).await;
    staff(
        &db,
        &other,
        &[("1003", "別の人", "10"), ("2001", "千代田 三郎", "10")],
        false,
    )
    .await;
    let sync = db
        .sync_staff_accounts(other.id, "", 30)
        .await
        .expect("sync");
    assert_eq!(sync.conflicts, ["1003"]);
    assert_eq!(sync.created.len(), 1);
    let prefixed = db
        .sync_staff_accounts(other.id, "chiyoda-", 30)
        .await
        .expect("sync");
    assert_eq!(
        prefixed
            .created
            .iter()
            .map(|s| s.username.as_str())
            .collect::<Vec<_>>(),
        ["chiyoda-1003"]
    );
}

/// A directory's service-account password is sealed in the database, read back by daicho,
/// and not opened in another tenant's row; an empty one is refused.
#[tokio::test]
async fn the_directorys_password_is_sealed_in_the_database() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let actor = daicho_store::Actor::system("test");
    let mut directory = daicho_store::Directory {
        tenant_id: t.id,
        url: "ldaps://dc01.city.local".into(),
        starttls: false,
        bind_dn: Some("CN=daicho,OU=Service,DC=city,DC=local".into()),
        bind_password: Some("service-secret-5678".into()),
        user_pattern: None,
        search_base: "DC=city,DC=local".into(),
        user_filter: "(sAMAccountName={username})".into(),
        staff_attribute: None,
        name_attribute: None,
        group_roles: Vec::new(),
        default_role: None,
        login_domain: None,
        ca_certificate: None,
    };
    db.set_directory(&actor, &directory).await.expect("set");
    let stored: String =
        sqlx::query_scalar("SELECT bind_password FROM directories WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(db.pool())
            .await
            .expect("stored");
    assert!(stored.starts_with("v1:") && !stored.contains("service-secret"));
    let read = db.directory(t.id).await.expect("q").expect("set");
    assert_eq!(read.bind_password.as_deref(), Some("service-secret-5678"));
    // Copied into another tenant's row, it does not open there.
    let other = db
        .ensure_tenant(
            &daicho_domain::TenantCode::parse("131016").expect("code"),
            "千代田区",
        )
        .await
        .expect("tenant");
    directory.tenant_id = other.id;
    db.set_directory(&actor, &directory).await.expect("set");
    let copied = sqlx::query("UPDATE directories SET bind_password = $1 WHERE tenant_id = $2")
        .bind(&stored)
        .bind(other.id)
        .execute(db.pool())
        .await
        .expect("copied");
    assert_eq!(copied.rows_affected(), 1);
    let moved = db.directory(other.id).await.expect("q").expect("set");
    assert_eq!(moved.bind_password, None);
    directory.bind_password = Some(String::new());
    assert!(db.set_directory(&actor, &directory).await.is_err());
}
