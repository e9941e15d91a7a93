//! The staff-side reports on サンプル市 (the demo city), on SQLite or, with
//! DAICHO_TEST_DATABASE_URL, PostgreSQL: the report's R4 self-check and training tables
//! come out as printed, a person's answers count for their department, and what must be
//! refused is refused without changing anything.

use calamine::{DataType, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use daicho_reports::Report;
use daicho_reports::campaign::{self, default_bank};
use daicho_reports::self_check::SelfCheckReport;
use daicho_reports::training::TrainingReport;
use daicho_store::testing::{TestDb, fresh};
use daicho_store::{Actor, Campaign, Scope};
use std::collections::HashMap;

async fn demo() -> (TestDb, Scope) {
    let db = fresh().await.expect("database");
    let tenant = daicho_demo::load(&db).await.expect("demo").tenant;
    (db, Scope::tenant(tenant.id))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn the_shipped_bank_is_the_reports_31_questions_in_6_categories() {
    let bank = default_bank().expect("bank");
    assert_eq!(bank.len(), 31);
    let mut categories: Vec<&str> = bank.iter().map(|q| q.category.as_str()).collect();
    categories.dedup();
    assert_eq!(
        categories,
        [
            "組織体制",
            "情報資産の管理",
            "物理的セキュリティ",
            "人的セキュリティ",
            "技術的セキュリティ",
            "マイナンバー制度"
        ]
    );
    // Every answer is one of its question's choices, and every question explains itself.
    for q in &bank {
        let values: Vec<String> = daicho_reports::self_check::choices(&q.choices)
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert!(
            values.contains(&q.answer),
            "{}: {} not in {values:?}",
            q.question_id,
            q.answer
        );
        assert!(q.explanation.is_some(), "{}", q.question_id);
    }
    // 4-5 (passwords): the right answer is the 8-character, 3-kind password.
    let q = bank.iter().find(|q| q.question_id == "4-5").expect("4-5");
    assert_eq!(q.answer, "2");
    assert!(
        q.choices
            .contains("2. 英字の大文字、小文字、数字、記号のうち3種類以上")
    );
}

#[tokio::test]
async fn r4_scores_and_bands_come_out_as_the_report_prints_them() {
    let (db, scope) = demo().await;
    let report = SelfCheckReport::load(&db, &scope, "R4")
        .await
        .expect("report");
    let printed: Vec<(String, usize, u64, String)> = report
        .categories
        .iter()
        .map(|c| {
            (
                c.category.clone(),
                c.questions,
                c.respondents,
                c.score.map(|s| s.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        printed,
        [
            ("組織体制".into(), 5, 2665, "9.2".into()),
            ("情報資産の管理".into(), 5, 2665, "8.9".into()),
            ("物理的セキュリティ".into(), 3, 2665, "9.8".into()),
            ("人的セキュリティ".into(), 6, 2665, "9.7".into()),
            ("技術的セキュリティ".into(), 6, 2665, "8.8".into()),
            ("マイナンバー制度".into(), 6, 2665, "9.2".into()),
        ]
    );
    let json = report.to_json();
    assert_eq!(json["campaign"], "R4");
    assert_eq!(json["categories"][0]["correct"], 12230);
    assert_eq!(json["categories"][0]["score"], 9.2);
    assert_eq!(
        json["categories"][4]["band"],
        "十分理解できているようです。100%目指してがんばりましょう"
    );
    // 5-5: 1,902 of 2,665 — the weakest question, 71%.
    let q55 = json["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["question_id"] == "5-5"))
        .expect("5-5");
    assert_eq!(
        (q55["correct"].as_u64(), q55["rate"].as_u64()),
        (Some(1902), Some(71))
    );
    // The report gives the city's totals only; the demo keeps them on 情報政策課.
    assert_eq!(json["departments"][0]["department"], "010200");
    assert_eq!(json["departments"][0]["categories"][1]["score"], 8.9);

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("self-check.xlsx");
    report.write_xlsx(&path).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("open");
    let sheet = wb.worksheet_range("総合判定").expect("sheet");
    let row: Vec<String> = sheet
        .rows()
        .nth(2)
        .expect("row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[..5], ["情報資産の管理", "5", "2665", "11798", "8.9"]);
}

#[tokio::test]
async fn r4_training_tables_are_the_reports() {
    let (db, scope) = demo().await;
    let report = TrainingReport::load(&db, &scope, 2022, day("2023-03-31"), 3)
        .await
        .expect("report");
    let e = report.course("e_learning").expect("研修Ⅰ");
    assert_eq!(
        (e.rows.len(), e.regular, e.fiscal_year_appointed, e.total()),
        (109, 269, 97, 366)
    );
    assert_eq!(e.course.name, "情報セキュリティ研修Ⅰ");
    assert!(
        e.course
            .provider
            .as_deref()
            .is_some_and(|p| p.contains("J-LIS"))
    );
    let row = |t: &daicho_reports::training::CourseTable, name: &str| {
        t.rows
            .iter()
            .find(|r| r.department_name.as_deref() == Some(name))
            .map(|r| (r.regular, r.fiscal_year_appointed))
    };
    assert_eq!(row(e, "生活支援課"), Some((53, 5)));
    assert_eq!(row(e, "中央図書館"), Some((1, 33)));
    assert_eq!(row(e, "清末支所"), Some((1, 0)));
    let c = report.course("classroom").expect("研修Ⅱ");
    assert_eq!(
        (c.rows.len(), c.regular, c.fiscal_year_appointed, c.total()),
        (124, 115, 9, 124)
    );
    assert_eq!(row(c, "障害者支援課"), Some((0, 1)));
    // Courses in the report's order: Ⅰ before Ⅱ.
    assert_eq!(report.courses[0].course.course, "e_learning");

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("training.xlsx");
    report.write_xlsx(&path).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("open");
    let names = wb.sheet_names();
    assert_eq!(
        names[..2],
        ["情報セキュリティ研修Ⅰ", "情報セキュリティ研修Ⅱ"],
        "sheets named as people call the courses, not by their codes"
    );
    let sheet = wb.worksheet_range(&names[0]).expect("sheet");
    let last: Vec<String> = sheet
        .rows()
        .next_back()
        .expect("total")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(last[1..], ["合計", "269", "97", "366"]);
}

#[tokio::test]
async fn coverage_counts_people_trained_within_the_years() {
    let (db, scope) = demo().await;
    // The demo trains one person per section on 2023-06-01.
    let within = TrainingReport::load(&db, &scope, 2023, day("2024-03-31"), 3)
        .await
        .expect("report");
    let edu = within
        .coverage
        .iter()
        .find(|c| c.department.as_deref() == Some("080100"))
        .expect("教育研修課");
    assert_eq!(edu.trained, 1);
    assert!(edu.staff > 1);
    assert_eq!(
        within
            .untrained
            .iter()
            .filter(|s| s.staff.department.as_deref() == Some("080100"))
            .count() as u64,
        edu.staff - 1
    );
    // Three years and a day later, nobody's training counts any more.
    let later = TrainingReport::load(&db, &scope, 2026, day("2026-06-02"), 3)
        .await
        .expect("report");
    assert!(later.coverage.iter().all(|c| c.trained == 0));
    let staff: u64 = later.coverage.iter().map(|c| c.staff).sum();
    assert_eq!(later.untrained.len() as u64, staff);
}

fn answers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(q, a)| (q.to_string(), a.to_string()))
        .collect()
}

#[tokio::test]
async fn a_persons_answers_count_for_their_department_once() {
    let (db, scope) = demo().await;
    let actor = Actor::system("test");
    let campaign = Campaign {
        campaign: "T1".into(),
        fiscal_year: 2026,
        title: Some("試験".into()),
        opens_on: NaiveDate::from_ymd_opt(2026, 10, 1),
        closes_on: NaiveDate::from_ymd_opt(2026, 12, 31),
    };
    assert_eq!(
        campaign::start(&db, &scope, &actor, &campaign, None)
            .await
            .expect("start"),
        31
    );
    let again = campaign::start(&db, &scope, &actor, &campaign, None).await;
    assert!(again.is_err_and(|e| e.to_string().contains("すでにあります")));

    let bank = db
        .self_check_questions(scope.tenant_id, "T1")
        .await
        .expect("bank");
    let staff = db
        .staff_training(&scope, "2026-11-01")
        .await
        .expect("staff");
    let person = staff
        .iter()
        .find(|s| s.staff.department.as_deref() == Some("080500"))
        .expect("staff");
    // All right but 1-1.
    let mut given: HashMap<String, String> = bank
        .iter()
        .map(|q| (q.question_id.clone(), q.answer.clone()))
        .collect();
    given.insert("1-1".into(), "1".into());

    // Refused, nothing written: closed, a missing answer, a value not among the choices.
    let today = day("2026-11-28");
    let closed = campaign::submit(
        &db,
        scope.tenant_id,
        &actor,
        &campaign,
        &person.staff,
        &given,
        day("2027-01-01"),
    )
    .await;
    assert!(closed.is_err_and(|e| e.to_string().contains("受け付けていません")));
    let mut missing = given.clone();
    missing.remove("6-6");
    let refused = campaign::submit(
        &db,
        scope.tenant_id,
        &actor,
        &campaign,
        &person.staff,
        &missing,
        today,
    )
    .await;
    // Named as the form numbers it, not by its id in the bank (6-6).
    assert!(refused.is_err_and(|e| e.to_string().contains("答えていない設問があります: 問31")));
    let mut wrong = given.clone();
    wrong.insert("6-1".into(), "4".into());
    assert!(
        campaign::submit(
            &db,
            scope.tenant_id,
            &actor,
            &campaign,
            &person.staff,
            &wrong,
            today
        )
        .await
        .is_err()
    );
    assert!(
        db.self_check_answers_of(scope.tenant_id, "T1", person.staff.id)
            .await
            .expect("answers")
            .is_empty()
    );

    campaign::submit(
        &db,
        scope.tenant_id,
        &actor,
        &campaign,
        &person.staff,
        &given,
        today,
    )
    .await
    .expect("submit");
    let second = campaign::submit(
        &db,
        scope.tenant_id,
        &actor,
        &campaign,
        &person.staff,
        &answers(&[]),
        today,
    )
    .await;
    assert!(second.is_err_and(|e| e.to_string().contains("一人一回")));
    // A second submission that got past that check at the same moment is refused in the
    // transaction that would write it: the first answers stand.
    let spec = daicho_store::ledgers::ledger("self_check_answers").expect("ledger");
    let rows: Vec<_> = bank
        .iter()
        .map(|q| {
            (
                spec,
                vec![
                    ("campaign", "T1".to_string()),
                    ("staff_id", person.staff.staff_id.clone()),
                    ("question_id", q.question_id.clone()),
                    ("answer", q.answer.clone()),
                    ("answered_on", "2026-11-28".to_string()),
                ],
            )
        })
        .collect();
    match db.add_rows(&scope, &actor, &rows).await {
        Err(daicho_store::RowError::Refused { errors, .. }) => assert!(
            errors[0].message.contains("すでに登録されています"),
            "{errors:?}"
        ),
        other => panic!("expected the second submission refused, got {other:?}"),
    }
    let stored = db
        .self_check_answers_of(scope.tenant_id, "T1", person.staff.id)
        .await
        .expect("answers");
    assert_eq!(stored.len(), 31);
    assert!(
        stored
            .iter()
            .any(|(question, answer)| question == "1-1" && answer == "1"),
        "the first answer to 1-1 stands"
    );

    let report = SelfCheckReport::load(&db, &scope, "T1")
        .await
        .expect("report");
    let library = report.department("080500").expect("中央図書館");
    assert_eq!(library.respondents, 1);
    // 組織体制: 4 of 5 → 8.0; every other category 10.0.
    let scores: Vec<String> = library
        .categories
        .iter()
        .map(|c| c.score.map(|s| s.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(scores, ["8.0", "10.0", "10.0", "10.0", "10.0", "10.0"]);
    assert_eq!(
        library.categories[0].score.map(|s| s.band().label_ja()),
        Some("十分理解できているようです。100%目指してがんばりましょう")
    );
    assert_eq!(
        library.categories[1].score.map(|s| s.band().label_ja()),
        Some("100%です！おめでとうございます！")
    );
    // The audit sees the same answers.
    let q11 = report
        .questions
        .iter()
        .find(|q| q.question.question_id == "1-1")
        .expect("1-1");
    assert_eq!((q11.respondents, q11.correct, q11.rate), (1, 0, Some(0)));
}

/// 第2章 4 (reference lines 337–395): 情報政策課's spending by category, split by its two
/// units in 令和5年度 (予算) and 令和4年度 (決算), the section as a whole before, and each
/// column's share of the general account, as printed.
#[tokio::test]
async fn the_spending_table_is_the_reports() {
    let (db, scope) = demo().await;
    let table = daicho_reports::spend::SpendTable::load(&db, &scope, "010200")
        .await
        .expect("table");
    let shown: Vec<(String, String, String)> = table
        .columns
        .iter()
        .map(|c| {
            (
                table.heading(c),
                daicho_domain::format_yen(c.total),
                c.share().expect("share"),
            )
        })
        .collect();
    let want = [
        (
            "令和5年度（予算） 情報システム管理係",
            "1,176,454,000",
            "0.96%",
        ),
        ("令和5年度（予算） DX推進室", "104,650,000", "0.09%"),
        ("令和5年度（予算） 課合計", "1,281,104,000", "1.05%"),
        (
            "令和4年度（決算） 情報システム管理係",
            "776,157,959",
            "0.55%",
        ),
        ("令和4年度（決算） DX推進室", "55,029,150", "0.04%"),
        ("令和4年度（決算） 課合計", "831,187,109", "0.59%"),
        ("令和3年度（決算） 課合計", "1,610,269,529", "1.28%"),
        ("令和2年度（決算） 課合計", "793,949,465", "0.55%"),
    ];
    assert_eq!(
        shown,
        want.map(|(h, t, s)| (h.to_string(), t.to_string(), s.to_string()))
    );
    let rows = table.rows();
    let lease = rows
        .iter()
        .find(|r| r[0] == "レンタル・リース")
        .expect("row");
    assert_eq!(lease[3], "432,717,000", "令和5年度 課合計");
    assert_eq!(
        rows.last().expect("share row")[0],
        "情報政策課の歳出・経費 ÷ 一般会計歳出総額"
    );
    // The workbook holds the same table, amounts as numbers.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("spend.xlsx");
    table.write_xlsx(&path).expect("xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).expect("open");
    let sheet = book.worksheet_range("歳出・経費").expect("sheet");
    let total_row = sheet
        .rows()
        .find(|r| r[0].get_string() == Some("合計"))
        .expect("total row");
    assert_eq!(total_row[3].as_f64(), Some(1_281_104_000.0));
}

#[test]
fn shares_round_half_up_to_hundredths() {
    use daicho_reports::spend::share;
    assert_eq!(
        share(1_281_104_000, 122_520_000_000).as_deref(),
        Some("1.05%")
    );
    assert_eq!(share(555, 100_000).as_deref(), Some("0.56%"));
    assert_eq!(share(554, 100_000).as_deref(), Some("0.55%"));
    assert_eq!(share(1, 0), None);
}
