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
    /// 登録されていない所属名を、その名前の新しい所属として作る / create departments the tenant does not have
    #[arg(long)]
    pub create_departments: bool,
    /// 登録されていない所属名がどの所属か（名前=所属コード、繰り返し可） / an unknown name is this department (NAME=CODE)
    #[arg(long = "same-department", value_name = "NAME=CODE")]
    pub same_department: Vec<String>,
    /// CSV・TSV・XLSX ファイル、バンドル（フォルダ・ZIP） / files or bundles to import
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub async fn run(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let (tenant, _) = super::tenant_scope(&db, &args.tenant).await?;
    let mut departments = daicho_store::DepartmentChoices {
        create_all: args.create_departments,
        ..Default::default()
    };
    for pair in &args.same_department {
        let Some((name, code)) = pair.split_once('=') else {
            bail!("--same-department は「名前=所属コード」で指定してください（{pair}）");
        };
        departments
            .same_as
            .insert(name.trim().to_string(), code.trim().to_string());
    }
    let options = ImportOptions {
        department: args.department.clone(),
        dry_run: args.dry_run,
        replace: args.replace,
        departments,
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
    for u in &report.unknown_departments {
        let closest: Vec<String> = u
            .closest
            .iter()
            .map(|(code, name)| format!("--same-department {}={code}（{name}）", u.name))
            .collect();
        eprintln!(
            "登録されていない所属「{}」（{} 行）: {}",
            u.name,
            u.rows,
            if closest.is_empty() {
                "近い所属はありません".to_string()
            } else {
                format!("候補 {}", closest.join("、"))
            }
        );
    }
    if !report.unknown_departments.is_empty() {
        eprintln!(
            "どの所属か --same-department 名前=所属コード で指定するか、--create-departments で新しい所属として作ってください"
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
