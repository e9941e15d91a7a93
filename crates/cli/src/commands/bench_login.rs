//! `daicho bench login --rows N`: how long a login takes (password check, session, the
//! first page's session read) and another tenant's save of an asset take on an idle
//! server, and while an N-row import writes the same database: the import must not lock
//! people out. Runs on a fresh SQLite file unless `--database` names another database.

use super::bench::percentile;
use crate::settings::Settings;
use clap::Args;
use daicho_ingest::{ImportOptions, import_paths};
use daicho_store::{Actor, AssetInput, Db, Scope};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct LoginBenchArgs {
    /// 取込の行数 / rows of the import that runs beside the logins
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// 静かなときに測るログイン回数 / logins measured on the idle server
    #[arg(long, default_value_t = 40)]
    pub idle_logins: usize,
}

const PASSWORD: &str = "bench password 2026";

/// One login as a browser makes it: the password checked, a session made, and the next
/// page's read of that session.
async fn login(db: &Db, n: usize) -> Result<Duration, daicho_store::StoreError> {
    let started = Instant::now();
    let user = db
        .authenticate(
            "bench-user",
            PASSWORD,
            &format!("10.0.{}.{}", n / 250, n % 250),
        )
        .await?
        .map_err(|f| daicho_store::StoreError::Internal(format!("{f:?}")))?;
    let session = db.create_session(&user, false).await?;
    db.session_user(&session.token, chrono::Duration::minutes(30))
        .await?;
    Ok(started.elapsed())
}

/// Another tenant's save of its one asset, as the edit form makes it.
async fn save(
    db: &Db,
    scope: &Scope,
    id: i64,
    n: usize,
) -> Result<Duration, daicho_store::StoreError> {
    let started = Instant::now();
    let input = AssetInput::default()
        .with("asset_tag", "OTHER-1")
        .with("department", "総務課")
        .with("kind", "desktop")
        .with("name", format!("事務用PC {n}"));
    db.update_asset(scope, &Actor::system("bench"), id, &input, None)
        .await?;
    Ok(started.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(
    settings: &Settings,
    explicit_database: bool,
    args: LoginBenchArgs,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("assets.csv");
    super::bench_import::write_csv(&csv, args.rows)?;
    let db = if explicit_database {
        settings.open().await?
    } else {
        Db::open_sqlite_file(&dir.path().join("bench.db")).await?
    };
    let scope = super::bench_import::tenant(&db, "991023").await?;
    super::bench_import::register_departments(&db, &scope, &Actor::system("bench"), None).await?;
    super::bench_import::bench_user(&db, &scope, "bench-user", PASSWORD).await?;
    let other = super::bench_import::tenant(&db, "991031").await?;
    let input = AssetInput::default()
        .with("asset_tag", "OTHER-1")
        .with("department", "総務課")
        .with("kind", "desktop")
        .with("name", "事務用PC");
    super::bench_import::register_departments(
        &db,
        &other,
        &Actor::system("bench"),
        Some(&["総務課"]),
    )
    .await?;
    let theirs = db
        .create_asset(&other, &Actor::system("bench"), &input)
        .await?
        .id;
    println!("backend: {:?}, import rows: {}", db.backend(), args.rows);

    login(&db, 0).await?;
    let mut idle = Vec::with_capacity(args.idle_logins);
    let mut idle_saves = Vec::with_capacity(args.idle_logins);
    for n in 0..args.idle_logins {
        idle.push(login(&db, n).await?);
        idle_saves.push(save(&db, &other, theirs, n).await?);
    }

    let import = {
        let (db, scope, csv) = (db.clone(), scope.clone(), csv.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let report = import_paths(
                &db,
                &scope,
                &Actor::system("bench"),
                std::slice::from_ref(&csv),
                &ImportOptions::default(),
                |_| {},
            )
            .await;
            (report, started.elapsed())
        })
    };
    let (mut busy, mut busy_saves) = (Vec::new(), Vec::new());
    let (mut errors, mut save_errors) = (0usize, 0usize);
    let mut n = args.idle_logins;
    while !import.is_finished() {
        n += 1;
        match login(&db, n).await {
            Ok(t) => busy.push(t),
            Err(e) => {
                errors += 1;
                tracing::warn!(error = %e, "login failed during the import");
            }
        }
        match save(&db, &other, theirs, n).await {
            Ok(t) => busy_saves.push(t),
            Err(e) => {
                save_errors += 1;
                tracing::warn!(error = %e, "another tenant's save failed during the import");
            }
        }
    }
    let (report, import_time) = import.await?;
    let report = report?;
    if !report.committed {
        anyhow::bail!("the benchmark import failed: {:?}", report.errors.first());
    }
    let (idle_p50, idle_p95) = (percentile(&mut idle, 0.5), percentile(&mut idle, 0.95));
    let (busy_p50, busy_p95) = (percentile(&mut busy, 0.5), percentile(&mut busy, 0.95));
    let busy_max = busy.iter().max().copied().unwrap_or_default();
    println!(
        "{:<44} p50 {:>9}  p95 {:>9}  ({} logins)",
        "login, idle server",
        ms(idle_p50),
        ms(idle_p95),
        idle.len()
    );
    println!(
        "{:<44} p50 {:>9}  p95 {:>9}  max {}  ({} logins, {errors} failed)",
        format!(
            "login during the import ({:.1} s)",
            import_time.as_secs_f64()
        ),
        ms(busy_p50),
        ms(busy_p95),
        ms(busy_max),
        busy.len()
    );
    println!(
        "{:<44} {:.2}",
        "ratio p95 during import / idle",
        busy_p95.as_secs_f64() / idle_p95.as_secs_f64().max(1e-9)
    );
    let (save_p50, save_p95) = (
        percentile(&mut idle_saves, 0.5),
        percentile(&mut idle_saves, 0.95),
    );
    let (during_p50, during_p95) = (
        percentile(&mut busy_saves, 0.5),
        percentile(&mut busy_saves, 0.95),
    );
    println!(
        "{:<44} p50 {:>9}  p95 {:>9}  ({} saves)",
        "another tenant's save, idle server",
        ms(save_p50),
        ms(save_p95),
        idle_saves.len()
    );
    println!(
        "{:<44} p50 {:>9}  p95 {:>9}  max {}  ({} saves, {save_errors} failed)",
        "another tenant's save during the import",
        ms(during_p50),
        ms(during_p95),
        ms(busy_saves.iter().max().copied().unwrap_or_default()),
        busy_saves.len()
    );
    db.close().await;
    Ok(())
}
