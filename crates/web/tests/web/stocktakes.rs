//! The stocktake on screen: 情報政策課 plans one for the library; the library's manager
//! records what it finds (a form sent twice is kept once), sees the reconciliation and
//! completes it; a viewer reads, another tenant finds nothing.

use crate::app::{TestApp, hidden};
use axum::http::StatusCode;

/// The first tag the reconciliation lists as not found yet.
fn first_missing(page: &str) -> String {
    page.split("未確認（見つかっていない）</th><td>")
        .nth(1)
        .and_then(|rest| rest.split("</td><td>").nth(1))
        .and_then(|list| list.split('（').next())
        .expect("a missing tag")
        .to_string()
}

#[tokio::test]
async fn the_library_plans_records_reconciles_and_completes_a_stocktake() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    let planned = app
        .post(
            Some(&policy),
            "/stocktakes",
            &[
                ("csrf_token", &policy.csrf),
                ("stocktake_id", "ST-2026-LIB"),
                ("department", "080500"),
                ("assignee", "中央図書館 司書"),
                ("due_on", "2026-12-25"),
            ],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    assert_eq!(planned.location, "/stocktakes/ST-2026-LIB");
    let again = app
        .post(
            Some(&policy),
            "/stocktakes",
            &[
                ("csrf_token", &policy.csrf),
                ("stocktake_id", "ST-2026-LIB"),
                ("department", "080500"),
            ],
        )
        .await;
    assert!(again.body.contains("もう使われています"), "{}", again.body);

    let manager = app.login("manager").await;
    let page = app.get(Some(&manager), "/stocktakes/ST-2026-LIB").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("中央図書館") && page.body.contains("担当 中央図書館 司書"));
    let tag = first_missing(&page.body);
    assert!(tag.starts_with("080500-"), "{tag}");
    let scan_id = hidden(&page.body, "scan_id").expect("scan id");
    let form = [
        ("csrf_token", manager.csrf.as_str()),
        ("scan_id", scan_id.as_str()),
        ("asset_tag", tag.as_str()),
        ("tag_present", "yes"),
        ("wire_lock", "no"),
        ("password_note", "yes"),
    ];
    for _ in 0..2 {
        let sent = app
            .post(Some(&manager), "/stocktakes/ST-2026-LIB/scans", &form)
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let private = app
        .post(
            Some(&manager),
            "/stocktakes/ST-2026-LIB/scans",
            &[
                ("csrf_token", &manager.csrf),
                ("scan_id", "form-private"),
                ("description", "ノートPC（職員の私物）"),
                ("ownership", "private"),
                ("tag_present", "no"),
            ],
        )
        .await;
    assert_eq!(private.status, StatusCode::SEE_OTHER, "{}", private.body);
    let empty = app
        .post(
            Some(&manager),
            "/stocktakes/ST-2026-LIB/scans",
            &[("csrf_token", &manager.csrf), ("scan_id", "form-empty")],
        )
        .await;
    assert!(
        empty.body.contains("何かを入力してください"),
        "{}",
        empty.body
    );
    let page = app.get(Some(&manager), "/stocktakes/ST-2026-LIB").await;
    assert!(
        page.body
            .contains(&format!("確認済み</th><td>1</td><td>{tag}（")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("二度読み取ったもの</th><td>0</td>"),
        "the form sent twice is one scan"
    );
    assert!(page.body.contains("ノートPC（職員の私物）"));

    // A viewer reads it but records nothing; another tenant does not find it.
    let viewer = app.login("viewer").await;
    let read = app.get(Some(&viewer), "/stocktakes/ST-2026-LIB").await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("確認したものを記録する"));
    let refused = app
        .post(
            Some(&viewer),
            "/stocktakes/ST-2026-LIB/scans",
            &[
                ("csrf_token", &viewer.csrf),
                ("scan_id", "v1"),
                ("asset_tag", &tag),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = app.login("okayama-admin").await;
    let hidden_page = app.get(Some(&other), "/stocktakes/ST-2026-LIB").await;
    assert_eq!(hidden_page.status, StatusCode::NOT_FOUND);

    let done = app
        .post(
            Some(&manager),
            "/stocktakes/ST-2026-LIB/complete",
            &[("csrf_token", &manager.csrf), ("done_on", "2026-12-04")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = app.get(Some(&manager), "/stocktakes/ST-2026-LIB").await;
    assert!(page.body.contains("完了しました"), "{}", page.body);
    assert!(!page.body.contains("確認したものを記録する"));
    // The private PC found without a tag is registered from the result: the asset form
    // comes filled with what the finder wrote.
    let link = page
        .body
        .split("href=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|href| href.starts_with("/assets/new?"))
        .expect("a register link")
        // As the browser reads the attribute.
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let form = app.get(Some(&manager), &link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("value=\"ノートPC（職員の私物）\""),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("棚卸 ST-2026-LIB で発見"),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("value=\"private\" selected"),
        "{}",
        form.body
    );
    let list = app.get(Some(&manager), "/stocktakes").await;
    assert!(list.body.contains("ST-2026-LIB") && list.body.contains("完了"));
    // The sightings are the library's: the rules read them (password note on the tag).
    let sightings = app
        .db
        .ledger_rows(
            &daicho_store::Scope::tenant(app.demo.id),
            daicho_store::ledgers::ledger("sightings").expect("ledger"),
        )
        .await
        .expect("rows");
    assert!(
        sightings
            .iter()
            .any(|r| r[0] == "ST-2026-LIB" && r.contains(&tag)),
        "{sightings:?}"
    );
}

/// A thing found without a tag is recorded with its kind and a photo (the page's form is
/// multipart); the photo comes back as an image to whoever sees the stocktake and to no
/// one else; a file that is not an image, or one over 2 MB, is refused in Japanese and
/// nothing is kept. A tag found in another room names the room on the result.
#[tokio::test]
async fn a_thing_without_a_tag_is_recorded_with_its_photo_and_a_moved_one_with_its_room() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    app.plan_library_stocktake(&policy, "ST-PHOTO").await;
    let manager = app.login("manager").await;
    let page = app.get(Some(&manager), "/stocktakes/ST-PHOTO").await;
    assert!(
        page.body
            .contains("<option value=\"monitor\">モニター</option>")
    );
    let room = page
        .body
        .split("id=\"s-room\"")
        .nth(1)
        .and_then(|rest| rest.split("<option value=\"").nth(2))
        .and_then(|rest| rest.split('"').next())
        .expect("a room to choose")
        .to_string();
    let tag = first_missing(&page.body);
    let path = "/stocktakes/ST-PHOTO/scans";
    let csrf = manager.csrf.as_str();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 100][..]].concat();
    let thing = [
        ("csrf_token", csrf),
        ("scan_id", "form-monitor"),
        ("description", "寄付されたモニター"),
        ("kind", "monitor"),
        ("ownership", "donated"),
    ];
    for (bytes, says) in [
        (
            b"<html><script>alert(1)</script></html>".to_vec(),
            "JPEG・PNG・WebP",
        ),
        (
            [&png[..], &vec![0u8; daicho_store::MAX_PHOTO_BYTES][..]].concat(),
            "2 MB まで",
        ),
    ] {
        let refused = app
            .post_multipart(
                &manager.cookie,
                path,
                &thing,
                Some(("photo", "x.png", &bytes)),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(says), "{}", refused.body);
    }
    let sent = app
        .post_multipart(
            &manager.cookie,
            path,
            &thing,
            Some(("photo", "monitor.png", &png)),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let moved = app
        .post_multipart(
            &manager.cookie,
            path,
            &[
                ("csrf_token", csrf),
                ("scan_id", "form-moved"),
                ("asset_tag", &tag),
                ("found_at", &room),
                ("in_use", "no"),
            ],
            None,
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    // Without the token first, nothing is read.
    let forged = app
        .post_multipart(
            &manager.cookie,
            path,
            &[("scan_id", "forged"), ("csrf_token", csrf)],
            Some(("photo", "p.png", &png)),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let page = app.get(Some(&manager), "/stocktakes/ST-PHOTO").await;
    assert!(
        page.body.contains("寄付されたモニター（モニター）"),
        "{}",
        page.body
    );
    // The library's machines stand in several rooms: the progress is shown per room.
    let rooms = page
        .body
        .split("部屋ごとの進み具合（台帳の設置場所）")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("progress per room");
    assert!(rooms.matches("<th scope=\"row\">").count() > 1, "{rooms}");
    let photo_link = "/stocktakes/ST-PHOTO/photos/form-monitor";
    assert!(page.body.contains(photo_link), "{}", page.body);
    assert!(
        page.body.contains(&format!("{tag}（")) && page.body.contains("で確認）"),
        "the moved tag names the room it was found in: {}",
        page.body
    );
    let photo = app.get(Some(&manager), photo_link).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.content_type, "image/png");
    assert_eq!(photo.bytes, png);
    let other = app.login("okayama-admin").await;
    assert_eq!(
        app.get(Some(&other), photo_link).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(None, photo_link).await.status,
        StatusCode::SEE_OTHER,
        "no photo without a login"
    );
}
