//! Login at a city's directory (Active Directory or OpenLDAP). A person is found and bound
//! as the tenant's settings say — a service account searches for them and their own DN
//! binds with their password (what Active Directory needs), or, without one, they bind
//! as the DN or UPN the pattern makes and read their own entry — and their account is
//! made or updated from what the directory says: the name shown, the staff number that
//! links them to the staff ledger, the groups that give their role. A person in no group
//! the tenant maps (and no default role) loses access, at their next login or when their
//! session is checked again. Local accounts never depend on it: a directory that cannot
//! be reached refuses only the people it holds.

mod ldap;
#[cfg(feature = "test-support")]
pub mod testing;

use daicho_domain::Role;
use daicho_store::{Db, Directory, StoreError, User};
pub use ldap::trusting;
use ldap::{Asked, Person, Proof, ask};

/// How often a session of a directory's account is checked with the directory again
/// (with the service account; a directory without one is not asked until the session's
/// 12 hours end).
pub const RECHECK_MINUTES: i64 = 15;

/// What the directory said of a login.
#[derive(Debug)]
pub enum DirectoryLogin {
    /// The password is right and a role applies: the account as made or updated.
    Accepted(User),
    /// Not a person of any directory, or a wrong password.
    Refused,
    /// The password is right, but no group the tenant maps holds the person.
    NoRole,
    /// No directory could be asked (down, unreachable, misconfigured).
    Unreachable,
}

/// What an answer of the directory made of the account.
enum Settled {
    /// Made or updated; None if an administrator had disabled it.
    Account(Option<User>),
    /// In no group the tenant maps: disabled.
    NoRole,
}

/// Makes or updates the account `account` (`name` at `directory`) from what the directory
/// said of the person.
async fn settle(
    db: &Db,
    directory: &Directory,
    account: &str,
    name: &str,
    person: Person,
) -> Result<Settled, StoreError> {
    let role: Option<Role> = directory
        .group_roles
        .iter()
        .find(|(dn, _)| person.groups.iter().any(|g| g.eq_ignore_ascii_case(dn)))
        .map(|(_, role)| *role)
        .or(directory.default_role);
    let Some(role) = role else {
        db.disable_directory_account(directory.tenant_id, account)
            .await?;
        return Ok(Settled::NoRole);
    };
    let user = db
        .directory_account(
            directory.tenant_id,
            account,
            person.display_name.as_deref().unwrap_or(name),
            role,
            person.staff_number.as_deref(),
        )
        .await?;
    Ok(Settled::Account(user))
}

/// Logs `username` in at the directories it may belong to.
pub async fn login(db: &Db, username: &str, password: &str) -> Result<DirectoryLogin, StoreError> {
    // An empty password is an "unauthenticated bind" that many servers accept as a
    // success (RFC 4513 5.1.2): it must never reach one.
    if password.is_empty() || username.trim().is_empty() {
        return Ok(DirectoryLogin::Refused);
    }
    let mut unreachable = false;
    for (directory, name) in db.directories_for(username).await? {
        match ask(&directory, &name, Proof::Password(password)).await {
            Asked::Found(person) => {
                let account = username.to_lowercase();
                return Ok(
                    match settle(db, &directory, &account, &name, person).await? {
                        Settled::NoRole => DirectoryLogin::NoRole,
                        // An account an administrator disabled is refused as a wrong password is.
                        Settled::Account(user) => {
                            user.map_or(DirectoryLogin::Refused, DirectoryLogin::Accepted)
                        }
                    },
                );
            }
            Asked::NotFound => {}
            Asked::Unreachable(why) => {
                tracing::warn!(tenant = directory.tenant_id, why, "directory unreachable");
                unreachable = true;
            }
        }
    }
    Ok(if unreachable {
        DirectoryLogin::Unreachable
    } else {
        DirectoryLogin::Refused
    })
}

/// Checks again with its directory that `user`, an account made from it, may still use
/// daicho: the account as it now is (its role may have changed), or None when its session
/// must end (taken out of every group, gone from the directory, the directory's settings
/// removed). A directory that cannot be reached keeps the session: an outage must not
/// log everyone out, and their login will ask it again.
pub async fn recheck(db: &Db, user: &User) -> Result<Option<User>, StoreError> {
    let Some((directory, name)) = db
        .directories_for(&user.username)
        .await?
        .into_iter()
        .find(|(d, _)| d.tenant_id == user.tenant_id)
    else {
        return Ok(None);
    };
    if directory.bind_dn.is_none() {
        return Ok(Some(user.clone()));
    }
    match ask(&directory, &name, Proof::ServiceAccount).await {
        Asked::Found(person) => Ok(
            match settle(db, &directory, &user.username, &name, person).await? {
                Settled::NoRole => None,
                Settled::Account(user) => user,
            },
        ),
        Asked::NotFound => {
            db.disable_directory_account(user.tenant_id, &user.username)
                .await?;
            Ok(None)
        }
        Asked::Unreachable(why) => {
            tracing::warn!(
                tenant = user.tenant_id,
                why,
                "directory unreachable at a recheck"
            );
            Ok(Some(user.clone()))
        }
    }
}

/// Checks a directory's settings by finding `username` with the service account (or, for
/// a pattern, by binding as them): what `daicho directory test` says.
pub async fn check(
    directory: &Directory,
    username: &str,
    password: &str,
) -> Result<String, String> {
    match ask(directory, username, Proof::Password(password)).await {
        Asked::Found(p) => Ok(format!(
            "見つかりました: 表示名 {}、職員番号 {}、グループ {}件",
            p.display_name.unwrap_or_default(),
            p.staff_number.unwrap_or_default(),
            p.groups.len()
        )),
        Asked::NotFound => Err("見つからないか、パスワードが違います".into()),
        Asked::Unreachable(why) => Err(format!("ディレクトリに接続できません: {why}")),
    }
}
