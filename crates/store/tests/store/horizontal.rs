//! Horizontal checks (横展開): 情報政策課 sends an item's question to every section; each
//! answers for itself; the coverage follows.

use crate::fixture::*;
use daicho_domain::audit_item::ItemScope;
use daicho_store::{CheckAnswer, ItemState, NewAuditItem};

#[tokio::test]
async fn a_check_goes_to_every_section_and_each_answers_for_itself() {
    let db = db().await;
    let (t, a, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    let audit = audit(&db, &scope, "IA-R5", "internal").await;
    let item = |state: ItemState| NewAuditItem {
        scope: ItemScope::Individual,
        grade: "violation".into(),
        title: "パスワードの付箋".into(),
        summary: None,
        body: None,
        clause: None,
        rule_id: Some("password-note".into()),
        state,
        departments: vec![a],
        evidence: vec![],
    };
    let confirmed = db
        .add_audit_item(&scope, &actor(), audit, &item(ItemState::Confirmed))
        .await
        .expect("item");
    let draft = db
        .add_audit_item(&scope, &actor(), audit, &item(ItemState::Draft))
        .await
        .expect("draft");
    // The sections (総務課, 図書館), not the bureaus above them.
    let to = db
        .check_recipients(&scope, daicho_store::today())
        .await
        .expect("recipients");
    assert_eq!(to, [a, b]);
    let manager_a = Scope {
        departments: Some(vec![a]),
        ..scope.clone()
    };
    let question = "端末にパスワードを書いた付箋がないか確認してください";
    assert!(matches!(
        db.send_horizontal_check(&manager_a, &actor(), confirmed, question, &to, None)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        db.send_horizontal_check(&scope, &actor(), draft, question, &to, None)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let check = db
        .send_horizontal_check(&scope, &actor(), confirmed, question, &to, None)
        .await
        .expect("sent");
    let checks = db.horizontal_checks(&scope).await.expect("checks");
    assert_eq!(checks[0].coverage(), (0, 2));
    // 総務課 answers for itself; not for 図書館; 該当あり needs what was found.
    assert!(matches!(
        db.answer_horizontal_check(&manager_a, &actor(), check, b, CheckAnswer::None, None)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        db.answer_horizontal_check(
            &manager_a,
            &actor(),
            check,
            a,
            CheckAnswer::Found,
            Some(" ")
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    db.answer_horizontal_check(
        &manager_a,
        &actor(),
        check,
        a,
        CheckAnswer::Found,
        Some("窓口の端末2台に付箋があり、外した"),
    )
    .await
    .expect("answered");
    let mine = db.horizontal_checks(&manager_a).await.expect("checks");
    assert_eq!(mine[0].replies.len(), 1, "a manager sees its own reply");
    assert_eq!(mine[0].replies[0].answer, Some(CheckAnswer::Found));
    assert_eq!(
        db.horizontal_checks(&scope).await.expect("c")[0].coverage(),
        (1, 2)
    );
    assert_eq!(
        db.history(&scope, "horizontal_checks", check)
            .await
            .expect("history")
            .len(),
        2
    );
    let other = tenant(&db, "011002", "札幌市").await;
    assert!(
        db.horizontal_checks(&Scope::tenant(other.id))
            .await
            .expect("c")
            .is_empty()
    );
}
