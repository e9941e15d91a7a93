//! Two people editing the same record from forms opened at the same time: the second save
//! is refused with what the first one changed, never silently reverting it.

use crate::app::{Client, TestApp, asset_form, hidden};
use axum::http::StatusCode;
use daicho_store::{AssetFilter, Scope};

/// The posted fields of an edit form: `fields` plus the version the form was read at.
async fn post_edit(
    app: &TestApp,
    client: &Client,
    path: &str,
    version: &str,
    fields: &[(&str, &str)],
) -> crate::app::Page {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("version", version));
    app.post(Some(client), path, &all).await
}

#[tokio::test]
async fn a_save_from_a_stale_asset_form_is_refused_with_the_change_made_since() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let admin = app.login("admin").await;
    let created = app
        .post(
            Some(&policy),
            "/assets",
            &asset_form(&policy.csrf, "STALE-1", "080500", "2023-04-01"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let path = created.location.clone();
    // Both open the edit form.
    let mine = app.get(Some(&policy), &format!("{path}/edit")).await;
    let theirs = app.get(Some(&admin), &format!("{path}/edit")).await;
    let v_mine = hidden(&mine.body, "version").expect("version on the form");
    let v_theirs = hidden(&theirs.body, "version").expect("version on the form");
    assert_eq!(v_mine, v_theirs);

    // The administrator saves first: the OS becomes Windows 10.
    let mut first = asset_form(&admin.csrf, "STALE-1", "080500", "2023-04-01");
    first.retain(|(k, _)| *k != "os");
    first.push(("os", "Windows 10 Pro"));
    let saved = post_edit(&app, &admin, &path, &v_theirs, &first).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    // The policy user saves from the form opened before: refused, the change shown.
    let mut second = asset_form(&policy.csrf, "STALE-1", "080500", "2023-04-01");
    second.retain(|(k, _)| *k != "name");
    second.push(("name", "名前を直したPC"));
    let refused = post_edit(&app, &policy, &path, &v_mine, &second).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .body
            .contains("画面を開いた後にほかの人が変更しました")
            && refused.body.contains("Windows 11 Pro → Windows 10 Pro")
            && refused.body.contains("value=\"名前を直したPC\""),
        "the change since and the user's own input: {}",
        refused.body
    );
    let asset = |app: &TestApp| {
        let db = app.db.db.clone();
        let tenant = app.demo.id;
        async move {
            let page = db
                .list_assets(
                    &Scope::tenant(tenant),
                    &AssetFilter {
                        search: Some("STALE-1".into()),
                        ..Default::default()
                    },
                )
                .await
                .expect("list");
            page.rows[0].clone()
        }
    };
    let now = asset(&app).await;
    assert_eq!(
        now.os.as_deref(),
        Some("Windows 10 Pro"),
        "the first change stands"
    );

    // Saved again from the refusal page (which carries the new version): it goes through.
    let newer = hidden(&refused.body, "version").expect("new version");
    assert_ne!(newer, v_mine);
    let mut third = second.clone();
    third.retain(|(k, _)| *k != "os");
    third.push(("os", "Windows 10 Pro"));
    let saved = post_edit(&app, &policy, &path, &newer, &third).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let now = asset(&app).await;
    assert_eq!(
        (now.name.as_str(), now.os.as_deref()),
        ("名前を直したPC", Some("Windows 10 Pro"))
    );
}

#[tokio::test]
async fn a_save_from_a_stale_ledger_form_is_refused_too() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let admin = app.login("admin").await;
    let form = |csrf: &str, title: &str| {
        vec![
            ("csrf_token".to_string(), csrf.to_string()),
            ("contract_no".to_string(), "S-1".to_string()),
            ("department".to_string(), "080500".to_string()),
            ("title".to_string(), title.to_string()),
            ("method".to_string(), "discretionary".to_string()),
            ("amount_yen".to_string(), "100000".to_string()),
        ]
    };
    let made = form(&policy.csrf, "保守");
    let created = app
        .post(Some(&policy), "/ledgers/contracts", &as_refs(&made))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let spec = daicho_store::ledgers::ledger("contracts").expect("contracts");
    let id = app
        .db
        .ledger_page(&Scope::tenant(app.demo.id), spec, Some("S-1"), 1)
        .await
        .expect("page")
        .rows[0]
        .0;
    let path = format!("/ledgers/contracts/{id}");
    let v_mine = hidden(
        &app.get(Some(&policy), &format!("{path}/edit")).await.body,
        "version",
    )
    .expect("version");
    let v_theirs = hidden(
        &app.get(Some(&admin), &format!("{path}/edit")).await.body,
        "version",
    )
    .expect("version");
    let first = form(&admin.csrf, "保守（変更後）");
    let saved = post_edit(&app, &admin, &path, &v_theirs, &as_refs(&first)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let second = form(&policy.csrf, "古い画面からの保存");
    let refused = post_edit(&app, &policy, &path, &v_mine, &as_refs(&second)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("保守 → 保守（変更後）"),
        "{}",
        refused.body
    );
    let detail = app.get(Some(&policy), &path).await.body;
    assert!(
        detail.contains("保守（変更後）") && !detail.contains("古い画面からの保存"),
        "the first change stands"
    );
}

fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
