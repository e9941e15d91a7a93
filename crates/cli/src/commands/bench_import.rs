//! `daicho bench import --rows N`: the time to import an N-row asset CSV, beside the time
//! of a bare bulk insert of the same rows into the same database (the floor), and peak
//! memory. Runs on a fresh SQLite file unless `--database` names another database.

use crate::settings::Settings;
use clap::Args;
use daicho_domain::TenantCode;
use daicho_ingest::{ImportOptions, asset_inputs, import_paths};
use daicho_store::{Actor, Db, NewAssetBatch, Scope};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct ImportBenchArgs {
    /// 行数 / rows in the generated CSV
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// CSV の代わりに同じ行の XLSX を取り込む / import the same rows as an XLSX workbook
    #[arg(long)]
    pub xlsx: bool,
}

const DEPARTMENTS: &[&str] = &[
    "総務課",
    "財政課",
    "納税課",
    "市民サービス課",
    "保険年金課",
    "介護保険課",
    "環境施設課",
    "教育研修課",
    "中央図書館",
    "議事課",
];
const KINDS: &[&str] = &[
    "デスクトップPC",
    "ノートPC",
    "タブレット",
    "プリンター",
    "USBメモリー",
    "モニター",
];
const OS: &[&str] = &[
    "Windows 10 Pro",
    "Windows 11 Pro",
    "Windows 8.1",
    "-",
    "iPadOS 16.7",
];

/// Writes the benchmark's CSV: deterministic rows as a city would keep them.
pub(crate) fn write_csv(path: &Path, rows: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "備品番号,所属,種別,品名,メーカー,OS,ネットワーク区分,取得日,取得価格,利用状況"
    )?;
    for i in 0..rows {
        let kind = KINDS[i % KINDS.len()];
        writeln!(
            out,
            "B{i:08},{},{kind},{kind}（{}）,富士通,{},LGWAN接続系,令和{}年{}月1日,\"￥{}\",使用中",
            DEPARTMENTS[i % DEPARTMENTS.len()],
            i % 97,
            OS[i % OS.len()],
            2 + i % 5,
            1 + i % 12,
            30_000 + (i % 1000) * 100,
        )?;
    }
    out.flush()
}

/// The same rows as an XLSX workbook (every cell text, as a city's Excel file would be).
fn write_xlsx(csv: &Path, xlsx: &Path) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("資産台帳")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv)?;
    for (r, record) in reader.records().enumerate() {
        for (c, cell) in record?.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell)?;
        }
    }
    book.save(xlsx)?;
    Ok(())
}

/// Peak resident memory of this process (Linux), in MiB.
pub(crate) fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub(crate) async fn tenant(db: &Db, code: &str) -> anyhow::Result<Scope> {
    let code = TenantCode::parse(code)?;
    if db.tenant_by_code(&code).await?.is_some() {
        anyhow::bail!(
            "団体 {code} は既にあります。ベンチマークは空のデータベースで実行してください"
        );
    }
    Ok(Scope::tenant(
        db.ensure_tenant(&code, "ベンチマーク").await?.id,
    ))
}

/// Departments `names` (by default the ones the benchmark's rows name) registered in the
/// tenant of `scope`, as a city has them before it imports.
pub(crate) async fn register_departments(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    names: Option<&[&str]>,
) -> anyhow::Result<()> {
    let mut session = db.begin_import(scope, actor).await?;
    session.choose_departments(daicho_store::DepartmentChoices {
        create_all: true,
        ..Default::default()
    });
    for d in names.unwrap_or(DEPARTMENTS) {
        session
            .department(d)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
    }
    session.finish(true).await?;
    Ok(())
}

/// A policy user of the tenant of `scope` with `password`, who need not change it.
pub(crate) async fn bench_user(
    db: &Db,
    scope: &Scope,
    username: &str,
    password: &str,
) -> anyhow::Result<()> {
    db.create_user(&daicho_store::NewUser {
        tenant_id: scope.tenant_id,
        username: username.into(),
        display_name: "ベンチマーク".into(),
        role: daicho_domain::Role::Policy,
        password: password.into(),
        departments: Vec::new(),
        must_change_password: false,
    })
    .await?;
    Ok(())
}

pub async fn run(
    settings: &Settings,
    explicit_database: bool,
    args: ImportBenchArgs,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("assets.csv");
    write_csv(&csv, args.rows)?;
    let db = if explicit_database {
        settings.open().await?
    } else {
        Db::open_sqlite_file(&dir.path().join("bench.db")).await?
    };
    println!("backend: {:?}, rows: {}", db.backend(), args.rows);

    // The floor: the same rows, already read and checked, in bulk inserts.
    let floor = tenant(&db, "991007").await?;
    let actor = Actor::system("bench");
    let mut departments = std::collections::HashMap::new();
    register_departments(&db, &floor, &actor, None).await?;
    for d in db.departments(&floor).await? {
        departments.insert(d.code.clone(), d.id);
    }
    let today = daicho_store::today();
    let mut floor_time = std::time::Duration::ZERO;
    let mut batch = Vec::with_capacity(10_000);
    let mut inputs = asset_inputs(&csv)?;
    loop {
        let input = inputs.next();
        if let Some(input) = &input {
            let department = departments
                .get(input.get("department"))
                .copied()
                .unwrap_or_default();
            batch.push(
                input
                    .validate(department, today)
                    .map_err(|e| anyhow::anyhow!("{:?}", e))?,
            );
        }
        if batch.len() == 10_000 || (input.is_none() && !batch.is_empty()) {
            let started = Instant::now();
            db.insert_asset_batch(
                &floor,
                &actor,
                &NewAssetBatch {
                    source: "bench floor".into(),
                    assets: std::mem::take(&mut batch),
                },
            )
            .await?;
            floor_time += started.elapsed();
        }
        if input.is_none() {
            break;
        }
    }

    let file = if args.xlsx {
        let xlsx = dir.path().join("assets.xlsx");
        write_xlsx(&csv, &xlsx)?;
        xlsx
    } else {
        csv.clone()
    };
    // A city imports into the departments it has (a name it has not is a question to the
    // person importing, not a new department).
    let target = tenant(&db, "991015").await?;
    register_departments(&db, &target, &actor, None).await?;
    let started = Instant::now();
    let report = import_paths(
        &db,
        &target,
        &actor,
        std::slice::from_ref(&file),
        &ImportOptions::default(),
        |_| {},
    )
    .await?;
    let import_time = started.elapsed();
    if !report.committed {
        anyhow::bail!("the benchmark import failed: {:?}", report.errors.first());
    }
    println!(
        "{:<40} {:>10.2} s",
        "floor: bulk insert of the same rows",
        floor_time.as_secs_f64()
    );
    println!(
        "{:<40} {:>10.2} s  ({:.0} rows/s)",
        if args.xlsx {
            "daicho import of the XLSX"
        } else {
            "daicho import (read, check, write)"
        },
        import_time.as_secs_f64(),
        args.rows as f64 / import_time.as_secs_f64()
    );
    println!(
        "{:<40} {:>10.2}",
        "ratio import / floor",
        import_time.as_secs_f64() / floor_time.as_secs_f64()
    );
    if let Some(peak) = peak_mib() {
        println!("{:<40} {:>10.0} MiB", "peak memory (whole run)", peak);
    }
    db.close().await;
    Ok(())
}
