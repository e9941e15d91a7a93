//! Closing the audit's cycle on screen: departments answer their items with measures
//! (the one the ledgers contradict flagged), horizontal checks answered, and the next
//! year's plan weighted by risk, adopted and edited by 情報政策課.

use crate::app::TestApp;
use axum::http::StatusCode;

/// After the report: the library's manager sees and answers its own items only; 情報政策課
/// sees every answer, the overdue items, and the measure reported done that the data
/// contradicts.
#[tokio::test]
async fn departments_answer_their_items_and_the_contradicted_one_is_flagged() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&scope, "EX-2023").await.expect("audit");
    let items = app.db.audit_items(&scope, audit).await.expect("items");
    let id_of = |title: &str| {
        items
            .iter()
            .find(|i| i.item.title == title)
            .map(|i| i.id.to_string())
            .expect("item")
    };
    let library = app.department_id("080500").await.to_string();
    let manager = app.login("manager").await;
    let index = app.get(Some(&manager), "/measures").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("EX-2023"));
    let page = app.get(Some(&manager), "/audits/EX-2023/measures").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("図書館システムで更新の切れた登録証"));
    assert!(
        !page.body.contains("機密性の高いファイルについて"),
        "another department's item"
    );
    let answered = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("図書館システムで更新の切れた登録証")),
                ("department", &library),
                ("status", "done"),
                ("action", "期限切れ後10年を過ぎた登録者の情報を削除した"),
                ("done_on", "令和6年3月1日"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let page = app.get(Some(&manager), "/audits/EX-2023/measures").await;
    assert!(page.body.contains("中央図書館: 措置済"), "{}", page.body);
    // Without the day it was done: refused, with the reason.
    let refused = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("図書館システムで更新の切れた登録証")),
                ("department", &library),
                ("status", "done"),
                ("action", "削除した"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("措置した日を入力してください"));
    // Another department's item: refused.
    let training = app.department_id("080100").await.to_string();
    let other = app
        .post(
            Some(&manager),
            "/audits/EX-2023/measures",
            &[
                ("csrf_token", &manager.csrf),
                ("item", &id_of("機密性の高いファイルについて")),
                ("department", &training),
                ("status", "in_progress"),
                ("action", "x"),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // 情報政策課: the contradicted measure, and the overdue list.
    let policy = app.login("policy").await;
    let page = app.get(Some(&policy), "/audits/EX-2023/measures").await;
    assert!(page.body.contains("教育研修課: 措置済"), "{}", page.body);
    assert!(page.body.contains("措置済とされたが再発"), "{}", page.body);
    let index = app.get(Some(&policy), "/measures").await;
    assert!(
        index.body.contains("期限を過ぎた結果・意見"),
        "{}",
        index.body
    );
    assert!(index.body.contains("電子黒板の利用の有効性について"));
    assert!(
        !index.body.contains(">図書館システムで更新の切れた登録証<"),
        "answered done"
    );
}

/// 情報政策課 sends 個16 (passwords on sticky notes) to every section; the library's
/// manager answers for itself; an answer of 該当なし where the rule still fails is flagged.
#[tokio::test]
async fn a_horizontal_check_is_answered_and_a_contradicted_answer_flagged() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let audit = app.db.audit_ref(&scope, "EX-2023").await.expect("audit");
    let item = app
        .db
        .audit_items(&scope, audit)
        .await
        .expect("items")
        .into_iter()
        .find(|i| {
            i.item
                .title
                .starts_with("インターネット系パソコンのID及びパスワード")
        })
        .expect("個16")
        .id
        .to_string();
    let policy = app.login("policy").await;
    let sent = app
        .post(
            Some(&policy),
            "/audits/EX-2023/horizontal",
            &[
                ("csrf_token", &policy.csrf),
                ("item", &item),
                ("question", "端末にパスワードの付箋がないか確認してください"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let check = sent.location.clone();
    let page = app.get(Some(&policy), &check).await;
    assert!(page.body.contains("回答 0 / "), "{}", page.body);
    // The library's manager sees only its own line and answers it.
    let manager = app.login("manager").await;
    let library = app.department_id("080500").await.to_string();
    let mine = app.get(Some(&manager), &check).await;
    assert!(mine.body.contains("中央図書館") && !mine.body.contains("サンプル商業高等学校"));
    let answered = app
        .post(
            Some(&manager),
            &check,
            &[
                ("csrf_token", &manager.csrf),
                ("department", &library),
                ("answer", "none"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    // The school says none, but the rule finds the notes there today.
    let school = app.department_id("080600").await.to_string();
    app.post(
        Some(&policy),
        &check,
        &[
            ("csrf_token", &policy.csrf),
            ("department", &school),
            ("answer", "none"),
        ],
    )
    .await;
    let page = app.get(Some(&policy), &check).await;
    assert!(page.body.contains("回答 2 / "), "{}", page.body);
    assert_eq!(
        page.body.matches("規則では該当あり").count(),
        1,
        "{}",
        page.body
    );
    let index = app.get(Some(&policy), "/horizontal").await;
    assert!(
        index
            .body
            .contains("インターネット系パソコンのID及びパスワード管理")
    );
}

/// 情報政策課 sets the tenant's weights and cycle, adopts the proposal and moves one
/// section with a reason; the auditor reads the plan but changes nothing; a manager does
/// not see it.
#[tokio::test]
async fn the_plan_is_weighted_adopted_and_edited_by_the_policy_section() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let page = app.get(Some(&policy), "/audit-plan?year=R6").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("まだ採用されていません"),
        "{}",
        page.body
    );
    assert!(page.body.contains("セルフチェック誤答率"));
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), policy.csrf.clone()),
        ("year".into(), "R6".into()),
        ("cycle_years".into(), "4".into()),
    ];
    // A weight typed in full-width digits is read.
    for (name, _) in daicho_domain::audit_plan::WEIGHT_PARTS {
        let value = if name == "per_year" { "２０" } else { "1" };
        form.push((name.into(), value.into()));
    }
    // A word is refused with the weight's label, and nothing is kept.
    let mut bad = form.clone();
    bad.retain(|(k, _)| k != "per_eol_machine");
    bad.push(("per_eol_machine".into(), "たくさん".into()));
    let refused = app
        .post(Some(&policy), "/audit-plan/settings", &pairs(&bad))
        .await;
    assert!(
        refused.body.contains("サポート終了の機器（1台あたり）")
            && refused.body.contains("たくさん"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.db
            .plan_settings(&daicho_store::Scope::tenant(app.demo.id))
            .await
            .expect("settings"),
        daicho_store::PlanSettings::default()
    );
    let saved = app
        .post(Some(&policy), "/audit-plan/settings", &pairs(&form))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(Some(&policy), &saved.location).await;
    assert!(
        page.body.contains("重みと周期を保存しました"),
        "{}",
        page.body
    );
    assert!(page.body.contains("4年で全所属"), "{}", page.body);
    assert!(page.body.contains("value=\"20\""), "{}", page.body);

    let adopted = app
        .post(
            Some(&policy),
            "/audit-plan/adopt",
            &[("csrf_token", &policy.csrf), ("year", "R6")],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let page = app.get(Some(&policy), &adopted.location).await;
    assert!(page.body.contains("採用した計画"), "{}", page.body);
    assert!(page.body.contains("周期 4 年"), "{}", page.body);
    let library = app.department_id("080500").await.to_string();
    let moved = app
        .post(
            Some(&policy),
            "/audit-plan/move",
            &[
                ("csrf_token", &policy.csrf),
                ("year", "R6"),
                ("department", &library),
                ("planned_year", "2027"),
                ("note", "新館への移転後に監査する"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = app.get(Some(&policy), &moved.location).await;
    assert!(
        page.body.contains("（新館への移転後に監査する）"),
        "{}",
        page.body
    );
    let beyond = app
        .post(
            Some(&policy),
            "/audit-plan/move",
            &[
                ("csrf_token", &policy.csrf),
                ("year", "R6"),
                ("department", &library),
                ("planned_year", "2030"),
                ("note", "先送り"),
            ],
        )
        .await;
    assert!(
        beyond.body.contains("計画の期間内の年度"),
        "{}",
        beyond.body
    );

    // The auditor reads it, without the forms, and may not change it.
    let auditor = app.login("auditor").await;
    let page = app.get(Some(&auditor), "/audit-plan?year=R6").await;
    assert!(page.body.contains("新館への移転後に監査する"));
    assert!(!page.body.contains("action=\"/audit-plan/adopt\""));
    let refused = app
        .post(
            Some(&auditor),
            "/audit-plan/adopt",
            &[("csrf_token", &auditor.csrf), ("year", "R6")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let manager = app.login("manager").await;
    let page = app.get(Some(&manager), "/audit-plan?year=R6").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
