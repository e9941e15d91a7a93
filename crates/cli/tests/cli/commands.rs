//! The commands an administrator runs, and what they say.

use crate::{daicho, refused, text};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_tenant_code_with_a_wrong_check_digit_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let said = refused(dir.path(), &["tenant", "add", "352013", "岡山市"]);
    assert!(
        said.contains("検査数字が正しくありません（正しくは 2）"),
        "{said}"
    );
    let out = daicho(dir.path(), &["tenant", "add", "352012", "岡山市"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&daicho(dir.path(), &["tenant", "list"])).contains("352012\t岡山市"));
}

#[test]
fn a_corrupt_database_file_is_named_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("daicho.db"),
        b"this is not a database, it is a spreadsheet someone renamed".repeat(100),
    )
    .expect("write");
    let t = refused(dir.path(), &["migrate"]);
    assert!(
        t.contains("壊れているか、SQLite のファイルではありません") && t.contains("daicho.db"),
        "{t}"
    );
}

#[test]
fn an_unreachable_postgres_fails_with_the_password_hidden() {
    let dir = tempfile::tempdir().expect("dir");
    let t = refused(
        dir.path(),
        &[
            "--database",
            "postgres://daicho:hunter2@127.0.0.1:1/daicho",
            "migrate",
        ],
    );
    assert!(
        t.contains("データベースに接続できません")
            && t.contains("daicho:***@")
            && !t.contains("hunter2"),
        "{t}"
    );
}

#[test]
fn users_are_added_listed_and_disabled() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    let out = daicho(
        dir.path(),
        &[
            "user",
            "add",
            "yamada",
            "--tenant",
            "990001",
            "--role",
            "manager",
            "--department",
            "080500",
            "--name",
            "山田",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("初期パスワード: "));
    let said = refused(
        dir.path(),
        &[
            "user", "add", "sato", "--tenant", "990001", "--role", "manager",
        ],
    );
    assert!(said.contains("担当所属を --department で"), "{said}");
    let said = refused(
        dir.path(),
        &[
            "user", "add", "kato", "--tenant", "990001", "--role", "root",
        ],
    );
    assert!(said.contains("役割「root」は定義されていません"), "{said}");
    assert!(
        daicho(dir.path(), &["user", "disable", "yamada"])
            .status
            .success()
    );
    let list = text(&daicho(dir.path(), &["user", "list", "--tenant", "990001"]));
    assert!(
        list.contains("yamada\t山田\tmanager\t990001\t無効"),
        "{list}"
    );
}

#[test]
fn the_first_start_creates_an_administrator_and_prints_its_password() {
    let dir = tempfile::tempdir().expect("dir");
    let said = refused(dir.path(), &["serve", "--bind", "127.0.0.1:0"]);
    assert!(said.contains("団体が登録されていません"), "{said}");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_daicho"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DAICHO_DATABASE_URL")
        .env("DAICHO_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        let started = line.starts_with("daicho を起動しました");
        seen.push(line);
        if started {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let all = seen.join("\n");
    assert!(
        all.contains("ユーザー名: admin") && all.contains("初期パスワード: "),
        "{all}"
    );
    let list = text(&daicho(dir.path(), &["user", "list"]));
    assert!(
        list.contains("admin\t管理者\tadmin\t352012\t有効"),
        "{list}"
    );
}

#[test]
fn a_reorganisation_ends_a_department_and_names_its_successor() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    for args in [
        &[
            "department",
            "add",
            "--tenant",
            "352012",
            "--level",
            "bureau",
            "100",
            "総務局",
        ][..],
        &[
            "department",
            "add",
            "--tenant",
            "352012",
            "--parent",
            "100",
            "110",
            "情報課",
        ],
        &[
            "department",
            "add",
            "--tenant",
            "352012",
            "--parent",
            "100",
            "120",
            "デジタル推進課",
        ],
    ] {
        let out = daicho(dir.path(), args);
        assert!(out.status.success(), "{}", text(&out));
    }
    let out = daicho(
        dir.path(),
        &[
            "department",
            "end",
            "--tenant",
            "352012",
            "110",
            "--on",
            "令和6年4月1日",
            "--successor",
            "120",
        ],
    );
    assert!(
        out.status.success() && text(&out).contains("2024-04-01 で廃止しました"),
        "{}",
        text(&out)
    );
    let list = text(&daicho(
        dir.path(),
        &["department", "list", "--tenant", "352012"],
    ));
    assert!(list.contains("110\t情報課\t課\t100\t2024-04-01"), "{list}");
    let said = refused(
        dir.path(),
        &[
            "department",
            "add",
            "--tenant",
            "352012",
            "--parent",
            "999",
            "130",
            "迷子課",
        ],
    );
    assert!(said.contains("上位所属「999」が見つかりません"), "{said}");
}

#[test]
fn an_import_with_errors_exits_non_zero_and_lists_them() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    let file = dir.path().join("assets.csv");
    std::fs::write(
        &file,
        "備品番号,所属,種別,品名,取得日\nA-1,総務課,desktop,PC,2023-13-01\n",
    )
    .expect("write");
    let t = refused(
        dir.path(),
        &[
            "import",
            "--tenant",
            "352012",
            "--create-departments",
            file.to_str().expect("path"),
        ],
    );
    assert!(
        t.contains("assets.csv 2行目 列「取得日」 値「2023-13-01」")
            && t.contains("何も取り込んでいません"),
        "{t}"
    );
    std::fs::write(
        &file,
        "備品番号,所属,種別,品名,取得日\nA-1,総務課,desktop,PC,2023-12-01\n",
    )
    .expect("write");
    // A department the tenant does not have is not made up: it is named, with what to do.
    let t = refused(
        dir.path(),
        &["import", "--tenant", "352012", file.to_str().expect("path")],
    );
    assert!(
        t.contains("登録されていない所属「総務課」（1 行）") && t.contains("--create-departments"),
        "{t}"
    );
    let out = daicho(
        dir.path(),
        &[
            "import",
            "--tenant",
            "352012",
            "--create-departments",
            file.to_str().expect("path"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("追加 1") && text(&out).contains("新しく作成した所属: 総務課"),
        "{}",
        text(&out)
    );
}

/// The demo's data is of its audit day: `audit` without --as-of audits that day; set
/// back to today with `tenant data-day`, it audits today; a day after today is refused.
#[test]
fn the_audit_opens_on_the_tenants_data_day() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    let as_of = || {
        let out = daicho(
            dir.path(),
            &[
                "audit",
                "--tenant",
                "990001",
                "--format",
                "json",
                "--rule",
                "eol-software",
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json["as_of"].as_str().expect("as_of").to_string()
    };
    assert_eq!(as_of(), "2023-10-06");
    let said = text(&daicho(
        dir.path(),
        &["tenant", "data-day", "990001", "today"],
    ));
    assert!(said.contains("既定の基準日を今日に戻しました"), "{said}");
    assert_eq!(as_of(), daicho_store::today().to_string());
    let said = refused(dir.path(), &["tenant", "data-day", "990001", "2999-01-01"]);
    assert!(said.contains("今日より後の日は選べません"), "{said}");
    let said = text(&daicho(
        dir.path(),
        &["tenant", "data-day", "990001", "R5.10.6"],
    ));
    assert!(said.contains("令和5年10月6日"), "{said}");
    assert_eq!(as_of(), "2023-10-06");
}

#[test]
fn the_audit_of_the_demo_city_comes_out_as_json_table_and_workbook() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--tenant", "990001", "--as-of", "令和5年10月6日"];
        args.extend_from_slice(extra);
        daicho(dir.path(), &args)
    };
    let out = audit(&["--format", "json", "--rule", "eol-software"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["as_of"], "2023-10-06");
    let xp = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["subject"] == "070200-S021")
        .expect("the XP PC of 廃棄物対策課");
    assert_eq!(xp["reason"], "Windows XP のサポートは2014-04-08に終了");
    assert_eq!(xp["grade"], "violation");
    assert!(
        json["findings"]
            .as_array()
            .is_some_and(|f| f.iter().all(|f| f["rule"] == "eol-software"))
    );

    let table = text(&audit(&["--department", "070200"]));
    assert!(
        table.contains("070200-S021") && !table.contains("030100-S027"),
        "{table}"
    );

    let book = dir.path().join("監査結果.xlsx");
    let out = audit(&["--format", "xlsx", "--output", book.to_str().expect("path")]);
    assert!(out.status.success(), "{}", text(&out));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&book).expect("workbook");
    let findings = wb.worksheet_range("監査結果").expect("sheet");
    assert!(findings.rows().any(|r| {
        r.iter()
            .any(|c| matches!(c, calamine::Data::String(s) if s == "070200-S021"))
    }));

    let out = audit(&["--department", "999999"]);
    assert!(
        !out.status.success() && text(&out).contains("999999"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_self_check_and_training_reports_come_out_of_the_demo_city() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    let out = daicho(
        dir.path(),
        &[
            "report",
            "self-check",
            "--tenant",
            "990001",
            "--campaign",
            "R4",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["campaign"], "R4");
    let scores: Vec<f64> = json["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .filter_map(|c| c["score"].as_f64())
        .collect();
    assert_eq!(scores, [9.2, 8.9, 9.8, 9.7, 8.8, 9.2]);
    assert_eq!(json["categories"][2]["questions"], 3);
    assert_eq!(json["categories"][2]["respondents"], 2665);

    let table = text(&daicho(
        dir.path(),
        &[
            "report",
            "training",
            "--tenant",
            "990001",
            "--fiscal-year",
            "令和4年度",
        ],
    ));
    assert!(
        table.contains("令和4年度情報セキュリティ研修Ⅰ 受講者 366名"),
        "{table}"
    );
    assert!(table.contains("\t合計\t115\t9\t124"), "{table}");

    let book = dir.path().join("研修.xlsx");
    let path = book.to_str().expect("path");
    let args = [
        "report",
        "training",
        "--tenant",
        "990001",
        "--fiscal-year",
        "2022",
        "--format",
        "xlsx",
        "--output",
        path,
    ];
    assert!(daicho(dir.path(), &args).status.success());
    assert!(book.exists());

    let missing = refused(
        dir.path(),
        &[
            "report",
            "self-check",
            "--tenant",
            "990001",
            "--campaign",
            "R1",
        ],
    );
    assert!(missing.contains("実施回「R1」がありません"), "{missing}");
    let started = daicho(
        dir.path(),
        &[
            "self-check",
            "start",
            "--tenant",
            "990001",
            "--campaign",
            "X1",
            "--fiscal-year",
            "2030",
        ],
    );
    assert!(started.status.success(), "{}", text(&started));
    assert!(text(&started).contains("設問 31 問"), "{}", text(&started));
    let linked = refused(
        dir.path(),
        &[
            "self-check",
            "link",
            "--username",
            "nobody",
            "--staff-id",
            "010200-P001",
        ],
    );
    assert!(linked.contains("nobody"), "{linked}");
}

#[test]
fn a_refreshed_catalogue_and_a_tenant_rule_change_the_audit() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    // A refresh that (wrongly, for the test) says Windows XP is still supported.
    let yaml = dir.path().join("windows.yaml");
    std::fs::write(
        &yaml,
        "title: Microsoft Windows\nreleases:\n  - releaseCycle: \"5-sp3\"\n    eol: false\n",
    )
    .expect("yaml");
    let out = daicho(dir.path(), &["eol", "import", yaml.to_str().expect("path")]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&daicho(dir.path(), &["eol", "list", "windows"])).contains("を 20"),
        "source names the file and day"
    );
    let out = daicho(
        dir.path(),
        &[
            "audit",
            "--tenant",
            "990001",
            "--as-of",
            "2023-10-06",
            "--rule",
            "eol-software",
        ],
    );
    assert!(
        !text(&out).contains("Windows XP のサポートは"),
        "{}",
        text(&out)
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "id = \"wipe\"\ntitle = \"t\"\ngrade = \"opinion\"\nclause = \"c\"\nsubject = \"asset\"\ncheck = \"DELETE FROM assets\"\n",
    )
    .expect("rule");
    let said = refused(
        dir.path(),
        &[
            "rule",
            "add",
            "--tenant",
            "990001",
            bad.to_str().expect("path"),
        ],
    );
    assert!(said.contains("bad.toml"), "{said}");
    let said = refused(
        dir.path(),
        &[
            "rule",
            "set",
            "--tenant",
            "990001",
            "aging-storage",
            "--param",
            "years=abc",
        ],
    );
    assert!(said.contains("数値"), "{said}");
}
