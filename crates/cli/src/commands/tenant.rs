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
    /// 画面・audit が既定で開く基準日（データがある日の写しのとき。today で今日に戻す） /
    /// the day screens and `audit` open on by default (`today` clears it)
    DataDay {
        /// 全国地方公共団体コード / local government code
        code: String,
        /// 2023-10-06、令和5年10月6日、today
        day: String,
    },
    /// 管理者と情報政策課に二要素認証を求めるか（on / off） / require a second factor of
    /// the tenant's administrators and 情報政策課
    TwoFactors {
        /// 全国地方公共団体コード / local government code
        code: String,
        /// on または off
        setting: String,
    },
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
        TenantCommand::DataDay { code, day } => {
            let db = settings.open().await?;
            let (tenant, scope) = super::tenant_scope(&db, &code).await?;
            let day = match day.trim() {
                "today" | "今日" => None,
                text => Some(daicho_domain::parse_date(text).map_err(|_| {
                    anyhow::anyhow!("「{text}」を日付として読めません（2023-10-06、today など）")
                })?),
            };
            db.set_data_as_of(&scope, &daicho_store::Actor::system("cli"), day)
                .await?;
            match day {
                Some(d) => println!(
                    "団体 {} {} の既定の基準日を {} にしました",
                    tenant.code,
                    tenant.name,
                    daicho_domain::format_wareki(d)
                ),
                None => println!(
                    "団体 {} {} の既定の基準日を今日に戻しました",
                    tenant.code, tenant.name
                ),
            }
            db.close().await;
        }
        TenantCommand::TwoFactors { code, setting } => {
            let required = match setting.trim() {
                "on" => true,
                "off" => false,
                other => anyhow::bail!("「{other}」ではなく on か off を指定してください"),
            };
            let db = settings.open().await?;
            let (tenant, scope) = super::tenant_scope(&db, &code).await?;
            db.set_two_factors_required(&scope, &daicho_store::Actor::system("cli"), required)
                .await?;
            println!(
                "団体 {} {}: 管理者と情報政策課の二要素認証を{}",
                tenant.code,
                tenant.name,
                if required {
                    "必須にしました"
                } else {
                    "任意にしました"
                }
            );
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
