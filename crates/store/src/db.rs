//! The one database handle. The URL's scheme picks the backend; everything above this
//! module runs the same SQL on both.

use crate::error::{StoreError, classify};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to daicho's database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// The SQLite file, when the database is one (not in memory).
    file: Option<PathBuf>,
}

impl Db {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`, checks that
    /// the database answers, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        crate::migrate::run(&db).await?;
        db.refresh_statistics().await;
        Ok(db)
    }

    /// Lets SQLite's planner know the tables' sizes (`PRAGMA optimize`, which analyzes
    /// only a table never analyzed or much changed since, a bounded sample of it). Without
    /// them it takes one tenant's rows for ten, and walks a million rows in tag order
    /// rather than look up the few a word index names (decisions: word search). Called on
    /// opening and after an import; PostgreSQL's autovacuum keeps its own. A failure only
    /// costs speed: it is logged.
    pub async fn refresh_statistics(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        let started = std::time::Instant::now();
        match sqlx::raw_sql("PRAGMA optimize = 0x10002")
            .execute(&self.pool)
            .await
        {
            Ok(_) => tracing::debug!(ms = started.elapsed().as_millis(), "statistics refreshed"),
            Err(e) => tracing::warn!(error = %e, "statistics not refreshed"),
        }
    }

    /// Opens (creating if needed) the SQLite file at `path`.
    pub async fn open_sqlite_file(path: &Path) -> Result<Db, StoreError> {
        Db::open(&sqlite_url(path)).await
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Connect {
                url: redact_url(url),
                reason: "URL は sqlite:// か postgres:// で始めてください".into(),
            });
        };
        let path = url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or("")
            .to_string();
        // Logins and sessions write to a file of their own, never waiting for an import's
        // write lock on the ledgers' file (SQLite locks a whole file per writer).
        let auth = match backend {
            Backend::Sqlite => auth_file(&path),
            Backend::Postgres => None,
        };
        // Made owner-only before SQLite opens them: their -wal and -shm take their mode.
        for file in auth
            .iter()
            .chain(std::iter::once(&path).filter(|_| auth.is_some()))
        {
            let file = Path::new(file);
            if !file.exists() {
                crate::private::create(file).map_err(|e| StoreError::Connect {
                    url: redact_url(url),
                    reason: format!("ファイルを作成できません: {e}"),
                })?;
            }
        }
        probe(url, &path, backend).await?;
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        options = match backend {
            Backend::Sqlite => options.max_connections(6).after_connect(move |conn, _| {
                let auth = auth.clone();
                Box::pin(async move { sqlite_pragmas(conn, auth.as_deref()).await })
            }),
            Backend::Postgres => options
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5)),
        };
        let pool = options
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact_url(url),
                reason: e.to_string(),
            })?;
        let db = Db {
            pool,
            backend,
            url: url.to_string(),
            file: auth_file(&path)
                .filter(|_| backend == Backend::Sqlite)
                .map(|_| PathBuf::from(&path)),
        };
        sqlx::query("SELECT 1").execute(&db.pool).await?;
        if let Some(auth) = auth_file(&path).filter(|_| backend == Backend::Sqlite) {
            // A file an earlier version made with the umask's 0644 is tightened too.
            for file in [&path, &auth] {
                for suffix in ["", "-wal", "-shm"] {
                    crate::private::tighten(Path::new(&format!("{file}{suffix}"))).map_err(
                        |e| StoreError::Connect {
                            url: redact_url(url),
                            reason: format!("ファイルの権限を変更できません: {e}"),
                        },
                    )?;
                }
            }
        }
        Ok(db)
    }

    /// The connection pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password replaced by `***`, fit to print.
    pub fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    /// On SQLite, a private copy of the whole database in `dir` (`VACUUM INTO`, which only
    /// reads), for a dry run to write into and throw away: SQLite lets one writer at a time
    /// into a file, so a dry run on the database itself would hold everyone else's writes
    /// for as long as it runs. None on PostgreSQL, where a dry run locks only the rows it
    /// touches.
    pub async fn rehearsal_copy(&self, dir: &Path) -> Result<Option<Db>, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        Ok(Some(self.copy_into(&dir.join("rehearsal.db")).await?))
    }

    /// A private copy of this SQLite database at `copy`, opened.
    pub(crate) async fn copy_into(&self, copy: &Path) -> Result<Db, StoreError> {
        // Empty and owner-only before SQLite fills it (VACUUM INTO accepts an empty file).
        crate::private::create(copy).map_err(|_| {
            StoreError::Unavailable(
                "確認用の作業コピーを作れません（一時フォルダの空き容量を確かめてください）".into(),
            )
        })?;
        let mut sql = crate::sql::Sql::new("VACUUM INTO ");
        sql.bind(copy.to_string_lossy().into_owned());
        sql.execute(self).await?;
        // Already migrated: the copy is the database as it stands.
        Db::connect(&sqlite_url(copy)).await
    }

    /// The SQLite file, when the database is one.
    pub(crate) fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Closes every connection (lets SQLite fold its WAL back into the file).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file beside a SQLite database that holds sessions and login throttling
/// (`daicho.db` → `daicho-auth.db`); none for an in-memory database.
pub(crate) fn auth_file(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with(':') || path.contains("mode=memory") {
        return None;
    }
    Some(match path.strip_suffix(".db") {
        Some(stem) => format!("{stem}-auth.db"),
        None => format!("{path}-auth"),
    })
}

/// WAL lets the web UI read while an import writes; foreign keys are off by default in
/// SQLite and the schema depends on them; a 64 MiB page cache keeps the indexes of a
/// million-row ledger in memory while it is written. The auth file is attached as `auth`.
async fn sqlite_pragmas(conn: &mut AnyConnection, auth: Option<&str>) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;")
        .await?;
    if let Some(auth) = auth {
        conn.execute(
            format!(
                "ATTACH DATABASE '{}' AS auth; PRAGMA auth.journal_mode = WAL; PRAGMA auth.synchronous = NORMAL;",
                auth.replace('\'', "''")
            )
            .as_str(),
        )
        .await?;
    }
    Ok(())
}

/// Opens one connection and reads from it, so that an unreachable server or a corrupt,
/// locked or unwritable file fails at once with a clear message instead of as a pool
/// time-out.
async fn probe(url: &str, path: &str, backend: Backend) -> Result<(), StoreError> {
    let fail = |e: sqlx::Error| match (backend, e) {
        (Backend::Sqlite, e) => match classify(e, path) {
            StoreError::Database(e) => StoreError::Connect {
                url: redact_url(url),
                reason: e.to_string(),
            },
            other => other,
        },
        (Backend::Postgres, e) => StoreError::Connect {
            url: redact_url(url),
            reason: e.to_string(),
        },
    };
    let mut conn = AnyConnection::connect(url).await.map_err(fail)?;
    if backend == Backend::Sqlite {
        sqlite_pragmas(&mut conn, None).await.map_err(fail)?;
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&mut conn)
            .await
            .map_err(fail)?;
    }
    conn.close().await.map_err(fail)
}

/// The SQLite URL of a file, created on first use.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Hides the password in `scheme://user:password@host/...`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://daicho:s3cret@db:5432/x"),
            "postgres://daicho:***@db:5432/x"
        );
        assert_eq!(
            redact_url("postgres://daicho@db/x"),
            "postgres://daicho@db/x"
        );
        assert_eq!(
            redact_url("sqlite://./daicho-data/daicho.db"),
            "sqlite://./daicho-data/daicho.db"
        );
    }
}
