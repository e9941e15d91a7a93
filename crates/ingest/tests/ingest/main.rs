//! Importing what cities have, on a real database (SQLite, or PostgreSQL when
//! DAICHO_TEST_DATABASE_URL is set): single files in their many forms, and whole bundles.

mod bundle;
mod docs;
mod files;
mod forms;
mod hostile;
mod properties;
mod reimport;
mod roundtrip;

/// A fresh database (SQLite, or PostgreSQL from DAICHO_TEST_DATABASE_URL) holding one
/// empty tenant, 岡山市 (352012).
async fn okayama() -> (daicho_store::testing::TestDb, daicho_store::Tenant) {
    let db = daicho_store::testing::fresh().await.expect("db");
    let code = daicho_domain::TenantCode::parse("352012").expect("code");
    let tenant = db.ensure_tenant(&code, "岡山市").await.expect("tenant");
    (db, tenant)
}

/// A fresh database with 岡山市 and a folder for the files a test makes.
struct Fixture {
    db: daicho_store::testing::TestDb,
    tenant: daicho_store::Tenant,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Fixture {
        let (db, tenant) = okayama().await;
        Fixture {
            db,
            tenant,
            dir: tempfile::tempdir().expect("dir"),
        }
    }

    /// Writes `bytes` as the file `name` in the test's folder.
    fn file(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}
