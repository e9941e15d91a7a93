//! `daicho audit --tenant CODE [--as-of DATE] [--format json|table|xlsx] [--output FILE]
//! [--rule ID...] [--department CODE...] [--all]`

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use daicho_domain::parse_date;
use std::io::Write;

use daicho_rules::output::{self, OutputError};
use daicho_rules::{AuditOptions, AuditReport, run_audit};

use super::tenant_scope;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Table,
    Xlsx,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 監査基準日（省略時は今日。2023-10-06、令和5年10月6日なども可） / audit date
    #[arg(long)]
    pub as_of: Option<String>,
    /// 形式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 出力先（省略時は標準出力。xlsx では必須） / output file
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// この規則だけ（複数可） / only these rules
    #[arg(long = "rule")]
    pub rules: Vec<String>,
    /// この所属（と配下）だけ（複数可） / only these departments and their sub-departments
    #[arg(long = "department")]
    pub departments: Vec<String>,
    /// 適合（pass）も出力する / include passes
    #[arg(long)]
    pub all: bool,
    /// 1 規則の制限時間（秒） / time limit per rule, seconds
    #[arg(long, default_value_t = 120)]
    pub time_limit: u64,
}

pub async fn run(settings: &Settings, args: AuditArgs) -> anyhow::Result<()> {
    let as_of = match &args.as_of {
        Some(s) => {
            Some(parse_date(s).with_context(|| format!("--as-of「{s}」を日付として読めません"))?)
        }
        None => None,
    };
    if matches!(args.format, Format::Xlsx) && args.output.is_none() {
        anyhow::bail!("--format xlsx には --output でファイル名を指定してください");
    }
    let db = settings.open().await?;
    let (tenant, scope) = tenant_scope(&db, &args.tenant).await?;
    let as_of = match as_of {
        Some(day) => day,
        None => db.data_day(tenant.id).await?,
    };
    let options = AuditOptions {
        rules: args.rules,
        departments: args.departments,
        include_passes: args.all,
        time_limit: Duration::from_secs(args.time_limit),
        ..AuditOptions::as_of(as_of)
    };
    let report = run_audit(&db, &scope, &tenant.code, &options).await;
    db.close().await;
    let report = report?;
    let written = match (&args.output, args.format) {
        (Some(path), Format::Xlsx) => output::xlsx(&report, path),
        (output, format) => {
            let sink: Box<dyn Write> = match output {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("{} に書き込めません", path.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut out = std::io::BufWriter::new(sink);
            write_text(&report, format, &mut out).and_then(|()| Ok(out.flush()?))
        }
    };
    if let Some(path) = &args.output {
        written.with_context(|| format!("{} に書き込めません", path.display()))?;
        eprintln!(
            "{}: 指摘 {} 件・意見 {} 件・不明 {} 件・例外承認 {} 件",
            path.display(),
            report.summary.violations,
            report.summary.opinions,
            report.summary.unknown,
            report.summary.waived
        );
    } else {
        written?;
    }
    Ok(())
}

fn write_text(
    report: &AuditReport,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    match format {
        Format::Json => output::json(report, out),
        _ => output::table(report, out),
    }
}
