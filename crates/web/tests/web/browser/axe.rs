//! Accessibility as far as a machine can check: axe-core in Chromium on the public pages
//! (JIS X 8341-3:2016 AA) and the pages 情報政策課 works in.

use super::{Session, log_in, wait_for_url};
use crate::app::TestApp;
use thirtyfour::prelude::*;

/// axe-core, vendored (crates/web/tests/vendor/axe-core, MPL-2.0), run inside the page.
const AXE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// The public pages (公表) meet JIS X 8341-3:2016 level AA as far as a machine can check:
/// axe-core's WCAG 2.0/2.1 A and AA rules find nothing, in Chromium, on each page.
#[tokio::test]
async fn the_public_pages_pass_axe_core_in_chromium() {
    let app = TestApp::new().await;
    daicho_demo::record_external_audit_items(&app.db, &app.demo)
        .await
        .expect("recorded");
    let policy = app.login("policy").await;
    for kind in ["audit", "measures"] {
        let preview = app
            .get(
                Some(&policy),
                &format!("/audits/EX-2023/publish?kind={kind}"),
            )
            .await;
        let digest = crate::app::hidden(&preview.body, "digest").expect("digest");
        let published = app
            .post(
                Some(&policy),
                "/audits/EX-2023/publish",
                &[
                    ("csrf_token", &policy.csrf),
                    ("kind", kind),
                    ("digest", &digest),
                ],
            )
            .await;
        assert_eq!(published.status.as_u16(), 303, "{}", published.body);
    }
    let text = "1 目的\n本市が保有する情報資産の機密性、完全性及び可用性を維持する。";
    let form = [
        ("csrf_token", policy.csrf.as_str()),
        ("document", "basic_policy"),
        ("text", text),
        ("action", "preview"),
    ];
    let preview = app.post(Some(&policy), "/publications/policy", &form).await;
    let digest = crate::app::hidden(&preview.body, "digest").expect("digest");
    let mut form = form.to_vec();
    form[3] = ("action", "publish");
    form.push(("digest", &digest));
    let published = app.post(Some(&policy), "/publications/policy", &form).await;
    assert_eq!(published.status.as_u16(), 303, "{}", published.body);

    let code = app.demo.code.as_str().to_string();
    let pages = [
        format!("/public/{code}"),
        format!("/public/{code}/audit/EX-2023"),
        format!("/public/{code}/measures/EX-2023"),
        format!("/public/{code}/policy/basic_policy"),
        "/welcome".to_string(),
    ];
    // On a desk and on a phone, where wide tables scroll in their frame.
    for size in ["1280,900", "390,844"] {
        let Some(session) = Session::open(&app, size).await else {
            return;
        };
        let result = axe_pages(&session.browser, &session.base(), &pages).await;
        session.close().await;
        let found = result.expect("axe in the browser");
        assert!(found.is_empty(), "{size}: axe-core found: {found:#?}");
    }
}

/// Runs axe-core on each page; returns what it found, page by page.
async fn axe_pages(
    browser: &WebDriver,
    base: &str,
    pages: &[String],
) -> WebDriverResult<Vec<String>> {
    let mut found = Vec::new();
    for page in pages {
        browser.goto(format!("{base}{page}")).await?;
        let title = browser.title().await?;
        assert!(!title.contains("見つかりません"), "{page}: {title}");
        browser.execute(AXE, Vec::new()).await?;
        let result = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { runOnly: { type: 'tag', values: \
                   ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
                   .then(r => done([r.passes.length, r.violations.map(v => v.id + ': ' + \
                     v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))]))\
                   .catch(e => done([0, ['axe failed: ' + e]]));",
                Vec::new(),
            )
            .await?;
        let (passes, violations): (u32, Vec<String>) = result.convert()?;
        // A run that checked nothing would pass anything.
        assert!(passes > 5, "{page}: axe checked only {passes} rules");
        found.extend(violations.into_iter().map(|v| format!("{page}: {v}")));
    }
    Ok(found)
}

/// The signed-in screens too (issue 17): axe-core's WCAG 2.0/2.1 A and AA rules find
/// nothing on the pages 情報政策課 works in.
#[tokio::test]
async fn the_signed_in_pages_pass_axe_core_in_chromium() {
    let app = TestApp::new().await;
    let policy = app.login("policy").await;
    app.plan_library_stocktake(&policy, "ST-AXE").await;
    app.db
        .link_user_to_staff("staff", daicho_demo::DEMO_STAFF)
        .await
        .expect("the staff account is a person of the staff ledger");
    app.db
        .set_directory(
            &daicho_store::Actor::system("test"),
            &daicho_directory::testing::city_directory(app.demo.id, "ldaps://dc01.city.example"),
        )
        .await
        .expect("directory");
    let Some(session) = Session::open(&app, "1280,900").await else {
        return;
    };
    let base = session.base();
    let result = async {
        session.browser.goto(format!("{base}/dashboard")).await?;
        log_in(&session.browser, "policy").await?;
        wait_for_url(&session.browser, "/dashboard").await?;
        let pages: Vec<String> = [
            "/dashboard",
            "/assets",
            "/departments",
            "/ledgers",
            "/ledgers/contracts",
            "/findings",
            "/rules",
            "/self-check",
            "/training",
            "/import",
            "/audits",
            "/audits/EX-2023",
            "/audits/EX-2023/report",
            "/audits/EX-2023/survey/010100",
            "/measures",
            "/horizontal",
            "/audit-plan",
            "/publications",
            "/publications/policy?document=basic_policy",
            "/stocktakes",
            "/stocktakes/ST-AXE",
            "/stocktakes/ST-AXE/scan",
            "/disposals",
            "/inventory",
            "/account/password",
            "/account/two-factor",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let mut found = axe_pages(&session.browser, &base, &pages).await?;
        // The administrator's pages, the directory's with its settings saved.
        for (user, pages) in [
            ("admin", &["/users", "/users/directory"][..]),
            ("staff", &["/my"][..]),
        ] {
            session.browser.delete_all_cookies().await?;
            session.browser.goto(format!("{base}/login")).await?;
            log_in(&session.browser, user).await?;
            wait_for_url(
                &session.browser,
                if user == "staff" { "/my" } else { "/dashboard" },
            )
            .await?;
            let pages: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
            found.extend(axe_pages(&session.browser, &base, &pages).await?);
        }
        WebDriverResult::Ok(found)
    }
    .await;
    session.close().await;
    let found = result.expect("axe in the browser");
    assert!(found.is_empty(), "axe-core found: {found:#?}");
}
