//! The pages on a phone and on a tablet held upright: they fit, the header stays small,
//! and no department's code stands without its name.

use super::{Session, log_in, wait_for_url};
use crate::app::TestApp;
use thirtyfour::prelude::*;

/// On a phone (390 px), the pages people use fit the screen: nothing wider than the
/// window (wide tables scroll inside their frame), and the header leaves room for the page.
#[tokio::test]
async fn pages_fit_a_phone_and_a_tablet_in_chromium() {
    let app = TestApp::new().await;
    // Every department code with its name: a code on screen must come with its name.
    let names: serde_json::Map<String, serde_json::Value> = app
        .db
        .departments(&daicho_store::Scope::tenant(app.demo.id))
        .await
        .expect("departments")
        .into_iter()
        .map(|d| (d.code, serde_json::Value::String(d.name)))
        .collect();
    for (size, device) in [("390,844", "phone"), ("768,1024", "tablet")] {
        let Some(session) = Session::open(&app, size).await else {
            return;
        };
        let result = fit_phone(&session.browser, &session.base(), device, &names).await;
        session.close().await;
        result.unwrap_or_else(|e| panic!("pages on a {device}: {e}"));
    }
}

/// Each page on `device`: as wide as the window at most, a compact header, nothing past
/// its box, and no department code without its name (`names`: code → name).
async fn fit_phone(
    browser: &WebDriver,
    base: &str,
    device: &str,
    names: &serde_json::Map<String, serde_json::Value>,
) -> WebDriverResult<()> {
    browser.goto(format!("{base}/dashboard")).await?;
    log_in(browser, "policy").await?;
    wait_for_url(browser, "/dashboard").await?;
    for path in [
        "/dashboard",
        "/assets",
        "/departments",
        "/ledgers/contracts",
        "/findings",
        "/rules",
        "/training",
        "/audits",
        "/audits/EX-2023",
        "/audits/EX-2023/survey/010100",
        "/measures",
        "/horizontal",
        "/audit-plan",
        "/stocktakes",
        "/ledgers/locations",
        "/ledgers/media",
        "/ledgers/staff",
        "/ledgers/systems",
        "/ledgers/training_counts",
        "/ledgers/audit_visits",
        "/waivers",
        "/disposals",
        "/publications",
    ] {
        browser.goto(format!("{base}{path}")).await?;
        browser.find(By::Css("main h1")).await?;
        let measured = browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 document.querySelector('header.site').getBoundingClientRect().height];",
                Vec::new(),
            )
            .await?;
        let [page, window, header]: [f64; 3] = measured.convert()?;
        // Kept for a person to look at (CI keeps the target folder's screenshots).
        let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        if std::fs::create_dir_all(&shots).is_ok() {
            let name = format!("{device}{}.png", path.replace('/', "-"));
            browser.screenshot(&shots.join(name)).await?;
        }
        assert!(
            page <= window,
            "{path}: the page is {page} px wide in a {window} px window"
        );
        assert!(header <= 150.0, "{path}: the header takes {header} px");
        // Nor any element past the window's edge or out of its box (but inside what
        // scrolls on purpose).
        let wide = browser
            .execute(
                "const right = e => e.getBoundingClientRect().right; \
                 const over = Array.from(document.querySelectorAll('body *')).find(e => { \
                   if (e.closest('.table-wrap, header nav')) return false; \
                   const box = e.parentElement.closest('.filters, .card'); \
                   return right(e) > window.innerWidth + 1 || (box && right(e) > right(box) + 1); }); \
                 return over ? over.tagName + '#' + over.id + '.' + over.className : '';",
                Vec::new(),
            )
            .await?;
        let wide: String = wide.convert()?;
        assert!(
            wide.is_empty(),
            "{path}: {wide} runs past the window or its box"
        );
        // A department's code alone (not inside an asset tag such as 080500-S001) is shown
        // only beside its name.
        let bare = browser
            .execute(
                "const names = arguments[0]; const bad = []; \
                 const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT); \
                 for (let n = walk.nextNode(); n; n = walk.nextNode()) { \
                   for (const m of n.textContent.matchAll(/(?<![\\w-])(\\d{6})(?![\\w-])/g)) { \
                     const name = names[m[1]]; if (!name) continue; \
                     const item = n.parentElement.closest('li, tr, p, dd, option, label, h1, h2, h3, summary, caption, div'); \
                     if (!item || !item.textContent.includes(name)) bad.push(n.textContent.trim()); } } \
                 return bad.slice(0, 5).join(' | ');",
                vec![serde_json::Value::Object(names.clone())],
            )
            .await?;
        let bare: String = bare.convert()?;
        assert!(
            bare.is_empty(),
            "{path}: a department code without its name: {bare}"
        );
    }
    Ok(())
}
