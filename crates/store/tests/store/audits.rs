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
    let (t, a, _) = city(&old).await;
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
