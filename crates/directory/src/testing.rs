//! A real OpenLDAP server for tests: Debian's `slapd`, started on a free loopback port
//! with its own configuration and database in a temporary folder, seeded from an LDIF
//! with `slapadd`, and stopped when dropped. Without slapd installed the tests that need
//! it say so and pass — unless `DAICHO_REQUIRE_LDAP` is set (as CI sets it), where a missing
//! slapd fails them.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The seed's base DN.
pub const BASE: &str = "dc=city,dc=example";
/// The server's administrator, which the tests use as the service account.
pub const ADMIN_DN: &str = "cn=admin,dc=city,dc=example";
pub const ADMIN_PASSWORD: &str = "admin-secret-1234";

const SLAPD: &str = "/usr/sbin/slapd";
const SLAPADD: &str = "/usr/sbin/slapadd";

/// A running slapd.
pub struct Slapd {
    child: Child,
    /// `ldap://127.0.0.1:<port>`.
    pub url: String,
    /// With TLS: `ldaps://127.0.0.1:<port>`, and the certificate authority (PEM) that
    /// signed the server's certificate (for 127.0.0.1).
    pub ldaps_url: Option<String>,
    pub ca_pem: Option<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a missing slapd fails the test rather than skipping it.
fn required() -> bool {
    std::env::var("DAICHO_REQUIRE_LDAP").is_ok_and(|v| !v.trim().is_empty())
}

impl Slapd {
    /// Starts slapd seeded with `ldif` (entries under [`BASE`], the base entry included);
    /// None when slapd is not installed and not required.
    pub fn start(ldif: &str) -> Option<Slapd> {
        Self::start_with(ldif, false)
    }

    /// As [`Slapd::start`], with TLS: StartTLS on `url` and LDAPS on `ldaps_url`, by a
    /// certificate of a certificate authority made for the test (with `openssl`).
    pub fn start_tls(ldif: &str) -> Option<Slapd> {
        Self::start_with(ldif, true)
    }

    fn start_with(ldif: &str, tls: bool) -> Option<Slapd> {
        if !Path::new(SLAPD).exists() {
            assert!(
                !required(),
                "DAICHO_REQUIRE_LDAP is set but {SLAPD} is not installed"
            );
            eprintln!("slapd is not installed: the directory test is skipped");
            return None;
        }
        let dir = tempfile::tempdir().expect("slapd folder");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        let conf = dir.path().join("slapd.conf");
        let schema = "/etc/ldap/schema";
        let (tls_conf, ca_pem) = if tls {
            let ca = certificates(dir.path());
            (
                format!(
                    "TLSCACertificateFile {ca}\nTLSCertificateFile {cert}\nTLSCertificateKeyFile {key}\n",
                    ca = dir.path().join("ca.pem").display(),
                    cert = dir.path().join("server.pem").display(),
                    key = dir.path().join("server.key").display(),
                ),
                Some(ca),
            )
        } else {
            (String::new(), None)
        };
        std::fs::write(
            &conf,
            format!(
                "include {schema}/core.schema\ninclude {schema}/cosine.schema\n\
                 include {schema}/inetorgperson.schema\ninclude {schema}/nis.schema\n\
                 modulepath /usr/lib/ldap\nmoduleload back_mdb\n\
                 pidfile {pid}\n{tls_conf}\
                 database mdb\nmaxsize 10485760\nsuffix \"{BASE}\"\nrootdn \"{ADMIN_DN}\"\n\
                 rootpw {ADMIN_PASSWORD}\ndirectory {data}\n\
                 access to attrs=userPassword by self write by anonymous auth by * none\n\
                 access to * by * read\n",
                pid = dir.path().join("slapd.pid").display(),
                data = data.display()
            ),
        )
        .expect("slapd.conf");
        let seed = dir.path().join("seed.ldif");
        std::fs::write(&seed, ldif).expect("seed");
        let added = Command::new(SLAPADD)
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(&seed)
            .output()
            .expect("slapadd runs");
        assert!(
            added.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&added.stderr)
        );
        let port = free_port();
        let url = format!("ldap://127.0.0.1:{port}");
        let ldaps_url = tls.then(|| format!("ldaps://127.0.0.1:{}", free_port()));
        let listen = match &ldaps_url {
            Some(ldaps) => format!("{url}/ {ldaps}/"),
            None => format!("{url}/"),
        };
        let mut child = Command::new(SLAPD)
            .arg("-f")
            .arg(&conf)
            .arg("-h")
            .arg(listen)
            // In the foreground (no fork), so that it is stopped with the test.
            .arg("-d")
            .arg("0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("slapd starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                panic!("slapd stopped ({status}): {err}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "slapd did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::io::stderr().flush();
        Some(Slapd {
            child,
            url,
            ldaps_url,
            ca_pem,
            _dir: dir,
        })
    }
}

impl Slapd {
    /// The server's administrator, bound: what a city's directory administrator changes.
    async fn administrator(&self) -> ldap3::Ldap {
        let (conn, mut ldap) = ldap3::LdapConnAsync::new(&self.url)
            .await
            .expect("connect to slapd");
        ldap3::drive!(conn);
        ldap.simple_bind(ADMIN_DN, ADMIN_PASSWORD)
            .await
            .expect("bind")
            .success()
            .expect("the administrator binds");
        ldap
    }

    /// Puts person `uid` into group `group` (its cn), or takes them out of it.
    pub async fn set_member(&self, group: &str, uid: &str, member: bool) {
        let dn = format!("uid={uid},ou=people,{BASE}");
        let values = std::collections::HashSet::from([dn.as_str()]);
        let change = if member {
            ldap3::Mod::Add("member", values)
        } else {
            ldap3::Mod::Delete("member", values)
        };
        let mut ldap = self.administrator().await;
        ldap.modify(&format!("cn={group},ou=groups,{BASE}"), vec![change])
            .await
            .expect("modify")
            .success()
            .expect("the group changed");
        let _ = ldap.unbind().await;
    }

    /// Deletes person `uid` from the directory.
    pub async fn delete_person(&self, uid: &str) {
        let mut ldap = self.administrator().await;
        ldap.delete(&format!("uid={uid},ou=people,{BASE}"))
            .await
            .expect("delete")
            .success()
            .expect("the person deleted");
        let _ = ldap.unbind().await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Makes in `dir` a certificate authority (`ca.pem`) and, signed by it, a server
/// certificate for 127.0.0.1 (`server.pem`, `server.key`); returns the authority's PEM.
fn certificates(dir: &Path) -> String {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs (Debian's openssl package)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509", "-days", "2", "-subj", "/CN=daicho test CA"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem"],
            &["-addext", "basicConstraints=critical,CA:TRUE"],
            &["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req", "-subj", "/CN=127.0.0.1"][..],
            &ec,
            &["-keyout", "server.key", "-out", "server.csr"],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )
    .expect("extensions");
    openssl(&[
        "x509",
        "-req",
        "-days",
        "2",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    std::fs::read_to_string(dir.join("ca.pem")).expect("ca.pem")
}

/// A city's directory: 山田 (staff group, staff number 080500-P003), 鈴木 (policy group),
/// 加藤 (in no group), their passwords `<uid>-pass-1234`.
pub const CITY_LDIF: &str = "dn: dc=city,dc=example
objectClass: dcObject
objectClass: organization
o: City
dc: city

dn: ou=people,dc=city,dc=example
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=city,dc=example
objectClass: organizationalUnit
ou: groups

dn: uid=yamada,ou=people,dc=city,dc=example
objectClass: inetOrgPerson
uid: yamada
cn: Yamada Hanako
sn: Yamada
displayName:: 5bGx55SwIOiKseWtkA==
employeeNumber: 080500-P003
userPassword: yamada-pass-1234

dn: uid=suzuki,ou=people,dc=city,dc=example
objectClass: inetOrgPerson
uid: suzuki
cn: Suzuki Ichiro
sn: Suzuki
displayName:: 6Yi05pyoIOS4gOmDjg==
employeeNumber: 010300-P001
userPassword: suzuki-pass-1234

dn: uid=kato,ou=people,dc=city,dc=example
objectClass: inetOrgPerson
uid: kato
cn: Kato Saburo
sn: Kato
displayName:: 5Yqg6JekIOS4iemDjg==
userPassword: kato-pass-1234

dn: cn=daicho-staff,ou=groups,dc=city,dc=example
objectClass: groupOfNames
cn: daicho-staff
member: uid=yamada,ou=people,dc=city,dc=example
member: cn=admin,dc=city,dc=example

dn: cn=daicho-policy,ou=groups,dc=city,dc=example
objectClass: groupOfNames
cn: daicho-policy
member: uid=suzuki,ou=people,dc=city,dc=example
";

/// The settings of [`CITY_LDIF`]'s directory for tenant `tenant_id` at `url`: found by
/// the service account, the two groups mapped, no default role.
pub fn city_directory(tenant_id: i64, url: &str) -> daicho_store::Directory {
    use daicho_domain::Role;
    daicho_store::Directory {
        tenant_id,
        url: url.to_string(),
        starttls: false,
        bind_dn: Some(ADMIN_DN.into()),
        bind_password: Some(ADMIN_PASSWORD.into()),
        user_pattern: None,
        search_base: BASE.into(),
        user_filter: "(uid={username})".into(),
        staff_attribute: Some("employeeNumber".into()),
        name_attribute: Some("displayName".into()),
        group_roles: vec![
            (
                "cn=daicho-policy,ou=groups,dc=city,dc=example".into(),
                Role::Policy,
            ),
            (
                "cn=daicho-staff,ou=groups,dc=city,dc=example".into(),
                Role::Staff,
            ),
        ],
        default_role: None,
        login_domain: None,
        ca_certificate: None,
    }
}
