//! Logins at a real OpenLDAP server (Debian's slapd, started by the test) on the demo
//! city, on whichever database the tests run: the account is made from the directory at
//! the first login, linked to the staff ledger by the staff number, given the role of the
//! person's group, and loses access when the directory takes them out of it.

use daicho_directory::testing::{CITY_LDIF, Slapd, city_directory};
use daicho_directory::{DirectoryLogin, login};
use daicho_domain::Role;
use daicho_store::testing::fresh;

#[tokio::test]
async fn a_person_of_the_directory_logs_in_with_the_role_of_their_group() {
    let Some(slapd) = Slapd::start(CITY_LDIF) else {
        return;
    };
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    db.set_directory(
        &daicho_store::Actor::system("test"),
        &city_directory(demo.id, &slapd.url),
    )
    .await
    .expect("directory");

    let DirectoryLogin::Accepted(yamada) = login(&db, "yamada", "yamada-pass-1234")
        .await
        .expect("asked")
    else {
        panic!("yamada is accepted");
    };
    assert_eq!(yamada.role, Role::Staff);
    assert_eq!(yamada.display_name, "山田 花子");
    assert_eq!(yamada.tenant_id, demo.id);
    let person = db
        .staff_of_user(yamada.id)
        .await
        .expect("q")
        .expect("linked by the staff number");
    assert_eq!(person.staff_id, "080500-P003");
    // No password of daicho's opens the account.
    assert!(
        db.authenticate("yamada", "yamada-pass-1234", "10.0.0.1")
            .await
            .expect("auth")
            .is_err()
    );

    let DirectoryLogin::Accepted(suzuki) = login(&db, "suzuki", "suzuki-pass-1234")
        .await
        .expect("asked")
    else {
        panic!("suzuki is accepted");
    };
    assert_eq!(suzuki.role, Role::Policy);

    for (name, password) in [
        ("yamada", "wrong-password"),
        ("yamada", ""),
        ("nobody", "nobody-pass-1234"),
        ("*", "yamada-pass-1234"),
        ("yamada)(uid=*", "yamada-pass-1234"),
    ] {
        assert!(
            matches!(
                login(&db, name, password).await.expect("asked"),
                DirectoryLogin::Refused
            ),
            "{name} / {password:?}"
        );
    }
    // In no group the tenant maps: no access, and no account made.
    assert!(matches!(
        login(&db, "kato", "kato-pass-1234").await.expect("asked"),
        DirectoryLogin::NoRole
    ));
    assert!(
        db.users(Some(demo.id))
            .await
            .expect("users")
            .iter()
            .all(|u| u.username != "kato")
    );

    // Taken out of the group in the directory: the next login is refused and the account
    // made from it is disabled, its sessions ended.
    let session = db.create_session(&yamada, false).await.expect("session");
    slapd.set_member("daicho-staff", "yamada", false).await;
    assert!(matches!(
        login(&db, "yamada", "yamada-pass-1234")
            .await
            .expect("asked"),
        DirectoryLogin::NoRole
    ));
    assert!(db.user(yamada.id).await.expect("user").disabled);
    assert!(
        db.session_user(&session.token, chrono::Duration::minutes(30))
            .await
            .expect("q")
            .is_none()
    );

    // Back in the group: the directory gives the access back.
    slapd.set_member("daicho-staff", "yamada", true).await;
    assert!(matches!(
        login(&db, "yamada", "yamada-pass-1234")
            .await
            .expect("asked"),
        DirectoryLogin::Accepted(_)
    ));
    // An administrator's disabling is never undone by a login.
    db.disable_user("yamada").await.expect("disable");
    assert!(matches!(
        login(&db, "yamada", "yamada-pass-1234")
            .await
            .expect("asked"),
        DirectoryLogin::Refused
    ));
    assert!(db.user(yamada.id).await.expect("user").disabled);
}

/// A city's directory on TLS with its own certificate authority: LDAPS and StartTLS
/// log in when the authority is given, and are refused without it or with another.
#[tokio::test]
async fn ldaps_and_starttls_trust_the_directorys_own_authority() {
    let Some(slapd) = Slapd::start_tls(CITY_LDIF) else {
        return;
    };
    let ca = slapd.ca_pem.clone().expect("ca");
    let ldaps = slapd.ldaps_url.clone().expect("ldaps");
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    let mut directory = city_directory(demo.id, &ldaps);
    let mut attempt = async |url: &str, starttls: bool, ca: Option<&str>| {
        directory.url = url.to_string();
        directory.starttls = starttls;
        directory.ca_certificate = ca.map(str::to_string);
        db.set_directory(&daicho_store::Actor::system("test"), &directory)
            .await
            .expect("directory");
        login(&db, "suzuki", "suzuki-pass-1234")
            .await
            .expect("asked")
    };
    assert!(matches!(
        attempt(&ldaps, false, Some(&ca)).await,
        DirectoryLogin::Accepted(_)
    ));
    assert!(matches!(
        attempt(&slapd.url, true, Some(&ca)).await,
        DirectoryLogin::Accepted(_)
    ));
    // The system does not know the city's authority; nor does another authority sign.
    assert!(matches!(
        attempt(&ldaps, false, None).await,
        DirectoryLogin::Unreachable
    ));
    let other = Slapd::start_tls(CITY_LDIF)
        .and_then(|s| s.ca_pem.clone())
        .expect("another authority");
    assert!(matches!(
        attempt(&ldaps, false, Some(&other)).await,
        DirectoryLogin::Unreachable
    ));
    assert!(matches!(
        attempt(&slapd.url, true, Some(&other)).await,
        DirectoryLogin::Unreachable
    ));
    assert!(daicho_directory::trusting("not a certificate").is_err());
    assert!(daicho_directory::trusting(&ca).is_ok());
}

#[tokio::test]
async fn without_a_service_account_a_person_binds_as_the_pattern_says() {
    let Some(slapd) = Slapd::start(CITY_LDIF) else {
        return;
    };
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    let mut directory = city_directory(demo.id, &slapd.url);
    directory.bind_dn = None;
    directory.bind_password = None;
    directory.user_pattern = Some("uid={username},ou=people,dc=city,dc=example".into());
    db.set_directory(&daicho_store::Actor::system("test"), &directory)
        .await
        .expect("directory");
    let DirectoryLogin::Accepted(suzuki) = login(&db, "suzuki", "suzuki-pass-1234")
        .await
        .expect("asked")
    else {
        panic!("suzuki is accepted");
    };
    assert_eq!(suzuki.role, Role::Policy);
    assert!(matches!(
        login(&db, "suzuki", "not-the-password")
            .await
            .expect("asked"),
        DirectoryLogin::Refused
    ));
}

#[tokio::test]
async fn a_directory_that_cannot_be_reached_refuses_only_its_people() {
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    db.set_directory(
        &daicho_store::Actor::system("test"),
        &city_directory(demo.id, &format!("ldap://127.0.0.1:{port}")),
    )
    .await
    .expect("directory");
    assert!(matches!(
        login(&db, "yamada", "yamada-pass-1234")
            .await
            .expect("asked"),
        DirectoryLogin::Unreachable
    ));
}

/// The group changes in the directory while a person is logged in: the recheck of their
/// session follows it (another role, then none), a person deleted from the directory is
/// let go, and a directory that cannot be reached lets the session go on.
#[tokio::test]
async fn a_session_is_checked_again_with_the_directory() {
    let Some(slapd) = Slapd::start(CITY_LDIF) else {
        return;
    };
    let db = fresh().await.expect("db");
    let demo = daicho_demo::load(&db).await.expect("demo").tenant;
    let actor = daicho_store::Actor::system("test");
    db.set_directory(&actor, &city_directory(demo.id, &slapd.url))
        .await
        .expect("directory");
    let DirectoryLogin::Accepted(yamada) = login(&db, "yamada", "yamada-pass-1234")
        .await
        .expect("asked")
    else {
        panic!("yamada is accepted");
    };
    let same = daicho_directory::recheck(&db, &yamada)
        .await
        .expect("recheck");
    assert_eq!(same.map(|u| u.role), Some(Role::Staff));

    slapd.set_member("daicho-policy", "yamada", true).await;
    let promoted = daicho_directory::recheck(&db, &yamada)
        .await
        .expect("recheck")
        .expect("still in");
    assert_eq!(promoted.role, Role::Policy, "the first group listed wins");

    for group in ["daicho-policy", "daicho-staff"] {
        slapd.set_member(group, "yamada", false).await;
    }
    assert!(
        daicho_directory::recheck(&db, &promoted)
            .await
            .expect("recheck")
            .is_none()
    );
    assert!(db.user(yamada.id).await.expect("user").disabled);

    // suzuki deleted from the directory while logged in.
    let DirectoryLogin::Accepted(suzuki) = login(&db, "suzuki", "suzuki-pass-1234")
        .await
        .expect("asked")
    else {
        panic!("suzuki is accepted");
    };
    slapd.delete_person("suzuki").await;
    assert!(
        daicho_directory::recheck(&db, &suzuki)
            .await
            .expect("recheck")
            .is_none()
    );
    assert!(db.user(suzuki.id).await.expect("user").disabled);

    // kato, in no group, let in by a default role; then the directory goes down: the
    // session goes on.
    let mut directory = city_directory(demo.id, &slapd.url);
    directory.default_role = Some(Role::Viewer);
    db.set_directory(&actor, &directory)
        .await
        .expect("directory");
    let DirectoryLogin::Accepted(kato) = login(&db, "kato", "kato-pass-1234").await.expect("asked")
    else {
        panic!("kato is accepted with the default role");
    };
    assert_eq!(kato.role, Role::Viewer);
    drop(slapd);
    let kept = daicho_directory::recheck(&db, &kato)
        .await
        .expect("recheck");
    assert_eq!(kept.map(|u| u.id), Some(kato.id));
}
