//! Migration 12: an audit is one thing that visits departments (往査). An audit of one
//! department, as schema 11 kept it, becomes an audit with that one visit; its findings
//! keep naming it; and an audit visits many departments in its order.

use crate::fixture::*;
use daicho_store::ledgers::ledger;

async fn rows(db: &Db, scope: &Scope, name: &str) -> Vec<Vec<String>> {
    db.ledger_rows(scope, ledger(name).expect("ledger"))
        .await
        .expect("rows")
}

#[tokio::test]
async fn an_audit_of_one_department_becomes_an_audit_with_one_visit() {
    let old = daicho_store::testing::fresh_at(11)
        .await
        .expect("schema 11");
    let (t, a, _) = old_city(&old).await;
    let scope = Scope::tenant(t.id);
    sqlx::query(
        "INSERT INTO audits (tenant_id, audit_id, fiscal_year, department_id, kind, done_on, published) \
         VALUES ($1, 'IA-2022-1', 2022, $2, 'internal', '2022-11-16', 0)",
    )
    .bind(t.id)
    .bind(a)
    .execute(old.pool())
    .await
    .expect("audit");
    sqlx::query(
        "INSERT INTO audit_findings (tenant_id, finding_id, audit_ref, department_id, item, grade) \
         SELECT tenant_id, 'F-1', id, $1, 'password-note', 'violation' FROM audits WHERE audit_id = 'IA-2022-1'",
    )
    .bind(a)
    .execute(old.pool())
    .await
    .expect("finding");
    assert_eq!(
        daicho_store::testing::migrate_to(&old, 12)
            .await
            .expect("migration 12"),
        1
    );
    // audit_id, kind, fiscal_year, title, as_of, auditors, published
    assert_eq!(
        rows(&old, &scope, "audits").await,
        [["IA-2022-1", "internal", "2022", "", "2022-11-16", "", "無"]]
    );
    // audit_id, department, visited_on, visit_order
    assert_eq!(
        rows(&old, &scope, "audit_visits").await,
        [["IA-2022-1", "110", "2022-11-16", "1"]]
    );
    let findings = rows(&old, &scope, "audit_findings").await;
    assert_eq!(findings[0][..3], ["F-1", "IA-2022-1", "110"]);
    for report in old.verify_history(None).await.expect("verify") {
        assert!(report.broken.is_none(), "{report:?}");
    }
}

#[tokio::test]
async fn an_audit_visits_departments_in_its_order_and_one_only_once() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let actor = actor();
    let mut import = db.begin_import(&scope, &actor).await.expect("import");
    let audits = ledger("audits").expect("audits");
    let visits = ledger("audit_visits").expect("visits");
    let cell = |l: &'static daicho_store::ledgers::Ledger, name: &str, value: &str| {
        (l.column(name).expect("column"), value.to_string())
    };
    import
        .upsert_row(
            audits,
            &[
                cell(audits, "audit_id", "EX-R5"),
                cell(audits, "kind", "包括外部監査"),
                cell(audits, "fiscal_year", "令和5年度"),
                cell(audits, "title", "情報システムの管理と運用について"),
                cell(audits, "as_of", "R5.10.6"),
            ],
        )
        .await
        .expect("audit");
    for (department, day, order) in [("210", "2023-10-03", "2"), ("110", "2023-10-02", "1")] {
        import
            .upsert_row(
                visits,
                &[
                    cell(visits, "audit_id", "EX-R5"),
                    cell(visits, "department", department),
                    cell(visits, "visited_on", day),
                    cell(visits, "visit_order", order),
                ],
            )
            .await
            .expect("visit");
    }
    // The same department again is the same visit, changed, not a second one.
    import
        .upsert_row(
            visits,
            &[
                cell(visits, "audit_id", "EX-R5"),
                cell(visits, "department", "210"),
                cell(visits, "visited_on", "2023-10-04"),
                cell(visits, "visit_order", "2"),
            ],
        )
        .await
        .expect("visit again");
    import.finish(true).await.expect("committed");
    assert_eq!(
        rows(&db, &scope, "audits").await,
        [[
            "EX-R5",
            "external",
            "2023",
            "情報システムの管理と運用について",
            "2023-10-06",
            "",
            ""
        ]]
    );
    assert_eq!(
        rows(&db, &scope, "audit_visits").await,
        [
            ["EX-R5", "110", "2023-10-02", "1"],
            ["EX-R5", "210", "2023-10-04", "2"]
        ]
    );
}

/// An audit's items: written or drafted, with the departments they were found in and what
/// they rest on, confirmed into the report, every change in the history; recorded only by
/// who audits the whole tenant, read only within it.
#[tokio::test]
async fn an_auditor_records_items_with_departments_and_evidence() {
    use daicho_domain::audit_item::ItemScope;
    use daicho_store::{Evidence, ItemState, NewAuditItem};
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let audit = audit(&db, &scope, "EX-R5", "external").await;
    assert!(matches!(
        db.audit_ref(&scope, "NONE").await,
        Err(StoreError::NotFound(_))
    ));
    // An auditor writes no ledger but records items.
    let auditor = Scope {
        can_write: false,
        can_audit: true,
        ..scope.clone()
    };
    let general = NewAuditItem {
        scope: ItemScope::General,
        grade: "violation".into(),
        title: "開発元サポート期間が終了したOSについて".into(),
        summary: Some("サポートが終了したOSのまま利用されているパソコンが散見された。".into()),
        body: None,
        clause: Some("対策基準 第6 4 (1) キ".into()),
        rule_id: Some("eol-software".into()),
        state: ItemState::Draft,
        departments: vec![],
        evidence: vec![],
    };
    let shared = NewAuditItem {
        scope: ItemScope::Individual,
        title: "開発元のサポート期間が終了したOSについて（共通）".into(),
        departments: vec![b, a],
        evidence: vec![Evidence {
            kind: "rule_result".into(),
            rule_id: Some("eol-software".into()),
            subject: Some("A-1".into()),
            department_id: Some(a),
            reason: Some("Windows 8 のサポートは2016-01-12に終了".into()),
            facts: Some(r#"{"os":"Windows 8"}"#.into()),
            note: None,
        }],
        ..general.clone()
    };
    let first = db
        .add_audit_item(&auditor, &actor(), audit, &general)
        .await
        .expect("general item");
    let second = db
        .add_audit_item(&auditor, &actor(), audit, &shared)
        .await
        .expect("shared item");
    db.set_audit_item_state(&auditor, &actor(), second, ItemState::Confirmed)
        .await
        .expect("confirmed");
    let items = db.audit_items(&scope, audit).await.expect("items");
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert_eq!(items.iter().map(|i| i.position).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(items[0].item, general);
    assert_eq!(items[1].item.state, ItemState::Confirmed);
    assert_eq!(items[1].item.departments, [b, a]);
    assert_eq!(items[1].item.evidence, shared.evidence);
    let history = db
        .history(&scope, "audit_items", second)
        .await
        .expect("history");
    assert_eq!(
        history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["update", "create"],
        "newest first"
    );
    // A viewer, a department's manager and another tenant cannot.
    let viewer = Scope {
        can_write: false,
        can_audit: false,
        ..scope.clone()
    };
    let manager = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    for who in [&viewer, &manager] {
        assert!(matches!(
            db.add_audit_item(who, &actor(), audit, &general).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            db.set_audit_item_state(who, &actor(), first, ItemState::Dropped)
                .await,
            Err(StoreError::Forbidden(_))
        ));
    }
    let other = tenant(&db, "011002", "札幌市").await;
    let theirs = Scope::tenant(other.id);
    assert!(
        db.audit_items(&theirs, audit)
            .await
            .expect("read")
            .is_empty()
    );
    assert!(matches!(
        db.set_audit_item_state(&theirs, &actor(), first, ItemState::Dropped)
            .await,
        Err(StoreError::NotFound(_))
    ));
    // A title is needed.
    let untitled = NewAuditItem {
        title: " ".into(),
        ..general.clone()
    };
    assert!(
        db.add_audit_item(&auditor, &actor(), audit, &untitled)
            .await
            .is_err()
    );
    assert_eq!(db.audit_items(&scope, audit).await.expect("items").len(), 2);
}

/// The same finding drafted in two departments becomes one item found in both (共通): its
/// departments and evidence move over, the other is dropped, both changes recorded.
#[tokio::test]
async fn drafts_of_one_finding_in_two_departments_merge_into_one_item() {
    use daicho_domain::audit_item::ItemScope;
    use daicho_store::{Evidence, ItemState, NewAuditItem};
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let mut import = db.begin_import(&scope, &actor()).await.expect("import");
    let audits = ledger("audits").expect("audits");
    for id in ["EX-R5", "IA-R5"] {
        import
            .upsert_row(
                audits,
                &[
                    (audits.column("audit_id").expect("c"), id.into()),
                    (audits.column("kind").expect("c"), "external".into()),
                    (audits.column("fiscal_year").expect("c"), "2023".into()),
                ],
            )
            .await
            .expect("audit");
    }
    import.finish(true).await.expect("committed");
    let audit = db.audit_ref(&scope, "EX-R5").await.expect("audit");
    let other_audit = db.audit_ref(&scope, "IA-R5").await.expect("audit");
    let draft = |department: i64, subject: &str| NewAuditItem {
        scope: ItemScope::Individual,
        grade: "violation".into(),
        title: "開発元のサポート期間が終了したOSについて".into(),
        summary: None,
        body: None,
        clause: None,
        rule_id: Some("eol-software".into()),
        state: ItemState::Draft,
        departments: vec![department],
        evidence: vec![Evidence {
            kind: "rule_result".into(),
            rule_id: Some("eol-software".into()),
            subject: Some(subject.into()),
            department_id: Some(department),
            reason: None,
            facts: None,
            note: None,
        }],
    };
    let first = db
        .add_audit_item(&scope, &actor(), audit, &draft(a, "A-1"))
        .await
        .expect("a");
    let second = db
        .add_audit_item(&scope, &actor(), audit, &draft(b, "B-1"))
        .await
        .expect("b");
    let elsewhere = db
        .add_audit_item(&scope, &actor(), other_audit, &draft(b, "B-1"))
        .await
        .expect("other audit");
    assert!(matches!(
        db.merge_audit_items(&scope, &actor(), first, &[elsewhere])
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        db.merge_audit_items(&scope, &actor(), first, &[first])
            .await,
        Err(StoreError::Invalid { .. })
    ));
    db.merge_audit_items(&scope, &actor(), first, &[second])
        .await
        .expect("merged");
    let items = db.audit_items(&scope, audit).await.expect("items");
    let merged = &items.iter().find(|i| i.id == first).expect("kept").item;
    assert_eq!(merged.departments, [a, b]);
    assert_eq!(
        merged
            .evidence
            .iter()
            .map(|e| e.subject.clone())
            .collect::<Vec<_>>(),
        [Some("A-1".to_string()), Some("B-1".to_string())]
    );
    let dropped = &items.iter().find(|i| i.id == second).expect("dropped").item;
    assert_eq!(dropped.state, ItemState::Dropped);
    assert!(dropped.evidence.is_empty());
    assert_eq!(
        db.history(&scope, "audit_items", first)
            .await
            .expect("h")
            .len(),
        2
    );
    assert_eq!(
        db.history(&scope, "audit_items", second)
            .await
            .expect("h")
            .len(),
        2
    );
}

/// The auditor writes an item by hand, rewrites a drafted one (the rule's grade and
/// scope overridden, the wording its own) and puts the items in the report's order;
/// each change is kept with what it was before, and nothing changes for another tenant.
#[tokio::test]
async fn an_auditor_edits_items_writes_one_by_hand_and_reorders_them() {
    use daicho_domain::audit_item::ItemScope;
    use daicho_store::{ItemState, ItemText, NewAuditItem};
    let db = db().await;
    let (t, a, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let audit = audit(&db, &scope, "EX-R5", "external").await;
    let drafted = |title: &str| NewAuditItem {
        scope: ItemScope::General,
        grade: "opinion".into(),
        title: title.into(),
        summary: None,
        body: None,
        clause: None,
        rule_id: Some("antivirus-builtin-only".into()),
        state: ItemState::Draft,
        departments: vec![a],
        evidence: vec![],
    };
    let mut ids = Vec::new();
    for title in ["一", "二", "三"] {
        ids.push(
            db.add_audit_item(&scope, &actor(), audit, &drafted(title))
                .await
                .expect("draft"),
        );
    }
    let by_hand = NewAuditItem {
        title: "情報セキュリティ監査の選定について".into(),
        summary: Some("自己点検結果などから監査対象の選定について工夫されるべきである。".into()),
        rule_id: None,
        state: ItemState::Confirmed,
        departments: vec![],
        ..drafted("")
    };
    let written = db
        .add_audit_item(&scope, &actor(), audit, &by_hand)
        .await
        .expect("written by hand");
    // The rule said 意見 and 総論; the report says 指摘, 個別, in its own words.
    let text = ItemText {
        scope: ItemScope::Individual,
        grade: "violation".into(),
        title: "ウィルス対策ソフトの導入について".into(),
        summary: Some("OS付属ソフト以外のウィルス対策ソフトが確認できなかった。".into()),
        body: Some("本文".into()),
        clause: Some("対策基準 第6 4 (1) ク".into()),
    };
    db.update_audit_item(&scope, &actor(), ids[1], &text)
        .await
        .expect("edited");
    // Moving the hand-written item to the front shifts the others back by one.
    db.move_audit_item(&scope, &actor(), written, 1)
        .await
        .expect("moved");
    db.move_audit_item(&scope, &actor(), ids[0], 99)
        .await
        .expect("moved to the end");
    let items = db.audit_items(&scope, audit).await.expect("items");
    assert_eq!(
        items
            .iter()
            .map(|i| (i.position, i.item.title.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "情報セキュリティ監査の選定について"),
            (2, "ウィルス対策ソフトの導入について"),
            (3, "三"),
            (4, "一"),
        ]
    );
    let edited = &items[1].item;
    assert_eq!(edited.text(), text);
    assert_eq!(edited.rule_id.as_deref(), Some("antivirus-builtin-only"));
    assert_eq!(items[0].item.rule_id, None);
    let history = db
        .history(&scope, "audit_items", ids[1])
        .await
        .expect("history");
    let change = &history[0];
    let before = change.before.as_ref().expect("before").to_string();
    let after = change.after.as_ref().expect("after").to_string();
    assert!(
        before.contains("\"opinion\"") && before.contains("\"general\""),
        "{before}"
    );
    assert!(
        after.contains("\"violation\"") && after.contains("ウィルス対策"),
        "{after}"
    );
    assert!(!before.contains("rule_id"), "only what changed: {before}");
    // A blank title is refused and changes nothing; so is another tenant's edit.
    let blank = ItemText {
        title: " ".into(),
        ..text.clone()
    };
    assert!(matches!(
        db.update_audit_item(&scope, &actor(), ids[1], &blank).await,
        Err(StoreError::Invalid { .. })
    ));
    let other = tenant(&db, "011002", "札幌市").await;
    let theirs = Scope::tenant(other.id);
    assert!(matches!(
        db.update_audit_item(&theirs, &actor(), ids[1], &by_hand.text())
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.move_audit_item(&theirs, &actor(), ids[1], 1).await,
        Err(StoreError::NotFound(_))
    ));
    let again = db.audit_items(&scope, audit).await.expect("items");
    assert_eq!(again, items);
}

/// The auditor keeps the record of audits (the audits and their visits) and writes no other
/// ledger: not media, not assets, and no department is made up from a visit's name.
#[tokio::test]
async fn the_auditor_writes_the_audits_ledgers_and_no_other() {
    let db = db().await;
    let (t, _, _) = city(&db).await;
    let auditor = Scope {
        can_write: false,
        can_audit: true,
        ..Scope::tenant(t.id)
    };
    let audits = ledger("audits").expect("audits");
    let visits = ledger("audit_visits").expect("visits");
    let media = ledger("media").expect("media");
    let mut import = db.begin_import(&auditor, &actor()).await.expect("session");
    import
        .upsert_row(
            audits,
            &[
                (audits.column("audit_id").expect("c"), "IA-R6".into()),
                (audits.column("kind").expect("c"), "internal".into()),
                (audits.column("fiscal_year").expect("c"), "2024".into()),
            ],
        )
        .await
        .expect("an audit");
    import
        .upsert_row(
            visits,
            &[
                (visits.column("audit_id").expect("c"), "IA-R6".into()),
                (visits.column("department").expect("c"), "総務課".into()),
                (visits.column("visited_on").expect("c"), "2024-11-05".into()),
            ],
        )
        .await
        .expect("a visit");
    let refused = import
        .upsert_row(
            media,
            &[
                (media.column("media_id").expect("c"), "U-1".into()),
                (media.column("department").expect("c"), "110".into()),
                (media.column("kind").expect("c"), "usb_memory".into()),
            ],
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(daicho_store::RowError::Store(StoreError::Forbidden(_)))
        ),
        "{refused:?}"
    );
    let unknown = import
        .upsert_row(
            visits,
            &[
                (visits.column("audit_id").expect("c"), "IA-R6".into()),
                (
                    visits.column("department").expect("c"),
                    "存在しない課".into(),
                ),
            ],
        )
        .await;
    assert!(
        matches!(unknown, Err(daicho_store::RowError::Refused { .. })),
        "{unknown:?}"
    );
    import.finish(true).await.expect("committed");
    let scope = Scope::tenant(t.id);
    assert_eq!(rows(&db, &scope, "audit_visits").await.len(), 1);
    assert!(rows(&db, &scope, "media").await.is_empty());
    assert!(
        !db.departments(&scope)
            .await
            .expect("departments")
            .iter()
            .any(|d| d.name == "存在しない課")
    );
    // A viewer opens no session at all.
    let viewer = Scope {
        can_audit: false,
        ..auditor.clone()
    };
    assert!(matches!(
        db.begin_import(&viewer, &actor()).await,
        Err(StoreError::Forbidden(_))
    ));
}
