//! The stocktake in the field, in Chromium on a phone: the fake camera plays a label's QR
//! code, the network goes and comes back, and the whole walk from the plan to the rules.

use super::{Session, find_shown, log_in, wait_for_notice, wait_for_url};
use crate::app::TestApp;
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

/// A camera's picture of a label: the QR code of `tag` on white, as a Y4M video Chromium's
/// fake camera plays in a loop.
fn label_video(path: &std::path::Path, tag: &str) {
    let code = qrcode::QrCode::with_error_correction_level(tag.as_bytes(), qrcode::EcLevel::M)
        .expect("qr");
    let n = code.width();
    let colors = code.to_colors();
    let (w, h, module) = (640usize, 480usize, 8usize);
    let side = (n + 8) * module;
    let (x0, y0) = ((w - side) / 2, (h - side) / 2);
    let mut luma = vec![235u8; w * h];
    for y in 0..n {
        for x in 0..n {
            if colors[y * n + x] != qrcode::Color::Dark {
                continue;
            }
            for dy in 0..module {
                for dx in 0..module {
                    let (px, py) = (x0 + (x + 4) * module + dx, y0 + (y + 4) * module + dy);
                    luma[py * w + px] = 16;
                }
            }
        }
    }
    let mut video = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..5 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&luma);
        video.extend(std::iter::repeat_n(128u8, w * h / 2));
    }
    std::fs::write(path, video).expect("video written");
}

/// A photo as a phone's file picker gives one: a 64×48 BMP (drawn here, no encoder needed).
fn photo_file(path: &std::path::Path) {
    let (w, h) = (64u32, 48u32);
    let row = (w * 3).div_ceil(4) * 4;
    let size = 54 + row * h;
    let mut bmp = Vec::with_capacity(size as usize);
    bmp.extend_from_slice(b"BM");
    for v in [size, 0, 54, 40] {
        bmp.extend_from_slice(&v.to_le_bytes());
    }
    bmp.extend_from_slice(&(w as i32).to_le_bytes());
    bmp.extend_from_slice(&(h as i32).to_le_bytes());
    bmp.extend_from_slice(&1u16.to_le_bytes());
    bmp.extend_from_slice(&24u16.to_le_bytes());
    for v in [0u32, row * h, 2835, 2835, 0, 0] {
        bmp.extend_from_slice(&v.to_le_bytes());
    }
    for y in 0..h {
        for x in 0..w {
            bmp.extend_from_slice(&[(x * 4) as u8, (y * 5) as u8, 200]);
        }
        bmp.resize(bmp.len() + (row - w * 3) as usize, 0);
    }
    std::fs::write(path, bmp).expect("photo written");
}

/// The whole stocktake walk on a phone, in Chromium. The library's manager plans a
/// stocktake on its page and opens the scanning page, which keeps itself on the device;
/// the fake camera reads a label's QR code (no wire lock on that machine). The network
/// goes — the page reloads from the device; a tag typed (a password note on it) and a
/// private laptop found without a tag, with its photo, wait there. The network comes
/// back: each reaches daicho once. The manager completes the stocktake, and the findings
/// show the rules deciding from it: the wire lock, the password note, the private laptop,
/// and the machines not found.
#[tokio::test]
async fn the_whole_stocktake_walk_in_chromium() {
    let app = TestApp::new().await;
    // The library's machines, as a plan lists them (a plan made here to know them first:
    // the camera's picture is chosen before the browser starts).
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let actor = daicho_store::Actor::system("test");
    let plan = daicho_store::NewStocktake {
        stocktake_id: "ST-LIST".into(),
        department: "080500".into(),
        location: None,
        assignee: None,
        due_on: None,
    };
    app.db
        .plan_stocktake(&scope, &actor, &plan)
        .await
        .expect("list");
    let expected = app
        .db
        .stocktake_work(&scope, "ST-LIST")
        .await
        .expect("work")
        .expected;
    assert!(expected.len() >= 3, "{expected:?}");
    let (camera_tag, typed_tag) = (expected[0].tag.clone(), expected[1].tag.clone());
    let dir = tempfile::tempdir().expect("dir");
    let video = dir.path().join("label.y4m");
    label_video(&video, &camera_tag);
    let photo = dir.path().join("laptop.bmp");
    photo_file(&photo);
    let extra = [
        "--use-fake-device-for-media-stream".to_string(),
        "--use-fake-ui-for-media-stream".to_string(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ];
    let Some(session) = Session::open_behind_door(&app, "390,844", &extra).await else {
        return;
    };
    let walked = walk(&session, &app, &camera_tag, &typed_tag, &photo).await;
    session.close().await;
    let findings = walked.expect("the walk in the browser");
    let work = app
        .db
        .stocktake_work(&scope, "ST-WALK")
        .await
        .expect("work");
    assert!(work.complete);
    assert_eq!(
        work.expected, expected,
        "the plan lists the library's machines"
    );
    for what in [camera_tag.as_str(), typed_tag.as_str(), LAPTOP] {
        assert_eq!(scans_of(&app, "ST-WALK", what).await, 1, "{what} once");
    }
    let laptop = work
        .scans
        .iter()
        .find(|s| s.description.as_deref() == Some(LAPTOP))
        .expect("the laptop");
    assert_eq!(
        (laptop.kind.as_deref(), laptop.ownership.as_deref()),
        (Some("laptop"), Some("private"))
    );
    let (kind, bytes) = app
        .db
        .scan_photo(&scope, "ST-WALK", &laptop.scan_id)
        .await
        .expect("its photo");
    assert_eq!(kind, "image/jpeg", "scaled on the phone as a JPEG");
    assert!(bytes.len() > 100);
    let [wire_lock, password_note, private, missing] = findings;
    assert!(wire_lock.contains(&camera_tag), "{wire_lock}");
    assert!(!wire_lock.contains(&typed_tag), "{wire_lock}");
    assert!(password_note.contains(&typed_tag), "{password_note}");
    assert!(private.contains("ST-WALK#"), "{private}");
    assert!(missing.contains(&expected[2].tag), "{missing}");
    assert!(!missing.contains(&camera_tag), "{missing}");
}

const LAPTOP: &str = "職員の私物のノートPC";

/// The walk in the browser; returns the findings page's text for wire-lock-missing,
/// password-note, private-device-unapproved and missing-asset.
async fn walk(
    session: &Session,
    app: &TestApp,
    camera_tag: &str,
    typed_tag: &str,
    photo: &std::path::Path,
) -> WebDriverResult<[String; 4]> {
    let browser = &session.browser;
    let base = session.base();
    browser.goto(format!("{base}/stocktakes")).await?;
    log_in(browser, "manager").await?;
    wait_for_url(browser, "/stocktakes").await?;
    browser
        .find(By::Id("p-id"))
        .await?
        .send_keys("ST-WALK")
        .await?;
    SelectElement::new(&browser.find(By::Id("p-department")).await?)
        .await?
        .select_by_value("080500")
        .await?;
    browser
        .find(By::Css("form[action='/stocktakes'] button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_url(browser, "/stocktakes/ST-WALK").await?;
    browser
        .find(By::Css("a[href$='/stocktakes/ST-WALK/scan']"))
        .await?
        .click()
        .await?;
    wait_for_url(browser, "/stocktakes/ST-WALK/scan").await?;
    wait_for_text(browser, "offline-status", "端末に保存されました").await?;

    // The camera reads the first machine's label; no wire lock on it.
    browser
        .find(By::Css("#manual input[name=wire_lock][value=no]"))
        .await?
        .click()
        .await?;
    browser.find(By::Id("camera-start")).await?.click().await?;
    wait_for_scan(app, "ST-WALK", camera_tag).await;

    // No network: the page reloads from the device, and what is found waits there.
    session.set_online(false).await?;
    browser.refresh().await?;
    wait_for_text(browser, "scan-queue", "未送信はありません").await?;
    browser
        .find(By::Css("#manual input[name=password_note][value=yes]"))
        .await?
        .click()
        .await?;
    browser
        .find(By::Id("m-tag"))
        .await?
        .send_keys(typed_tag)
        .await?;
    browser
        .find(By::Css("#manual button[type=submit]"))
        .await?
        .click()
        .await?;
    browser
        .find(By::Id("u-description"))
        .await?
        .send_keys(LAPTOP)
        .await?;
    SelectElement::new(&browser.find(By::Id("u-kind")).await?)
        .await?
        .select_by_value("laptop")
        .await?;
    SelectElement::new(&browser.find(By::Id("u-ownership")).await?)
        .await?
        .select_by_value("private")
        .await?;
    browser
        .find(By::Id("u-photo"))
        .await?
        .send_keys(photo.display().to_string())
        .await?;
    browser
        .find(By::Css("#untagged button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_text(browser, "scan-queue", "未送信 2 件").await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        scans_of(app, "ST-WALK", typed_tag).await + scans_of(app, "ST-WALK", LAPTOP).await,
        0,
        "nothing reached daicho offline"
    );

    // The network is back: the queue goes, each once.
    session.set_online(true).await?;
    wait_for_scan(app, "ST-WALK", LAPTOP).await;
    wait_for_text(browser, "scan-queue", "未送信はありません").await?;

    browser.goto(format!("{base}/stocktakes/ST-WALK")).await?;
    find_shown(browser, "form[action$='/complete'] button[type=submit]")
        .await?
        .click()
        .await?;
    wait_for_notice(browser, "完了しました").await?;
    // As of today, the day the stocktake was done (the demo's screens open on its audit day).
    let today = daicho_store::today();
    let mut pages = Vec::new();
    for rule in [
        "wire-lock-missing",
        "password-note",
        "private-device-unapproved",
        "missing-asset",
    ] {
        browser
            .goto(format!("{base}/findings?rule={rule}&as_of={today}"))
            .await?;
        pages.push(browser.find(By::Tag("main")).await?.text().await?);
    }
    Ok(pages.try_into().expect("four pages"))
}

/// How many scans of stocktake `id` the server holds of `tag` (a tag, or the description
/// of a thing without one).
async fn scans_of(app: &TestApp, id: &str, tag: &str) -> usize {
    let scope = daicho_store::Scope::tenant(app.demo.id);
    let work = app.db.stocktake_work(&scope, id).await.expect("work");
    work.scans
        .iter()
        .filter(|s| s.tag.as_deref() == Some(tag) || s.description.as_deref() == Some(tag))
        .count()
}

async fn wait_for_scan(app: &TestApp, id: &str, tag: &str) {
    for _ in 0..150 {
        if scans_of(app, id, tag).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{tag} was never recorded");
}

/// Waits until element `id` says `needle`; returns what it said.
async fn wait_for_text(browser: &WebDriver, id: &str, needle: &str) -> WebDriverResult<String> {
    let mut said = String::new();
    for _ in 0..100 {
        if let Ok(element) = browser.find(By::Id(id)).await
            && let Ok(text) = element.text().await
        {
            if text.contains(needle) {
                return Ok(text);
            }
            said = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("#{id} never said {needle}: {said}");
}
