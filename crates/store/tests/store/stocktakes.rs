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

/// What a finder says beyond the tag: the room a thing was found in (an expected one found
/// in another room is found and moved), whether it is in use, a thing's kind and photo.
/// The sightings carry the room and the use; a photo that is not an image, or too large,
/// an unknown room or kind is refused and nothing is kept.
#[tokio::test]
async fn a_scan_keeps_the_room_the_use_the_kind_and_a_photo() {
    let db = db().await;
    let (t, _, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    for (tag, room) in [("R-A", "会議室1"), ("R-B", "会議室1"), ("R-C", "倉庫2")] {
        db.create_asset(&scope, &actor(), &pc(tag, "110").with("location", room))
            .await
            .expect("asset");
    }
    let plan = NewStocktake {
        stocktake_id: "ST-ROOM".into(),
        department: "110".into(),
        location: Some("会議室1".into()),
        assignee: None,
        due_on: None,
    };
    db.plan_stocktake(&scope, &actor(), &plan)
        .await
        .expect("planned");
    let in_other_room = Scan {
        found_at: Some("倉庫2".into()),
        in_use: Some(false),
        ..scan("s-1", Some("R-A"))
    };
    db.record_scan(&scope, &actor(), "ST-ROOM", &in_other_room)
        .await
        .expect("found elsewhere");
    db.record_scan(
        &scope,
        &actor(),
        "ST-ROOM",
        &Scan {
            in_use: Some(true),
            ..scan("s-2", Some("R-B"))
        },
    )
    .await
    .expect("in place");
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 64][..]].concat();
    let photographed = Scan {
        description: Some("寄付されたモニター".into()),
        kind: Some("monitor".into()),
        ownership: Some("donated".into()),
        photo: Some(jpeg.clone()),
        ..scan("s-3", None)
    };
    db.record_scan(&scope, &actor(), "ST-ROOM", &photographed)
        .await
        .expect("with a photo");
    let refused = [
        Scan {
            photo: Some(b"<svg onload=alert(1)>".to_vec()),
            ..photographed.clone()
        },
        Scan {
            photo: Some([&jpeg[..], &vec![0u8; daicho_store::MAX_PHOTO_BYTES][..]].concat()),
            ..photographed.clone()
        },
        Scan {
            found_at: Some("屋上".into()),
            ..scan("s-5", Some("R-C"))
        },
        Scan {
            kind: Some("spaceship".into()),
            ..photographed.clone()
        },
    ];
    for (i, s) in refused.iter().enumerate() {
        let s = Scan {
            scan_id: format!("refused-{i}"),
            ..s.clone()
        };
        assert!(
            matches!(
                db.record_scan(&scope, &actor(), "ST-ROOM", &s).await,
                Err(StoreError::Invalid(_))
            ),
            "refused #{i}"
        );
    }
    let work = db.stocktake_work(&scope, "ST-ROOM").await.expect("work");
    assert_eq!(work.scans.len(), 3, "the refused ones are not kept");
    let r = &work.reconciliation;
    assert_eq!(r.found, ["R-A", "R-B"]);
    assert_eq!(r.moved, ["R-A"], "found in 倉庫2, the ledger says 会議室1");
    let thing = &work.scans[2];
    assert_eq!(
        (thing.kind.as_deref(), thing.photo),
        (Some("monitor"), true)
    );
    let (kind, bytes) = db
        .scan_photo(&scope, "ST-ROOM", "s-3")
        .await
        .expect("photo");
    assert_eq!((kind.as_str(), bytes), ("image/jpeg", jpeg));
    // The library sees neither the stocktake nor its photo.
    let library = Scope {
        departments: Some(vec![b]),
        ..scope.clone()
    };
    assert!(matches!(
        db.scan_photo(&library, "ST-ROOM", "s-3").await,
        Err(StoreError::NotFound(_))
    ));

    db.complete_stocktake(
        &scope,
        &actor(),
        "ST-ROOM",
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("day"),
    )
    .await
    .expect("completed");
    let sightings = daicho_store::ledgers::ledger("sightings").expect("ledger");
    let rows = db.ledger_rows(&scope, sightings).await.expect("sightings");
    let field = |row: &Vec<String>, name: &str| -> String {
        let at = sightings
            .columns
            .iter()
            .position(|c| c.name == name)
            .expect("column");
        row[at].clone()
    };
    let by_tag = |tag: &str| {
        rows.iter()
            .find(|r| field(r, "asset_tag") == tag)
            .expect("sighting")
    };
    assert_eq!(
        (
            field(by_tag("R-A"), "location"),
            field(by_tag("R-A"), "in_use")
        ),
        ("倉庫2".to_string(), "無".to_string())
    );
    assert_eq!(field(by_tag("R-B"), "location"), "");
    assert_eq!(field(by_tag("R-B"), "in_use"), "有");
}
