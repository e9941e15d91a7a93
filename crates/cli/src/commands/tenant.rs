//! `daicho tenant add|list`

use crate::settings::Settings;
use clap::Subcommand;
use daicho_domain::TenantCode;

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// 団体を登録する / add a tenant
    Add {
        /// 全国地方公共団体コード（6桁、検査数字付き） / 6-digit local government code
        code: String,
        /// 団体名 / name
        name: String,
    },
    /// 団体の一覧 / list tenants
    List,
}

pub async fn run(settings: &Settings, command: TenantCommand) -> anyhow::Result<()> {
    match command {
        TenantCommand::Add { code, name } => {
            let code = TenantCode::parse(&code)?;
            let db = settings.open().await?;
            let tenant = db.ensure_tenant(&code, name.trim()).await?;
            println!("団体 {} {} を登録しました", tenant.code, tenant.name);
            db.close().await;
        }
        TenantCommand::List => {
            let db = settings.open().await?;
            for t in db.tenants().await? {
                println!("{}\t{}", t.code, t.name);
            }
            db.close().await;
        }
    }
    Ok(())
}
