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

/// The key of the change history's chain: `DAICHO_HISTORY_KEY`, or `history.key` in the
/// data folder, made (owner-only, random) on first use. It is kept outside the database, so
/// that whoever can write the database cannot rewrite the history to fit.
fn history_key(cli: &Cli) -> anyhow::Result<Vec<u8>> {
    if let Ok(key) = std::env::var("DAICHO_HISTORY_KEY")
        && !key.trim().is_empty()
    {
        return Ok(key.trim().as_bytes().to_vec());
    }
    daicho_store::private::dir(&cli.data_dir).with_context(|| {
        format!(
            "データ保存先フォルダ {} を作成できません",
            cli.data_dir.display()
        )
    })?;
    let path = cli.data_dir.join("history.key");
    match std::fs::read_to_string(&path) {
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().as_bytes().to_vec()),
        _ => {
            let key = daicho_store::random_token()?;
            let mut file = daicho_store::private::create(&path)
                .with_context(|| format!("{} を作成できません", path.display()))?;
            std::io::Write::write_all(&mut file, key.as_bytes())
                .with_context(|| format!("{} に書き込めません", path.display()))?;
            Ok(key.into_bytes())
        }
    }
}

impl Settings {
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Self> {
        daicho_store::set_history_key(&history_key(cli)?);
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
