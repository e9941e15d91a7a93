//! The year after the demo's report: due days, a few departments' measures, and the one
//! reported done that the data contradicts (「措置済とされたが再発」).

use chrono::NaiveDate;
use daicho_store::testing::fresh;
use daicho_store::{MeasureStatus, Scope};

#[tokio::test]
async fn a_measure_reported_done_that_the_data_contradicts_is_found() {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    daicho_demo::record_external_audit_items(&db, &tenant)
        .await
        .expect("recorded");
    let scope = Scope::tenant(tenant.id);
    let audit = db
        .audit_ref(&scope, daicho_demo::EXTERNAL_AUDIT)
        .await
        .expect("audit");
    let items = db.audit_items(&scope, audit).await.expect("items");
    let measures = db.audit_measures(&scope, audit).await.expect("measures");
    assert_eq!(
        measures.iter().map(|m| m.input.status).collect::<Vec<_>>(),
        [
            MeasureStatus::Done,
            MeasureStatus::InProgress,
            MeasureStatus::NotTaken
        ]
    );
    let title = |id: i64| {
        items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.item.title.clone())
            .unwrap_or_default()
    };
    assert_eq!(title(measures[0].item_id), "機密性の高いファイルについて");
    // After the due day, every confirmed item is overdue but the one reported done.
    let day = NaiveDate::from_ymd_opt(2024, 4, 1).expect("day");
    let overdue = db.overdue_items(&scope, day).await.expect("overdue");
    assert_eq!(overdue.len(), 38);
    assert!(!overdue.iter().any(|o| o.item_id == measures[0].item_id));
    // The rules, run on that day, still find the child's file unprotected.
    let found = daicho_rules::recurrence::recurrences(
        &db,
        &scope,
        tenant.code.as_str(),
        daicho_demo::EXTERNAL_AUDIT,
        day,
    )
    .await
    .expect("recurrences");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item_id, measures[0].item_id);
    assert_eq!(found[0].rule, "sensitive-file-unprotected");
    assert!(!found[0].subjects.is_empty());
}
