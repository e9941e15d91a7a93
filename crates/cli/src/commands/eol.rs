//! `daicho eol list|import FILE`: the lifecycle catalogue in force, refreshed offline from
//! endoflife.date's YAML (release-data) or its API JSON.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use daicho_rules::audit::{catalogue, store_product};
use daicho_rules::eol::{parse_api_json, parse_yaml};

use crate::settings::Settings;

#[derive(Subcommand, Debug)]
pub enum EolCommand {
    /// 製品ごとのサポート期限の一覧 / list the catalogue
    List {
        /// この製品だけ（windows, windows-server, macos, ...） / only this product
        product: Option<String>,
    },
    /// endoflife.date の YAML または API の JSON で更新する / refresh from a file
    Import {
        file: PathBuf,
        /// 製品 id（省略時はファイル名から） / product id (default: the file's stem)
        #[arg(long)]
        product: Option<String>,
    },
}

pub async fn run(settings: &Settings, command: EolCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let result = async {
        match command {
            EolCommand::List { product } => {
                let c = catalogue(&db).await?;
                for p in c
                    .products()
                    .filter(|p| product.as_deref().is_none_or(|id| id == p.id))
                {
                    println!("# {}（{}） 出典: {}", p.id, p.title, p.source);
                    for r in &p.releases {
                        println!(
                            "{}\t{}\t{}\t{}",
                            r.cycle,
                            r.label,
                            r.eol.code(),
                            r.eoes.map(|d| d.to_string()).unwrap_or_default()
                        );
                    }
                }
            }
            EolCommand::Import { file, product } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("{} を読めません", file.display()))?;
                let stem = file
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("product")
                    .to_string();
                let id = product.unwrap_or(stem);
                let today = daicho_store::today();
                let source = format!("{} を {today} に取り込み", file.display());
                let is_json = text.trim_start().starts_with(['{', '[']);
                let p = if is_json {
                    parse_api_json(&id, &text, &source)?
                } else {
                    parse_yaml(&id, &text, &source)?
                };
                if p.releases.is_empty() {
                    anyhow::bail!("{}: リリースが 1 件もありません", file.display());
                }
                let stored = store_product(&db, &p).await?;
                println!("{}（{}）: {stored} リリースを取り込みました", p.id, p.title);
            }
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
