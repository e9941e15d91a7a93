//! Importing into ledgers that already hold rows: a changed row updated with its history,
//! a file with fewer columns, replace, what a manager may touch, a department name not
//! known yet, and columns a file does not have.

use crate::Fixture;
use crate::files::{create_all, messages};
use daicho_ingest::{ImportOptions, import_paths};
use daicho_store::{Actor, AssetFilter, Scope};

#[tokio::test]
async fn a_changed_row_updates_with_history_and_a_dry_run_writes_nothing() {
    let f = Fixture::new().await;
    let v1 = f.file("v1.csv", "備品番号,所属,種別,品名,OS\nA-1,総務課,desktop,PC,Windows 7\nA-2,総務課,desktop,PC,Windows 10 Pro\n".as_bytes());
    assert!(f.import(&[v1], None, false).await.committed);
    let v2 = f.file("v2.csv", "備品番号,所属,種別,品名,OS\nA-1,総務課,desktop,PC,Windows 11 Pro\nA-2,総務課,desktop,PC,Windows 10 Pro\nA-3,総務課,laptop,PC,Windows 11 Pro\n".as_bytes());
    let dry = f.import(std::slice::from_ref(&v2), None, true).await;
    assert_eq!(
        (
            dry.files[0].added,
            dry.files[0].updated,
            dry.files[0].unchanged,
            dry.committed
        ),
        (1, 1, 1, false)
    );
    assert_eq!(f.assets().await.len(), 2, "a dry run writes nothing");
    let real = f.import(&[v2], None, false).await;
    assert_eq!(
        (
            real.files[0].added,
            real.files[0].updated,
            real.files[0].unchanged,
            real.committed
        ),
        (1, 1, 1, true)
    );
    let scope = Scope::tenant(f.tenant.id);
    let a1 = f
        .assets()
        .await
        .into_iter()
        .find(|a| a.asset_tag == "A-1")
        .expect("A-1");
    let history = f.db.asset_history(&scope, a1.id).await.expect("history");
    assert_eq!(history[0].action, "update");
    assert!(history[0].changes().contains(&(
        "os".into(),
        "Windows 7".into(),
        "Windows 11 Pro".into()
    )));
    assert_eq!(history[0].changed_by, "system:test");
}

#[tokio::test]
async fn a_file_with_fewer_columns_updates_only_what_it_holds() {
    let f = Fixture::new().await;
    let full = f.file(
        "full.csv",
        "備品番号,所属,種別,品名,OS,所有区分,利用状況,使用中止日,設置場所,利用率,機密性\nA-1,総務課,laptop,私物PC,Windows 10 Pro,私物,使用中止,2023-04-01,倉庫,40%,2\n"
            .as_bytes(),
    );
    assert!(f.import(&[full], None, false).await.committed);
    // The accounting office's own list: tag, kind, name and price only.
    let prices = f.file(
        "prices.csv",
        "備品番号,所属,種別,品名,取得価格\nA-1,総務課,laptop,私物PC,\"¥98,000\"\n".as_bytes(),
    );
    let report = f.import(&[prices], None, false).await;
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!((report.files[0].updated, report.files[0].unchanged), (1, 0));
    let scope = Scope::tenant(f.tenant.id);
    let row = f
        .assets()
        .await
        .into_iter()
        .find(|a| a.asset_tag == "A-1")
        .expect("A-1");
    let a = f.db.asset(&scope, row.id).await.expect("asset");
    assert_eq!(
        a.fields.cost_yen,
        Some(98_000),
        "the column the file has is written"
    );
    assert_eq!(a.fields.os.as_deref(), Some("Windows 10 Pro"));
    assert_eq!(
        a.fields.ownership.map(|o| o.code()),
        Some("private"),
        "not reset to the default 自己所有"
    );
    assert_eq!(a.fields.status.code(), "retired", "not reset to 使用中");
    assert_eq!(a.location_code.as_deref(), Some("倉庫"));
    assert_eq!(
        (a.fields.usage_ratio, a.fields.confidentiality),
        (Some(0.4), Some(2))
    );
    let history = f.db.asset_history(&scope, row.id).await.expect("history");
    let changed: Vec<String> = history[0].changes().into_iter().map(|c| c.0).collect();
    assert_eq!(changed, ["cost_yen"], "only the price changed");
}

#[tokio::test]
async fn past_a_hundred_errors_the_rest_are_counted() {
    let f = Fixture::new().await;
    let mut text = String::from("備品番号,所属,種別,品名,取得日\n");
    for i in 0..150 {
        text.push_str(&format!("E-{i},総務課,desktop,PC,令和99年1月1日\n"));
    }
    let report = f
        .import(&[f.file("many.csv", text.as_bytes())], None, false)
        .await;
    assert_eq!((report.errors.len(), report.error_count), (100, 150));
}

#[tokio::test]
async fn a_manager_cannot_create_departments_or_touch_anothers_assets() {
    let f = Fixture::new().await;
    let setup = f.file(
        "setup.csv",
        "備品番号,所属,種別,品名\nX-1,総務課,desktop,PC\nL-1,図書館,desktop,PC\n".as_bytes(),
    );
    assert!(f.import(&[setup], None, false).await.committed);
    let library =
        f.db.department_by_code(&Scope::tenant(f.tenant.id), "図書館")
            .await
            .expect("q")
            .expect("図書館")
            .id;
    let manager = Scope {
        tenant_id: f.tenant.id,
        departments: Some(vec![library]),
        can_write: true,
        can_audit: false,
    };
    let path = f.file(
        "m.csv",
        "備品番号,所属,種別,品名\nX-1,図書館,laptop,PC\nN-1,新設課,desktop,PC\n".as_bytes(),
    );
    let options = ImportOptions::default();
    let report = import_paths(
        &f.db,
        &manager,
        &Actor::system("m"),
        &[path],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    let listed = messages(&report).join("\n");
    assert!(
        listed.contains("担当範囲外の所属の資産です")
            && listed.contains("所属「新設課」はないか、あなたの担当範囲外です"),
        "{listed}"
    );
    assert!(!report.committed);
}

#[tokio::test]
async fn replace_removes_and_lists_the_assets_a_file_no_longer_has() {
    let f = Fixture::new().await;
    let v1 = f.file("v1.csv", "備品番号,所属,種別,品名\nR-1,総務課,desktop,PC\nR-2,総務課,desktop,PC\nR-3,総務課,nas,NAS\n".as_bytes());
    assert!(f.import(&[v1], None, false).await.committed);
    let v2 = f.file(
        "v2.csv",
        "備品番号,所属,種別,品名\nR-1,総務課,desktop,PC\n".as_bytes(),
    );
    let plain = f.import(std::slice::from_ref(&v2), None, false).await;
    assert!(
        plain.removed.is_empty() && f.assets().await.len() == 3,
        "without --replace nothing is removed"
    );
    let options = ImportOptions {
        department: None,
        dry_run: false,
        replace: true,
        stage_from_bytes: Some(0),
        departments: create_all(),
        ..Default::default()
    };
    let scope = Scope::tenant(f.tenant.id);
    let report = import_paths(
        &f.db,
        &scope,
        &Actor::system("test"),
        &[v2],
        &options,
        |_| {},
    )
    .await
    .expect("runs");
    assert!(report.committed, "{:?}", messages(&report));
    assert_eq!(report.removed, ["R-2", "R-3"]);
    assert_eq!(
        f.assets()
            .await
            .iter()
            .map(|a| a.asset_tag.as_str())
            .collect::<Vec<_>>(),
        ["R-1"]
    );
    assert_eq!(
        f.db.dashboard_counts(&scope).await.expect("counts").entries,
        1,
        "counts follow the removal"
    );
    let history: (String,) = sqlx::query_as(
        "SELECT before_json FROM change_history WHERE action = 'delete' AND entity_key = 'R-3'",
    )
    .fetch_one(f.db.pool())
    .await
    .expect("a delete entry");
    assert!(
        history.0.contains("\"kind\":\"nas\""),
        "the removed row is kept in the history"
    );
}

/// A department name the tenant does not have is not made up: the run is refused, naming
/// the closest departments (「図書館」: 中央図書館 first); told which department it is, the
/// rows go there; told to create it, it is created — and nothing else is.
#[tokio::test]
async fn an_unknown_department_name_offers_the_closest_and_waits_for_a_choice() {
    let f = Fixture::new().await;
    let setup = f.file(
        "setup.csv",
        "備品番号,所属,種別,品名\nS-1,中央図書館,desktop,PC\nS-2,中央公民館,desktop,PC\nS-3,財政課,desktop,PC\n"
            .as_bytes(),
    );
    assert!(f.import(&[setup], None, false).await.committed);
    let file = f.file(
        "library.csv",
        "備品番号,所属,種別,品名\nL-1,図書館,desktop,PC\nL-2,図書館,laptop,PC\nL-3,新設課,desktop,PC\n".as_bytes(),
    );
    let run = |choices: daicho_store::DepartmentChoices| {
        let path = file.clone();
        let scope = Scope::tenant(f.tenant.id);
        let db = f.db.clone();
        async move {
            let options = ImportOptions {
                departments: choices,
                ..Default::default()
            };
            import_paths(
                &db,
                &scope,
                &Actor::system("test"),
                &[path],
                &options,
                |_| {},
            )
            .await
            .expect("import runs")
        }
    };
    let refused = run(daicho_store::DepartmentChoices::default()).await;
    assert!(!refused.committed);
    let unknown: Vec<(&str, usize, Vec<&str>)> = refused
        .unknown_departments
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.rows,
                u.closest.iter().map(|(_, n)| n.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [("図書館", 2, vec!["中央図書館"]), ("新設課", 1, vec![])]
    );
    assert!(
        messages(&refused).iter().any(|m| m
            .contains("所属「図書館」は登録されていません。近い所属：中央図書館（中央図書館）")),
        "{:?}",
        messages(&refused)
    );
    assert_eq!(f.assets().await.len(), 3, "nothing written");
    let code_of_library = refused.unknown_departments[0].closest[0].0.clone();
    let mut chosen = daicho_store::DepartmentChoices::default();
    chosen
        .same_as
        .insert("図書館".into(), code_of_library.clone());
    chosen.create.insert("新設課".into());
    let done = run(chosen).await;
    assert!(done.committed, "{:?}", messages(&done));
    assert_eq!(done.created_departments, ["新設課"]);
    let assets = f.assets().await;
    let department_of = |tag: &str| {
        assets
            .iter()
            .find(|a| a.asset_tag == tag)
            .map(|a| a.department_name.clone())
            .expect("asset")
    };
    assert_eq!(department_of("L-1"), "中央図書館");
    assert_eq!(department_of("L-3"), "新設課");
}

/// A file without 所有区分 and 調達区分 columns leaves them not recorded (it made every
/// machine 自己所有 and 情報政策課配備 before); a file that says them records them; a later
/// file without the columns keeps what was recorded.
#[tokio::test]
async fn a_file_without_ownership_or_procurement_columns_records_none() {
    let f = Fixture::new().await;
    let without = f.file(
        "without.csv",
        "備品番号,所属,種別,品名\nP-1,総務課,desktop,PC\n".as_bytes(),
    );
    assert!(
        f.import(std::slice::from_ref(&without), None, false)
            .await
            .committed
    );
    let procured = |f: &Fixture| {
        let db = f.db.clone();
        let scope = Scope::tenant(f.tenant.id);
        async move {
            let rows = db
                .list_assets(
                    &scope,
                    &AssetFilter {
                        page: 1,
                        ..Default::default()
                    },
                )
                .await
                .expect("list")
                .rows;
            let asset = db.asset(&scope, rows[0].id).await.expect("asset");
            (asset.fields.ownership, asset.fields.procured_by)
        }
    };
    assert_eq!(procured(&f).await, (None, None));
    let with = f.file(
        "with.csv",
        "備品番号,所属,種別,品名,所有区分,調達区分\nP-1,総務課,desktop,PC,リース,原課調達\n"
            .as_bytes(),
    );
    assert!(f.import(&[with], None, false).await.committed);
    let recorded = (
        Some(daicho_domain::Ownership::Leased),
        Some(daicho_domain::ProcuredBy::Department),
    );
    assert_eq!(procured(&f).await, recorded);
    assert!(f.import(&[without], None, false).await.committed);
    assert_eq!(
        procured(&f).await,
        recorded,
        "a file without the columns keeps what was recorded"
    );
}
