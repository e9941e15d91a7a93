//! `daicho bench prefecture --tenants 100 --assets-per-tenant 10000 [--citus URL]`: one
//! daicho serving a prefecture's shared service. Every tenant imports the same CSV and is
//! audited; then the server (in this process, on a private port) takes a mixed load of
//! many tenants' users at once — the ledger page, a word search, the findings page, the
//! dashboard. With `--citus`, the same on a Citus coordinator in the same run, and the
//! ratio of each operation's p95 there to the first database's. Peak memory of daicho per
//! database. Run it on empty databases: the tenants it makes must not exist.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use daicho_domain::TenantCode;
use daicho_ingest::{ImportOptions, import_paths};
use daicho_rules::{AuditOptions, run_audit};
use daicho_store::{Actor, Db};

use super::bench::percentile;
use super::bench_import::{bench_user, peak_mib, register_departments, tenant, write_csv};
use super::bench_web::{fetch, log_in};
use crate::settings::Settings;

#[derive(Args, Debug)]
pub struct PrefectureBenchArgs {
    /// 団体数 / tenants
    #[arg(long, default_value_t = 100)]
    pub tenants: usize,
    /// 団体ごとの資産数 / assets per tenant
    #[arg(long, default_value_t = 10_000)]
    pub assets_per_tenant: usize,
    /// 同じ実行で比べる Citus のコーディネーター（空のデータベース） / a Citus coordinator
    /// to measure in the same run (an empty database)
    #[arg(long)]
    pub citus: Option<String>,
    /// 同時に使う人数 / concurrent users
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// 負荷の要求数 / requests under load
    #[arg(long, default_value_t = 1000)]
    pub requests: usize,
}

/// The pages of the mixed load, in turn per request.
const OPERATIONS: [(&str, &str); 4] = [
    ("ledger page", "/assets"),
    ("word search", "/assets?q=B0000042"),
    ("findings page", "/findings"),
    ("dashboard", "/dashboard"),
];

const PASSWORD: &str = "prefecture-bench-Password-1";

/// What one database gave: per operation the times, and its errors.
#[derive(Default)]
struct Figures {
    times: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<&'static str, usize>,
    wall: BTreeMap<&'static str, Duration>,
    peak_mib: Option<f64>,
}

impl Figures {
    fn p(&mut self, operation: &'static str, q: f64) -> Duration {
        percentile(self.times.entry(operation).or_default(), q)
    }
}

/// `n` tenant codes with their check digits, from 98000 upwards.
fn codes(n: usize) -> Vec<String> {
    (98_000u32..)
        .flat_map(|prefix| (0..10).map(move |d| format!("{prefix}{d}")))
        .filter(|c| TenantCode::parse(c).is_ok())
        .take(n)
        .collect()
}

/// Forgets the process's peak memory (Linux: `clear_refs` 5), so that each database's
/// run reports its own.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub async fn run(settings: &Settings, args: PrefectureBenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("assets.csv");
    write_csv(&csv, args.assets_per_tenant)?;
    let first = settings.open().await?;
    println!(
        "tenants: {}, assets per tenant: {}, users at once: {}, requests: {}",
        args.tenants, args.assets_per_tenant, args.users, args.requests
    );
    let mut runs = vec![(format!("{:?}", first.backend()), first)];
    if let Some(url) = &args.citus {
        let citus = Db::open(url).await?;
        citus.distribute_on_citus().await?;
        runs.push(("Citus".to_string(), citus));
    }
    let mut results = Vec::new();
    for (label, db) in &runs {
        println!("== {label}");
        let figures = one_database(db, &args, &csv).await?;
        results.push((label.clone(), figures));
    }
    for (_, db) in runs {
        db.close().await;
    }
    report(&mut results);
    Ok(())
}

/// Imports, audits and loads one database.
async fn one_database(
    db: &Db,
    args: &PrefectureBenchArgs,
    csv: &std::path::Path,
) -> anyhow::Result<Figures> {
    reset_peak();
    let mut figures = Figures::default();
    let actor = Actor::system("bench");
    let mut users = Vec::new();
    let started = Instant::now();
    for code in codes(args.tenants) {
        let scope = tenant(db, &code).await?;
        register_departments(db, &scope, &actor, None).await?;
        let t = Instant::now();
        let report = import_paths(
            db,
            &scope,
            &actor,
            std::slice::from_ref(&csv.to_path_buf()),
            &ImportOptions::default(),
            |_| {},
        )
        .await?;
        if !report.committed {
            anyhow::bail!("the import of {code} failed: {:?}", report.errors.first());
        }
        figures.times.entry("import").or_default().push(t.elapsed());
        let t = Instant::now();
        let options = AuditOptions::as_of(daicho_store::today());
        drop(run_audit(db, &scope, &code, &options).await?);
        figures.times.entry("audit").or_default().push(t.elapsed());
        let username = format!("bench-{code}");
        bench_user(db, &scope, &username, PASSWORD).await?;
        users.push(username);
    }
    figures.wall.insert("import", started.elapsed());
    println!(
        "imported and audited {} tenants in {:.1} s",
        users.len(),
        started.elapsed().as_secs_f64()
    );
    load(db, args, &users, &mut figures).await?;
    figures.peak_mib = peak_mib();
    Ok(figures)
}

/// The mixed web load: each tenant's user logged in, then `args.users` at once, each
/// request the next tenant and the next operation in turn.
async fn load(
    db: &Db,
    args: &PrefectureBenchArgs,
    users: &[String],
    figures: &mut Figures,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = daicho_web::AppState::new(
        db.clone(),
        daicho_web::Settings {
            secure_cookies: false,
            ..Default::default()
        },
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(daicho_web::launch(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .pool_max_idle_per_host(args.users)
        .build()?;
    let mut sessions = Vec::new();
    for username in users {
        sessions.push(log_in(&client, &url, username, PASSWORD).await?);
    }
    let sessions = Arc::new(sessions);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    let started = Instant::now();
    for _ in 0..args.users {
        let (client, url, sessions, next) = (
            client.clone(),
            url.clone(),
            Arc::clone(&sessions),
            Arc::clone(&next),
        );
        let requests = args.requests;
        tasks.push(tokio::spawn(async move {
            let mut got: Vec<(&'static str, Option<Duration>)> = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let (operation, path) = OPERATIONS[n % OPERATIONS.len()];
                let session = &sessions[(n / OPERATIONS.len()) % sessions.len()];
                got.push((
                    operation,
                    fetch(&client, &format!("{url}{path}"), session).await,
                ));
            }
            got
        }));
    }
    for task in tasks {
        for (operation, took) in task.await? {
            match took {
                Some(t) => figures.times.entry(operation).or_default().push(t),
                None => *figures.errors.entry(operation).or_default() += 1,
            }
        }
    }
    figures.wall.insert("load", started.elapsed());
    let _ = stop.send(());
    server.await??;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// One table: per operation p50 and p95 on each database, errors, and the ratio of the
/// p95 of each later database to the first's.
fn report(results: &mut [(String, Figures)]) {
    let mut operations: Vec<&'static str> = vec!["import", "audit"];
    operations.extend(OPERATIONS.iter().map(|(o, _)| *o));
    print!("{:<16}", "operation");
    for (label, _) in results.iter() {
        print!(" {:>22}", format!("{label} p50/p95 ms"));
    }
    if results.len() > 1 {
        print!(" {:>12}", "p95 ratio");
    }
    println!();
    for operation in operations {
        print!("{operation:<16}");
        let mut p95s = Vec::new();
        for (_, f) in results.iter_mut() {
            let (p50, p95) = (f.p(operation, 0.5), f.p(operation, 0.95));
            let errors = f.errors.get(operation).copied().unwrap_or(0);
            let cell = if errors > 0 {
                format!("{}/{} ({errors} err)", ms(p50), ms(p95))
            } else {
                format!("{}/{}", ms(p50), ms(p95))
            };
            print!(" {cell:>22}");
            p95s.push(p95);
        }
        if let [first, rest @ ..] = p95s.as_slice() {
            for p in rest {
                print!(" {:>12.2}", p.as_secs_f64() / first.as_secs_f64().max(1e-9));
            }
        }
        println!();
    }
    for (label, f) in results.iter() {
        let load = f.wall.get("load").copied().unwrap_or_default();
        let done: usize = OPERATIONS
            .iter()
            .map(|(o, _)| f.times.get(o).map_or(0, Vec::len))
            .sum();
        println!(
            "{label}: import and audit of every tenant {:.1} s, load {:.1} s ({:.1} requests/s), peak memory {}",
            f.wall
                .get("import")
                .copied()
                .unwrap_or_default()
                .as_secs_f64(),
            load.as_secs_f64(),
            done as f64 / load.as_secs_f64().max(1e-9),
            f.peak_mib.map_or("?".into(), |m| format!("{m:.0} MiB"))
        );
    }
}
