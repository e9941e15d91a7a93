//! `daicho bench audit --scale N`: the full audit of the demo city grown to N assets (with
//! staff, training, media and contracts in proportion: see `daicho_demo::generate_ledgers`),
//! beside a floor measured in the same run on the same database — reading every asset
//! row of the tenant once — and the ratio of the two.

use std::time::Instant;

use clap::Args;
use daicho_rules::{AuditOptions, AuditReport, Filter, Grade, List, run_audit};
use daicho_store::{SNAPSHOT_TABLES, Scope, StoreError};

use crate::settings::Settings;

#[derive(Args, Debug)]
pub struct AuditBenchArgs {
    /// デモ団体の生成資産をこの件数まで増やしてから測る / generated assets to have before measuring
    #[arg(long, default_value_t = 1_000_000)]
    pub scale: usize,
    /// 繰り返し回数（中央値を採る） / runs (the median is reported)
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

pub async fn run(settings: &Settings, args: AuditBenchArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    let tenant = crate::commands::demo::load(&db, 0).await?;
    let scope = Scope::tenant(tenant.id);
    let have = db
        .count_generated_assets(&scope, daicho_demo::GENERATED_PREFIX)
        .await?;
    if have < args.scale {
        crate::commands::demo::load(&db, args.scale - have).await?;
    } else {
        crate::commands::demo::ledgers_for_generated(&db, &tenant).await?;
    }
    let assets = SNAPSHOT_TABLES
        .iter()
        .find(|t| t.name == "assets")
        .ok_or_else(|| anyhow::anyhow!("no assets table in the snapshot"))?;
    let runs = args.runs.max(1);
    let mut floors = Vec::with_capacity(runs);
    let mut audits = Vec::with_capacity(runs);
    let mut singles = Vec::with_capacity(runs);
    let mut rows = 0u64;
    let mut findings = 0u64;
    let options = AuditOptions::as_of(daicho_store::today());
    for _ in 0..runs {
        let start = Instant::now();
        // The floor: the snapshot's own read of the asset rows, with nothing done to them.
        let n = db
            .snapshot_rows(tenant.id, assets, async |_rows| Ok::<(), StoreError>(()))
            .await?;
        floors.push(start.elapsed());
        rows = n;
        let start = Instant::now();
        let report = run_audit(&db, &scope, &tenant.code, &options).await?;
        audits.push(start.elapsed());
        findings = report.summary.findings + report.summary.unknown;
        drop(report);
        // The same audit with every rule on one connection, to show what the second buys.
        let single = AuditOptions {
            second_connection: false,
            ..options.clone()
        };
        let start = Instant::now();
        drop(run_audit(&db, &scope, &tenant.code, &single).await?);
        singles.push(start.elapsed());
    }
    // The findings pages read a kept audit: its first page pays for the report's index,
    // later pages and filters read the index.
    let report = run_audit(&db, &scope, &tenant.code, &options).await?;
    let reads = tokio::task::spawn_blocking(move || report_reads(&report)).await??;
    db.close().await;
    floors.sort();
    audits.sort();
    singles.sort();
    let (floor, audit, single) = (floors[runs / 2], audits[runs / 2], singles[runs / 2]);
    println!(
        "backend: {:?}, asset rows: {rows}, runs: {runs} (median)",
        db.backend()
    );
    println!(
        "floor: read every asset row once   {:>8.2} s",
        floor.as_secs_f64()
    );
    println!(
        "full audit (40 rules, snapshot)    {:>8.2} s   ratio {:.2}   findings+unknown {findings}",
        audit.as_secs_f64(),
        audit.as_secs_f64() / floor.as_secs_f64().max(1e-9)
    );
    println!(
        "  the same, rules on one connection {:>8.2} s   ratio {:.2}",
        single.as_secs_f64(),
        single.as_secs_f64() / floor.as_secs_f64().max(1e-9)
    );
    for (label, took) in &reads {
        println!(
            "{label:<34} {:>8.0} ms  ratio to the audit {:.3}",
            took.as_secs_f64() * 1e3,
            took.as_secs_f64() / audit.as_secs_f64().max(1e-9)
        );
    }
    if let Some(peak) = super::bench_import::peak_mib() {
        println!("peak memory (process)              {peak:>8.0} MiB");
    }
    Ok(())
}

/// What one findings page reads of a kept audit: a page of entries and its total, and the
/// counts per department of the filter and of each grade and scope (the count table).
fn findings_page(
    report: &AuditReport,
    list: List,
    filter: &Filter,
    page: u64,
) -> Result<u64, daicho_rules::AuditError> {
    let (_, total) = report.page(list, filter, (page - 1) * 50, 50)?;
    let all = Filter {
        department: None,
        ..filter.clone()
    };
    report.department_counts(&all)?;
    for grade in Grade::ALL {
        for scope in daicho_rules::rule::Scope::ALL {
            report.department_counts(&Filter {
                grade: Some(grade),
                scope: Some(scope),
                ..all.clone()
            })?;
        }
    }
    Ok(total)
}

/// The findings pages a person reads of a kept audit, each timed as read the first time
/// (a new filter counts anew): the first page, the next, the last page of the unknown
/// list, a department's findings and one rule's.
fn report_reads(
    report: &AuditReport,
) -> Result<Vec<(String, std::time::Duration)>, daicho_rules::AuditError> {
    let mut out = Vec::new();
    let mut time = |label: &str, f: &mut dyn FnMut() -> Result<u64, daicho_rules::AuditError>| {
        let start = Instant::now();
        let n = f()?;
        out.push((format!("{label} ({n})"), start.elapsed()));
        Ok::<(), daicho_rules::AuditError>(())
    };
    let none = Filter::default();
    time("findings: first page", &mut || {
        findings_page(report, List::Findings, &none, 1)
    })?;
    time("findings: page 2", &mut || {
        findings_page(report, List::Findings, &none, 2)
    })?;
    let unknown = report.summary.unknown;
    time("unknown: last page", &mut || {
        findings_page(report, List::Unknown, &none, unknown.div_ceil(50).max(1))
    })?;
    let most = report
        .department_counts(&none)?
        .into_iter()
        .filter_map(|c| c.department.clone().map(|d| (c.fail, d)))
        .max();
    if let Some((_, department)) = most {
        let filter = Filter {
            department: Some(department),
            ..Filter::default()
        };
        time("findings: the largest department", &mut || {
            findings_page(report, List::Findings, &filter, 2)
        })?;
    }
    let rule = report.summary.rules.iter().max_by_key(|r| r.fail);
    if let Some(rule) = rule {
        let filter = Filter {
            rule: Some(rule.rule.clone()),
            ..Filter::default()
        };
        time("findings: the largest rule", &mut || {
            findings_page(report, List::Findings, &filter, 3)
        })?;
    }
    Ok(out)
}
