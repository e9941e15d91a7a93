//! A real import on SQLite is written into a private copy and published at the end
//! (`Db::stage_import`, `Db::publish`), so that other tenants' saves go on meanwhile.

use crate::fixture::*;
use std::time::{Duration, Instant};

async fn os_of(db: &Db, scope: &Scope, tag: &str) -> Option<String> {
    let id = asset_id(db, scope, tag).await;
    db.asset(scope, id).await.expect("asset").fields.os.clone()
}

#[tokio::test]
async fn another_tenant_saves_while_an_import_is_written() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let other = tenant(&db, "131016", "東京都千代田区").await;
    let theirs = Scope::tenant(other.id);
    department(&db, &other, "300", "総務課", None).await;
    db.create_asset(&theirs, &actor(), &pc("O-1", "300"))
        .await
        .expect("their asset");
    let dir = tempfile::tempdir().expect("dir");
    let staged = db.stage_import(dir.path(), t.id).await.expect("staged");
    let sqlite = db.backend() == daicho_store::Backend::Sqlite;
    assert_eq!(staged.is_some(), sqlite, "staged on SQLite only");
    let target = staged.as_ref().map_or(&db.db, |s| s.db());
    let mut import = target.begin_import(&scope, &actor()).await.expect("import");
    for i in 0..500 {
        import
            .upsert_asset(
                ("import.csv", i + 2),
                &pc(&format!("IMP-{i}"), "110"),
                &no_absent(),
            )
            .await
            .expect("valid");
    }
    import
        .upsert_asset(
            ("import.csv", 502),
            &pc("A-1", "110").with("os", "Windows 11 Pro"),
            &no_absent(),
        )
        .await
        .expect("valid");
    import.flush().await.expect("written, not committed");

    // Another tenant edits and adds at once: nothing waits for the import.
    let started = Instant::now();
    let o1 = asset_id(&db, &theirs, "O-1").await;
    db.update_asset(
        &theirs,
        &actor(),
        o1,
        &pc("O-1", "300").with("os", "Windows 11 Pro"),
        None,
    )
    .await
    .expect("their edit is not held");
    db.create_asset(&theirs, &actor(), &pc("O-2", "300"))
        .await
        .expect("their new asset is not held");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the other tenant waited {:?}",
        started.elapsed()
    );
    if sqlite {
        // The tenant's own edit waits a bounded time, then says why in Japanese.
        assert!(db.import_running(t.id));
        let b1 = asset_id(&db, &scope, "B-1").await;
        let started = Instant::now();
        match db
            .update_asset(
                &scope,
                &actor(),
                b1,
                &pc("B-1", "210").with("name", "x"),
                None,
            )
            .await
        {
            Err(StoreError::Unavailable(m)) => assert!(m.contains("取り込んでいます"), "{m}"),
            other => panic!("expected a bounded wait, got {other:?}"),
        }
        assert!(started.elapsed() >= Duration::from_secs(4));
        // Nothing of the import is seen before it is published.
        assert_eq!(db.list_assets(&scope, &all()).await.expect("list").total, 2);
    }
    import.finish(true).await.expect("committed");
    if let Some(staged) = staged {
        db.publish(staged).await.expect("published");
    }

    assert!(!db.import_running(t.id));
    assert_eq!(
        db.list_assets(&scope, &all()).await.expect("list").total,
        502
    );
    assert_eq!(
        db.dashboard_counts(&scope).await.expect("counts").entries,
        502
    );
    assert_eq!(
        os_of(&db, &scope, "A-1").await.as_deref(),
        Some("Windows 11 Pro")
    );
    let a1 = asset_id(&db, &scope, "A-1").await;
    let history = db.asset_history(&scope, a1).await.expect("history");
    assert_eq!(
        history[0].action, "update",
        "the import's change is in the history"
    );
    // The other tenant's changes made meanwhile stand beside the import's.
    assert_eq!(
        os_of(&db, &theirs, "O-1").await.as_deref(),
        Some("Windows 11 Pro")
    );
    assert_eq!(
        db.list_assets(&theirs, &all()).await.expect("list").total,
        2
    );
    assert_eq!(
        db.dashboard_counts(&theirs).await.expect("counts").entries,
        2
    );
    for report in db.verify_history(None).await.expect("verify") {
        assert!(report.broken.is_none(), "{report:?}");
    }
    // The tenant's own edits go on again.
    let b1 = asset_id(&db, &scope, "B-1").await;
    db.update_asset(
        &scope,
        &actor(),
        b1,
        &pc("B-1", "210").with("name", "y"),
        None,
    )
    .await
    .expect("free again");
}

#[tokio::test]
async fn an_import_not_published_changes_nothing_and_a_slipped_write_refuses_it() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let dir = tempfile::tempdir().expect("dir");
    let Some(staged) = db.stage_import(dir.path(), t.id).await.expect("staged") else {
        return; // PostgreSQL: imports are written in place.
    };
    let mut import = staged
        .db()
        .begin_import(&scope, &actor())
        .await
        .expect("import");
    import
        .upsert_asset(("a.csv", 2), &pc("NEW-1", "110"), &no_absent())
        .await
        .expect("valid");
    import.finish(true).await.expect("committed into the copy");
    // The process stops before publishing (a crash, a failure): the lock goes with it.
    drop(staged);
    assert!(!db.import_running(t.id));
    assert_eq!(db.list_assets(&scope, &all()).await.expect("list").total, 2);

    // A change of the tenant that reached the database after the copy was made (as one
    // begun just before the lock was taken would): publishing refuses, nothing written.
    let dir = tempfile::tempdir().expect("dir");
    let staged = db
        .stage_import(dir.path(), t.id)
        .await
        .expect("staged")
        .expect("sqlite");
    let mut import = staged
        .db()
        .begin_import(&scope, &actor())
        .await
        .expect("import");
    import
        .upsert_asset(("a.csv", 2), &pc("NEW-1", "110"), &no_absent())
        .await
        .expect("valid");
    import.finish(true).await.expect("committed into the copy");
    sqlx::query("UPDATE history_heads SET last_hash = 'moved'")
        .execute(db.pool())
        .await
        .expect("a write slips in");
    match db.publish(staged).await {
        Err(StoreError::Unavailable(m)) => assert!(m.contains("もう一度取り込んでください"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(db.list_assets(&scope, &all()).await.expect("list").total, 2);
}

#[tokio::test]
async fn ids_after_an_import_follow_on_when_nobody_else_numbered() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let dir = tempfile::tempdir().expect("dir");
    let Some(staged) = db.stage_import(dir.path(), t.id).await.expect("staged") else {
        return;
    };
    let mut import = staged
        .db()
        .begin_import(&scope, &actor())
        .await
        .expect("import");
    for i in 0..3 {
        import
            .upsert_asset(
                ("a.csv", i + 2),
                &pc(&format!("N-{i}"), "110"),
                &no_absent(),
            )
            .await
            .expect("valid");
    }
    import.finish(true).await.expect("committed");
    db.publish(staged).await.expect("published");
    let last = asset_id(&db, &scope, "N-2").await;
    let next = db
        .create_asset(&scope, &actor(), &pc("AFTER", "110"))
        .await
        .expect("created");
    assert_eq!(next.id, last + 1, "the reserved block was given back");
}
