//! The conversation with one directory: connect (TLS checked against the city's own
//! authority when it gave one), find the person, bind as them, read their entry and the
//! groups that hold them. Every step is bounded in time.

use daicho_store::Directory;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, ldap_escape};
use rustls::pki_types::{CertificateDer, pem::PemObject};
use std::sync::Arc;
use std::time::Duration;

/// How long a directory may take to answer each step.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What one directory found for a person.
pub(crate) struct Person {
    pub display_name: Option<String>,
    pub staff_number: Option<String>,
    pub groups: Vec<String>,
}

pub(crate) enum Asked {
    Found(Person),
    NotFound,
    Unreachable(String),
}

/// How a person is proven: their own password, or (a session checked again) only the
/// service account's search.
#[derive(Clone, Copy)]
pub(crate) enum Proof<'a> {
    Password(&'a str),
    ServiceAccount,
}

/// Asks `d` about `username`, within a bound on the whole conversation.
pub(crate) async fn ask(d: &Directory, username: &str, proof: Proof<'_>) -> Asked {
    match tokio::time::timeout(TIMEOUT * 4, ask_within(d, username, proof)).await {
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

async fn connect(d: &Directory) -> Result<Result<Ldap, String>, ldap3::LdapError> {
    let mut settings = LdapConnSettings::new()
        .set_conn_timeout(TIMEOUT)
        .set_starttls(d.starttls);
    if let Some(pem) = &d.ca_certificate {
        match trusting(pem) {
            Ok(config) => settings = settings.set_config(config),
            // Set through `trusting` first; a row edited by hand is not trusted blindly.
            Err(why) => return Ok(Err(why)),
        }
    }
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &d.url).await?;
    ldap3::drive!(conn);
    ldap.with_timeout(TIMEOUT);
    Ok(Ok(ldap))
}

async fn ask_within(
    d: &Directory,
    username: &str,
    proof: Proof<'_>,
) -> Result<Asked, ldap3::LdapError> {
    let mut ldap = match connect(d).await? {
        Ok(ldap) => ldap,
        Err(why) => return Ok(Asked::Unreachable(why)),
    };
    let filter = d.user_filter.replace("{username}", &ldap_escape(username));
    let mut attributes = vec!["memberOf".to_string()];
    attributes.extend(d.staff_attribute.iter().cloned());
    attributes.extend(d.name_attribute.iter().cloned());
    // The person's DN: found by the service account, or made from the pattern.
    let dn = match (&d.bind_dn, &d.user_pattern) {
        (Some(service), _) => {
            // An empty password would be an unauthenticated bind, which many servers
            // accept: never searched as nobody.
            let Some(secret) = d.bind_password.as_deref().filter(|p| !p.is_empty()) else {
                let _ = ldap.unbind().await;
                return Ok(Asked::Unreachable(
                    "検索用アカウントのパスワードが設定されていません（ディレクトリの設定で入力し直してください）"
                        .into(),
                ));
            };
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
    match proof {
        Proof::Password(password) => {
            if ldap.simple_bind(&dn, password).await?.success().is_err() {
                let _ = ldap.unbind().await;
                return Ok(Asked::NotFound);
            }
        }
        // Only a service account can look a person up without their password.
        Proof::ServiceAccount if d.bind_dn.is_none() => {
            let _ = ldap.unbind().await;
            return Ok(Asked::Unreachable(
                "検索用アカウントがないため確かめられません".into(),
            ));
        }
        Proof::ServiceAccount => {}
    }
    let person = read_person(&mut ldap, d, &filter, attributes).await?;
    let _ = ldap.unbind().await;
    Ok(person.map_or(Asked::NotFound, Asked::Found))
}

/// The person's entry as the bound account reads it, and the groups that list them where
/// the server keeps no memberOf (OpenLDAP without the memberof overlay).
async fn read_person(
    ldap: &mut Ldap,
    d: &Directory,
    filter: &str,
    attributes: Vec<String>,
) -> Result<Option<Person>, ldap3::LdapError> {
    let (entries, _) = ldap
        .search(&d.search_base, Scope::Subtree, filter, &attributes)
        .await?
        .success()?;
    let Some(entry) = entries.into_iter().next().map(SearchEntry::construct) else {
        return Ok(None);
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
    Ok(Some(Person {
        display_name: first(&d.name_attribute),
        staff_number: first(&d.staff_attribute),
        groups,
    }))
}
