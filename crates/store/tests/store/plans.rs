//! The audit plan as kept: the tenant's weights and cycle, a plan adopted and a department
//! moved by hand with its reason, each in the history; only 情報政策課 and administrators
//! decide, and another tenant sees nothing of it.

use crate::fixture::*;
use daicho_store::{PlanEntry, PlanSettings};

#[tokio::test]
async fn the_tenant_keeps_its_weights_and_adopts_and_edits_a_plan() {
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    assert_eq!(
        db.plan_settings(&scope).await.expect("settings"),
        PlanSettings::default()
    );
    let mut settings = PlanSettings {
        cycle_years: 4,
        ..PlanSettings::default()
    };
    settings
        .weights
        .set("per_eol_machine", 3.5)
        .expect("weight");
    let manager = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    assert!(matches!(
        db.save_plan_settings(&manager, &actor(), &settings).await,
        Err(StoreError::Forbidden(_))
    ));
    let too_long = PlanSettings {
        cycle_years: 11,
        ..settings.clone()
    };
    assert!(matches!(
        db.save_plan_settings(&scope, &actor(), &too_long).await,
        Err(StoreError::Invalid(_))
    ));
    db.save_plan_settings(&scope, &actor(), &settings)
        .await
        .expect("saved");
    assert_eq!(db.plan_settings(&scope).await.expect("settings"), settings);

    let entries = [
        PlanEntry {
            department_id: a,
            planned_year: 2025,
            score: 42.5,
            note: None,
        },
        PlanEntry {
            department_id: b,
            planned_year: 2026,
            score: 10.0,
            note: None,
        },
    ];
    assert!(
        db.adopted_audit_plan(&scope, 2025)
            .await
            .expect("none")
            .is_none()
    );
    let id = db
        .adopt_audit_plan(&scope, &actor(), 2025, &settings, &entries)
        .await
        .expect("adopted");
    let plan = db
        .adopted_audit_plan(&scope, 2025)
        .await
        .expect("read")
        .expect("adopted");
    assert_eq!((plan.id, plan.cycle_years), (id, 4));
    assert_eq!(plan.entries, entries);
    assert_eq!(plan.weights.per_eol_machine, 3.5);
    assert_eq!(plan.adopted_by, actor().name);

    // Moved by hand: within the plan's years, with a reason.
    assert!(matches!(
        db.move_plan_entry(&scope, &actor(), 2025, b, 2025, " ")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.move_plan_entry(&scope, &actor(), 2025, b, 2029, "庁舎移転")
            .await,
        Err(StoreError::Invalid(_))
    ));
    db.move_plan_entry(&scope, &actor(), 2025, b, 2025, "庁舎移転の前に")
        .await
        .expect("moved");
    let plan = db
        .adopted_audit_plan(&scope, 2025)
        .await
        .expect("read")
        .expect("adopted");
    let moved = plan
        .entries
        .iter()
        .find(|e| e.department_id == b)
        .expect("b");
    assert_eq!(moved.planned_year, 2025);
    assert_eq!(moved.note.as_deref(), Some("庁舎移転の前に"));
    let history = db
        .history(&scope, "audit_plans", id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2, "adopted, then moved");
    assert_eq!(history[0].changed_by, actor().name);

    // Adopting again replaces the plan; the history keeps what it was.
    let again = db
        .adopt_audit_plan(&scope, &actor(), 2025, &settings, &entries)
        .await
        .expect("adopted again");
    let plan = db
        .adopted_audit_plan(&scope, 2025)
        .await
        .expect("read")
        .expect("adopted");
    assert_eq!((plan.id, plan.entries.len()), (again, 2));
    assert_eq!(
        plan.entries
            .iter()
            .find(|e| e.department_id == b)
            .map(|e| e.planned_year),
        Some(2026)
    );

    // Another tenant sees none of it.
    let other = Scope::tenant(tenant(&db, "331007", "岡山県倉敷市").await.id);
    assert!(
        db.adopted_audit_plan(&other, 2025)
            .await
            .expect("none")
            .is_none()
    );
    assert_eq!(
        db.plan_settings(&other).await.expect("settings"),
        PlanSettings::default()
    );
    assert!(matches!(
        db.move_plan_entry(&other, &actor(), 2025, b, 2025, "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
}
