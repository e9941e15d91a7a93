//! Shared fixtures: a fresh database and a small city with two bureaus.

pub use chrono::NaiveDate;
pub use daicho_domain::{DepartmentLevel, Role, TenantCode};
pub use daicho_store::testing::{TestDb, fresh};
pub use daicho_store::{
    Actor, AssetFilter, AssetInput, Db, LoginFailure, NewDepartment, NewUser, Scope, StoreError,
    Tenant,
};

pub async fn db() -> TestDb {
    fresh().await.expect("test database")
}

pub async fn tenant(db: &Db, code: &str, name: &str) -> Tenant {
    db.ensure_tenant(&TenantCode::parse(code).expect("code"), name)
        .await
        .expect("tenant")
}

pub async fn department(db: &Db, t: &Tenant, code: &str, name: &str, parent: Option<&str>) -> i64 {
    let level = if parent.is_some() {
        DepartmentLevel::Section
    } else {
        DepartmentLevel::Bureau
    };
    let new = NewDepartment {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(str::to_string),
        manager: None,
        valid_from: None,
    };
    db.create_department(&Scope::tenant(t.id), &actor(), &new)
        .await
        .expect("department")
        .id
}

pub fn actor() -> Actor {
    Actor {
        user_id: None,
        name: "tester".into(),
    }
}

pub fn pc(tag: &str, department: &str) -> AssetInput {
    AssetInput::default()
        .with("asset_tag", tag)
        .with("department", department)
        .with("kind", "desktop")
        .with("name", "事務用PC")
        .with("os", "Windows 10 Pro")
        // Recorded, as every asset was before 所有区分 and 調達区分 could be left out
        // (migration 23): the upgrade tests write these into the earlier schema.
        .with("ownership", "owned")
        .with("procured_by", "central")
}

/// An asset written as an older schema holds it (the columns every schema has), for the
/// tests of an upgrade: today's code writes columns an old schema does not have yet.
pub async fn old_asset(db: &Db, t: &Tenant, tag: &str, department: i64, words: [&str; 4]) {
    let [name, maker, model, serial] = words.map(|w| Some(w).filter(|w| !w.is_empty()));
    sqlx::query(
        "INSERT INTO assets (tenant_id, asset_tag, department_id, kind, name, maker, model, serial, \
         quantity, ownership, procured_by, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'desktop', $4, $5, $6, $7, 1, 'owned', 'central', 'in_use', \
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .bind(t.id)
    .bind(tag)
    .bind(department)
    .bind(name.unwrap_or("PC"))
    .bind(maker)
    .bind(model)
    .bind(serial)
    .execute(db.pool())
    .await
    .expect("old asset");
}

/// [`city`] as an older schema holds it.
pub async fn old_city(db: &Db) -> (Tenant, i64, i64) {
    let t = tenant(db, "352012", "岡山県岡山市").await;
    department(db, &t, "100", "総務局", None).await;
    let a = department(db, &t, "110", "総務課", Some("100")).await;
    department(db, &t, "200", "教育局", None).await;
    let b = department(db, &t, "210", "図書館", Some("200")).await;
    old_asset(db, &t, "A-1", a, ["PC", "", "", ""]).await;
    old_asset(db, &t, "B-1", b, ["PC", "", "", ""]).await;
    (t, a, b)
}

/// A city with two bureaus, each with a section, and one PC per section.
pub async fn city(db: &Db) -> (Tenant, i64, i64) {
    let t = tenant(db, "352012", "岡山県岡山市").await;
    department(db, &t, "100", "総務局", None).await;
    let a = department(db, &t, "110", "総務課", Some("100")).await;
    department(db, &t, "200", "教育局", None).await;
    let b = department(db, &t, "210", "図書館", Some("200")).await;
    let scope = Scope::tenant(t.id);
    db.create_asset(&scope, &actor(), &pc("A-1", "110"))
        .await
        .expect("asset A-1");
    db.create_asset(&scope, &actor(), &pc("B-1", "210"))
        .await
        .expect("asset B-1");
    (t, a, b)
}

pub fn tags(page: &daicho_store::AssetPage) -> Vec<String> {
    page.rows.iter().map(|r| r.asset_tag.clone()).collect()
}

pub fn all() -> AssetFilter {
    AssetFilter {
        page: 1,
        ..Default::default()
    }
}

/// Records audit `audit_id` of `kind` (internal / external) for fiscal year 2023 through
/// the audits ledger, as a city's file would, and returns its id.
pub async fn audit(db: &Db, scope: &Scope, audit_id: &str, kind: &str) -> i64 {
    let audits = daicho_store::ledgers::ledger("audits").expect("audits");
    let mut import = db.begin_import(scope, &actor()).await.expect("import");
    import
        .upsert_row(
            audits,
            &[
                (audits.column("audit_id").expect("c"), audit_id.into()),
                (audits.column("kind").expect("c"), kind.into()),
                (audits.column("fiscal_year").expect("c"), "2023".into()),
            ],
        )
        .await
        .expect("audit");
    import.finish(true).await.expect("committed");
    db.audit_ref(scope, audit_id).await.expect("audit")
}

/// No column is absent from the file: every field an import row names is written.
pub fn no_absent() -> std::sync::Arc<[&'static str]> {
    std::sync::Arc::from(Vec::<&'static str>::new())
}

/// The id of the asset a search for `tag` finds first.
pub async fn asset_id(db: &Db, scope: &Scope, tag: &str) -> i64 {
    let mut filter = all();
    filter.search = Some(tag.into());
    db.list_assets(scope, &filter).await.expect("list").rows[0].id
}
