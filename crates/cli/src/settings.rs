//! Where the data lives: the database URL from `--database`/`DAICHO_DATABASE_URL`, or the
//! SQLite file inside `--data-dir` (created on first use).

use crate::Cli;
use anyhow::Context;
use daicho_store::Db;

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
}

impl Settings {
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Self> {
        let database_url = match &cli.database {
            Some(url) if !url.trim().is_empty() => url.trim().to_string(),
            _ => {
                // Owner-only: the database in it holds a city's weak spots and password hashes.
                daicho_store::private::dir(&cli.data_dir).with_context(|| {
                    format!(
                        "データ保存先フォルダ {} を作成できません",
                        cli.data_dir.display()
                    )
                })?;
                format!(
                    "sqlite://{}?mode=rwc",
                    cli.data_dir.join("daicho.db").display()
                )
            }
        };
        Ok(Settings { database_url })
    }

    /// Opens the database and applies pending migrations.
    pub async fn open(&self) -> anyhow::Result<Db> {
        Ok(Db::open(&self.database_url).await?)
    }
}
