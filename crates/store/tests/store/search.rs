//! Word search in the asset ledger goes through an index (FTS5 trigram on SQLite, pg_trgm
//! on PostgreSQL, migration 24) and finds what reading every row would find: substrings of
//! Japanese names, any case, every word, never across two fields, kept through edits,
//! imports (staged on SQLite) and removals.

use crate::fixture::*;

async fn found(db: &Db, scope: &Scope, words: &str) -> Vec<String> {
    let mut filter = all();
    filter.search = Some(words.into());
    let page = db.list_assets(scope, &filter).await.expect("list");
    let mut tags = tags(&page);
    tags.sort();
    assert_eq!(page.total as usize, tags.len(), "{words}: total and rows");
    tags
}

async fn library_machines(db: &Db, scope: &Scope) {
    let machines = [
        pc("LIB-1", "210")
            .with("name", "中央図書館 貸出端末")
            .with("maker", "FUJITSU")
            .with("model", "ESPRIMO D588")
            .with("serial", "SN0042X"),
        pc("LIB-2", "210")
            .with("name", "図書室端末")
            .with("maker", "NEC"),
        pc("GEN-1", "110")
            .with("name", "庁内端末")
            .with("serial", "sn0042y"),
    ];
    for m in &machines {
        db.create_asset(scope, &actor(), m).await.expect("asset");
    }
}

#[tokio::test]
async fn words_are_found_in_japanese_in_any_case_and_all_of_them() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    library_machines(&db, &scope).await;
    // Another city's machine of the same words stays theirs.
    let other = tenant(&db, "131016", "東京都千代田区").await;
    department(&db, &other, "210", "図書館", None).await;
    db.create_asset(
        &Scope::tenant(other.id),
        &actor(),
        &pc("X-1", "210").with("name", "中央図書館 端末"),
    )
    .await
    .expect("their asset");

    assert_eq!(
        found(&db, &scope, "図書館").await,
        ["LIB-1"],
        "a substring of 中央図書館"
    );
    assert_eq!(
        found(&db, &scope, "端末").await,
        ["GEN-1", "LIB-1", "LIB-2"],
        "two characters"
    );
    assert_eq!(
        found(&db, &scope, "fujitsu").await,
        ["LIB-1"],
        "the maker, any case"
    );
    assert_eq!(
        found(&db, &scope, "SN0042").await,
        ["GEN-1", "LIB-1"],
        "serials, any case"
    );
    assert_eq!(
        found(&db, &scope, "sn0042 図書館").await,
        ["LIB-1"],
        "every word"
    );
    assert_eq!(found(&db, &scope, "d588").await, ["LIB-1"], "the model");
    assert_eq!(
        found(&db, &scope, "lib-").await,
        ["LIB-1", "LIB-2"],
        "the tag"
    );
    assert!(
        found(&db, &scope, "1中央").await.is_empty(),
        "the tag LIB-1 and the name 中央… are two fields"
    );
    assert!(found(&db, &scope, "図書館図書館").await.is_empty());
    assert!(
        found(&db, &scope, "\"NEC\"").await.is_empty(),
        "a quote typed is a character, not FTS5's syntax"
    );
}

#[tokio::test]
async fn an_edit_changes_what_a_word_finds() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    library_machines(&db, &scope).await;
    let id = asset_id(&db, &scope, "LIB-2").await;
    db.update_asset(
        &scope,
        &actor(),
        id,
        &pc("LIB-2", "210")
            .with("name", "移動図書館車 端末")
            .with("maker", "Dynabook"),
        None,
    )
    .await
    .expect("edit");
    assert_eq!(
        found(&db, &scope, "図書室").await,
        Vec::<String>::new(),
        "the old name"
    );
    assert_eq!(
        found(&db, &scope, "図書館").await,
        ["LIB-1", "LIB-2"],
        "the new name"
    );
    assert_eq!(found(&db, &scope, "dynabook").await, ["LIB-2"]);
    assert!(found(&db, &scope, "nec").await.is_empty(), "the old maker");
}

/// An import with `--replace` adds, changes and removes rows; on SQLite it is written into
/// a copy without the word index and published: the index follows all three.
#[tokio::test]
async fn an_import_adds_changes_and_removes_words() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    library_machines(&db, &scope).await;
    let dir = tempfile::tempdir().expect("dir");
    let staged = db.stage_import(dir.path(), t.id).await.expect("staged");
    let target = staged.as_ref().map_or(&db.db, |s| s.db());
    let mut import = target.begin_import(&scope, &actor()).await.expect("import");
    let absent = no_absent();
    let rows = [
        pc("LIB-1", "210")
            .with("name", "中央図書館 検索端末")
            .with("serial", "SN0042X"),
        pc("LIB-3", "210").with("name", "分館図書館 端末"),
        pc("A-1", "110"),
        pc("B-1", "210"),
    ];
    for (i, row) in rows.iter().enumerate() {
        import
            .upsert_asset(("import.csv", i + 2), row, &absent)
            .await
            .expect("valid");
    }
    let removed = import.remove_unseen_assets().await.expect("removed");
    assert_eq!(removed.len(), 2, "LIB-2 and GEN-1: {removed:?}");
    import.finish(true).await.expect("committed");
    if let Some(staged) = staged {
        db.publish(staged).await.expect("published");
    }
    assert_eq!(found(&db, &scope, "図書館").await, ["LIB-1", "LIB-3"]);
    assert_eq!(found(&db, &scope, "検索端末").await, ["LIB-1"], "changed");
    assert!(found(&db, &scope, "貸出").await.is_empty(), "the old name");
    assert_eq!(
        found(&db, &scope, "sn0042").await,
        ["LIB-1"],
        "GEN-1 removed"
    );
    assert!(
        found(&db, &scope, "図書室").await.is_empty(),
        "LIB-2 removed"
    );
}

/// A database of the schema before the index finds its rows by word after the upgrade.
#[tokio::test]
async fn an_upgrade_indexes_the_assets_already_there() {
    let old = daicho_store::testing::fresh_at(23)
        .await
        .expect("schema 23");
    let (t, a, b) = old_city(&old).await;
    let scope = Scope::tenant(t.id);
    // library_machines, as schema 23 holds them.
    old_asset(
        &old,
        &t,
        "LIB-1",
        b,
        ["中央図書館 貸出端末", "FUJITSU", "ESPRIMO D588", "SN0042X"],
    )
    .await;
    old_asset(&old, &t, "LIB-2", b, ["図書室端末", "NEC", "", ""]).await;
    old_asset(&old, &t, "GEN-1", a, ["庁内端末", "", "", "sn0042y"]).await;
    assert_eq!(
        daicho_store::testing::migrate_to(&old, 24)
            .await
            .expect("migration 24"),
        1
    );
    assert_eq!(found(&old, &scope, "図書館").await, ["LIB-1"]);
    assert_eq!(found(&old, &scope, "SN0042").await, ["GEN-1", "LIB-1"]);
}

/// The test databases are made as the README says (LC_CTYPE C.UTF-8): there pg_trgm
/// indexes kanji, which under LC_CTYPE C it keeps out of every trigram.
#[tokio::test]
async fn the_word_index_holds_japanese() {
    let db = db().await;
    assert!(db.word_index_reads_japanese().await.expect("asked"));
}
