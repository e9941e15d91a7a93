//! The self-check and training screens in process: a staff member answers once and sees
//! the explanations, the department's score follows, 情報政策課 starts a campaign, and the
//! R4 training tables show as the report prints them.

use crate::app::{Client, TestApp};
use axum::http::StatusCode;
use daicho_store::Question;

/// The demo's open campaign (this fiscal year's) and its bank.
async fn open_campaign(app: &TestApp) -> (String, Vec<Question>) {
    let campaigns = app
        .db
        .self_check_campaigns(app.demo.id)
        .await
        .expect("campaigns");
    let code = campaigns[0].campaign.clone();
    let bank = app
        .db
        .self_check_questions(app.demo.id, &code)
        .await
        .expect("bank");
    (code, bank)
}

/// Every question answered right but the first, which gets choice 1 (wrong in the bank).
fn answers<'a>(client: &'a Client, bank: &'a [Question]) -> Vec<(String, String)> {
    let mut form = vec![("csrf_token".to_string(), client.csrf.clone())];
    for (i, q) in bank.iter().enumerate() {
        let value = if i == 0 {
            "1".to_string()
        } else {
            q.answer.clone()
        };
        form.push((format!("q-{}", q.question_id), value));
    }
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn a_staff_member_answers_once_and_the_department_score_follows() {
    let app = TestApp::new().await;
    app.db
        .link_user_to_staff("viewer", "080500-P002")
        .await
        .expect("link");
    let (code, bank) = open_campaign(&app).await;
    assert_eq!(bank.len(), 31);
    let viewer = app.login("viewer").await;

    let index = app.get(Some(&viewer), "/self-check").await;
    assert!(index.body.contains("回答する"), "{}", index.body);
    let form = app
        .get(Some(&viewer), &format!("/self-check/{code}/answer"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let choices: usize = bank.iter().map(|q| q.choices.split('|').count()).sum();
    assert_eq!(form.body.matches("type=\"radio\"").count(), choices);
    assert!(form.body.contains("3Sポータルサイト"));

    // Before: the library has no respondent in this campaign.
    let before = app.get(Some(&viewer), &format!("/self-check/{code}")).await;
    assert!(!before.body.contains("080500 中央図書館"));

    // A question left out: refused beside the form, nothing kept.
    let mut partial = answers(&viewer, &bank);
    partial.pop();
    let refused = app
        .post(
            Some(&viewer),
            &format!("/self-check/{code}/answer"),
            &pairs(&partial),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("答えていない設問があります: 問31"),
        "{}",
        refused.body
    );
    // The answers given stay chosen.
    assert!(refused.body.contains("value=\"2\" checked"));

    let done = app
        .post(
            Some(&viewer),
            &format!("/self-check/{code}/answer"),
            &pairs(&answers(&viewer, &bank)),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("/self-check/{code}/mine"));
    let mine = app.get(Some(&viewer), &done.location).await;
    assert!(mine.body.contains("31 問中 30 問正解"), "{}", mine.body);
    assert!(
        mine.body
            .contains("ポリシーと実施手順書は職員だけが見られる3Sポータルサイトに掲示しています")
    );
    assert!(mine.body.contains("あなたの回答: 1. 電子キャビネット"));
    assert!(mine.body.contains("正解: 2. 3Sポータルサイト"));

    // Once per person.
    let again = app
        .post(
            Some(&viewer),
            &format!("/self-check/{code}/answer"),
            &pairs(&answers(&viewer, &bank)),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("一人一回"));
    assert_eq!(
        app.get(Some(&viewer), &format!("/self-check/{code}/answer"))
            .await
            .location,
        format!("/self-check/{code}/mine")
    );

    // After: the library's row, 組織体制 4 of 5 = 8.0, the rest 10.0.
    let after = app.get(Some(&viewer), &format!("/self-check/{code}")).await;
    let row = after
        .body
        .split("<tr>")
        .find(|r| r.contains("080500 中央図書館"))
        .expect("library row");
    assert!(row.contains(">8.0<") && row.contains(">10.0<"), "{row}");

    let xlsx = app
        .get(Some(&viewer), &format!("/self-check/{code}/xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"), "an XLSX is a zip");
}

async fn auditor_id(app: &TestApp) -> i64 {
    app.db
        .users(Some(app.demo.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "auditor")
        .expect("auditor")
        .id
}

#[tokio::test]
async fn answering_needs_a_staff_link_and_a_token() {
    let app = TestApp::new().await;
    let (code, bank) = open_campaign(&app).await;
    let auditor = app.login("auditor").await;
    let page = app
        .get(Some(&auditor), &format!("/self-check/{code}/answer"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("職員に結びついていない"));

    app.db
        .link_user_to_staff("auditor", "010200-P001")
        .await
        .expect("link");
    let mut form = answers(&auditor, &bank);
    form.remove(0);
    let page = app
        .post(
            Some(&auditor),
            &format!("/self-check/{code}/answer"),
            &pairs(&form),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "no CSRF token");
    let staff = app
        .db
        .staff_of_user(auditor_id(&app).await)
        .await
        .expect("q")
        .expect("linked");
    assert_eq!(staff.staff_id, "010200-P001");
    assert!(
        app.db
            .self_check_answers_of(app.demo.id, &code, staff.id)
            .await
            .expect("q")
            .is_empty()
    );
    // An account cannot be linked to another city's staff.
    assert!(
        app.db
            .link_user_to_staff("okayama-admin", "010200-P001")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn policy_starts_a_campaign_and_the_r4_report_and_training_show() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let form = [
        ("csrf_token", policy.csrf.as_str()),
        ("campaign", "Ｒ９"),
        ("fiscal_year", "令和9年度"),
        ("title", ""),
        ("opens_on", "令和9年10月1日"),
        ("closes_on", "2027-10-31"),
        ("from", "R4"),
    ];
    let created = app.post(Some(&policy), "/self-check", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let campaign = app
        .db
        .self_check_campaign(app.demo.id, "R9")
        .await
        .expect("q")
        .expect("R9");
    assert_eq!(
        (campaign.fiscal_year, campaign.opens_on),
        (2027, chrono::NaiveDate::from_ymd_opt(2027, 10, 1))
    );
    assert_eq!(
        app.db
            .self_check_questions(app.demo.id, "R9")
            .await
            .expect("bank")
            .len(),
        31
    );
    let twice = app.post(Some(&policy), "/self-check", &form).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("すでにあります"));
    let bad = app
        .post(
            Some(&policy),
            "/self-check",
            &[
                ("csrf_token", policy.csrf.as_str()),
                ("campaign", "R10"),
                ("fiscal_year", "来年"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("年度を入力してください"));
    let viewer = app.login("viewer").await;
    let refused = app
        .post(
            Some(&viewer),
            "/self-check",
            &[
                ("csrf_token", viewer.csrf.as_str()),
                ("campaign", "R11"),
                ("fiscal_year", "2029"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let r4 = app.get(Some(&policy), "/self-check/R4").await;
    assert_eq!(r4.status, StatusCode::OK);
    for score in ["9.2", "8.9", "9.8", "9.7", "8.8"] {
        assert!(r4.body.contains(&format!(">{score}<")), "{score}");
    }
    assert!(
        r4.body
            .contains("十分理解できているようです。100%目指してがんばりましょう")
    );

    let training = app.get(Some(&policy), "/training?year=R4").await;
    assert_eq!(training.status, StatusCode::OK);
    assert!(
        training
            .body
            .contains("令和4年度情報セキュリティ研修Ⅰ（e-ラーニング） 受講者 366名"),
        "{}",
        &training.body[..2000.min(training.body.len())]
    );
    assert!(
        training
            .body
            .contains("令和4年度情報セキュリティ研修Ⅱ（集合研修） 受講者 124名")
    );
    let xlsx = app.get(Some(&policy), "/training/xlsx?year=2022").await;
    assert!(xlsx.body.starts_with("PK"));
    let wrong = app.get(Some(&policy), "/training?year=来年").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}
