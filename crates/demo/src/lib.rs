//! サンプル市 (tenant 990001): a demo city modelled on the reference audit report — its
//! departments, realistic counts of office equipment, and the situations the auditors
//! found — plus deterministic generated assets for benchmarks (`--scale N`).

mod city;
mod external_audit;
mod generate;
mod ledgers;
mod situations;

pub use external_audit::{EXTERNAL_AUDIT, record_external_audit_items};
pub use generate::{GENERATED_PREFIX, generate_assets, generate_ledgers};

use daicho_domain::{DepartmentLevel, Role, TenantCode};
use daicho_store::{
    Actor, AssetInput, Db, NewAssetBatch, NewDepartment, NewUser, Scope, StoreError, Tenant,
};

/// The demo city's 全国地方公共団体コード.
pub const DEMO_TENANT_CODE: &str = "990001";
/// Its name.
pub const DEMO_TENANT_NAME: &str = "サンプル市";

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub tenant: Tenant,
    /// False when the demo city was already there and was left as it was.
    pub created: bool,
    pub departments: usize,
    pub asset_entries: usize,
}

/// The demo tenant's code.
pub fn demo_tenant_code() -> TenantCode {
    TenantCode::parse(DEMO_TENANT_CODE)
        .unwrap_or_else(|_| unreachable!("990001 has a valid check digit"))
}

/// Loads サンプル市 unless it is already loaded.
pub async fn load(db: &Db) -> Result<DemoSummary, StoreError> {
    let tenant = db
        .ensure_tenant(&demo_tenant_code(), DEMO_TENANT_NAME)
        .await?;
    let scope = Scope::tenant(tenant.id);
    let existing = db.departments(&scope).await?;
    if !existing.is_empty() {
        return Ok(DemoSummary {
            tenant,
            created: false,
            departments: existing.len(),
            asset_entries: 0,
        });
    }
    let actor = Actor::system("demo");
    for (code, name, parent) in city::DEPARTMENTS.iter().chain(city::OTHER_DEPARTMENTS) {
        let level = match (parent, code.ends_with("00")) {
            (None, _) => DepartmentLevel::Bureau,
            (Some(_), true) => DepartmentLevel::Section,
            (Some(_), false) => DepartmentLevel::Unit,
        };
        db.create_department(
            &scope,
            &actor,
            &NewDepartment {
                code: code.to_string(),
                name: name.to_string(),
                level,
                parent_code: parent.map(str::to_string),
                manager: Some(format!("{name}長")),
                valid_from: None,
            },
        )
        .await?;
    }
    let mut placed: Vec<ledgers::Placed> = Vec::new();
    // The situations one by one, so each has its own history entry.
    for (i, row) in situations::CENTRAL_LIBRARY
        .iter()
        .chain(situations::FOUND)
        .enumerate()
    {
        let tag = format!("{}-S{:03}", row.department, i + 1);
        db.create_asset(&scope, &actor, &row.input(tag.clone()))
            .await?;
        placed.push((tag, row.department.into(), row.kind.into()));
    }
    placed.extend(load_office_equipment(db, &scope, &actor).await?);
    let entries = placed.len();
    retire_road_ledger_terminal(db, &scope, &actor).await?;
    ledgers::load(db, &scope, &actor, &placed).await?;
    // The demo's ledgers are the city as its auditors found it: its screens open there.
    db.set_data_as_of(&scope, &actor, Some(DATA_DAY)).await?;
    Ok(DemoSummary {
        tenant,
        created: true,
        departments: city::DEPARTMENTS.len() + city::OTHER_DEPARTMENTS.len(),
        asset_entries: entries,
    })
}

/// The day the demo's data is of: the reference's audit date (監査基準日, 2023-10-06).
pub const DATA_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2023, 10, 6) {
    Some(d) => d,
    None => panic!("a real day"),
};

/// Every section's ordinary equipment: 3S PCs on LGWAN, internet PCs, USB memories.
async fn load_office_equipment(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
) -> Result<Vec<ledgers::Placed>, StoreError> {
    let today = daicho_store::today();
    let departments = db.departments(scope).await?;
    let mut assets = Vec::new();
    for (code, _, _) in city::sections() {
        let Some(dept) = departments.iter().find(|d| d.code == *code) else {
            continue;
        };
        let seed = code
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let pcs = 8 + (seed % 25) as usize;
        let internet_pcs = 1 + (seed % 3) as usize;
        let usb = 2 + (seed % 4) as usize;
        let mut n = 0;
        let mut push = |input: AssetInput| -> Result<(), StoreError> {
            assets.push(
                input
                    .validate(dept.id, today)
                    .map_err(StoreError::Invalid)?,
            );
            Ok(())
        };
        for _ in 0..pcs {
            n += 1;
            push(
                AssetInput::default()
                    .with("asset_tag", format!("{code}-{n:04}"))
                    .with("kind", "desktop")
                    .with("name", "3S端末（LGWAN接続系）")
                    .with("maker", "富士通")
                    .with("model", "ESPRIMO D7011")
                    .with("os", "Windows 10 Pro")
                    .with("network_segment", "lgwan")
                    .with("internet", "無")
                    .with("ownership", "leased")
                    .with("procured_by", "central")
                    .with("acquired_on", "2021-01-04")
                    .with("antivirus", "Apex One")
                    .with("antivirus_updated_on", "2023-09-28")
                    .with("status", "in_use"),
            )?;
        }
        for _ in 0..internet_pcs {
            n += 1;
            push(
                AssetInput::default()
                    .with("asset_tag", format!("{code}-{n:04}"))
                    .with("kind", "laptop")
                    .with("name", "インターネット接続系PC")
                    .with("maker", "NEC")
                    .with("model", "VersaPro")
                    .with("os", "Windows 10 Pro")
                    .with("network_segment", "internet")
                    .with("internet", "有")
                    .with("ownership", "leased")
                    .with("procured_by", "central")
                    .with("acquired_on", "2020-10-01")
                    .with("antivirus", "Apex One")
                    .with("antivirus_updated_on", "2023-09-28")
                    .with("status", "in_use"),
            )?;
        }
        for _ in 0..usb {
            n += 1;
            push(
                AssetInput::default()
                    .with("asset_tag", format!("{code}-{n:04}"))
                    .with("kind", "usb_memory")
                    .with("name", "USBメモリー（暗号化）")
                    .with("maker", "I-O DATA")
                    .with("ownership", "owned")
                    .with("procured_by", "central")
                    .with("acquired_on", "2019-04-01")
                    .with("status", "in_use"),
            )?;
        }
    }
    let placed = assets
        .iter()
        .map(|a| {
            let code = departments
                .iter()
                .find(|d| d.id == a.department_id)
                .map(|d| d.code.clone())
                .unwrap_or_default();
            (a.asset_tag.clone(), code, a.kind.code().to_string())
        })
        .collect();
    db.insert_asset_batch(
        scope,
        actor,
        &NewAssetBatch {
            source: "demo:office-equipment".into(),
            assets,
        },
    )
    .await?;
    Ok(placed)
}

/// The terminal the report found retired in an unlocked room was once in use: record the
/// change so its history shows a before and after.
async fn retire_road_ledger_terminal(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
) -> Result<(), StoreError> {
    let page = db
        .list_assets(
            scope,
            &daicho_store::AssetFilter {
                search: Some("旧道路台帳".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await?;
    if let Some(row) = page.rows.first() {
        let asset = db.asset(scope, row.id).await?;
        let mut input = AssetInput::from_asset(&asset);
        let note = format!("{}（使用中止後、廃棄指示待ち）", input.get("note"));
        input.set("note", note);
        db.update_asset(scope, actor, row.id, &input, None).await?;
    }
    Ok(())
}

/// One account per role for the demo city, with fresh random passwords (existing demo
/// accounts get new ones). Returns (user name, role, password).
pub async fn demo_users(
    db: &Db,
    tenant: &Tenant,
) -> Result<Vec<(String, Role, String)>, StoreError> {
    let scope = Scope::tenant(tenant.id);
    let library = db.department_by_code(&scope, "080500").await?.map(|d| d.id);
    let mut out = Vec::new();
    for role in Role::ALL {
        let username = format!("demo-{}", role.code());
        let password = daicho_store::random_password()?;
        let exists = db
            .users(Some(tenant.id))
            .await?
            .iter()
            .any(|u| u.username == username);
        if exists {
            // Demo accounts are for trying daicho out: no forced change.
            db.set_password(&username, &password, false).await?;
        } else {
            db.create_user(&NewUser {
                tenant_id: tenant.id,
                username: username.clone(),
                display_name: format!("デモ{}", role.label_ja()),
                role: *role,
                password: password.clone(),
                departments: if *role == Role::Manager {
                    library.into_iter().collect()
                } else {
                    Vec::new()
                },
                must_change_password: false,
            })
            .await?;
        }
        // The library's head and one of its staff answer the self-check as its people.
        // A demo city loaded by an earlier version of daicho has no staff yet: the server
        // still starts, and says why these accounts cannot answer.
        let person = match role {
            Role::Manager => Some(DEMO_MANAGER_STAFF),
            Role::Staff => Some(DEMO_STAFF),
            _ => None,
        };
        if let Some(person) = person {
            match db.link_user_to_staff(&username, person).await {
                Err(StoreError::NotFound(_)) => tracing::warn!(
                    "デモの職員 {person} がいないため、{username} はセルフチェックに回答できません（以前の版で読み込んだデモ団体です。新しいデータフォルダで --demo を使うと揃います）"
                ),
                other => other?,
            }
        }
        out.push((username, *role, password));
    }
    Ok(out)
}

/// The staff member the demo manager account answers the self-check as.
pub const DEMO_MANAGER_STAFF: &str = "080500-P001";

/// The library's staff member the demo's staff account is.
pub const DEMO_STAFF: &str = "080500-P002";
