//! `daicho bench ledger`: server-side time of the filtered ledger page and the dashboard
//! on the demo city with N generated assets, each beside a floor measured in the same run
//! on the same database (see `daicho_store::Db::floor_*`). Figures are percentiles over
//! repeated runs; compare ratios, not absolute times, on a shared machine.

use crate::settings::Settings;
use clap::{Args, Subcommand};
use daicho_domain::{AssetKind, AssetStatus};
use daicho_store::{AssetFilter, Scope};
use std::future::Future;
use std::time::{Duration, Instant};

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// 資産台帳ページとダッシュボードの応答時間 / ledger page and dashboard latency
    Ledger(LedgerArgs),
    /// 資産CSVの取込時間（一括挿入との比） / import time against a bulk insert
    Import(super::bench_import::ImportBenchArgs),
    /// 全規則による監査の時間（資産行の読み出しとの比） / full audit time against reading every asset row
    Audit(super::bench_audit::AuditBenchArgs),
    /// 取込中のログイン時間（静かなときとの比） / login latency during an import against an idle server
    Login(super::bench_login::LoginBenchArgs),
    /// 起動中のサーバーへの同時アクセス（一人ずつとの比） / concurrent users on a running server against one at a time
    Web(super::bench_web::WebBenchArgs),
    /// 都道府県規模: 多数の団体の取込・監査と混在負荷（--citus で Citus と比較） / prefecture scale: many tenants' imports, audits and a mixed load, optionally against Citus
    Prefecture(super::bench_prefecture::PrefectureBenchArgs),
}

#[derive(Args, Debug)]
pub struct LedgerArgs {
    /// デモ団体の生成資産をこの件数まで増やしてから測る / generated assets to have before measuring
    #[arg(long, default_value_t = 1_000_000)]
    pub scale: usize,
    /// 各測定の繰り返し回数 / iterations per measurement
    #[arg(long, default_value_t = 50)]
    pub iterations: usize,
}

struct Stats {
    p50: Duration,
    p95: Duration,
}

async fn measure<F, Fut, T>(iterations: usize, mut f: F) -> anyhow::Result<Stats>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, daicho_store::StoreError>>,
{
    f().await?; // warm the cache once
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        f().await?;
        times.push(start.elapsed());
    }
    Ok(Stats {
        p50: percentile(&mut times, 0.50),
        p95: percentile(&mut times, 0.95),
    })
}

/// The `q` quantile of `times` (nearest rank; zero when there are none). Sorts them.
pub(crate) fn percentile(times: &mut [Duration], q: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    times.sort();
    times[((times.len() as f64 * q).ceil() as usize)
        .saturating_sub(1)
        .min(times.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

pub async fn run(
    settings: &Settings,
    explicit_database: bool,
    command: BenchCommand,
) -> anyhow::Result<()> {
    let args = match command {
        BenchCommand::Ledger(args) => args,
        BenchCommand::Import(args) => {
            return super::bench_import::run(settings, explicit_database, args).await;
        }
        BenchCommand::Audit(args) => return super::bench_audit::run(settings, args).await,
        BenchCommand::Web(args) => return super::bench_web::run(args).await,
        BenchCommand::Prefecture(args) => {
            return super::bench_prefecture::run(settings, args).await;
        }
        BenchCommand::Login(args) => {
            return super::bench_login::run(settings, explicit_database, args).await;
        }
    };
    let db = settings.open().await?;
    let tenant = crate::commands::demo::load(&db, 0).await?;
    let have = db
        .count_generated_assets(&Scope::tenant(tenant.id), daicho_demo::GENERATED_PREFIX)
        .await?;
    if have < args.scale {
        crate::commands::demo::load(&db, args.scale - have).await?;
    }
    let scope = Scope::tenant(tenant.id);
    let department = db.department_by_code(&scope, "080500").await?.map(|d| d.id);
    let n = args.iterations.max(1);
    println!(
        "backend: {:?}, generated assets: {}, iterations: {n}",
        db.backend(),
        have.max(args.scale)
    );
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "measurement", "p50 ms", "p95 ms", "p95/floor"
    );
    let floor_page = measure(n, || db.floor_ledger_page(tenant.id, "desktop")).await?;
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "floor: raw SELECT 50 rows of one kind",
        ms(floor_page.p50),
        ms(floor_page.p95),
        "1.00"
    );
    let cases: Vec<(&str, AssetFilter)> = vec![
        (
            "ledger page: kind=desktop",
            AssetFilter {
                kind: Some(AssetKind::Desktop),
                page: 1,
                ..Default::default()
            },
        ),
        (
            "ledger page: department=中央図書館 (subtree)",
            AssetFilter {
                department_id: department,
                page: 1,
                ..Default::default()
            },
        ),
        (
            "ledger page: os=Windows 7, status=in_use",
            AssetFilter {
                os: Some("Windows 7".into()),
                status: Some(AssetStatus::InUse),
                page: 1,
                ..Default::default()
            },
        ),
        (
            "ledger page: no filter, page 100",
            AssetFilter {
                page: 100,
                ..Default::default()
            },
        ),
    ];
    for (label, filter) in &cases {
        let s = measure(n, || db.list_assets(&scope, filter)).await?;
        println!(
            "{label:<44} {:>10} {:>10} {:>10.2}",
            ms(s.p50),
            ms(s.p95),
            s.p95.as_secs_f64() / floor_page.p95.as_secs_f64()
        );
    }
    // Word search (migration 24's index) against reading every row for the same word: a
    // rare serial, a rare Japanese word, a maker one asset in five has (the index names
    // 200,000 candidates at 1M), and a word of two characters, which no trigram answers.
    println!("{:<44} {:>10} {:>10} {:>10}", "", "", "", "p95/scan");
    for (label, word) in [
        ("words SN00000 (rare)", "SN00000"),
        ("words 図書館 (rare)", "図書館"),
        ("words 富士通 (1 in 5)", "富士通"),
        ("words PC (2 characters)", "PC"),
    ] {
        let scan = measure(n.min(5), || db.floor_word_scan(tenant.id, word)).await?;
        let filter = AssetFilter {
            search: Some(word.into()),
            page: 1,
            ..Default::default()
        };
        let s = measure(n, || db.list_assets(&scope, &filter)).await?;
        println!(
            "{:<44} {:>10} {:>10} {:>10}",
            format!("floor: {word} read in every row"),
            ms(scan.p50),
            ms(scan.p95),
            "1.00"
        );
        println!(
            "{:<44} {:>10} {:>10} {:>10.2}",
            format!("ledger page: {label}"),
            ms(s.p50),
            ms(s.p95),
            s.p95.as_secs_f64() / scan.p95.as_secs_f64()
        );
    }
    let floor_group = measure(n.min(10), || db.floor_group_by_kind(tenant.id)).await?;
    let dashboard = measure(n, || db.dashboard_counts(&scope)).await?;
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "floor: raw GROUP BY kind over the ledger",
        ms(floor_group.p50),
        ms(floor_group.p95),
        "1.00"
    );
    println!(
        "{:<44} {:>10} {:>10} {:>10.2}",
        "dashboard (5 dimensions)",
        ms(dashboard.p50),
        ms(dashboard.p95),
        dashboard.p95.as_secs_f64() / floor_group.p95.as_secs_f64()
    );
    db.close().await;
    Ok(())
}
