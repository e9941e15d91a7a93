//! Login at a city's directory (Active Directory or OpenLDAP). A person is found and bound
//! as the tenant's settings say — a service account searches for them and their own DN
//! binds with their password (what Active Directory needs), or, without one, they bind
//! as the DN or UPN the pattern makes and read their own entry — and their account is
//! made or updated from what the directory says: the name shown, the staff number that
//! links them to the staff ledger, the groups that give their role. A person in no group
//! the tenant maps (and no default role) loses access. Local accounts never depend on
//! it: a directory that cannot be reached refuses only the people it holds.

#[cfg(feature = "test-support")]
pub mod testing;

use daicho_store::{Db, Directory, StoreError, User};
use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry, ldap_escape};
use rustls::pki_types::{CertificateDer, pem::PemObject};
use std::sync::Arc;
use std::time::Duration;

/// How long a directory may take to answer each step.
const TIMEOUT: Duration = Duration::from_secs(5);

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

/// What one directory found for a person.
struct Person {
    display_name: Option<String>,
    staff_number: Option<String>,
    groups: Vec<String>,
}

enum Asked {
    Found(Person),
    NotFound,
    Unreachable(String),
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
        match ask(&directory, &name, password).await {
            Asked::Found(person) => {
                let role = directory
                    .group_roles
                    .iter()
                    .find(|(dn, _)| person.groups.iter().any(|g| g.eq_ignore_ascii_case(dn)))
                    .map(|(_, role)| *role)
                    .or(directory.default_role);
                let account = username.to_lowercase();
                let Some(role) = role else {
                    db.disable_directory_account(directory.tenant_id, &account)
                        .await?;
                    return Ok(DirectoryLogin::NoRole);
                };
                let user = db
                    .directory_account(
                        directory.tenant_id,
                        &account,
                        person.display_name.as_deref().unwrap_or(&name),
                        role,
                        person.staff_number.as_deref(),
                    )
                    .await?;
                // An account an administrator disabled is refused as a wrong password is.
                return Ok(user.map_or(DirectoryLogin::Refused, DirectoryLogin::Accepted));
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

/// Checks a directory's settings by finding `username` with the service account (or, for
/// a pattern, by binding as them): what `daicho directory test` says.
pub async fn check(
    directory: &Directory,
    username: &str,
    password: &str,
) -> Result<String, String> {
    match ask(directory, username, password).await {
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

async fn ask(d: &Directory, username: &str, password: &str) -> Asked {
    match tokio::time::timeout(TIMEOUT * 4, ask_within(d, username, password)).await {
        Ok(Ok(asked)) => asked,
        Ok(Err(e)) => Asked::Unreachable(e.to_string()),
        Err(_) => Asked::Unreachable("時間内に応答がありません".into()),
    }
}

/// The TLS client that trusts only the certificate authorities of `pem` (a city's own
/// for its directory), or why they cannot be read. A directory without them is checked
/// against the system's store.
pub fn trusting(pem: &str) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|_| "PEM 形式の証明書として読めません".to_string())?;
        roots
            .add(cert)
            .map_err(|e| format!("証明書を信頼する先にできません: {e}"))?;
    }
    if roots.is_empty() {
        return Err("証明書（-----BEGIN CERTIFICATE-----）が含まれていません".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn ask_within(
    d: &Directory,
    username: &str,
    password: &str,
) -> Result<Asked, ldap3::LdapError> {
    let mut settings = LdapConnSettings::new()
        .set_conn_timeout(TIMEOUT)
        .set_starttls(d.starttls);
    if let Some(pem) = &d.ca_certificate {
        match trusting(pem) {
            Ok(config) => settings = settings.set_config(config),
            // Set through `trusting` first; a row edited by hand is not trusted blindly.
            Err(why) => return Ok(Asked::Unreachable(why)),
        }
    }
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &d.url).await?;
    ldap3::drive!(conn);
    ldap.with_timeout(TIMEOUT);
    let filter = d.user_filter.replace("{username}", &ldap_escape(username));
    let mut attributes = vec!["memberOf".to_string()];
    attributes.extend(d.staff_attribute.iter().cloned());
    attributes.extend(d.name_attribute.iter().cloned());
    // The person's DN: found by the service account, or made from the pattern.
    let dn = match (&d.bind_dn, &d.user_pattern) {
        (Some(service), _) => {
            let secret = d.bind_password.as_deref().unwrap_or_default();
            ldap.simple_bind(service, secret).await?.success()?;
            let (entries, _) = ldap
                .search(&d.search_base, Scope::Subtree, &filter, &attributes)
                .await?
                .success()?;
            let [entry] = entries.as_slice() else {
                // None, or a name that is not one person's.
                let _ = ldap.unbind().await;
                return Ok(Asked::NotFound);
            };
            SearchEntry::construct(entry.clone()).dn
        }
        (None, Some(pattern)) => pattern.replace("{username}", &ldap3::dn_escape(username)),
        (None, None) => return Ok(Asked::NotFound),
    };
    if ldap.simple_bind(&dn, password).await?.success().is_err() {
        let _ = ldap.unbind().await;
        return Ok(Asked::NotFound);
    }
    // Read as the person: their entry, and the groups that list them where the server
    // keeps no memberOf (OpenLDAP without the memberof overlay).
    let (entries, _) = ldap
        .search(&d.search_base, Scope::Subtree, &filter, &attributes)
        .await?
        .success()?;
    let Some(entry) = entries.into_iter().next().map(SearchEntry::construct) else {
        let _ = ldap.unbind().await;
        return Ok(Asked::NotFound);
    };
    let first = |attribute: &Option<String>| {
        attribute
            .as_ref()
            .and_then(|a| entry.attrs.get(a))
            .and_then(|v| v.first())
            .cloned()
    };
    let mut groups = entry.attrs.get("memberOf").cloned().unwrap_or_default();
    if groups.is_empty() {
        let member = format!(
            "(|(&(objectClass=groupOfNames)(member={0}))(&(objectClass=groupOfUniqueNames)(uniqueMember={0})))",
            ldap_escape(&entry.dn)
        );
        let (found, _) = ldap
            .search(&d.search_base, Scope::Subtree, &member, vec!["1.1"])
            .await?
            .success()?;
        groups = found
            .into_iter()
            .map(|g| SearchEntry::construct(g).dn)
            .collect();
    }
    let person = Person {
        display_name: first(&d.name_attribute),
        staff_number: first(&d.staff_attribute),
        groups,
    };
    let _ = ldap.unbind().await;
    Ok(Asked::Found(person))
}
