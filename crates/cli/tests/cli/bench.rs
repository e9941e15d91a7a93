//! The benchmarks run to the end at a small scale and print their figures beside their
//! floors (`bench import` and `bench login` stopped at their first row once a department
//! name a tenant does not have became a question to the person importing — issue 17 —
//! and nothing ran them).

use crate::{daicho, text};

fn runs(dir: &std::path::Path, args: &[&str], says: &[&str]) -> String {
    let out = daicho(dir, args);
    let said = text(&out);
    assert!(out.status.success(), "{args:?}: {said}");
    for line in says {
        assert!(
            said.contains(line),
            "{args:?} does not say {line:?}: {said}"
        );
    }
    said
}

#[test]
fn the_import_and_login_benchmarks_run_to_the_end() {
    let dir = tempfile::tempdir().expect("dir");
    runs(
        dir.path(),
        &["bench", "import", "--rows", "400"],
        &[
            "floor: bulk insert of the same rows",
            "ratio import / floor",
        ],
    );
    runs(
        dir.path(),
        &["bench", "login", "--rows", "400", "--idle-logins", "2"],
        &["backend: Sqlite, import rows: 400"],
    );
}

#[test]
fn the_ledger_and_audit_benchmarks_run_to_the_end() {
    let dir = tempfile::tempdir().expect("dir");
    runs(
        dir.path(),
        &["bench", "ledger", "--scale", "300", "--iterations", "2"],
        &[
            "ledger page: words 図書館 (rare)",
            "floor: 図書館 read in every row",
            "dashboard (5 dimensions)",
        ],
    );
    runs(
        dir.path(),
        &["bench", "audit", "--scale", "300", "--runs", "1"],
        &[
            "full audit (40 rules, snapshot)",
            "findings: first page",
            "unknown: last page",
        ],
    );
}

#[test]
fn the_prefecture_benchmark_imports_audits_and_loads_every_tenant() {
    let dir = tempfile::tempdir().expect("dir");
    let said = runs(
        dir.path(),
        &[
            "bench",
            "prefecture",
            "--tenants",
            "3",
            "--assets-per-tenant",
            "200",
            "--users",
            "3",
            "--requests",
            "24",
        ],
        &[
            "imported and audited 3 tenants",
            "findings page",
            "word search",
            "peak memory",
        ],
    );
    assert!(!said.contains(" err)"), "every page answered: {said}");
    let out = daicho(dir.path(), &["bench", "prefecture", "--tenants", "1"]);
    assert!(
        !out.status.success() && text(&out).contains("空のデータベースで実行してください"),
        "a second run on the same database is refused: {}",
        text(&out)
    );
}
