//! `daicho audit-item`: an audit's items drafted from the rules and listed by name.

use crate::{daicho, refused, text};

#[test]
fn an_auditor_drafts_the_external_audits_items_from_the_rules_and_lists_them() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(daicho(dir.path(), &["demo"]).status.success());
    let args = ["--tenant", "990001", "--audit", "EX-2023"];
    let drafted = daicho(dir.path(), &[&["audit-item", "draft"][..], &args].concat());
    assert!(drafted.status.success(), "{}", text(&drafted));
    assert!(text(&drafted).contains("下書きを"), "{}", text(&drafted));
    let listed = text(&daicho(
        dir.path(),
        &[&["audit-item", "list"][..], &args].concat(),
    ));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "順\t状態\t区分\t指摘又は意見\t件名\t所属\t根拠");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("1\t下書き\t総論\t指摘\t")),
        "{listed}"
    );
    // Names, never codes: the sections are named.
    assert!(lines.iter().any(|l| l.contains("\t環境部\t")), "{listed}");
    // Drafting again adds nothing.
    let again = text(&daicho(
        dir.path(),
        &[&["audit-item", "draft"][..], &args].concat(),
    ));
    assert!(again.contains("下書きを 0 件作成しました"), "{again}");
    assert!(
        refused(
            dir.path(),
            &[
                "audit-item",
                "list",
                "--tenant",
                "990001",
                "--audit",
                "NONE"
            ]
        )
        .contains("監査番号「NONE」の監査はありません")
    );
}
