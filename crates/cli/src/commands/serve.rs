//! `daicho serve [--bind ADDR] [--demo]`

use crate::settings::Settings;
use anyhow::Context;
use clap::Args;
use daicho_domain::Role;
use daicho_store::{Db, NewUser};
use daicho_web::AppState;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 待ち受けアドレス / address to listen on
    #[arg(long, env = "DAICHO_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// デモ団体「サンプル市」を読み込み、役割ごとのデモユーザーを作成して表示する
    #[arg(long)]
    pub demo: bool,
    /// Cookie に Secure を付けない（TLS なしのイントラネット用） / plain-HTTP intranet only
    #[arg(long, env = "DAICHO_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// 操作のないログインを終了するまでの分数 / minutes without a request before a session ends
    #[arg(long, env = "DAICHO_IDLE_MINUTES", default_value_t = daicho_store::IDLE_MINUTES,
          value_parser = clap::value_parser!(i64).range(1..=720))]
    pub idle_minutes: i64,
    /// 前段のリバースプロキシのアドレス（X-Forwarded-For を信頼する。カンマ区切り） / reverse proxies to trust
    #[arg(long, env = "DAICHO_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
}

/// On first start with no accounts, creates an administrator and prints its password once.
async fn first_admin(db: &Db) -> anyhow::Result<()> {
    if db.count_users().await? > 0 {
        return Ok(());
    }
    let tenants = db.tenants().await?;
    let tenant = tenants.first().context(
        "団体が登録されていません。`daicho tenant add 団体コード 団体名` で登録するか、`daicho serve --demo` でデモを起動してください",
    )?;
    let password = daicho_store::random_password()?;
    db.create_user(&NewUser {
        tenant_id: tenant.id,
        username: "admin".into(),
        display_name: "管理者".into(),
        role: Role::Admin,
        password: password.clone(),
        departments: Vec::new(),
        must_change_password: true,
    })
    .await?;
    println!("管理者ユーザーを作成しました（{}）", tenant.name);
    println!("  ユーザー名: admin");
    println!("  初期パスワード: {password}");
    println!("  （一度だけ表示します。初回ログイン時に新しいパスワードの設定を求めます）");
    Ok(())
}

pub async fn run(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let db = settings.open().await?;
    if !db.word_index_reads_japanese().await? {
        tracing::warn!(
            "the database's LC_CTYPE is not a UTF-8 locale: pg_trgm cannot index Japanese, and a ledger search in Japanese reads every row (create the database with LC_CTYPE 'C.UTF-8'; README)"
        );
    }
    // Uploads, unpacked bundles and audit copies that a crashed server left behind.
    let stale = daicho_web::uploads::remove_stale();
    if stale > 0 {
        tracing::info!(stale, "removed working folders left by earlier runs");
    }
    if args.demo {
        let tenant = crate::commands::demo::load(&db, 0).await?;
        println!("デモユーザー（パスワードは起動のたびに新しくなります）:");
        for (username, role, password) in daicho_demo::demo_users(&db, &tenant).await? {
            println!(
                "  {:<14} {:<22} パスワード: {password}",
                username,
                role.label_ja()
            );
        }
    }
    first_admin(&db).await?;
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("{} で待ち受けできません", args.bind))?;
    let address = listener.local_addr()?;
    println!(
        "daicho を起動しました: http://{address}/  （データベース: {}）",
        db.display_url()
    );
    println!("終了するには Ctrl+C を押してください");
    let state = AppState::new(
        db.clone(),
        daicho_web::Settings {
            secure_cookies: !args.insecure_cookies,
            idle: chrono::Duration::minutes(args.idle_minutes),
            trusted_proxies: args.trusted_proxy.clone(),
        },
    );
    daicho_web::launch(state, listener, shutdown_signal()).await?;
    db.close().await;
    println!("終了しました");
    Ok(())
}

/// Ctrl+C, or SIGTERM from a service manager: finish open requests, then stop.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
