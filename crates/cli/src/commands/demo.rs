//! `daicho demo [--scale N]`: loads サンプル市 and optionally N generated assets.

use crate::settings::Settings;
use clap::Args;
use daicho_store::Db;
use std::io::IsTerminal;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// 生成資産をN件追加する（ベンチマーク用、決定的） / add N generated assets (deterministic)
    #[arg(long, default_value_t = 0)]
    pub scale: usize,
}

/// Loads the demo city and `scale` generated assets, printing a summary.
/// Staff, training, media and contracts in proportion to the generated assets (those an
/// earlier run made without them included).
pub async fn ledgers_for_generated(db: &Db, tenant: &daicho_store::Tenant) -> anyhow::Result<()> {
    let scope = daicho_store::Scope::tenant(tenant.id);
    let assets = db
        .count_generated_assets(&scope, daicho_demo::GENERATED_PREFIX)
        .await?;
    let show = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let written = daicho_demo::generate_ledgers(db, tenant, assets, |done| {
        if show {
            eprint!("\r台帳の生成中 {done}/{assets} 件分");
        }
    })
    .await?;
    if show && written > 0 {
        eprintln!();
    }
    if written > 0 {
        println!(
            "生成資産に見合う職員・研修・媒体・持出・契約 {written} 行を追加しました（{:.1} 秒）",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub async fn load(db: &Db, scale: usize) -> anyhow::Result<daicho_store::Tenant> {
    let summary = daicho_demo::load(db).await?;
    if summary.created {
        println!(
            "デモ団体 {} {} を読み込みました（所属 {} 件、資産 {} 件）",
            summary.tenant.code, summary.tenant.name, summary.departments, summary.asset_entries
        );
        daicho_demo::record_external_audit_items(db, &summary.tenant).await?;
        println!(
            "監査 {} の結果・意見を報告書のとおり記録しました（daicho report audit --tenant {} --audit {}）",
            daicho_demo::EXTERNAL_AUDIT,
            summary.tenant.code,
            daicho_demo::EXTERNAL_AUDIT
        );
    } else {
        println!(
            "デモ団体 {} {} は読み込み済みです",
            summary.tenant.code, summary.tenant.name
        );
    }
    if scale > 0 {
        let show = std::io::stderr().is_terminal();
        let started = std::time::Instant::now();
        let written = daicho_demo::generate_assets(db, &summary.tenant, scale, |done| {
            if show {
                eprint!("\r生成中 {done}/{scale} 件");
            }
        })
        .await?;
        if show {
            eprintln!();
        }
        println!(
            "生成資産 {written} 件を追加しました（{:.1} 秒）",
            started.elapsed().as_secs_f64()
        );
        ledgers_for_generated(db, &summary.tenant).await?;
    }
    Ok(summary.tenant)
}

pub async fn run(settings: &Settings, args: DemoArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    load(&db, args.scale).await?;
    db.close().await;
    Ok(())
}
