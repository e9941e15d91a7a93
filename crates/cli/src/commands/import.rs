//! `daicho import [--dry-run] --tenant CODE [--department NAME] PATH...`

use crate::settings::Settings;
use anyhow::bail;
use clap::Args;
use daicho_ingest::{ImportOptions, import_paths};
use daicho_store::{Actor, Scope};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 所属の列がないファイルの所属（名前またはコード） / department for files without one
    #[arg(long)]
    pub department: Option<String>,
    /// 確認だけして書き込まない / check everything, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// 取り込んだ台帳で、ファイルにない行を削除する（所属を除く、削除したものを表示） / remove rows absent from the files
    #[arg(long)]
    pub replace: bool,
    /// CSV・TSV・XLSX ファイル、バンドル（フォルダ・ZIP） / files or bundles to import
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub async fn run(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let (tenant, _) = super::tenant_scope(&db, &args.tenant).await?;
    let options = ImportOptions {
        department: args.department.clone(),
        dry_run: args.dry_run,
        replace: args.replace,
        ..Default::default()
    };
    let show = std::io::stderr().is_terminal();
    let report = import_paths(
        &db,
        &Scope::tenant(tenant.id),
        &Actor::system("import"),
        &args.paths,
        &options,
        |rows| {
            if show {
                eprint!("\r読み込み中 {rows} 行");
            }
        },
    )
    .await?;
    if show {
        eprintln!();
    }
    db.close().await;
    for f in &report.files {
        println!(
            "{}: {} 行（追加 {}、更新 {}、変更なし {}）",
            f.source, f.rows, f.added, f.updated, f.unchanged
        );
        if !f.ignored_columns.is_empty() {
            println!("  取り込まない列: {}", f.ignored_columns.join("、"));
        }
    }
    for (source, reason) in &report.skipped {
        println!("{source}: 読み飛ばしました（{reason}）");
    }
    if !report.removed.is_empty() {
        let shown: Vec<&str> = report
            .removed
            .iter()
            .take(100)
            .map(String::as_str)
            .collect();
        let more = report.removed.len().saturating_sub(shown.len());
        println!(
            "ファイルにないため削除する資産: {} 件: {}{}",
            report.removed.len(),
            shown.join("、"),
            if more > 0 {
                format!(" ほか {more} 件")
            } else {
                String::new()
            }
        );
    }
    for (ledger, key) in &report.removed_rows {
        println!("ファイルにないため削除する行: {ledger} {key}");
    }
    if !report.created_departments.is_empty() {
        println!(
            "新しく作成した所属: {}",
            report.created_departments.join("、")
        );
    }
    if report.error_count > 0 {
        for e in &report.errors {
            eprintln!("{e}");
        }
        if report.error_count > report.errors.len() {
            eprintln!(
                "ほか {} 件のエラー",
                report.error_count - report.errors.len()
            );
        }
        bail!(
            "{} 件のエラーがあったため、何も取り込んでいません",
            report.error_count
        );
    }
    if report.committed {
        println!("取り込みました");
    } else {
        println!("確認のみ（--dry-run）: 何も書き込んでいません");
    }
    Ok(())
}
