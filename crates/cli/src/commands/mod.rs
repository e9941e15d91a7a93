//! One module per subcommand.

pub mod bench;
pub mod bench_import;
pub mod demo;
pub mod department;
pub mod export;
pub mod import;
pub mod serve;
pub mod tenant;
pub mod user;

use crate::settings::Settings;

/// `daicho migrate`
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = settings.open().await?;
    println!("スキーマは最新です（{}）", db.display_url());
    db.close().await;
    Ok(())
}
