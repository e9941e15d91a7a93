//! Opening databases: migrations, and clear errors for corrupt, locked or unreachable ones.

use crate::fixture::*;

#[tokio::test]
async fn migrations_are_applied_once_and_reopening_keeps_data() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    let db = Db::open_sqlite_file(&path).await.expect("open");
    tenant(&db, "990001", "サンプル市").await;
    db.close().await;
    let db = Db::open_sqlite_file(&path).await.expect("reopen");
    assert_eq!(db.tenants().await.expect("tenants").len(), 1);
}

#[tokio::test]
async fn a_corrupt_sqlite_file_is_reported_as_such() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    std::fs::write(&path, vec![0x42u8; 8192]).expect("write garbage");
    match Db::open_sqlite_file(&path).await {
        Err(e @ StoreError::Corrupt { .. }) => assert!(e.to_string().contains("壊れている"), "{e}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_postgres_is_reported_with_its_url_redacted() {
    match Db::open("postgres://daicho:secret@127.0.0.1:1/daicho").await {
        Err(e @ StoreError::Connect { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("接続できません")
                    && text.contains("daicho:***@")
                    && !text.contains("secret"),
                "{text}"
            );
        }
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn a_locked_sqlite_file_is_reported_as_locked_and_nothing_is_written() {
    use sqlx::{Connection, Executor};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("daicho.db");
    let db = Db::open_sqlite_file(&path).await.expect("open");
    let mut other = sqlx::AnyConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("second connection");
    other.execute("BEGIN EXCLUSIVE").await.expect("lock");
    let code = TenantCode::parse("352012").expect("code");
    match db.ensure_tenant(&code, "岡山市").await {
        Err(e @ StoreError::Locked(_)) => {
            assert!(e.to_string().contains("ロックされています"), "{e}")
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    other.execute("ROLLBACK").await.expect("unlock");
    assert!(db.tenant_by_code(&code).await.expect("q").is_none());
}
