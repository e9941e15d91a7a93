//! `daicho bench web --url URL --username U --password P`: load on a running `daicho serve`
//! (started on its own, as users meet it): each page first by one user at a time (the
//! baseline), then by `--users` at once; p50, p95 and errors of each, and their ratio.

use clap::Args;
use reqwest::header::{COOKIE, SET_COOKIE};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct WebBenchArgs {
    /// 起動中の daicho の URL / the running server
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    #[arg(long)]
    pub username: String,
    /// パスワード（省略時は DAICHO_BENCH_PASSWORD） / password (or DAICHO_BENCH_PASSWORD)
    #[arg(long, env = "DAICHO_BENCH_PASSWORD")]
    pub password: String,
    /// 同時に使う人数 / concurrent users
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// 各ページの同時アクセスでの要求数 / requests per page under load
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// 一人ずつの基準の要求数 / requests per page for the single-user baseline
    #[arg(long, default_value_t = 10)]
    pub baseline: usize,
    /// 測るページ / pages to measure
    #[arg(long, value_delimiter = ',', default_value = "/assets,/findings")]
    pub paths: Vec<String>,
}

/// The value of a cookie set by a response.
fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next()?.strip_prefix(&format!("{name}=")))
        .map(str::to_string)
}

/// Logs in as a browser does; returns the session cookie.
pub(crate) async fn log_in(
    client: &reqwest::Client,
    url: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let form = client.get(format!("{url}/login")).send().await?;
    let csrf = cookie_of(&form, "daicho_login_csrf")
        .ok_or_else(|| anyhow::anyhow!("ログイン画面から CSRF トークンを得られません"))?;
    let done = client
        .post(format!("{url}/login"))
        .header(COOKIE, format!("daicho_login_csrf={csrf}"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", "/dashboard"),
        ])
        .send()
        .await?;
    cookie_of(&done, "daicho_session").ok_or_else(|| {
        anyhow::anyhow!(
            "ログインできません（HTTP {}）。ユーザー名とパスワードを確かめてください",
            done.status()
        )
    })
}

/// One request: its time, or None for an error (not 200).
pub(crate) async fn fetch(client: &reqwest::Client, url: &str, session: &str) -> Option<Duration> {
    let started = Instant::now();
    let response = client
        .get(url)
        .header(COOKIE, format!("daicho_session={session}"))
        .send()
        .await
        .ok()?;
    let ok = response.status().is_success();
    response.bytes().await.ok()?;
    ok.then(|| started.elapsed())
}

struct Stats {
    p50: Duration,
    p95: Duration,
    done: usize,
    errors: usize,
}

fn stats(mut times: Vec<Duration>, errors: usize) -> Stats {
    Stats {
        p50: super::bench::percentile(&mut times, 0.5),
        p95: super::bench::percentile(&mut times, 0.95),
        done: times.len(),
        errors,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(args: WebBenchArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .pool_max_idle_per_host(args.users)
        .build()?;
    let session = log_in(&client, &args.url, &args.username, &args.password).await?;
    println!(
        "server: {}, users: {}, requests per page under load: {}",
        args.url, args.users, args.requests
    );
    for path in &args.paths {
        let url = format!("{}{path}", args.url);
        // The first request may start work the rest reuse (an audit): not counted.
        fetch(&client, &url, &session).await;
        let mut alone = Vec::new();
        let mut alone_errors = 0;
        for _ in 0..args.baseline {
            match fetch(&client, &url, &session).await {
                Some(t) => alone.push(t),
                None => alone_errors += 1,
            }
        }
        let baseline = stats(alone, alone_errors);
        let left = Arc::new(std::sync::atomic::AtomicUsize::new(args.requests));
        let mut tasks = Vec::new();
        for _ in 0..args.users {
            let (client, url, session, left) = (
                client.clone(),
                url.clone(),
                session.clone(),
                Arc::clone(&left),
            );
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                let mut errors = 0;
                while left
                    .fetch_update(
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                        |n| n.checked_sub(1),
                    )
                    .is_ok()
                {
                    match fetch(&client, &url, &session).await {
                        Some(t) => times.push(t),
                        None => errors += 1,
                    }
                }
                (times, errors)
            }));
        }
        let started = Instant::now();
        let mut times = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (mut t, e) = t.await?;
            times.append(&mut t);
            errors += e;
        }
        let wall = started.elapsed();
        let load = stats(times, errors);
        println!("{path}");
        println!(
            "  {:<28} p50 {:>8}  p95 {:>8}  ({} ok, {} errors)",
            "one user at a time",
            ms(baseline.p50),
            ms(baseline.p95),
            baseline.done,
            baseline.errors
        );
        println!(
            "  {:<28} p50 {:>8}  p95 {:>8}  ({} ok, {} errors, {:.1} requests/s)",
            format!("{} users at once", args.users),
            ms(load.p50),
            ms(load.p95),
            load.done,
            load.errors,
            load.done as f64 / wall.as_secs_f64()
        );
        println!(
            "  {:<28} {:.2}",
            "ratio p95 load / alone",
            load.p95.as_secs_f64() / baseline.p95.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}
