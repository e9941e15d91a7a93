//! The department tree across reorganisations.

use crate::fixture::*;

#[tokio::test]
async fn departments_end_and_name_their_successor() {
    let db = db().await;
    let (t, a, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    department(&db, &t, "120", "総務企画課", Some("100")).await;
    let on = NaiveDate::from_ymd_opt(2024, 4, 1).expect("date");
    let ended = db
        .end_department(&scope, &actor(), "110", on, Some("120"))
        .await
        .expect("end");
    assert_eq!(ended.valid_to, chrono::NaiveDate::from_ymd_opt(2024, 4, 1));
    assert!(ended.active_on(NaiveDate::from_ymd_opt(2024, 3, 31).expect("date")));
    assert!(!ended.active_on(on));
    let successor = db
        .department_by_code(&scope, "120")
        .await
        .expect("q")
        .expect("successor");
    assert_eq!(ended.successor_id, Some(successor.id));
    assert_eq!(
        db.list_assets(
            &scope,
            &AssetFilter {
                department_id: Some(a),
                page: 1,
                ..Default::default()
            }
        )
        .await
        .expect("list")
        .total,
        1,
        "assets stay with the ended department"
    );
    assert_eq!(
        db.history(&scope, "departments", a)
            .await
            .expect("history")
            .len(),
        2
    );
}
