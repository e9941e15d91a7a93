//! The change history as a chain: rows forged, edited or removed behind daicho's back, with
//! the database's own tools (the append-only triggers lifted first, as an intruder with
//! write access to the file or the server would), are named by `verify_history`.

use crate::fixture::*;
use daicho_store::{Backend, Break};

/// A city whose history holds departments and assets of two tenants.
async fn recorded() -> (TestDb, Tenant, Tenant) {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let other = tenant(&db, "011002", "札幌市").await;
    department(&db, &other, "900", "総務部", None).await;
    (db, t, other)
}

/// Runs SQL as an intruder: triggers lifted, the statement run, triggers back.
async fn behind_the_back(db: &Db, statement: &str) {
    let (lift, restore) = match db.backend() {
        Backend::Sqlite => (
            "DROP TRIGGER change_history_no_update; DROP TRIGGER change_history_no_delete;",
            "",
        ),
        // Citus alters a distributed table's triggers only when told it may (on plain
        // PostgreSQL the setting is an unused placeholder).
        Backend::Postgres => (
            "SET citus.enable_unsafe_triggers = on; \
             ALTER TABLE change_history DISABLE TRIGGER change_history_no_update",
            "ALTER TABLE change_history ENABLE TRIGGER change_history_no_update",
        ),
    };
    // One connection for all of it; a statement at a time, as Citus passes a DDL's whole
    // query text on to the shards.
    let mut conn = db.pool().acquire().await.expect("connection");
    for sql in lift.split(';').chain([statement]).chain(restore.split(';')) {
        if !sql.trim().is_empty() {
            sqlx::raw_sql(sql)
                .execute(&mut *conn)
                .await
                .expect("tamper");
        }
    }
}

async fn ids(db: &Db, t: &Tenant) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM change_history WHERE tenant_id = {} ORDER BY id",
        t.id
    ))
    .fetch_all(db.pool())
    .await
    .expect("ids")
}

fn broken_of(reports: &[daicho_store::ChainReport], t: &Tenant) -> Option<Break> {
    reports
        .iter()
        .find(|r| r.tenant_id == t.id)
        .expect("tenant reported")
        .broken
        .clone()
}

#[tokio::test]
async fn an_untouched_history_verifies_and_the_append_only_triggers_stand() {
    let (db, t, other) = recorded().await;
    let reports = db.verify_history(None).await.expect("verify");
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
    assert_eq!(
        reports.iter().find(|r| r.tenant_id == t.id).map(|r| r.rows),
        Some(6),
        "4 departments and 2 assets"
    );
    assert!(broken_of(&reports, &other).is_none());
    let update = sqlx::query("UPDATE change_history SET changed_by = 'x'")
        .execute(db.pool())
        .await;
    assert!(update.is_err(), "the application cannot rewrite history");
    let delete = sqlx::query("DELETE FROM change_history")
        .execute(db.pool())
        .await;
    assert!(delete.is_err(), "nor remove it");
}

#[tokio::test]
async fn an_edited_row_is_named() {
    let (db, t, other) = recorded().await;
    let third = ids(&db, &t).await[2];
    behind_the_back(
        &db,
        &format!("UPDATE change_history SET changed_by = 'someone else' WHERE id = {third}"),
    )
    .await;
    let reports = db.verify_history(None).await.expect("verify");
    assert_eq!(broken_of(&reports, &t), Some(Break::Changed { id: third }));
    assert!(
        broken_of(&reports, &other).is_none(),
        "another tenant stands"
    );
}

#[tokio::test]
async fn a_removed_row_is_named_by_the_row_after_it() {
    let (db, t, _) = recorded().await;
    let rows = ids(&db, &t).await;
    behind_the_back(
        &db,
        &format!("DELETE FROM change_history WHERE id = {}", rows[1]),
    )
    .await;
    let reports = db.verify_history(Some(t.id)).await.expect("verify");
    assert_eq!(
        broken_of(&reports, &t),
        Some(Break::RemovedBefore { id: rows[2] })
    );
}

#[tokio::test]
async fn the_newest_rows_removed_are_found_by_the_head() {
    let (db, t, _) = recorded().await;
    let rows = ids(&db, &t).await;
    let last = *rows.last().expect("rows");
    behind_the_back(
        &db,
        &format!("DELETE FROM change_history WHERE id = {last}"),
    )
    .await;
    let reports = db.verify_history(Some(t.id)).await.expect("verify");
    assert_eq!(
        broken_of(&reports, &t),
        Some(Break::RemovedAtEnd {
            after_id: rows[rows.len() - 2],
            head_id: last
        })
    );
}

#[tokio::test]
async fn a_forged_row_is_named_even_with_a_plausible_hash() {
    let (db, t, _) = recorded().await;
    let rows = ids(&db, &t).await;
    // A row copied from the last one (its hashes too), as if it were a new change.
    behind_the_back(
        &db,
        &format!(
            "INSERT INTO change_history (tenant_id, entity, entity_id, entity_key, action, changed_by, changed_at, before_json, after_json, prev_hash, row_hash) \
             SELECT tenant_id, entity, entity_id, entity_key, 'delete', changed_by, changed_at, after_json, NULL, prev_hash, row_hash \
             FROM change_history WHERE id = {}",
            rows[rows.len() - 1]
        ),
    )
    .await;
    let reports = db.verify_history(Some(t.id)).await.expect("verify");
    let forged = *ids(&db, &t).await.last().expect("rows");
    assert_eq!(broken_of(&reports, &t), Some(Break::Changed { id: forged }));
}

async fn entities(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT DISTINCT entity FROM change_history ORDER BY entity")
        .fetch_all(db.pool())
        .await
        .expect("entities")
}

/// Migration 10: a history written when it named rows `asset` and `department` names them
/// by their ledgers, is chained again and still verifies, and a department's page finds
/// its history (most departments showed none).
#[tokio::test]
async fn old_entity_names_become_ledger_names_and_the_chain_still_holds() {
    let (db, t, _) = recorded().await;
    daicho_store::testing::as_before_ledger_names(&db)
        .await
        .expect("rewind");
    assert_eq!(entities(&db).await, ["asset", "department"]);
    let scope = Scope::tenant(t.id);
    let library = db
        .department_by_code(&scope, "210")
        .await
        .expect("read")
        .expect("library");
    assert!(
        db.history(&scope, "departments", library.id)
            .await
            .expect("history")
            .is_empty(),
        "the old name hides it"
    );
    assert_eq!(
        daicho_store::testing::migrate(&db).await.expect("migrate"),
        1
    );
    assert_eq!(entities(&db).await, ["assets", "departments"]);
    let reports = db.verify_history(None).await.expect("verify");
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
    let history = db
        .history(&scope, "departments", library.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "create");
}

/// Chaining again must not seal in a forged row: a broken chain stops the migration with
/// the row's number, and nothing is renamed.
#[tokio::test]
async fn a_broken_chain_stops_the_ledger_names_migration() {
    let (db, t, _) = recorded().await;
    daicho_store::testing::as_before_ledger_names(&db)
        .await
        .expect("rewind");
    let second = ids(&db, &t).await[1];
    behind_the_back(
        &db,
        &format!("UPDATE change_history SET changed_by = 'someone else' WHERE id = {second}"),
    )
    .await;
    match daicho_store::testing::migrate(&db).await {
        Err(e @ StoreError::Migration { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains(&format!("変更履歴 {second} 番")) && text.contains("daicho verify"),
                "{text}"
            );
        }
        other => panic!("expected the migration to stop, got {other:?}"),
    }
    assert_eq!(entities(&db).await, ["asset", "department"]);
}
