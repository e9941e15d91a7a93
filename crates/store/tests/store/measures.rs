//! Measures taken (措置): each department an item names reports what it did; 情報政策課 sets
//! the due day and sees what is overdue; a department's manager answers and sees its own.

use crate::fixture::*;
use chrono::NaiveDate;
use daicho_domain::audit_item::ItemScope;
use daicho_store::{ItemState, LedgerLink, MeasureInput, MeasureStatus, NewAuditItem};

fn day(s: &str) -> NaiveDate {
    daicho_domain::parse_date(s).expect("date")
}

#[tokio::test]
async fn departments_report_measures_and_the_overdue_ones_show() {
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let audit = audit(&db, &scope, "EX-R5", "external").await;
    let item = |title: &str, departments: Vec<i64>, state: ItemState| NewAuditItem {
        scope: if departments.is_empty() {
            ItemScope::General
        } else {
            ItemScope::Individual
        },
        grade: "violation".into(),
        title: title.into(),
        summary: None,
        body: None,
        clause: None,
        rule_id: None,
        state,
        departments,
        evidence: vec![],
    };
    let shared = db
        .add_audit_item(
            &scope,
            &actor(),
            audit,
            &item("OS", vec![a, b], ItemState::Confirmed),
        )
        .await
        .expect("item");
    let general = db
        .add_audit_item(
            &scope,
            &actor(),
            audit,
            &item("研修", vec![], ItemState::Confirmed),
        )
        .await
        .expect("item");
    let draft = db
        .add_audit_item(
            &scope,
            &actor(),
            audit,
            &item("下書き", vec![a], ItemState::Draft),
        )
        .await
        .expect("item");
    let manager_a = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    let done = MeasureInput {
        status: MeasureStatus::Done,
        action: Some("Windows 7 の PC を使用中止にし、廃棄した".into()),
        reason: None,
        done_on: Some(day("2024-03-15")),
        evidence: Some("廃棄証明書 No.123".into()),
        links: vec![LedgerLink {
            ledger: "assets".into(),
            key: "A-1".into(),
        }],
    };
    db.record_measure(&manager_a, &actor(), shared, a, &done)
        .await
        .expect("measure of 総務課");
    // Not for another department, not on a draft, not without what was done, not a made-up row.
    assert!(matches!(
        db.record_measure(&manager_a, &actor(), shared, b, &done)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        db.record_measure(&manager_a, &actor(), draft, a, &done)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let no_reason = MeasureInput {
        status: MeasureStatus::NotTaken,
        action: None,
        reason: Some(" ".into()),
        ..done.clone()
    };
    assert!(matches!(
        db.record_measure(&scope, &actor(), shared, b, &no_reason)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let made_up = MeasureInput {
        links: vec![LedgerLink {
            ledger: "assets".into(),
            key: "NO-SUCH".into(),
        }],
        ..done.clone()
    };
    assert!(matches!(
        db.record_measure(&scope, &actor(), shared, b, &made_up)
            .await,
        Err(StoreError::Invalid(_))
    ));
    // The auditor reports no measure; a viewer neither.
    let auditor = Scope {
        can_write: false,
        can_audit: true,
        ..scope.clone()
    };
    assert!(matches!(
        db.record_measure(&auditor, &actor(), shared, a, &done)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    // 情報政策課 sets the due days; 図書館 has not reported, the 総論 item has no measure.
    for id in [shared, general] {
        db.set_item_due(&scope, &actor(), id, Some(day("2024-03-31")))
            .await
            .expect("due");
    }
    assert!(matches!(
        db.set_item_due(&manager_a, &actor(), shared, None).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(
        db.overdue_items(&scope, day("2024-03-31"))
            .await
            .expect("q")
            .is_empty()
    );
    let overdue = db
        .overdue_items(&scope, day("2024-04-01"))
        .await
        .expect("overdue");
    assert_eq!(
        overdue
            .iter()
            .map(|o| (o.title.as_str(), o.pending.clone()))
            .collect::<Vec<_>>(),
        [("OS", vec![b]), ("研修", vec![])]
    );
    // 図書館 reports it in progress, then done: replaced, both changes kept.
    let in_progress = MeasureInput {
        status: MeasureStatus::InProgress,
        action: Some("更新を発注した".into()),
        done_on: None,
        links: vec![],
        ..done.clone()
    };
    db.record_measure(&scope, &actor(), shared, b, &in_progress)
        .await
        .expect("in progress");
    let id = db
        .record_measure(
            &scope,
            &actor(),
            shared,
            b,
            &MeasureInput {
                links: vec![],
                ..done.clone()
            },
        )
        .await
        .expect("done");
    assert_eq!(
        db.history(&scope, "audit_measures", id)
            .await
            .expect("h")
            .len(),
        2
    );
    db.record_measure(
        &scope,
        &actor(),
        general,
        a,
        &MeasureInput {
            links: vec![],
            ..done.clone()
        },
    )
    .await
    .expect("総論 taken on by 総務課");
    assert!(
        db.overdue_items(&scope, day("2024-04-01"))
            .await
            .expect("q")
            .is_empty()
    );
    // Each manager reads its own departments' measures and items only.
    let measures = db
        .audit_measures(&manager_a, audit)
        .await
        .expect("measures");
    assert!(measures.iter().all(|m| m.department_id == a));
    assert_eq!(measures.len(), 2);
    assert_eq!(measures[0].input.links, done.links);
    let items = db.audit_items(&manager_a, audit).await.expect("items");
    assert!(items.iter().all(|i| i.item.departments.contains(&a)));
    assert!(!items.iter().any(|i| i.id == general));
    assert_eq!(
        db.audit_items(&scope, audit).await.expect("items")[0].due_on,
        Some(day("2024-03-31"))
    );
}
