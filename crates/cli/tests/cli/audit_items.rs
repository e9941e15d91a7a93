//! `daicho audit-item` and `daicho report audit`: the demo's external audit, recorded as
//! the reference's auditor did, listed by name and written out as its report.

use crate::{daicho, refused, text};

#[test]
fn the_demos_external_audit_is_listed_by_name_and_written_as_its_report() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = daicho(dir.path(), &["demo"]);
    assert!(text(&demo).contains("監査 EX-2023 の結果・意見を報告書のとおり記録しました"));
    let args = ["--tenant", "990001", "--audit", "EX-2023"];
    let listed = text(&daicho(
        dir.path(),
        &[&["audit-item", "list"][..], &args].concat(),
    ));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "順\t状態\t区分\t指摘又は意見\t件名\t所属\t根拠");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("1\t確定\t総論\t意見\t情報セキュリティポリシーの公開について\t")),
        "{listed}"
    );
    // Names, never codes: the sections are named.
    assert!(lines.iter().any(|l| l.contains("\t環境部\t")), "{listed}");
    // Drafting again adds nothing: every rule and department has its item.
    let again = text(&daicho(
        dir.path(),
        &[&["audit-item", "draft"][..], &args].concat(),
    ));
    assert!(again.contains("下書きを 0 件作成しました"), "{again}");
    // The report: its count table on the terminal, the HTML and PDF into files.
    let table = text(&daicho(
        dir.path(),
        &[&["report", "audit"][..], &args].concat(),
    ));
    assert!(
        table.contains("指摘\t1\t12\t13") && table.contains("意見\t7\t19\t26"),
        "{table}"
    );
    let html = dir.path().join("report.html");
    let written = daicho(
        dir.path(),
        &[
            &["report", "audit", "--format", "html", "--output"][..],
            &[html.to_str().expect("path")],
            &args,
        ]
        .concat(),
    );
    assert!(written.status.success(), "{}", text(&written));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(
        page.contains("<style>") && page.contains("個2 (共通)"),
        "a file that stands alone"
    );
    assert!(
        refused(
            dir.path(),
            &[&["report", "audit", "--format", "pdf"][..], &args].concat()
        )
        .contains("--output でファイル名を指定してください")
    );
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
