//! The main path in a real headless Chromium (Debian's chromium + chromedriver): log in,
//! open the ledger, filter it, open an asset and see its history. CI sets
//! DAICHO_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.

use crate::app::{PASSWORD, TestApp};
use daicho_web::{AppState, Settings};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

mod axe;
mod fit;
mod stocktake;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

/// A door between the browser and daicho that a test can shut: shut, every connection
/// through it is cut and a new one is closed at once — the phone's network gone, for the
/// page and its service worker alike (DevTools' emulation reaches the page only).
struct Door {
    port: u16,
    open: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Door {
    async fn to(server: u16) -> Door {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listen");
        let port = listener.local_addr().expect("addr").port();
        let (open, watch) = tokio::sync::watch::channel(true);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*watch.borrow() {
                    continue;
                }
                let mut shut = watch.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", server)).await
                    else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = shut.wait_for(|open| !*open) => {}
                    }
                });
            }
        });
        Door { port, open, task }
    }

    fn set_open(&self, open: bool) {
        self.open.send_replace(open);
    }
}

/// A running daicho on a free port and a headless Chromium driving it.
struct Session {
    browser: WebDriver,
    port: u16,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// When the browser goes through a door (`open_behind_door`).
    door: Option<Door>,
    _driver: Driver,
}

impl Session {
    /// Starts the app and a browser with a window of `size` (`1280,900`); `None` when
    /// chromedriver is not installed and CI did not ask for it.
    async fn open(app: &TestApp, size: &str) -> Option<Session> {
        Session::open_with(app, size, &[]).await
    }

    /// Like [`Session::open`], with more Chromium switches (a fake camera).
    async fn open_with(app: &TestApp, size: &str, extra: &[String]) -> Option<Session> {
        let Some(driver_path) = chromedriver() else {
            assert!(
                std::env::var_os("DAICHO_REQUIRE_BROWSER").is_none(),
                "chromedriver is required (apt-get install chromium chromium-driver)"
            );
            eprintln!("skipped: chromedriver not installed");
            return None;
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listen");
        let port = listener.local_addr().expect("addr").port();
        let state = AppState::new(app.db.db.clone(), Settings::default());
        let server = tokio::spawn(daicho_web::launch(state, listener, std::future::pending()));

        let driver_port = free_port();
        let driver = Driver(
            Command::new(driver_path)
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", driver_port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = DesiredCapabilities::chrome();
        let window = format!("--window-size={size}");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            window.as_str(),
        ]
        .into_iter()
        .chain(extra.iter().map(String::as_str))
        {
            caps.add_arg(arg).expect("arg");
        }
        if std::path::Path::new("/usr/bin/chromium").exists() {
            caps.set_binary("/usr/bin/chromium").expect("binary");
        }
        let browser = WebDriver::new(format!("http://127.0.0.1:{driver_port}"), caps)
            .await
            .expect("browser session");
        // Headless Chromium keeps a window at least 500 px wide: a phone's width is set as
        // the device's, as the developer tools emulate it.
        let (width, height) = size.split_once(',').expect("WIDTH,HEIGHT");
        let width: u32 = width.parse().expect("width");
        if width < 500 {
            thirtyfour::extensions::cdp::ChromeDevTools::new(browser.handle.clone())
                .execute_cdp_with_params(
                    "Emulation.setDeviceMetricsOverride",
                    serde_json::json!({
                        "width": width,
                        "height": height.parse::<u32>().expect("height"),
                        "deviceScaleFactor": 2,
                        "mobile": true,
                    }),
                )
                .await
                .expect("phone metrics");
        }
        Some(Session {
            browser,
            port,
            server,
            door: None,
            _driver: driver,
        })
    }

    /// Like [`Session::open_with`], the browser reaching daicho through a [`Door`].
    async fn open_behind_door(app: &TestApp, size: &str, extra: &[String]) -> Option<Session> {
        let mut session = Session::open_with(app, size, extra).await?;
        session.door = Some(Door::to(session.port).await);
        Some(session)
    }

    /// localhost, not 127.0.0.1: browsers accept Secure cookies from http://localhost.
    fn base(&self) -> String {
        let port = self.door.as_ref().map_or(self.port, |d| d.port);
        format!("http://localhost:{port}")
    }

    /// Cuts the network (the door shut, and DevTools' emulation for the page's own
    /// `navigator.onLine`), or brings it back.
    async fn set_online(&self, online: bool) -> WebDriverResult<()> {
        if let Some(door) = &self.door {
            door.set_open(online);
        }
        let devtools =
            thirtyfour::extensions::cdp::ChromeDevTools::new(self.browser.handle.clone());
        devtools.execute_cdp("Network.enable").await?;
        devtools
            .execute_cdp_with_params(
                "Network.emulateNetworkConditions",
                serde_json::json!({
                    "offline": !online,
                    "latency": 0,
                    "downloadThroughput": -1,
                    "uploadThroughput": -1,
                }),
            )
            .await?;
        Ok(())
    }

    async fn close(self) {
        let _ = self.browser.quit().await;
        self.server.abort();
        if let Some(door) = self.door {
            door.task.abort();
        }
    }
}

/// Logs in through the form of the page the browser is on.
async fn log_in(browser: &WebDriver, username: &str) -> WebDriverResult<()> {
    browser
        .find(By::Id("username"))
        .await?
        .send_keys(username)
        .await?;
    browser
        .find(By::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    browser
        .find(By::Css("form button[type=submit]"))
        .await?
        .click()
        .await
}

#[tokio::test]
async fn login_ledger_filter_and_detail_in_chromium() {
    let app = TestApp::new().await;
    let Some(session) = Session::open(&app, "1280,900").await else {
        return;
    };
    let result = walk(&session.browser, &session.base()).await;
    session.close().await;
    result.expect("browser walk");
}

/// On a phone-sized window, a staff member answers this year's self-check; the
/// explanations follow, and the department's row appears in the report with its score.
#[tokio::test]
async fn a_staff_member_answers_the_self_check_on_a_phone_in_chromium() {
    let app = TestApp::new().await;
    app.db
        .link_user_to_staff("viewer", "080500-P003")
        .await
        .expect("link");
    let code = app.db.self_check_campaigns(app.demo.id).await.expect("q")[0]
        .campaign
        .clone();
    let bank = app
        .db
        .self_check_questions(app.demo.id, &code)
        .await
        .expect("bank");
    let Some(session) = Session::open(&app, "390,844").await else {
        return;
    };
    let result = answer_quiz(&session.browser, &session.base(), &code, &bank).await;
    session.close().await;
    result.expect("self-check in the browser");
}

/// On a tablet, the auditor drafts the external audit's items from the rules, confirms
/// one and opens the report: its stylesheet applies under the CSP, it fits the screen,
/// and the confirmed item is numbered as the report numbers it.
#[tokio::test]
async fn an_auditor_works_an_audit_on_a_tablet_in_chromium() {
    let app = TestApp::new().await;
    let Some(session) = Session::open(&app, "820,1180").await else {
        return;
    };
    let result = audit_on_tablet(&session.browser, &session.base()).await;
    session.close().await;
    result.expect("audit on a tablet");
}

async fn audit_on_tablet(browser: &WebDriver, base: &str) -> WebDriverResult<()> {
    browser.goto(format!("{base}/audits")).await?;
    log_in(browser, "auditor").await?;
    wait_for_url(browser, "/audits").await?;
    browser.find(By::LinkText("EX-2023")).await?.click().await?;
    wait_for_url(browser, "/audits/EX-2023").await?;
    browser
        .find(By::Css("button[value=draft]"))
        .await?
        .click()
        .await?;
    wait_for_notice(browser, "下書きを 70 件").await?;
    // The first draft of a department: 広報戦略課's long-term private PC.
    let row = browser
        .find(By::XPath("//tr[td[contains(., '広報戦略課')]]"))
        .await?;
    row.find(By::Css("button[value^=confirm]"))
        .await?
        .click()
        .await?;
    // The page behind the click still shows the draft's notice until the answer arrives.
    wait_for_notice(browser, "確定しました").await?;
    browser
        .goto(format!("{base}/audits/EX-2023/report"))
        .await?;
    let list = browser.find(By::Css("table.list")).await?.text().await?;
    assert!(list.contains("個1"), "{list}");
    let measured = browser
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth, \
             getComputedStyle(document.querySelector('table.counts')).borderCollapse];",
            Vec::new(),
        )
        .await?;
    let (page, window, collapse): (f64, f64, String) = measured.convert()?;
    assert!(
        page <= window,
        "the report is {page} px wide in {window} px"
    );
    assert_eq!(
        collapse, "collapse",
        "the report's stylesheet applies under the CSP"
    );
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    if std::fs::create_dir_all(&shots).is_ok() {
        browser
            .screenshot(&shots.join("tablet-audit-report.png"))
            .await?;
    }
    Ok(())
}

async fn answer_quiz(
    browser: &WebDriver,
    base: &str,
    code: &str,
    bank: &[daicho_store::Question],
) -> WebDriverResult<()> {
    browser.goto(format!("{base}/self-check/{code}")).await?;
    log_in(browser, "viewer").await?;
    wait_for_url(browser, &format!("/self-check/{code}")).await?;
    let before = browser.find(By::Id("departments")).await?.text().await?;
    assert!(!before.contains("中央図書館"), "{before}");

    browser.goto(format!("{base}/self-check")).await?;
    browser
        .find(By::LinkText("回答する"))
        .await?
        .click()
        .await?;
    wait_for_url(browser, "/answer").await?;
    // Every answer right but 5-5, where the person picks choice 2 (the answer is 1).
    for q in bank {
        let value = if q.question_id == "5-5" {
            "2"
        } else {
            q.answer.as_str()
        };
        let choice = browser
            .find(By::Css(format!(
                "fieldset[id='q-{}'] input[value='{}']",
                q.question_id, value
            )))
            .await?;
        choice.scroll_into_view().await?;
        // The label around the radio is the tap target.
        choice.find(By::XPath("..")).await?.click().await?;
    }
    browser
        .find(By::Css("form.quiz button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_url(browser, "/mine").await?;
    let lead = browser.find(By::Css("p.lead")).await?.text().await?;
    assert_eq!(lead, "31 問中 30 問正解でした。");
    let wrong = browser.find(By::Css(".answer.wrong")).await?.text().await?;
    assert!(wrong.contains("不正解"), "{wrong}");
    assert!(
        wrong.contains("外部の記録媒体は、定められた手順と端末で検査します。"),
        "{wrong}"
    );

    browser.goto(format!("{base}/self-check/{code}")).await?;
    let row = browser
        .find(By::XPath(
            "//table[@id='departments']//tr[th[contains(., '中央図書館')]]",
        ))
        .await?
        .text()
        .await?;
    // 技術的セキュリティ: 5 of 6 → 8.3; the others 10.0.
    assert!(row.contains("8.3"), "{row}");
    assert!(row.contains("10.0"), "{row}");
    Ok(())
}

async fn walk(browser: &WebDriver, base: &str) -> WebDriverResult<()> {
    browser.goto(format!("{base}/assets")).await?;
    assert!(
        browser.current_url().await?.as_str().contains("/login"),
        "the ledger asks for a login first"
    );
    log_in(browser, "policy").await?;
    wait_for_url(browser, "/assets").await?;
    browser.find(By::Css("table.ledger")).await?;
    assert!(
        browser.current_url().await?.as_str().ends_with("/assets"),
        "back where the user was going"
    );
    assert_eq!(browser.find(By::Css("h1")).await?.text().await?, "資産台帳");

    let kind = SelectElement::new(&browser.find(By::Id("f-kind")).await?).await?;
    kind.select_by_value("nas").await?;
    browser
        .find(By::Css(".filters button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_url(browser, "kind=nas").await?;
    let summary = browser.find(By::Css("p.summary")).await?.text().await?;
    assert!(summary.contains("2 件中"), "{summary}");
    let rows = browser.find_all(By::Css("table.ledger tbody tr")).await?;
    assert_eq!(rows.len(), 2);

    rows[0].find(By::Css("td a")).await?.click().await?;
    wait_for_url(browser, "/assets/").await?;
    let heading = browser.find(By::Css("h1")).await?.text().await?;
    assert!(heading.contains("NAS"), "{heading}");
    let history = browser
        .find(By::XPath(
            "//h2[text()='変更履歴']/following-sibling::div//tbody/tr",
        ))
        .await?
        .text()
        .await?;
    assert!(history.contains("登録"), "{history}");

    // The dashboard's bars are drawn to scale (a width in a style attribute was blocked
    // by the CSP, and every bar was full).
    browser.goto(format!("{base}/dashboard")).await?;
    let widths: Vec<f64> = browser
        .execute(
            "return Array.from(document.querySelectorAll('#facet-1 ~ table svg.bar rect')) \
               .map(r => r.getBoundingClientRect().width);",
            Vec::new(),
        )
        .await?
        .convert()?;
    let (widest, narrowest) = widths
        .iter()
        .fold((0.0f64, f64::MAX), |(w, n), x| (w.max(*x), n.min(*x)));
    assert!(widths.len() > 2, "{widths:?}");
    assert!(narrowest > 0.0 && widest > narrowest * 2.0, "{widths:?}");
    Ok(())
}

/// Waits for the page's notice to say `needle`: a form posted to the page it came from
/// does not change the URL, so the notice is what tells the answer has arrived.
async fn wait_for_notice(browser: &WebDriver, needle: &str) -> WebDriverResult<()> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Some(notice) = browser.find_all(By::Css("p.notice")).await?.first() {
            // The element may belong to the page being replaced.
            if let Ok(text) = notice.text().await {
                if text.contains(needle) {
                    return Ok(());
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never said {needle}; its notice: {last}");
}

/// Waits until the page shows an element matching `css` (a page still loading after a
/// navigation, a service worker's page giving way to the server's); if it never does, says
/// which page the browser was on and what it showed, so that a failure explains itself.
async fn find_shown(browser: &WebDriver, css: &str) -> WebDriverResult<WebElement> {
    for _ in 0..100 {
        if let Some(element) = browser.find_all(By::Css(css)).await?.into_iter().next() {
            return Ok(element);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = browser.current_url().await?;
    let title = browser.title().await.unwrap_or_default();
    let text = match browser.find(By::Tag("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    panic!("{css} never shown on {url} ({title}): {text}");
}

/// Waits until the page has navigated to a URL containing `part`.
async fn wait_for_url(browser: &WebDriver, part: &str) -> WebDriverResult<()> {
    for _ in 0..100 {
        if browser.current_url().await?.as_str().contains(part) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser did not reach a URL containing {part}");
}
