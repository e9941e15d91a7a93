//! `daicho token add|list|revoke`: the JSON API's tokens, as an administrator makes them
//! on the accounts page.

use crate::settings::Settings;
use clap::Subcommand;
use daicho_domain::Role;

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// トークンを発行する（値は一度だけ表示） / make a token; its value is printed once
    Add {
        /// 団体コード / tenant code
        #[arg(long)]
        tenant: String,
        /// 名前（用途） / what it is for
        #[arg(long)]
        name: String,
        /// 役割: viewer, auditor, policy
        #[arg(long, default_value = "viewer")]
        role: String,
        /// 有効日数 / days valid
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// トークンの一覧 / list a tenant's tokens
    List {
        #[arg(long)]
        tenant: String,
    },
    /// トークンを失効させる / revoke a token
    Revoke {
        #[arg(long)]
        tenant: String,
        /// トークンの番号（list の1列目） / the token's number
        id: i64,
    },
}

pub async fn run(settings: &Settings, command: TokenCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    match command {
        TokenCommand::Add {
            tenant,
            name,
            role,
            days,
        } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            let role = Role::parse(&role)?;
            let (token, secret) = db
                .create_api_token(tenant.id, &name, role, days, "system:cli")
                .await?;
            println!(
                "トークン {}「{}」（{}、{}）を発行しました。有効期限: {}",
                token.id,
                token.name,
                role.label_ja(),
                tenant.name,
                token.expires_at
            );
            println!("{secret}");
            println!("（この表示は一度きりです。使うプログラムに設定してください）");
        }
        TokenCommand::List { tenant } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            println!("番号\t名前\t役割\t有効期限\t最終利用\t状態");
            for t in db.api_tokens(tenant.id).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.name,
                    t.role.code(),
                    t.expires_at,
                    t.last_used_at.unwrap_or_default(),
                    if t.revoked_at.is_some() {
                        "失効"
                    } else {
                        "有効"
                    }
                );
            }
        }
        TokenCommand::Revoke { tenant, id } => {
            let (tenant, _) = super::tenant_scope(&db, &tenant).await?;
            db.revoke_api_token(tenant.id, id).await?;
            println!("トークン {id} を失効させました");
        }
    }
    db.close().await;
    Ok(())
}
