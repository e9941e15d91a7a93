//! `daicho verify [--tenant CODE]`: walks each tenant's change history from its first row
//! and names the first row that was changed, added or removed outside daicho.

use crate::settings::Settings;
use clap::Args;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// 団体コード（省略時はすべての団体） / one tenant (all when omitted)
    #[arg(long)]
    pub tenant: Option<String>,
}

pub async fn run(settings: &Settings, args: VerifyArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let tenant = match &args.tenant {
        Some(code) => Some(super::tenant_scope(&db, code).await?.0),
        None => None,
    };
    let names: std::collections::HashMap<i64, String> = db
        .tenants()
        .await?
        .into_iter()
        .map(|t| (t.id, format!("{}（{}）", t.name, t.code.as_str())))
        .collect();
    let reports = db.verify_history(tenant.as_ref().map(|t| t.id)).await?;
    db.close().await;
    let mut broken = 0;
    for r in &reports {
        let name = names
            .get(&r.tenant_id)
            .cloned()
            .unwrap_or_else(|| format!("団体 {}", r.tenant_id));
        match &r.broken {
            None => println!("{name}: 変更履歴 {} 件に改ざんはありません", r.rows),
            Some(b) => {
                broken += 1;
                println!("{name}: {b}");
            }
        }
    }
    if broken > 0 {
        anyhow::bail!("{broken} 団体の変更履歴に改ざんの跡があります");
    }
    Ok(())
}
