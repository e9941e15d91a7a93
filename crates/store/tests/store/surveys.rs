//! The record of a visit (事前調査・往査の記録): six rows per visited department, read from
//! the ledgers of the department and those under it as of the audit's as-of day until the
//! auditor keeps a row of their own.

use crate::fixture::*;
use daicho_store::ledgers::{Ledger, ledger};

async fn import(db: &Db, scope: &Scope, rows: &[(&str, &[(&str, &str)])]) {
    let mut import = db.begin_import(scope, &actor()).await.expect("import");
    for (name, values) in rows {
        let l: &Ledger = ledger(name).expect("ledger");
        let values: Vec<_> = values
            .iter()
            .map(|(c, v)| (l.column(c).expect("column"), v.to_string()))
            .collect();
        import.upsert_row(l, &values).await.expect("row");
    }
    import.finish(true).await.expect("committed");
}

#[tokio::test]
async fn a_visited_departments_survey_is_read_from_its_ledgers_until_the_auditor_keeps_a_row() {
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let with = |tag: &str, kind: &str, segment: &str| {
        pc(tag, "110")
            .with("kind", kind)
            .with("network_segment", segment)
    };
    for input in [
        with("L-1", "desktop", "lgwan").with("quantity", "2"),
        with("L-2", "laptop", "lgwan"),
        // Bought after the as-of day, and a disposed one: not on hand then.
        with("L-3", "desktop", "lgwan").with("acquired_on", "2024-01-05"),
        with("M-1", "desktop", "my_number")
            .with("status", "disposed")
            .with("disposed_on", "2023-03-01"),
        with("I-1", "desktop", "internet"),
        with("T-1", "tablet", "internet").with("procured_by", "department"),
        with("T-2", "tablet", "internet").with("procured_by", "department"),
    ] {
        db.create_asset(&scope, &actor(), &input)
            .await
            .expect("asset");
    }
    import(
        &db,
        &scope,
        &[
            (
                "audits",
                &[
                    ("audit_id", "EX-R5"),
                    ("kind", "external"),
                    ("fiscal_year", "2023"),
                    ("as_of", "2023-10-06"),
                ],
            ),
            (
                "audit_visits",
                &[
                    ("audit_id", "EX-R5"),
                    ("department", "100"),
                    ("visited_on", "2023-09-19"),
                ],
            ),
            (
                "media",
                &[
                    ("media_id", "U-1"),
                    ("department", "110"),
                    ("kind", "usb_memory"),
                ],
            ),
            (
                "media",
                &[
                    ("media_id", "U-2"),
                    ("department", "110"),
                    ("kind", "usb_memory"),
                ],
            ),
            (
                "media",
                &[
                    ("media_id", "S-1"),
                    ("department", "110"),
                    ("kind", "sd_card"),
                ],
            ),
            (
                "media",
                &[
                    ("media_id", "U-9"),
                    ("department", "210"),
                    ("kind", "usb_memory"),
                ],
            ),
            (
                "media_movements",
                &[("media_id", "U-1"), ("out_at", "2023-06-01 09:00")],
            ),
            (
                "systems",
                &[
                    ("name", "住民記録システム"),
                    ("department", "110"),
                    ("network_segment", "my_number"),
                ],
            ),
            (
                "systems",
                &[
                    ("name", "図書館システム"),
                    ("department", "210"),
                    ("network_segment", "my_number"),
                ],
            ),
            (
                "training_counts",
                &[
                    ("course", "研修Ⅰ"),
                    ("fiscal_year", "2022"),
                    ("department", "110"),
                    ("regular", "1"),
                    ("fiscal_year_appointed", "0"),
                ],
            ),
            (
                "training_counts",
                &[
                    ("course", "研修Ⅱ"),
                    ("fiscal_year", "2022"),
                    ("department", "100"),
                    ("regular", "2"),
                    ("fiscal_year_appointed", "1"),
                ],
            ),
            (
                "training_counts",
                &[
                    ("course", "研修Ⅰ"),
                    ("fiscal_year", "2021"),
                    ("department", "110"),
                    ("regular", "9"),
                    ("fiscal_year_appointed", "9"),
                ],
            ),
        ],
    )
    .await;
    let audit = db.audit_ref(&scope, "EX-R5").await.expect("audit");
    let bureau = db
        .departments(&scope)
        .await
        .expect("departments")
        .into_iter()
        .find(|d| d.code == "100")
        .expect("総務局")
        .id;
    let contents = |rows: &[daicho_store::SurveyRow]| {
        rows.iter().map(|r| r.content.clone()).collect::<Vec<_>>()
    };
    let survey = db
        .audit_survey(&scope, audit, bureau)
        .await
        .expect("survey");
    assert_eq!(survey.len(), 6);
    assert_eq!(survey[0].heading, "(1) LGWAN接続系（3Sパソコン）");
    assert!(survey.iter().all(|r| !r.kept));
    assert_eq!(
        contents(&survey),
        [
            "パソコン 3台",
            "インターネットパソコン 1台、USBメモリー 2個（受払簿あり）",
            "システム: 住民記録システム",
            "課で調達したもの: タブレット 2台",
            "令和4年度: 研修Ⅰ 職員1名・会計年度任用職員0名、研修Ⅱ 職員2名・会計年度任用職員1名",
            "",
        ]
    );
    // The auditor rewrites (1) and writes (6); (2)–(5) still follow the ledgers.
    db.save_audit_survey(
        &scope,
        &actor(),
        audit,
        bureau,
        &[
            (1, "職員7名、7台（全員配置）".into()),
            (6, "私有物のパソコンを使用している。".into()),
        ],
    )
    .await
    .expect("saved");
    let survey = db
        .audit_survey(&scope, audit, bureau)
        .await
        .expect("survey");
    assert_eq!(survey[0].content, "職員7名、7台（全員配置）");
    assert!(survey[0].kept && survey[5].kept && !survey[1].kept);
    assert_eq!(survey[5].content, "私有物のパソコンを使用している。");
    // An empty row returns to the ledgers; the history keeps both changes.
    db.save_audit_survey(&scope, &actor(), audit, bureau, &[(1, " ".into())])
        .await
        .expect("cleared");
    let survey = db
        .audit_survey(&scope, audit, bureau)
        .await
        .expect("survey");
    assert_eq!(survey[0].content, "パソコン 3台");
    assert!(!survey[0].kept);
    let history = db
        .history(&scope, "audit_surveys", bureau)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    // A department the audit did not visit, a row (7), a viewer: refused, nothing kept.
    assert!(matches!(
        db.save_audit_survey(&scope, &actor(), audit, b, &[(1, "x".into())])
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        db.save_audit_survey(&scope, &actor(), audit, bureau, &[(7, "x".into())])
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let viewer = Scope {
        can_write: false,
        can_audit: false,
        ..scope.clone()
    };
    assert!(matches!(
        db.save_audit_survey(&viewer, &actor(), audit, bureau, &[(1, "x".into())])
            .await,
        Err(StoreError::Forbidden(_))
    ));
    // A department's manager reads only its own department's survey.
    let manager = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    assert!(db.audit_survey(&manager, audit, bureau).await.is_err());
    let other = tenant(&db, "011002", "札幌市").await;
    assert!(
        db.audit_survey(&Scope::tenant(other.id), audit, bureau)
            .await
            .is_err()
    );
    assert_eq!(
        db.history(&scope, "audit_surveys", bureau)
            .await
            .expect("history")
            .len(),
        2
    );
}
