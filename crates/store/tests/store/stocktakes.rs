//! The stocktake as work: planned for a section (its expected list kept), scanned — each
//! scan once however often it is sent — reconciled, and completed into sightings. Who may
//! plan and scan; nothing after completion.

use crate::fixture::*;
use daicho_store::{NewStocktake, Scan};

fn scan(id: &str, tag: Option<&str>) -> Scan {
    Scan {
        scan_id: id.into(),
        asset_tag: tag.map(str::to_string),
        ..Scan::default()
    }
}

#[tokio::test]
async fn a_stocktake_is_planned_scanned_reconciled_and_completed_into_sightings() {
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    db.create_asset(&scope, &actor(), &pc("A-2", "110"))
        .await
        .expect("A-2");
    let plan = NewStocktake {
        stocktake_id: "ST-110-1".into(),
        department: "110".into(),
        location: None,
        assignee: Some("総務課 山田".into()),
        due_on: NaiveDate::from_ymd_opt(2026, 12, 25),
    };
    // The library's manager plans the library's: 総務課 is not one it knows.
    let library = Scope {
        departments: Some(vec![b]),
        ..scope.clone()
    };
    assert!(matches!(
        db.plan_stocktake(&library, &actor(), &plan).await,
        Err(StoreError::Invalid(_))
    ));
    let viewer = Scope {
        can_write: false,
        ..scope.clone()
    };
    assert!(matches!(
        db.plan_stocktake(&viewer, &actor(), &plan).await,
        Err(StoreError::Forbidden(_))
    ));
    let unknown_room = NewStocktake {
        location: Some("R-404".into()),
        ..plan.clone()
    };
    assert!(matches!(
        db.plan_stocktake(&scope, &actor(), &unknown_room).await,
        Err(StoreError::Invalid(_))
    ));
    db.plan_stocktake(&scope, &actor(), &plan)
        .await
        .expect("planned");
    assert!(matches!(
        db.plan_stocktake(&scope, &actor(), &plan).await,
        Err(StoreError::Invalid(_))
    ));
    // An asset registered after the plan is not on its list: the list is as of the start.
    db.create_asset(&scope, &actor(), &pc("A-3", "110"))
        .await
        .expect("A-3");
    let work = db.stocktake_work(&scope, "ST-110-1").await.expect("work");
    let tags: Vec<&str> = work.expected.iter().map(|e| e.tag.as_str()).collect();
    assert_eq!(tags, ["A-1", "A-2"]);
    assert_eq!(work.assignee.as_deref(), Some("総務課 山田"));

    let found = Scan {
        wire_lock: Some(false),
        password_note: Some(true),
        tag_present: Some(true),
        ..scan("phone-1", Some("A-1"))
    };
    assert!(
        db.record_scan(&scope, &actor(), "ST-110-1", &found)
            .await
            .expect("scan")
    );
    // Sent again when the phone came back online: kept once.
    assert!(
        !db.record_scan(&scope, &actor(), "ST-110-1", &found)
            .await
            .expect("again")
    );
    // The same tag scanned a second time by someone else: a duplicate to look at.
    assert!(
        db.record_scan(&scope, &actor(), "ST-110-1", &scan("phone-2", Some("A-1")))
            .await
            .expect("twice")
    );
    assert!(
        db.record_scan(&scope, &actor(), "ST-110-1", &scan("phone-3", Some("B-1")))
            .await
            .expect("moved")
    );
    assert!(
        db.record_scan(&scope, &actor(), "ST-110-1", &scan("phone-4", Some("Z-9")))
            .await
            .expect("unknown")
    );
    let private = Scan {
        description: Some("ノートPC（職員私物）".into()),
        ownership: Some("private".into()),
        tag_present: Some(false),
        ..scan("phone-5", None)
    };
    assert!(
        db.record_scan(&scope, &actor(), "ST-110-1", &private)
            .await
            .expect("untagged")
    );
    assert!(matches!(
        db.record_scan(&scope, &actor(), "ST-110-1", &scan("phone-6", None))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.record_scan(
            &library,
            &actor(),
            "ST-110-1",
            &scan("phone-7", Some("A-2"))
        )
        .await,
        Err(StoreError::NotFound(_))
    ));

    let r = db
        .stocktake_work(&scope, "ST-110-1")
        .await
        .expect("work")
        .reconciliation;
    assert_eq!(r.found, ["A-1"]);
    assert_eq!(r.missing, ["A-2"]);
    assert_eq!(r.moved, ["B-1"]);
    assert_eq!(r.unknown_tags, ["Z-9"]);
    assert_eq!(r.untagged, ["phone-5"]);
    assert_eq!(r.duplicates, [("A-1".to_string(), 2)]);
    assert_eq!(r.progress(), 50);

    let done_on = NaiveDate::from_ymd_opt(2026, 12, 4).expect("day");
    db.complete_stocktake(&scope, &actor(), "ST-110-1", done_on)
        .await
        .expect("completed");
    let work = db.stocktake_work(&scope, "ST-110-1").await.expect("work");
    assert!(work.complete && work.done_on == Some(done_on));
    let sightings = db
        .ledger_rows(
            &scope,
            daicho_store::ledgers::ledger("sightings").expect("ledger"),
        )
        .await
        .expect("sightings");
    // A-1 once, B-1, Z-9 and the private PC: four lines.
    assert_eq!(sightings.len(), 4, "{sightings:?}");
    assert!(matches!(
        db.record_scan(&scope, &actor(), "ST-110-1", &scan("phone-8", Some("A-2")))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.complete_stocktake(&scope, &actor(), "ST-110-1", done_on)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let history = db
        .history(&scope, "stocktakes", work.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2, "planned, then completed");
    let _ = a;
}
