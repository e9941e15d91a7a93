//! サンプル市 as the rules will read it: the sections the report visits, the central
//! library's inventory table row for row, the situations the auditors found, and generated
//! assets that come out the same every time.

use daicho_demo::{GENERATED_PREFIX, generate_assets, load};
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment};
use daicho_rules::{AuditOptions, Filter, List, run_audit};
use daicho_store::testing::fresh;
use daicho_store::{AssetFilter, Scope};

#[tokio::test]
async fn the_demo_city_holds_the_reports_departments_and_findings() {
    let db = fresh().await.expect("db");
    let summary = load(&db).await.expect("demo");
    assert!(summary.created);
    assert_eq!(
        (summary.tenant.code.as_str(), summary.tenant.name.as_str()),
        ("990001", "サンプル市")
    );
    let scope = Scope::tenant(summary.tenant.id);
    let departments = db.departments(&scope).await.expect("departments");
    let sections = departments.iter().filter(|d| d.parent_id.is_some()).count();
    assert!(
        sections >= 30,
        "the report walks 30+ sections; the demo has {sections}"
    );
    for name in [
        "中央図書館",
        "市民サービス課",
        "奥山工場",
        "豊田中央病院",
        "サンプル商業高等学校",
        "菊川総合支所",
        "浄水課",
        "情報政策課",
    ] {
        assert!(departments.iter().any(|d| d.name == name), "{name}");
    }

    let library = departments
        .iter()
        .find(|d| d.code == "080500")
        .expect("library")
        .id;
    let table = db
        .list_assets(
            &scope,
            &AssetFilter {
                department_id: Some(library),
                search: Some("-S".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        table.total, 12,
        "the central library's inventory table has 12 rows"
    );
    let desktops: i64 = table
        .rows
        .iter()
        .filter(|r| r.kind == AssetKind::Desktop && r.name == "図書館システム端末")
        .map(|r| r.quantity)
        .sum();
    let laptops: i64 = table
        .rows
        .iter()
        .filter(|r| r.kind == AssetKind::Laptop)
        .map(|r| r.quantity)
        .sum();
    assert_eq!((desktops, laptops), (61, 33));
    let win8 = table
        .rows
        .iter()
        .find(|r| r.os.as_deref() == Some("Windows8"))
        .expect("自動化書庫 Windows8");
    assert_eq!(
        (win8.quantity, win8.acquired_on.map(|d| d.to_string())),
        (2, Some("2016-05-20".to_string()))
    );

    for os in [
        "WindowsXP",
        "Windows XP",
        "Windows 2000",
        "Windows 7",
        "Windows 8",
        "Windows 8.1",
    ] {
        let found = db
            .list_assets(
                &scope,
                &AssetFilter {
                    os: Some(os.into()),
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert!(found.total > 0, "an asset runs {os}");
    }
    let face = db
        .list_assets(
            &scope,
            &AssetFilter {
                network_segment: Some(NetworkSegment::MyNumber),
                os: Some("Windows 8.1".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        face.rows.iter().map(|r| r.quantity).sum::<i64>(),
        17,
        "17 face-recognition PCs on Windows 8.1"
    );
    let retired = db
        .list_assets(
            &scope,
            &AssetFilter {
                status: Some(AssetStatus::Retired),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert!(
        retired
            .rows
            .iter()
            .any(|r| r.name == "旧道路台帳システム端末")
            && retired.rows.iter().any(|r| r.name == "倉庫5保管PC")
    );
    let nas = db
        .list_assets(
            &scope,
            &AssetFilter {
                kind: Some(AssetKind::Nas),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert!(
        nas.rows
            .iter()
            .any(|r| r.acquired_on.map(|d| d.to_string()).as_deref() == Some("2016-04-01"))
    );

    let terminal = retired
        .rows
        .iter()
        .find(|r| r.name == "旧道路台帳システム端末")
        .expect("terminal");
    let history = db
        .asset_history(&scope, terminal.id)
        .await
        .expect("history");
    assert_eq!(
        history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["update", "create"]
    );

    assert!(
        !load(&db).await.expect("again").created,
        "loading twice leaves the city as it was"
    );
}

#[tokio::test]
async fn generated_assets_are_the_same_every_time() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let db = fresh().await.expect("db");
        let tenant = load(&db).await.expect("demo").tenant;
        let mut progress = Vec::new();
        assert_eq!(
            generate_assets(&db, &tenant, 12_000, |done| progress.push(done))
                .await
                .expect("generate"),
            12_000
        );
        assert_eq!(progress, [10_000, 12_000]);
        let scope = Scope::tenant(tenant.id);
        assert_eq!(
            db.count_generated_assets(&scope, GENERATED_PREFIX)
                .await
                .expect("count"),
            12_000
        );
        let page = db
            .list_assets(
                &scope,
                &AssetFilter {
                    search: Some(GENERATED_PREFIX.into()),
                    page: 7,
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        let counts = db.dashboard_counts(&scope).await.expect("counts");
        runs.push((
            page.rows
                .iter()
                .map(|r| {
                    (
                        r.asset_tag.clone(),
                        r.kind,
                        r.os.clone(),
                        r.department_code.clone(),
                    )
                })
                .collect::<Vec<_>>(),
            counts.by_kind,
        ));
    }
    assert_eq!(runs[0], runs[1]);
}

/// Makes the demo accounts, one per role, and returns the manager's.
async fn demo_manager(db: &daicho_store::Db, tenant: &daicho_store::Tenant) -> daicho_store::User {
    let accounts = daicho_demo::demo_users(db, tenant).await.expect("users");
    assert_eq!(accounts.len(), 6);
    db.users(Some(tenant.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "demo-manager")
        .expect("demo-manager")
}

/// The demo accounts log in with fresh passwords each start; the manager answers the
/// self-check as one of the library's staff, and this year's campaign is open with the
/// shipped bank.
#[tokio::test]
async fn the_demo_manager_can_answer_this_years_self_check() {
    let db = fresh().await.expect("db");
    let tenant = load(&db).await.expect("demo").tenant;
    let manager = demo_manager(&db, &tenant).await;
    let staff = db
        .staff_of_user(manager.id)
        .await
        .expect("q")
        .expect("linked");
    assert_eq!(staff.staff_id, daicho_demo::DEMO_MANAGER_STAFF);
    assert_eq!(staff.department.as_deref(), Some("080500"));
    // The staff account is another of the library's people.
    let person = db
        .users(Some(tenant.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "demo-staff")
        .expect("demo-staff");
    assert_eq!(
        db.staff_of_user(person.id)
            .await
            .expect("q")
            .map(|s| s.staff_id),
        Some(daicho_demo::DEMO_STAFF.to_string())
    );
    // Starting again keeps the link (the accounts exist, passwords are renewed).
    daicho_demo::demo_users(&db, &tenant).await.expect("again");
    assert!(db.staff_of_user(manager.id).await.expect("q").is_some());

    let campaigns = db.self_check_campaigns(tenant.id).await.expect("campaigns");
    let this_year = daicho_domain::FiscalYear::of(daicho_store::today()).0;
    assert_eq!(campaigns[0].fiscal_year, i64::from(this_year));
    assert!(daicho_reports::campaign::is_open(
        &campaigns[0],
        daicho_store::today()
    ));
    let bank = db
        .self_check_questions(tenant.id, &campaigns[0].campaign)
        .await
        .expect("bank");
    assert_eq!(bank.len(), 31);
}

/// A demo city loaded by an earlier version has no staff: its accounts are still made,
/// the manager is simply not linked, and the server can start.
#[tokio::test]
async fn demo_accounts_are_made_for_a_demo_city_without_staff() {
    let db = fresh().await.expect("db");
    let code = daicho_domain::TenantCode::parse("990001").expect("code");
    let tenant = db.ensure_tenant(&code, "サンプル市").await.expect("tenant");
    let manager = demo_manager(&db, &tenant).await;
    assert!(db.staff_of_user(manager.id).await.expect("q").is_none());
}

/// The audit gives the same lists, in the same order, whether its rules run on one
/// connection or share the work with a second one; and passes that were not asked for
/// are counted the same, per rule and per department, as when they are listed.
#[tokio::test]
async fn one_or_two_connections_give_the_same_audit() {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    let scope = Scope::tenant(tenant.id);
    let audit = |second_connection: bool, include_passes: bool| {
        let options = AuditOptions {
            include_passes,
            second_connection,
            ..AuditOptions::as_of(daicho_demo::DATA_DAY)
        };
        let (db, scope, code) = (&db, &scope, tenant.code.as_str());
        async move {
            let report = run_audit(db, scope, code, &options).await.expect("audit");
            // The summary, counted rule by rule as they ran, agrees with the lists.
            for (list, counted) in [
                (List::Findings, report.summary.findings),
                (List::Unknown, report.summary.unknown),
                (List::Passes, report.summary.passes),
            ] {
                let listed = report.entries(list).expect("entries").len() as u64;
                let expected = if list == List::Passes && !include_passes {
                    0
                } else {
                    counted
                };
                assert_eq!(listed, expected, "{list:?} with {options:?}");
            }
            assert_eq!(
                report.connections,
                1 + usize::from(second_connection),
                "{options:?}"
            );
            let mut out = Vec::new();
            daicho_rules::output::json(&report, &mut out).expect("json");
            let by_department = report
                .department_counts(&Filter::default())
                .expect("department counts");
            (report.summary.clone(), by_department, out)
        }
    };
    let one = audit(false, true).await;
    assert!(
        one.0.findings > 100 && one.0.passes > 1000,
        "{} findings, {} passes",
        one.0.findings,
        one.0.passes
    );
    let two = audit(true, true).await;
    assert_eq!(one.0, two.0);
    assert!(one.2 == two.2, "the JSON differs on two connections");
    for second_connection in [false, true] {
        let counted = audit(second_connection, false).await;
        assert_eq!(one.0, counted.0, "summary, passes counted only");
        assert_eq!(one.1, counted.1, "per department, passes counted only");
    }
}
