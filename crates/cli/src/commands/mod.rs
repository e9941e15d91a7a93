//! One module per subcommand.

pub mod audit;
pub mod audit_item;
pub mod bench;
pub mod bench_audit;
pub mod bench_import;
pub mod bench_login;
pub mod bench_prefecture;
pub mod bench_web;
pub mod demo;
pub mod department;
pub mod directory;
pub mod eol;
pub mod export;
pub mod import;
pub mod report;
pub mod rule;
pub mod serve;
pub mod tenant;
pub mod token;
pub mod user;
pub mod verify;

use crate::settings::Settings;

/// `daicho migrate`
#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    /// Citus のコーディネーターで表を分散する（団体の表は団体コードで、団体・カタログ・利用者は参照表に）
    /// / on a Citus coordinator, distribute the tables (tenants' tables by tenant, the rest as reference tables)
    #[arg(long)]
    pub citus: bool,
}

pub async fn migrate(settings: &Settings, args: MigrateArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    if args.citus {
        db.distribute_on_citus().await?;
        println!("表を Citus に分散しました（{}）", db.display_url());
    }
    println!("スキーマは最新です（{}）", db.display_url());
    db.close().await;
    Ok(())
}

/// The tenant named on the command line, with a scope over all of it.
pub async fn tenant_scope(
    db: &daicho_store::Db,
    code: &str,
) -> anyhow::Result<(daicho_store::Tenant, daicho_store::Scope)> {
    use anyhow::Context;
    let code = daicho_domain::TenantCode::parse(code)?;
    let tenant = db.tenant_by_code(&code).await?.with_context(|| {
        format!("団体 {code} は登録されていません（daicho tenant add で登録してください）")
    })?;
    let scope = daicho_store::Scope::tenant(tenant.id);
    Ok((tenant, scope))
}
