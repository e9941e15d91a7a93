//! `daicho export --tenant CODE --format xlsx|csv KIND|bundle --output PATH`

use crate::settings::Settings;
use clap::{Args, ValueEnum};
use daicho_ingest::{ExportFormat, export};
use daicho_store::Scope;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 形式 / format
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: Format,
    /// 出力先（bundle を CSV で出すときはフォルダ、.zip なら ZIP） / output file or folder
    #[arg(long)]
    pub output: PathBuf,
    /// 台帳（assets, contracts, media, ...）、bundle、または様式（equipment_ledger 備品台帳,
    /// network_device_ledger ネットワーク接続機器管理台帳, media_ledger 外部記録媒体管理台帳 様式第7号）
    pub kind: String,
}

pub async fn run(settings: &Settings, args: ExportArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let (tenant, _) = super::tenant_scope(&db, &args.tenant).await?;
    let format = match args.format {
        Format::Csv => ExportFormat::Csv,
        Format::Xlsx => ExportFormat::Xlsx,
    };
    if daicho_ingest::FORMS
        .iter()
        .any(|(name, _)| *name == args.kind)
    {
        let scope = Scope::tenant(tenant.id);
        let rows =
            daicho_ingest::write_form(&db, &scope, &tenant.name, &args.kind, &args.output).await?;
        db.close().await;
        println!(
            "{}: {rows} 件を {} に書き出しました",
            args.kind,
            args.output.display()
        );
        return Ok(());
    }
    let written = export(
        &db,
        &Scope::tenant(tenant.id),
        &args.kind,
        format,
        &args.output,
    )
    .await?;
    db.close().await;
    for (ledger, rows) in &written {
        println!("{ledger}: {rows} 行");
    }
    println!("{} に書き出しました", args.output.display());
    Ok(())
}
