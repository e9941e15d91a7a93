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

/// A tenant's data day: 情報政策課 sets it (never after today) and clears it; a department
/// cannot; without one the screens follow today; each change is in the history.
#[tokio::test]
async fn a_tenant_sets_and_clears_the_day_its_data_is_of() {
    let db = db().await;
    let (t, a, _) = city(&db).await;
    let scope = Scope::tenant(t.id);
    assert_eq!(db.data_as_of(t.id).await.expect("day"), None);
    assert_eq!(db.data_day(t.id).await.expect("day"), daicho_store::today());
    let day = NaiveDate::from_ymd_opt(2023, 10, 6).expect("day");
    let section = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    assert!(matches!(
        db.set_data_as_of(&section, &actor(), Some(day)).await,
        Err(StoreError::Forbidden(_))
    ));
    let tomorrow = daicho_store::today() + chrono::Days::new(1);
    assert!(matches!(
        db.set_data_as_of(&scope, &actor(), Some(tomorrow)).await,
        Err(StoreError::Invalid(_))
    ));
    db.set_data_as_of(&scope, &actor(), Some(day))
        .await
        .expect("set");
    assert_eq!(db.data_day(t.id).await.expect("day"), day);
    db.set_data_as_of(&scope, &actor(), None)
        .await
        .expect("cleared");
    assert_eq!(db.data_day(t.id).await.expect("day"), daicho_store::today());
    let history = db.history(&scope, "tenants", t.id).await.expect("history");
    assert_eq!(history.len(), 2, "set, then cleared");
}
