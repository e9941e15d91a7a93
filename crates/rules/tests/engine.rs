//! What a tenant can do with rules: switch off, regrade, re-parameterise, add its own
//! (checked, read-only, time-limited), and waive a finding until a day.

mod fixture;

use std::time::Duration;

use chrono::NaiveDate;
use daicho_rules::engine::{Target, Verdict, validate};
use daicho_rules::snapshot::Snapshot;
use daicho_rules::{AuditError, AuditOptions, Grade, List, Rule, run_audit};
use daicho_store::testing::fresh;
use daicho_store::{Actor, Scope, StoreError, Waiver};

fn options() -> AuditOptions {
    AuditOptions::as_of(NaiveDate::from_ymd_opt(2023, 10, 6).expect("date"))
}

const OWN_RULE: &str = r#"
id = "usb-too-many"
title = "USBメモリーが多すぎる所属"
grade = "opinion"
clause = "団体独自"
subject = "department"
check = """
SELECT department AS subject, department, CASE WHEN COUNT(*) > :limit THEN 'fail' ELSE 'pass' END AS outcome,
       'USBメモリー ' || COUNT(*) || ' 本' AS reason
FROM media WHERE kind = 'usb_memory' GROUP BY department
"""
[params]
limit = 2
"#;

#[tokio::test]
async fn settings_switch_off_regrade_and_change_parameters() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let actor = Actor::system("test");
    let base = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    assert!(
        base.entries(List::Findings)
            .expect("entries")
            .into_iter()
            .any(|e| &*e.rule == "unused-asset")
    );

    t.db.save_rule_setting(
        &scope,
        &actor,
        "unused-asset",
        false,
        None,
        &Default::default(),
    )
    .await
    .expect("off");
    let mut params = serde_json::Map::new();
    params.insert("years".into(), serde_json::json!(10));
    t.db.save_rule_setting(
        &scope,
        &actor,
        "aging-storage",
        true,
        Some("violation"),
        &params,
    )
    .await
    .expect("set");
    let after = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    assert!(
        !after
            .entries(List::Findings)
            .expect("entries")
            .into_iter()
            .any(|e| &*e.rule == "unused-asset"),
        "switched off"
    );
    let nas = after
        .entries(List::Findings)
        .expect("entries")
        .into_iter()
        .find(|e| &*e.rule == "aging-storage");
    assert!(nas.is_none(), "NAS-F (2016) is under 10 years: {nas:?}");
    // A rule chosen by name runs even when switched off, with the tenant's grade.
    let only = AuditOptions {
        rules: vec!["unused-asset".into()],
        ..options()
    };
    let r = run_audit(&t.db, &scope, fixture::TENANT, &only)
        .await
        .expect("audit");
    let found = r.entries(List::Findings).expect("entries");
    assert!(found.iter().all(|e| &*e.rule == "unused-asset") && !found.is_empty());
    let unknown = AuditOptions {
        rules: vec!["no-such-rule".into()],
        ..options()
    };
    let err = run_audit(&t.db, &scope, fixture::TENANT, &unknown)
        .await
        .expect_err("unknown rule");
    assert!(err.to_string().contains("no-such-rule"), "{err}");
    let nas_grade = {
        let mut p = serde_json::Map::new();
        p.insert("years".into(), serde_json::json!(5));
        t.db.save_rule_setting(&scope, &actor, "aging-storage", true, Some("violation"), &p)
            .await
            .expect("set");
        run_audit(&t.db, &scope, fixture::TENANT, &options())
            .await
            .expect("audit")
    };
    let e = nas_grade
        .entries(List::Findings)
        .expect("entries")
        .into_iter()
        .find(|e| &*e.rule == "aging-storage")
        .expect("NAS-F again");
    assert_eq!(e.grade, Grade::Violation);
}

#[tokio::test]
async fn waivers_show_as_waived_until_they_expire() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let waiver = Waiver {
        rule_id: "eol-software".into(),
        subject: "EOL-F".into(),
        justification: "検査機器の制御用で更新は令和6年度予算で実施".into(),
        approved_by: "CISO".into(),
        expires_on: NaiveDate::from_ymd_opt(2024, 3, 31).expect("date"),
        recorded_by: String::new(),
        recorded_at: String::new(),
    };
    t.db.save_waiver(&scope, &Actor::system("test"), &waiver)
        .await
        .expect("waiver");
    let r = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    assert!(
        !r.entries(List::Findings)
            .expect("entries")
            .into_iter()
            .any(|e| &*e.rule == "eol-software" && e.subject == "EOL-F")
    );
    let w = r
        .entries(List::Waived)
        .expect("entries")
        .into_iter()
        .find(|e| e.subject == "EOL-F")
        .expect("waived");
    assert_eq!(
        w.waiver.as_ref().map(|w| w.approved_by.as_str()),
        Some("CISO")
    );
    let later = AuditOptions::as_of(NaiveDate::from_ymd_opt(2024, 4, 1).expect("date"));
    let r = run_audit(&t.db, &scope, fixture::TENANT, &later)
        .await
        .expect("audit");
    assert!(
        r.entries(List::Findings)
            .expect("entries")
            .into_iter()
            .any(|e| &*e.rule == "eol-software" && e.subject == "EOL-F"),
        "expired waiver"
    );

    // Renewing with the subject written loosely replaces the waiver, not a second one.
    let renewed = Waiver {
        subject: " EOL-F ".into(),
        expires_on: NaiveDate::from_ymd_opt(2024, 9, 30).expect("date"),
        ..waiver.clone()
    };
    t.db.save_waiver(&scope, &Actor::system("test"), &renewed)
        .await
        .expect("renewal");
    let all = t.db.waivers(&scope).await.expect("waivers");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(
        (
            all[0].subject.as_str(),
            all[0].expires_on.to_string().as_str()
        ),
        ("EOL-F", "2024-09-30")
    );

    // A manager's scope (bound to departments) cannot waive for the whole tenant.
    let manager = Scope {
        departments: Some(Vec::new()),
        ..scope.clone()
    };
    let err =
        t.db.save_waiver(&manager, &Actor::system("test"), &waiver)
            .await
            .expect_err("manager");
    assert!(matches!(err, StoreError::Forbidden(_)), "{err:?}");
    let err =
        t.db.save_rule_setting(
            &manager,
            &Actor::system("test"),
            "unused-asset",
            false,
            None,
            &Default::default(),
        )
        .await
        .expect_err("manager");
    assert!(matches!(err, StoreError::Forbidden(_)), "{err:?}");

    let missing = Waiver {
        justification: " ".into(),
        approved_by: String::new(),
        ..waiver
    };
    let err =
        t.db.save_waiver(&scope, &Actor::system("test"), &missing)
            .await
            .expect_err("needs why and who");
    assert!(
        err.to_string().contains("入力") || format!("{err:?}").contains("justification"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_tenant_rule_runs_without_recompiling() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let rule = Rule::parse(OWN_RULE, "usb.toml").expect("parses");
    validate(&rule, &Snapshot::empty().expect("schema")).expect("valid");
    t.db.save_tenant_rule(&scope, &Actor::system("test"), &rule.id, OWN_RULE)
        .await
        .expect("saved");
    let r = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    let e = r
        .entries(List::Findings)
        .expect("entries")
        .into_iter()
        .find(|e| &*e.rule == "usb-too-many")
        .expect("own rule fails 010300 (3 USB)");
    assert_eq!(e.subject, "010300");
    assert_eq!(e.reason, "USBメモリー 3 本");
    assert_eq!(e.outcome, Verdict::Fail);
}

#[tokio::test]
async fn a_saved_rule_that_fails_is_left_out_with_its_reason_and_the_audit_stands() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let before = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    // Saved as an earlier version allowed it: a check that ends in an open comment.
    let broken = OWN_RULE.replace("GROUP BY department", "GROUP BY department /*");
    t.db.save_tenant_rule(&scope, &Actor::system("test"), "usb-too-many", &broken)
        .await
        .expect("saved");
    let after = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("the audit still runs");
    assert_eq!(after.rule_failures.len(), 1, "{:?}", after.rule_failures);
    assert_eq!(after.rule_failures[0].rule, "usb-too-many");
    assert!(
        after.rule_failures[0]
            .message
            .contains("実行できませんでした")
    );
    assert_eq!(
        after.summary.in_list(List::Findings),
        before.summary.in_list(List::Findings),
        "every other rule's findings stand"
    );
    let mut json = Vec::new();
    daicho_rules::output::json(&after, &mut json).expect("json");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("parses");
    assert_eq!(json["rule_failures"][0]["rule"], "usb-too-many");
}

#[test]
fn rules_that_do_not_parse_or_would_change_data_are_refused() {
    let empty = Snapshot::empty().expect("schema");
    let broken = Rule::parse("id = \"x\"\ntitle = ", "broken.toml").expect_err("not TOML");
    assert!(broken.to_string().contains("broken.toml"), "{broken}");
    let bad_grade = OWN_RULE.replace("grade = \"opinion\"", "grade = \"severe\"");
    assert!(
        Rule::parse(&bad_grade, "g.toml")
            .expect_err("grade")
            .to_string()
            .contains("severe")
    );
    // An item of the report is named as the report numbers it (the audit's items are
    // drafted by it): a bare number is refused, 個26 and a chapter are taken.
    let bare = OWN_RULE.replace("clause = ", "report_items = [\"個19\", \"26\"]\nclause = ");
    let refused = Rule::parse(&bare, "r.toml").expect_err("bare number");
    assert!(refused.to_string().contains("「26」"), "{refused}");
    let numbered = OWN_RULE.replace(
        "clause = ",
        "report_items = [\"個26\", \"第2章 2 (3)\"]\nclause = ",
    );
    assert_eq!(
        Rule::parse(&numbered, "r.toml")
            .expect("numbered")
            .report_items,
        ["個26", "第2章 2 (3)"]
    );

    for (check, says) in [
        ("DELETE FROM assets", "SQL"),
        ("UPDATE assets SET os = 'x'", "SQL"),
        ("ATTACH DATABASE '/tmp/x.db' AS other", "SQL"),
        ("PRAGMA query_only = 0", "SQL"),
        ("SELECT asset_tag AS subject FROM assets", "department"),
        (
            "SELECT asset_tag AS subject, department, 'fail' AS outcome, 'x' AS reason FROM no_such_table",
            "no_such_table",
        ),
        (
            "SELECT asset_tag AS subject, department, 'fail' AS outcome, :secret AS reason FROM assets",
            ":secret",
        ),
        (
            "SELECT asset_tag AS subject, department, 'fail' AS outcome, 'x' AS reason FROM assets /*",
            "1つの SELECT 文だけ",
        ),
        (
            "SELECT asset_tag AS subject, department, 'fail' AS outcome, 'x' AS reason FROM assets; SELECT 1",
            "1つの SELECT 文だけ",
        ),
        (
            "SELECT asset_tag AS subject, department, 'fail' AS outcome, 'x' AS reason FROM assets;",
            "1つの SELECT 文だけ",
        ),
        // Prepares, but fails when run: refused by the trial run on the empty schema.
        (
            "SELECT 'x' AS subject, NULL AS department, 'maybe' AS outcome, '' AS reason",
            "'maybe'",
        ),
    ] {
        let rule = own_rule_with(check, "own.toml");
        let err = validate(&rule, &empty).expect_err(check);
        assert!(err.to_string().contains(says), "{check}: {err}");
    }
}

/// OWN_RULE's text with another check.
fn own_rule_text(check: &str) -> String {
    OWN_RULE.replace(
        &OWN_RULE[OWN_RULE.find("check = \"\"\"").expect("check")
            ..OWN_RULE.find("[params]").expect("params")],
        &format!("check = \"\"\"\n{check}\n\"\"\"\n"),
    )
}

/// OWN_RULE with another check.
fn own_rule_with(check: &str, origin: &str) -> Rule {
    Rule::parse(&own_rule_text(check), origin).expect("parses")
}

/// Runs a rule alone on an empty snapshot.
fn run_alone(rule: &Rule, time_limit: Duration) -> Result<(), AuditError> {
    daicho_rules::engine::run(
        rule,
        &rule.params,
        &Snapshot::empty().expect("schema"),
        NaiveDate::from_ymd_opt(2023, 10, 6).expect("date"),
        time_limit,
        Target {
            rule_index: 0,
            keep_passes: false,
            every_department: true,
        },
    )
}

#[test]
fn a_check_that_runs_too_long_is_stopped() {
    let rule = own_rule_with(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
         SELECT i AS subject, NULL AS department, 'pass' AS outcome, '' AS reason FROM n WHERE i < 0",
        "endless.toml",
    );
    let started = std::time::Instant::now();
    let err = run_alone(&rule, Duration::from_millis(300)).expect_err("stopped");
    assert!(matches!(err, AuditError::TimedOut { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_check_that_builds_a_huge_value_is_stopped_by_the_length_limit() {
    // Each step doubles a text: 2^30 bytes after 30 steps, far past the 64 MiB limit.
    let rule = own_rule_with(
        "WITH RECURSIVE n(i, s) AS (SELECT 1, 'x' UNION ALL SELECT i + 1, s || s FROM n WHERE i < 40) \
         SELECT i AS subject, NULL AS department, 'pass' AS outcome, length(s) AS reason FROM n",
        "greedy.toml",
    );
    let err = run_alone(&rule, Duration::from_secs(60)).expect_err("stopped");
    assert!(matches!(err, AuditError::Check { .. }), "{err}");
    assert!(err.to_string().contains("too big"), "{err}");
}

#[test]
fn a_check_giving_another_outcome_is_stopped_with_the_value_named() {
    let rule = own_rule_with(
        "SELECT 'x' AS subject, NULL AS department, 'maybe' AS outcome, '' AS reason",
        "odd.toml",
    );
    let err = run_alone(&rule, Duration::from_secs(10)).expect_err("refused");
    assert!(err.to_string().contains("'maybe'"), "{err}");
}

/// A rule's subject is a ledger's name; one written with the singular names rule files used
/// before (`department`, `medium`) is read as the ledger it meant, and a subject that is no
/// ledger is refused with the names that are.
#[test]
fn a_rule_subject_is_a_ledger_name() {
    let rule = Rule::parse(OWN_RULE, "usb.toml").expect("parses");
    assert_eq!(rule.subject, "departments", "written as `department`");
    let media = OWN_RULE.replace("subject = \"department\"", "subject = \"medium\"");
    assert_eq!(
        Rule::parse(&media, "m.toml").expect("parses").subject,
        "media"
    );
    let unknown = OWN_RULE.replace("subject = \"department\"", "subject = \"spaceship\"");
    let e = Rule::parse(&unknown, "s.toml").expect_err("no such ledger");
    assert!(
        e.to_string().contains("spaceship") && e.to_string().contains("assets, "),
        "{e}"
    );
    for rule in daicho_rules::builtin::rules().expect("built-in rules") {
        assert!(
            daicho_store::ledgers::ledger(&rule.subject).is_some_and(|l| l.name == rule.subject),
            "{}: {}",
            rule.id,
            rule.subject
        );
    }
}

/// A saved rule that runs out of time in a full audit, on one connection and on two, is
/// left out with its reason; the rules run before it on the same connection keep their
/// results (an interrupted statement inside a transaction takes the whole transaction
/// back in SQLite, so results must not wait in one).
#[tokio::test]
async fn a_saved_rule_that_runs_out_of_time_is_left_out_and_the_rules_before_it_stand() {
    let t = fresh().await.expect("db");
    let dir = tempfile::tempdir().expect("dir");
    let scope = fixture::load(&t.db, dir.path()).await;
    let before = run_audit(&t.db, &scope, fixture::TENANT, &options())
        .await
        .expect("audit");
    // Named to sort last of its grade, so that every other rule of its connection has run.
    let endless = own_rule_text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
         SELECT i AS subject, NULL AS department, 'fail' AS outcome, '' AS reason FROM n WHERE i < 0",
    )
    .replace("id = \"usb-too-many\"", "id = \"zz-endless\"");
    t.db.save_tenant_rule(&scope, &Actor::system("test"), "zz-endless", &endless)
        .await
        .expect("saved");
    for second_connection in [false, true] {
        let options = AuditOptions {
            time_limit: Duration::from_millis(500),
            second_connection,
            ..options()
        };
        let after = run_audit(&t.db, &scope, fixture::TENANT, &options)
            .await
            .expect("the audit still runs");
        assert_eq!(
            after
                .rule_failures
                .iter()
                .map(|f| f.rule.as_str())
                .collect::<Vec<_>>(),
            ["zz-endless"],
            "second connection: {second_connection}"
        );
        assert_eq!(
            after.summary.in_list(List::Findings),
            before.summary.in_list(List::Findings),
            "every other rule's findings stand (second connection: {second_connection})"
        );
    }
}
