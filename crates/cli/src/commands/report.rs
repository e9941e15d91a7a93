//! `daicho report self-check --tenant CODE --campaign C` and `daicho report training
//! --tenant CODE --fiscal-year Y`, each `--format json|table|xlsx [--output FILE]`; and
//! `daicho self-check start|link` to open a campaign and let an account answer it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use daicho_domain::parse_date;
use daicho_reports::Report;
use daicho_reports::audit_report::AuditReport;
use daicho_reports::self_check::SelfCheckReport;
use daicho_reports::training::TrainingReport;
use daicho_store::{Actor, Campaign};

use super::audit::Format;
use super::tenant_scope;
use crate::settings::Settings;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// セルフチェックの総合判定結果 / the self-check scored as the audit report scores it
    SelfCheck(SelfCheckArgs),
    /// 研修の所属別受講者数と受講率 / training participants per department and coverage
    Training(TrainingArgs),
    /// 監査報告書（HTML・XLSX・PDF） / an audit's report
    Audit(AuditReportArgs),
    /// 備品整理票（QR コード付きラベル、PDF） / asset labels with QR codes, as PDF
    Labels(LabelArgs),
}

#[derive(Args, Debug)]
pub struct LabelArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 所属コード（その下の所属も含む。省略時は全所属） / department (and those below it)
    #[arg(long)]
    pub department: Option<String>,
    /// ラベル用紙: a4-12（A4 12面 86.4×42.3mm）, a4-24（A4 24面 70×33.9mm） / label sheet
    #[arg(long, default_value = "a4-12")]
    pub layout: String,
    /// 出力先の PDF / output file
    #[arg(long)]
    pub output: PathBuf,
}

/// The audit report's forms.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditReportFormat {
    Json,
    Table,
    Xlsx,
    Html,
    Pdf,
}

#[derive(Args, Debug)]
pub struct AuditReportArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 監査番号 / the audit's number
    #[arg(long)]
    pub audit: String,
    /// 形式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: AuditReportFormat,
    /// 出力先（xlsx・pdf では必須） / output file
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Where and how a report is written.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// 形式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 出力先（省略時は標準出力。xlsx では必須） / output file
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SelfCheckArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 実施回（R4 など） / campaign
    #[arg(long)]
    pub campaign: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct TrainingArgs {
    /// 団体コード / tenant code
    #[arg(long)]
    pub tenant: String,
    /// 年度（2022、R4、令和4年度） / fiscal year
    #[arg(long)]
    pub fiscal_year: String,
    /// 受講率の基準日（省略時は年度末か今日の早い方） / coverage as of
    #[arg(long)]
    pub as_of: Option<String>,
    /// 受講率で数える年数 / coverage counts training within this many years
    #[arg(long, default_value_t = 3)]
    pub years: u32,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Subcommand, Debug)]
pub enum SelfCheckCommand {
    /// 実施回を始める（設問は前回からか、同梱の R4 設問集から） / start a campaign
    Start(StartArgs),
    /// 利用者を職員に結びつける（本人として回答できる） / link an account to a staff member
    Link(LinkArgs),
}

#[derive(Args, Debug)]
pub struct StartArgs {
    #[arg(long)]
    pub tenant: String,
    /// 実施回（R8 など） / campaign code
    #[arg(long)]
    pub campaign: String,
    /// 年度 / fiscal year
    #[arg(long)]
    pub fiscal_year: String,
    /// 名称 / title
    #[arg(long)]
    pub title: Option<String>,
    /// 回答開始日 / first day answers are taken
    #[arg(long)]
    pub opens_on: Option<String>,
    /// 締切日 / last day answers are taken
    #[arg(long)]
    pub closes_on: Option<String>,
    /// 設問をこの実施回から写す（省略時は同梱の設問集） / copy the bank of this campaign
    #[arg(long)]
    pub from: Option<String>,
}

#[derive(Args, Debug)]
pub struct LinkArgs {
    #[arg(long)]
    pub username: String,
    /// 職員番号 / staff id
    #[arg(long)]
    pub staff_id: String,
}

fn fiscal_year(text: &str) -> anyhow::Result<i64> {
    daicho_store::ledgers::fiscal_year(text)
        .with_context(|| format!("年度「{text}」を読めません（2022、R4、令和4年度など）"))
}

fn day(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    parse_date(text).with_context(|| format!("「{text}」を日付として読めません"))
}

/// Writes a report as JSON, a table or XLSX.
fn write(output: &OutputArgs, report: &dyn Report) -> anyhow::Result<()> {
    match (&output.output, output.format) {
        (Some(path), Format::Xlsx) => report
            .write_xlsx(path)
            .with_context(|| format!("{} に書き込めません", path.display()))?,
        (None, Format::Xlsx) => {
            anyhow::bail!("--format xlsx には --output でファイル名を指定してください")
        }
        (path, format) => {
            let sink: Box<dyn Write> = match path {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("{} に書き込めません", path.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut out = std::io::BufWriter::new(sink);
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report.to_json())?;
                    writeln!(out)?;
                }
                _ => report.write_table(&mut out)?,
            }
            out.flush()?;
        }
    }
    Ok(())
}

pub async fn run(settings: &Settings, command: ReportCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    match command {
        ReportCommand::SelfCheck(args) => {
            let (_, scope) = tenant_scope(&db, &args.tenant).await?;
            let report = SelfCheckReport::load(&db, &scope, &args.campaign).await;
            db.close().await;
            write(&args.output, &report?)
        }
        ReportCommand::Training(args) => {
            let (_, scope) = tenant_scope(&db, &args.tenant).await?;
            let year = fiscal_year(&args.fiscal_year)?;
            let as_of = match &args.as_of {
                Some(s) => parse_date(s)
                    .with_context(|| format!("--as-of「{s}」を日付として読めません"))?,
                None => TrainingReport::default_as_of(year, daicho_store::today()),
            };
            let report = TrainingReport::load(&db, &scope, year, as_of, args.years).await;
            db.close().await;
            write(&args.output, &report?)
        }
        ReportCommand::Audit(args) => {
            let (_, scope) = tenant_scope(&db, &args.tenant).await?;
            let report = AuditReport::load(&db, &scope, &args.audit).await;
            db.close().await;
            write_audit_report(&args, &report?)
        }
        ReportCommand::Labels(args) => {
            let layout = daicho_reports::labels::label_layout(&args.layout).with_context(|| {
                format!(
                    "ラベル用紙「{}」はありません（a4-12 または a4-24）",
                    args.layout
                )
            })?;
            let (tenant, scope) = tenant_scope(&db, &args.tenant).await?;
            let labels =
                daicho_reports::labels::load_labels(&db, &scope, args.department.as_deref()).await;
            db.close().await;
            let labels = labels?;
            let pdf = daicho_pdf::labels(&layout, &tenant.name, &labels)?;
            std::fs::write(&args.output, pdf)
                .with_context(|| format!("{} に書き込めません", args.output.display()))?;
            eprintln!(
                "備品整理票 {} 枚（{}、{} シート）を {} に書き出しました",
                labels.len(),
                layout.label,
                labels.len().div_ceil(layout.per_sheet()),
                args.output.display()
            );
            Ok(())
        }
    }
}

/// Writes the audit report in the form asked for; a PDF or workbook needs a file.
fn write_audit_report(args: &AuditReportArgs, report: &AuditReport) -> anyhow::Result<()> {
    let bytes = match args.format {
        AuditReportFormat::Json | AuditReportFormat::Table | AuditReportFormat::Xlsx => {
            let format = match args.format {
                AuditReportFormat::Json => Format::Json,
                AuditReportFormat::Xlsx => Format::Xlsx,
                _ => Format::Table,
            };
            let output = OutputArgs {
                format,
                output: args.output.clone(),
            };
            return write(&output, report);
        }
        AuditReportFormat::Html => report.to_html(None)?.into_bytes(),
        AuditReportFormat::Pdf => {
            if args.output.is_none() {
                anyhow::bail!("--format pdf には --output でファイル名を指定してください");
            }
            daicho_pdf::audit_report(report)?
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("{} に書き込めません", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    if report.drafts > 0 {
        eprintln!(
            "注意: 未確定の下書きが {} 件あります（報告書には載っていません）",
            report.drafts
        );
    }
    Ok(())
}

pub async fn run_self_check(settings: &Settings, command: SelfCheckCommand) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let result = match command {
        SelfCheckCommand::Start(args) => start(&db, args).await,
        SelfCheckCommand::Link(args) => db
            .link_user_to_staff(&args.username, &args.staff_id)
            .await
            .map(|()| {
                eprintln!(
                    "{} を職員 {} に結びつけました",
                    args.username, args.staff_id
                )
            })
            .map_err(Into::into),
    };
    db.close().await;
    result
}

async fn start(db: &daicho_store::Db, args: StartArgs) -> anyhow::Result<()> {
    let (_, scope) = tenant_scope(db, &args.tenant).await?;
    let campaign = Campaign {
        campaign: args.campaign.clone(),
        fiscal_year: fiscal_year(&args.fiscal_year)?,
        title: args.title,
        opens_on: args.opens_on.as_deref().map(day).transpose()?,
        closes_on: args.closes_on.as_deref().map(day).transpose()?,
    };
    let actor = Actor::system("cli");
    let n = daicho_reports::campaign::start(db, &scope, &actor, &campaign, args.from.as_deref())
        .await?;
    eprintln!("実施回 {} を設問 {n} 問で始めました", args.campaign);
    Ok(())
}
