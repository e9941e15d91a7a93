//! The `daicho` command: one binary for the web server, the ledgers' maintenance, and
//! (in later steps) import, export, audit, report and bench. Messages are Japanese.

// The audit snapshot is filled by one thread with rows another thread read; glibc's
// allocator serialises such cross-thread frees on an arena lock (measured in
// docs/decisions.md), mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod settings;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// daicho — 自治体の情報資産台帳と情報セキュリティ監査 (information-asset ledgers and security audit)
#[derive(Parser, Debug)]
#[command(name = "daicho", version, about, long_about = None)]
pub struct Cli {
    /// データ保存先フォルダ（SQLite ファイルをこの中に作成） / data folder holding the SQLite file
    #[arg(
        long,
        global = true,
        env = "DAICHO_DATA_DIR",
        default_value = "./daicho-data"
    )]
    data_dir: std::path::PathBuf,

    /// データベース URL（postgres://… で PostgreSQL） / database URL; postgres://… selects PostgreSQL
    #[arg(long, global = true, env = "DAICHO_DATABASE_URL")]
    database: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Web 画面を起動する / start the web UI
    Serve(commands::serve::ServeArgs),
    /// データベースのスキーマを最新にする / apply pending schema migrations
    Migrate(commands::MigrateArgs),
    /// 団体（地方公共団体）の登録・一覧 / add or list tenants
    #[command(subcommand)]
    Tenant(commands::tenant::TenantCommand),
    /// 所属の一覧・追加・廃止（組織改編） / list, add or end departments
    #[command(subcommand)]
    Department(commands::department::DepartmentCommand),
    /// ユーザーの追加・パスワード変更・一覧・無効化 / manage user accounts
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// ディレクトリ（Active Directory・LDAP）でのログインの設定 / a tenant's directory login
    #[command(subcommand)]
    Directory(commands::directory::DirectoryCommand),
    /// JSON API のトークンの発行・一覧・失効 / make, list or revoke API tokens
    #[command(subcommand)]
    Token(commands::token::TokenCommand),
    /// 台帳ファイル（CSV・TSV・XLSX）を取り込む / import ledger files
    Import(commands::import::ImportArgs),
    /// 台帳を CSV・XLSX に書き出す / export ledgers
    Export(commands::export::ExportArgs),
    /// デモ団体「サンプル市」を読み込む / load the demo city サンプル市
    Demo(commands::demo::DemoArgs),
    /// 規則で監査結果（指摘・意見）を判定する / decide the audit's findings
    Audit(commands::audit::AuditArgs),
    /// 監査の結果・意見の下書き・一覧 / draft or list an audit's items
    #[command(subcommand)]
    AuditItem(commands::audit_item::AuditItemCommand),
    /// 点検規則の一覧・設定・追加 / list, configure or add rules
    #[command(subcommand)]
    Rule(commands::rule::RuleCommand),
    /// セルフチェック・研修の報告 / self-check and training reports
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// セルフチェックの実施回を始める・利用者を職員に結びつける / start a campaign, link an account
    #[command(subcommand)]
    SelfCheck(commands::report::SelfCheckCommand),
    /// 例外承認の記録・一覧 / record or list waivers
    #[command(subcommand)]
    Waiver(commands::rule::WaiverCommand),
    /// サポート期限カタログの一覧・更新 / list or refresh the end-of-life catalogue
    #[command(subcommand)]
    Eol(commands::eol::EolCommand),
    /// 変更履歴が改ざんされていないか確かめる / check the change history's chain
    Verify(commands::verify::VerifyArgs),
    /// 性能測定 / benchmarks
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            // sqlx warns of every statement past a second, with its SQL, in English: an
            // audit of a large city streams its assets for longer than that by design.
            tracing_subscriber::EnvFilter::try_from_env("DAICHO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,sqlx::query=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("エラー: 実行環境を準備できません: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = settings::Settings::from_cli(&cli)?;
    let explicit_database = cli
        .database
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty());
    match cli.command {
        Command::Serve(args) => commands::serve::run(&settings, args).await,
        Command::Migrate(args) => commands::migrate(&settings, args).await,
        Command::Tenant(c) => commands::tenant::run(&settings, c).await,
        Command::Department(c) => commands::department::run(&settings, c).await,
        Command::User(c) => commands::user::run(&settings, c).await,
        Command::Token(c) => commands::token::run(&settings, c).await,
        Command::Directory(c) => commands::directory::run(&settings, c).await,
        Command::Import(args) => commands::import::run(&settings, args).await,
        Command::Export(args) => commands::export::run(&settings, args).await,
        Command::Demo(args) => commands::demo::run(&settings, args).await,
        Command::Audit(args) => commands::audit::run(&settings, args).await,
        Command::AuditItem(c) => commands::audit_item::run(&settings, c).await,
        Command::Rule(c) => commands::rule::run(&settings, c).await,
        Command::Waiver(c) => commands::rule::run_waiver(&settings, c).await,
        Command::Report(c) => commands::report::run(&settings, c).await,
        Command::SelfCheck(c) => commands::report::run_self_check(&settings, c).await,
        Command::Eol(c) => commands::eol::run(&settings, c).await,
        Command::Verify(args) => commands::verify::run(&settings, args).await,
        Command::Bench(c) => commands::bench::run(&settings, explicit_database, c).await,
    }
}
