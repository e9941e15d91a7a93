//! The audit plan proposed for サンプル市 after the external audit (総4・総5): every section
//! within five years, the riskiest first, and the coverage of the years before.

use chrono::NaiveDate;
use daicho_rules::plan::{propose, score};
use daicho_store::testing::fresh;
use daicho_store::{PlanSettings, Scope};

#[tokio::test]
async fn every_section_is_planned_within_the_cycle_the_riskiest_first() {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    daicho_demo::record_external_audit_items(&db, &tenant)
        .await
        .expect("recorded");
    let scope = Scope::tenant(tenant.id);
    let today = NaiveDate::from_ymd_opt(2024, 4, 1).expect("day");
    let settings = PlanSettings::default();
    let weights = &settings.weights;
    let plan = propose(&db, &scope, tenant.code.as_str(), today, 2024, &settings)
        .await
        .expect("plan");
    let sections = db
        .check_recipients(&scope, today)
        .await
        .expect("sections")
        .len();
    assert_eq!(plan.departments.len(), sections);
    assert_eq!(plan.per_year, sections.div_ceil(5));
    for d in &plan.departments {
        assert!(
            (2024..=2028).contains(&d.planned_year) && d.planned_year <= d.due_year,
            "{} planned {} due {}",
            d.name,
            d.planned_year,
            d.due_year
        );
        assert_eq!(d.score, score(d, weights), "the score is its parts");
    }
    for year in 2024..=2028 {
        let n = plan
            .departments
            .iter()
            .filter(|d| d.planned_year == year)
            .count();
        assert!(n <= plan.per_year, "{year}: {n}");
    }
    // The school the external audit found most in, with its items still open, comes in
    // the first year.
    let school = plan
        .departments
        .iter()
        .find(|d| d.name == "サンプル商業高等学校")
        .expect("school");
    assert_eq!(school.planned_year, 2024);
    assert!(
        school.open_items >= 5 && school.violations > 0,
        "{school:?}"
    );
    let first_year: Vec<f64> = plan
        .departments
        .iter()
        .filter(|d| d.planned_year == 2024)
        .map(|d| d.score)
        .collect();
    assert!(first_year.windows(2).all(|w| w[0] >= w[1]), "by score");
    // The R4 self-check (令和4年度) is the latest before 2024-04-01: its wrong answers count.
    let answered = plan
        .departments
        .iter()
        .filter_map(|d| d.self_check_wrong)
        .collect::<Vec<_>>();
    assert!(
        !answered.is_empty(),
        "some sections answered the self-check"
    );
    assert!(
        answered.iter().all(|w| (0.0..=100.0).contains(w)),
        "{answered:?}"
    );
    // Coverage of the five years before: two or three sections a year (総4).
    assert_eq!(
        plan.coverage
            .iter()
            .map(|(y, n, _)| (*y, *n))
            .collect::<Vec<_>>(),
        [(2019, 2), (2020, 3), (2021, 2), (2022, 3), (2023, 0)]
    );
}

/// A tenant's own weights change the ranking: with every weight but My Number at zero, the
/// sections with My Number machines or systems come first in their due year.
#[tokio::test]
async fn the_tenants_weights_change_the_ranking() {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    let scope = Scope::tenant(tenant.id);
    let today = NaiveDate::from_ymd_opt(2024, 4, 1).expect("day");
    let mut settings = PlanSettings {
        cycle_years: 1,
        ..PlanSettings::default()
    };
    for (name, _) in daicho_domain::audit_plan::WEIGHT_PARTS {
        settings.weights.set(name, 0.0).expect("weight");
    }
    settings.weights.set("my_number", 100.0).expect("weight");
    let plan = propose(&db, &scope, tenant.code.as_str(), today, 2024, &settings)
        .await
        .expect("plan");
    assert_eq!(plan.per_year, plan.departments.len(), "one year holds all");
    let flags: Vec<bool> = plan.departments.iter().map(|d| d.my_number).collect();
    let first_without = flags.iter().position(|f| !f).unwrap_or(flags.len());
    assert!(first_without > 0, "some section has My Number machines");
    assert!(
        flags[first_without..].iter().all(|f| !f),
        "My Number sections first: {flags:?}"
    );
    for d in &plan.departments {
        assert_eq!(d.score, if d.my_number { 100.0 } else { 0.0 }, "{}", d.name);
    }
}
