//! The identity commands as an administrator runs them: a directory set and checked
//! against a real slapd, staff accounts from the staff ledger with their setup sheet, and
//! an API token made, listed and revoked.

use crate::{daicho, refused, text};
use daicho_directory::testing::{ADMIN_DN, ADMIN_PASSWORD, CITY_LDIF, Slapd};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `daicho` with `input` on its standard input.
fn daicho_with_input(dir: &std::path::Path, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daicho"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DAICHO_DATABASE_URL")
        .env("DAICHO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run daicho");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("output")
}

#[test]
fn a_directory_is_set_and_checked_with_a_person_of_it() {
    let Some(slapd) = Slapd::start_tls(CITY_LDIF) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let out = daicho(dir.path(), &["tenant", "add", "352012", "岡山市"]);
    assert!(out.status.success(), "{}", text(&out));
    let ca = dir.path().join("city-ca.pem");
    std::fs::write(&ca, slapd.ca_pem.as_deref().expect("ca")).expect("ca");
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").expect("file");
    let ldaps = slapd.ldaps_url.clone().expect("ldaps");
    let said = refused(
        dir.path(),
        &[
            "directory",
            "set",
            "--tenant",
            "352012",
            "--url",
            &ldaps,
            "--user-pattern",
            "uid={username},ou=people,dc=city,dc=example",
            "--base",
            "dc=city,dc=example",
            "--ca-file",
            not_pem.to_str().expect("path"),
        ],
    );
    assert!(
        said.contains("not.pem") && said.contains("証明書"),
        "{said}"
    );
    let set = daicho_with_input(
        dir.path(),
        &[
            "directory",
            "set",
            "--tenant",
            "352012",
            "--url",
            &ldaps,
            "--ca-file",
            ca.to_str().expect("path"),
            "--bind-dn",
            ADMIN_DN,
            "--base",
            "dc=city,dc=example",
            "--filter",
            "(uid={username})",
            "--staff-attribute",
            "employeeNumber",
            "--group",
            "policy=cn=daicho-policy,ou=groups,dc=city,dc=example",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(set.status.success(), "{}", text(&set));
    let shown = daicho(dir.path(), &["directory", "show", "--tenant", "352012"]);
    let shown = text(&shown);
    assert!(
        shown.contains("情報政策課")
            && shown.contains("認証局の証明書\t設定あり")
            && !shown.contains(ADMIN_PASSWORD),
        "{shown}"
    );
    let found = daicho_with_input(
        dir.path(),
        &["directory", "test", "--tenant", "352012", "suzuki"],
        "suzuki-pass-1234\n",
    );
    assert!(found.status.success(), "{}", text(&found));
    assert!(text(&found).contains("010300-P001"));
    let wrong = daicho_with_input(
        dir.path(),
        &["directory", "test", "--tenant", "352012", "suzuki"],
        "wrong\n",
    );
    assert!(!wrong.status.success());
    assert!(text(&wrong).contains("パスワードが違います"));
    let said = refused(
        dir.path(),
        &[
            "directory",
            "set",
            "--tenant",
            "352012",
            "--url",
            &slapd.url,
            "--base",
            "dc=x",
        ],
    );
    assert!(said.contains("検索用のアカウント"), "{said}");
    let synced = daicho(dir.path(), &["user", "sync", "--tenant", "352012"]);
    assert!(
        text(&synced).contains("登録コードは発行しません"),
        "{}",
        text(&synced)
    );
    let removed = daicho(dir.path(), &["directory", "remove", "--tenant", "352012"]);
    assert!(
        text(&removed).contains("削除しました"),
        "{}",
        text(&removed)
    );
    let shown = daicho(dir.path(), &["directory", "show", "--tenant", "352012"]);
    assert!(text(&shown).contains("ディレクトリの設定はありません"));
}

#[test]
fn tokens_are_made_listed_and_revoked() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    let made = daicho(
        dir.path(),
        &[
            "token", "add", "--tenant", "352012", "--name", "集計", "--role", "viewer",
        ],
    );
    let said = text(&made);
    assert!(made.status.success(), "{said}");
    assert!(said.contains("daicho_"), "{said}");
    let listed = text(&daicho(
        dir.path(),
        &["token", "list", "--tenant", "352012"],
    ));
    assert!(
        listed.contains("集計") && listed.contains("有効"),
        "{listed}"
    );
    assert!(!listed.contains("daicho_"), "the secret is never listed");
    let said = refused(
        dir.path(),
        &[
            "token", "add", "--tenant", "352012", "--name", "x", "--role", "admin",
        ],
    );
    assert!(said.contains("閲覧者・監査人・情報政策課"), "{said}");
    assert!(
        daicho(dir.path(), &["token", "revoke", "--tenant", "352012", "1"])
            .status
            .success()
    );
    let listed = text(&daicho(
        dir.path(),
        &["token", "list", "--tenant", "352012"],
    ));
    assert!(listed.contains("失効"), "{listed}");
}

#[test]
fn staff_accounts_are_made_with_their_setup_sheet_written_owner_only() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        daicho(dir.path(), &["tenant", "add", "352012", "岡山市"])
            .status
            .success()
    );
    let files = tempfile::tempdir().expect("files");
    std::fs::write(
        files.path().join("departments.csv"),
        "code,name,level\n110,総務課,section\n",
    )
    .expect("write");
    std::fs::write(
        files.path().join("staff.csv"),
        "staff_id,name,department,employment\n1001,山田 花子,110,職員\n1002,鈴木 一郎,110,職員\n",
    )
    .expect("write");
    let imported = daicho(
        dir.path(),
        &[
            "import",
            "--tenant",
            "352012",
            files.path().to_str().expect("path"),
        ],
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let sheet = dir.path().join("sheet.html");
    let synced = daicho(
        dir.path(),
        &[
            "user",
            "sync",
            "--tenant",
            "352012",
            "--sheet",
            sheet.to_str().expect("path"),
            "--url",
            "https://daicho.city.example.lg.jp",
        ],
    );
    let said = text(&synced);
    assert!(synced.status.success(), "{said}");
    assert!(said.contains("新規 2人"), "{said}");
    let html = std::fs::read_to_string(&sheet).expect("sheet");
    assert_eq!(html.matches("<section class=\"slip\">").count(), 2);
    assert!(
        html.contains("山田 花子") && html.contains("https://daicho.city.example.lg.jp/welcome")
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&sheet)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the sheet is the owner's only");
    let again = text(&daicho(dir.path(), &["user", "sync", "--tenant", "352012"]));
    assert!(again.contains("新規 0人、作成済み 2人"), "{again}");
}
