//! Fresh databases for tests: a temporary SQLite file, or — when
//! `DAICHO_TEST_DATABASE_URL` is set — a new PostgreSQL database created on that server
//! for each test, so tests run in parallel without seeing each other's rows.

use crate::{Db, StoreError};

/// A database that lives as long as the test.
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// The PostgreSQL server tests use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("DAICHO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The Citus workers (`host:port`, comma-separated in `DAICHO_TEST_CITUS_WORKERS`) when
/// `DAICHO_TEST_DATABASE_URL` is a Citus coordinator: each test's database is then made on
/// every node, the workers added, and the tables distributed as `daicho migrate --citus`
/// does.
fn citus_workers() -> Vec<String> {
    std::env::var("DAICHO_TEST_CITUS_WORKERS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A test database is made as the README says to make daicho's: sorted by code point (C),
/// with a UTF-8 LC_CTYPE so that pg_trgm indexes Japanese, whatever the cluster's default.
const DATABASE_LOCALE: &str =
    "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'";

/// Makes database `name` a Citus database on the coordinator of `url` and on `workers`.
async fn citus_database(url: &str, name: &str, workers: &[String]) -> Result<(), StoreError> {
    let (base, _) = url.rsplit_once('/').unwrap_or((url, ""));
    let (scheme_user, coordinator) = base
        .rsplit_once('@')
        .unwrap_or(("postgres://postgres", base));
    for worker in workers {
        let admin = Db::connect(&format!("{scheme_user}@{worker}/postgres")).await?;
        sqlx::query(&format!("CREATE DATABASE {name} {DATABASE_LOCALE}"))
            .execute(admin.pool())
            .await?;
        admin.close().await;
    }
    for node in workers.iter().map(String::as_str).chain([coordinator]) {
        let db = Db::connect(&format!("{scheme_user}@{node}/{name}")).await?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS citus")
            .execute(db.pool())
            .await?;
        db.close().await;
    }
    let db = Db::connect(&format!("{base}/{name}")).await?;
    let (host, port) = coordinator
        .rsplit_once(':')
        .unwrap_or((coordinator, "5432"));
    sqlx::query(&format!(
        "SELECT citus_set_coordinator_host('{host}', {port})"
    ))
    .execute(db.pool())
    .await?;
    for worker in workers {
        let (host, port) = worker.rsplit_once(':').unwrap_or((worker, "5432"));
        sqlx::query(&format!("SELECT citus_add_node('{host}', {port})"))
            .execute(db.pool())
            .await?;
    }
    db.close().await;
    Ok(())
}

/// A migrated, empty database.
pub async fn fresh() -> Result<TestDb, StoreError> {
    fresh_at(i64::MAX).await
}

/// An empty database migrated up to `version` only, to test an upgrade from it.
pub async fn fresh_at(version: i64) -> Result<TestDb, StoreError> {
    match postgres_url() {
        Some(url) => {
            let admin = Db::connect(&url).await?;
            let name = format!("daicho_test_{}", &crate::random_token()?[..16]);
            sqlx::query(&format!("CREATE DATABASE {name} {DATABASE_LOCALE}"))
                .execute(admin.pool())
                .await?;
            admin.close().await;
            let (base, _) = url.rsplit_once('/').unwrap_or((url.as_str(), ""));
            let workers = citus_workers();
            if !workers.is_empty() {
                // One test at a time joins the nodes: adding a node to two databases at
                // once updates the same catalogue rows of a worker ("tuple concurrently
                // updated").
                let lock = Db::connect(&url).await?;
                let mut conn = lock.pool().acquire().await?;
                sqlx::query("SELECT pg_advisory_lock(7011)")
                    .execute(&mut *conn)
                    .await?;
                let made = citus_database(&url, &name, &workers).await;
                sqlx::query("SELECT pg_advisory_unlock(7011)")
                    .execute(&mut *conn)
                    .await?;
                drop(conn);
                lock.close().await;
                made?;
            }
            let db = Db::connect(&format!("{base}/{name}")).await?;
            crate::migrate::run_to(&db, version).await?;
            if !workers.is_empty() && version >= crate::migrate::TENANT_KEYS_VERSION {
                db.distribute_on_citus().await?;
            }
            Ok(TestDb { db, _dir: None })
        }
        None => {
            let dir = tempfile::tempdir().map_err(|e| StoreError::Connect {
                url: "tempdir".into(),
                reason: e.to_string(),
            })?;
            let db = Db::connect(&crate::db::sqlite_url(&dir.path().join("test.db"))).await?;
            crate::migrate::run_to(&db, version).await?;
            Ok(TestDb {
                db,
                _dir: Some(dir),
            })
        }
    }
}

/// Makes `db`'s history look as a daicho before migration 10 wrote it (entities `asset`,
/// `department`; chained as such) and forgets that migration, so that a test can run it.
pub async fn as_before_ledger_names(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.pool().begin().await?;
    crate::history::chain::rename_back(&mut tx).await?;
    sqlx::query("DELETE FROM schema_migrations WHERE version = 10")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs the migrations `db` has not had; returns how many ran.
pub async fn migrate(db: &Db) -> Result<usize, StoreError> {
    crate::migrate::run(db).await
}

/// Runs the migrations `db` has not had up to `version`; returns how many ran.
pub async fn migrate_to(db: &Db, version: i64) -> Result<usize, StoreError> {
    crate::migrate::run_to(db, version).await
}

/// Makes a directory account's next request check it with the directory again, as if
/// its last check were long ago.
pub async fn directory_check_now(db: &Db, user_id: i64) -> Result<(), StoreError> {
    let mut sql = crate::sql::Sql::new("UPDATE users SET directory_checked_at = NULL WHERE id = ");
    sql.bind(user_id);
    sql.execute(db).await?;
    Ok(())
}

/// The code an authenticator app shows at `unix_time` for a secret in base32, computed as
/// RFC 6238 and RFC 4226 describe it (HMAC-SHA-1 of the 30-second step, dynamic
/// truncation, 6 digits) apart from the crate daicho checks codes with.
pub fn totp_code(secret_base32: &str, unix_time: u64) -> String {
    use hmac::{Hmac, Mac};
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut key) = (0u32, 0u64, Vec::new());
    for c in secret_base32.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase()) else {
            panic!("not base32: {secret_base32}");
        };
        value = (value << 5) | v as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            key.push((value >> bits) as u8);
            value &= (1 << bits) - 1;
        }
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&(unix_time / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let number = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", number % 1_000_000)
}
