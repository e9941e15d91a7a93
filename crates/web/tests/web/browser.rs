//! The main path in a real headless Chromium (Debian's chromium + chromedriver): log in,
//! open the ledger, filter it, open an asset and see its history. CI sets
//! DAICHO_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.

use crate::app::{PASSWORD, TestApp};
use daicho_web::{AppState, Settings};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

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

#[tokio::test]
async fn login_ledger_filter_and_detail_in_chromium() {
    let Some(driver_path) = chromedriver() else {
        assert!(
            std::env::var_os("DAICHO_REQUIRE_BROWSER").is_none(),
            "chromedriver is required (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: chromedriver not installed");
        return;
    };
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let state = AppState::new(app.db.db.clone(), Settings::default());
    let server = tokio::spawn(daicho_web::launch(state, listener, std::future::pending()));

    let driver_port = free_port();
    let _driver = Driver(
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
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ] {
        caps.add_arg(arg).expect("arg");
    }
    if std::path::Path::new("/usr/bin/chromium").exists() {
        caps.set_binary("/usr/bin/chromium").expect("binary");
    }
    let browser = WebDriver::new(format!("http://127.0.0.1:{driver_port}"), caps)
        .await
        .expect("browser session");
    let result = walk(&browser, port).await;
    let _ = browser.quit().await;
    server.abort();
    result.expect("browser walk");
}

async fn walk(browser: &WebDriver, port: u16) -> WebDriverResult<()> {
    // localhost, not 127.0.0.1: browsers accept Secure cookies from http://localhost.
    let base = format!("http://localhost:{port}");
    browser.goto(format!("{base}/assets")).await?;
    assert!(
        browser.current_url().await?.as_str().contains("/login"),
        "the ledger asks for a login first"
    );
    browser
        .find(By::Id("username"))
        .await?
        .send_keys("policy")
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
        .await?;
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
    Ok(())
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
