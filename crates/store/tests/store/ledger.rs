//! The asset ledger: tenant and role scope, validation, history, counts, filters.

use crate::fixture::*;

#[tokio::test]
async fn a_tenant_never_sees_another_tenants_assets() {
    let db = db().await;
    let (okayama, _, _) = city(&db).await;
    let other = tenant(&db, "990001", "サンプル市").await;
    department(&db, &other, "110", "総務課", None).await;
    let other_scope = Scope::tenant(other.id);
    let mine = db
        .create_asset(&other_scope, &actor(), &pc("A-1", "110"))
        .await
        .expect("same tag in another tenant is fine");
    let page = db.list_assets(&other_scope, &all()).await.expect("list");
    assert_eq!(tags(&page), ["A-1"]);
    assert_eq!(page.rows[0].id, mine.id);
    let theirs = db
        .list_assets(&Scope::tenant(okayama.id), &all())
        .await
        .expect("list");
    for row in &theirs.rows {
        assert!(matches!(
            db.asset(&other_scope, row.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            db.asset_history(&other_scope, row.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert_eq!(
        db.dashboard_counts(&other_scope)
            .await
            .expect("counts")
            .entries,
        1
    );
}

#[tokio::test]
async fn a_manager_sees_and_changes_only_its_departments() {
    let db = db().await;
    let (t, _, library) = city(&db).await;
    let bureau = db
        .department_by_code(&Scope::tenant(t.id), "200")
        .await
        .expect("q")
        .expect("bureau")
        .id;
    let manager = Scope {
        tenant_id: t.id,
        departments: Some(vec![bureau, library]),
        can_write: true,
        can_audit: false,
    };
    assert_eq!(
        tags(&db.list_assets(&manager, &all()).await.expect("list")),
        ["B-1"]
    );
    let others = db
        .list_assets(
            &Scope::tenant(t.id),
            &AssetFilter {
                search: Some("A-1".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    let foreign = others.rows[0].id;
    assert!(matches!(
        db.asset(&manager, foreign).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.update_asset(&manager, &actor(), foreign, &pc("A-1", "210"), None)
            .await,
        Err(StoreError::NotFound(_))
    ));
    match db.create_asset(&manager, &actor(), &pc("A-2", "110")).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors[0].field, "department"),
        other => panic!("expected a department error, got {other:?}"),
    }
    let names: Vec<String> = db
        .departments(&manager)
        .await
        .expect("departments")
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["教育局", "図書館"]);
    assert_eq!(
        db.dashboard_counts(&manager).await.expect("counts").entries,
        1
    );
}

#[tokio::test]
async fn a_read_only_scope_cannot_write() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let viewer = Scope {
        tenant_id: t.id,
        departments: None,
        can_write: false,
        can_audit: false,
    };
    assert!(matches!(
        db.create_asset(&viewer, &actor(), &pc("V-1", "110")).await,
        Err(StoreError::Forbidden(_))
    ));
    let id = db.list_assets(&viewer, &all()).await.expect("list").rows[0].id;
    assert!(matches!(
        db.update_asset(&viewer, &actor(), id, &pc("V-1", "110"), None)
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

#[tokio::test]
async fn changes_are_kept_with_who_when_before_and_after_and_cannot_be_rewritten() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let id = db.list_assets(&scope, &all()).await.expect("list").rows[0].id;
    let mut input = AssetInput::from_asset(&db.asset(&scope, id).await.expect("asset"));
    input.set("os", "Windows 11 Pro");
    input.set("status", "retired");
    input.set("retired_on", "令和5年10月6日");
    input.set("location", "倉庫5");
    let editor = Actor {
        user_id: None,
        name: "policy-user".into(),
    };
    db.update_asset(&scope, &editor, id, &input, None)
        .await
        .expect("update");
    db.update_asset(&scope, &editor, id, &input, None)
        .await
        .expect("same input again");
    let history = db.asset_history(&scope, id).await.expect("history");
    assert_eq!(history.len(), 2, "an unchanged save writes nothing");
    assert_eq!(
        (history[0].action.as_str(), history[0].changed_by.as_str()),
        ("update", "policy-user")
    );
    assert_eq!(history[1].action, "create");
    let changes = history[0].changes();
    assert!(
        changes.contains(&(
            "os".into(),
            "Windows 10 Pro".into(),
            "Windows 11 Pro".into()
        )),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("retired_on".into(), String::new(), "2023-10-06".into())),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("location".into(), String::new(), "倉庫5".into())),
        "a new place is created and recorded: {changes:?}"
    );
    let asset = db.asset(&scope, id).await.expect("asset");
    assert_eq!(asset.location_code.as_deref(), Some("倉庫5"));
    for statement in [
        "UPDATE change_history SET changed_by = 'someone else'",
        "DELETE FROM change_history",
    ] {
        assert!(
            sqlx::query(statement).execute(db.pool()).await.is_err(),
            "{statement} must be refused"
        );
    }
    assert_eq!(
        db.asset_history(&scope, id).await.expect("history").len(),
        2
    );
}

#[tokio::test]
async fn a_duplicate_tag_or_a_wrong_date_changes_nothing() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    match db.create_asset(&scope, &actor(), &pc("Ａ-1", "210")).await {
        Err(StoreError::Invalid(errors)) => {
            assert_eq!(errors[0].field, "asset_tag");
            assert!(errors[0].message.contains("A-1"), "{}", errors[0].message);
        }
        other => panic!("expected a duplicate-tag error, got {other:?}"),
    }
    let bad_date = pc("C-1", "210").with("acquired_on", "2023-02-29");
    assert!(matches!(
        db.create_asset(&scope, &actor(), &bad_date).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(db.list_assets(&scope, &all()).await.expect("list").total, 2);
    assert_eq!(
        db.dashboard_counts(&scope).await.expect("counts").entries,
        2
    );
}

#[tokio::test]
async fn dashboard_counts_follow_every_change() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    db.create_asset(
        &scope,
        &actor(),
        &pc("T-1", "210")
            .with("quantity", "12")
            .with("kind", "tablet")
            .with("os", "iPadOS 16.7"),
    )
    .await
    .expect("tablets");
    let id = db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some("B-1".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list")
        .rows[0]
        .id;
    let mut input = AssetInput::from_asset(&db.asset(&scope, id).await.expect("asset"));
    input.set("department", "110");
    input.set("os", "Windows 7");
    db.update_asset(&scope, &actor(), id, &input, None)
        .await
        .expect("move");
    let before = db.dashboard_counts(&scope).await.expect("counts");
    assert_eq!((before.entries, before.quantity), (3, 14));
    let os: Vec<(String, i64)> = before
        .by_os
        .iter()
        .map(|f| (f.key.clone(), f.entries))
        .collect();
    assert!(
        os.contains(&("Windows 7".into(), 1)) && os.contains(&("iPadOS 16.7".into(), 1)),
        "{os:?}"
    );
    db.recount_assets(t.id).await.expect("recount");
    assert_eq!(
        db.dashboard_counts(&scope).await.expect("counts"),
        before,
        "kept counts equal a full recount"
    );
}

#[tokio::test]
async fn the_ledger_filters_searches_sorts_and_pages() {
    let db = db().await;
    let (t, _, library) = city(&db).await;
    let scope = Scope::tenant(t.id);
    for i in 0..120 {
        let kind = if i % 3 == 0 { "laptop" } else { "desktop" };
        db.create_asset(
            &scope,
            &actor(),
            &pc(&format!("L-{i:03}"), "210").with("kind", kind).with(
                "maker",
                if i == 7 {
                    "ナダ電子".into()
                } else {
                    String::new()
                },
            ),
        )
        .await
        .expect("asset");
    }
    let laptops = db
        .list_assets(
            &scope,
            &AssetFilter {
                kind: Some(daicho_domain::AssetKind::Laptop),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        (laptops.total, laptops.pages, laptops.rows.len()),
        (40, 1, 40)
    );
    let bureau = db
        .list_assets(
            &scope,
            &AssetFilter {
                department_id: db
                    .department_by_code(&scope, "200")
                    .await
                    .expect("q")
                    .map(|d| d.id),
                page: 3,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        (bureau.total, bureau.page, bureau.rows.len()),
        (121, 3, 21),
        "a bureau includes its sections"
    );
    let desc = db
        .list_assets(
            &scope,
            &AssetFilter {
                department_id: Some(library),
                sort: daicho_store::AssetSort::Tag,
                descending: true,
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(desc.rows[0].asset_tag, "L-119");
    let found = db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some("ナダ".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(tags(&found), ["L-007"]);
    let printer = pc("P-1", "210")
        .with("kind", "printer")
        .with("os", String::new())
        .with("name", "複合機PR");
    db.create_asset(&scope, &actor(), &printer)
        .await
        .expect("printer");
    for search in [None, Some("PR".to_string())] {
        let no_os = db
            .list_assets(
                &scope,
                &AssetFilter {
                    os: Some(String::new()),
                    search,
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert_eq!(tags(&no_os), ["P-1"], "assets with no OS recorded");
        assert_eq!(no_os.total, 1);
    }
    let beyond = db
        .list_assets(
            &scope,
            &AssetFilter {
                page: 99,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        beyond.page, beyond.pages,
        "a page past the end shows the last page"
    );
}

/// What a user types in the search box is text: `%` and `_` find themselves, not every
/// row (they were LIKE's wildcards), on the asset ledger and the other ledgers alike.
#[tokio::test]
async fn percent_and_underscore_typed_in_a_search_are_literals() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let p1 = pc("P-1", "210")
        .with("name", "端末（10%引）")
        .with("location", "倉庫A1");
    db.create_asset(&scope, &actor(), &p1).await.expect("asset");
    let p2 = pc("P_2", "210").with("location", "倉庫_2");
    db.create_asset(&scope, &actor(), &p2).await.expect("asset");
    let found = async |words: &str| {
        let page = db
            .list_assets(
                &scope,
                &AssetFilter {
                    search: Some(words.into()),
                    ..all()
                },
            )
            .await
            .expect("list");
        let mut tags: Vec<String> = page.rows.into_iter().map(|r| r.asset_tag).collect();
        tags.sort();
        tags
    };
    assert_eq!(found("%").await, ["P-1"]);
    assert_eq!(found("10%").await, ["P-1"]);
    assert_eq!(found("_").await, ["P_2"]);
    assert_eq!(found("P_").await, ["P_2"]);
    assert!(found("\\").await.is_empty());
    let locations = daicho_store::ledgers::ledger("locations").expect("locations");
    let page = db
        .ledger_page(&scope, locations, Some("倉庫_"), 1)
        .await
        .expect("page");
    assert_eq!(page.total, 1, "倉庫_2, not 倉庫A1");
}
