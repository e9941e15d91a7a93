//! A real import on SQLite is written into a private copy of the database and published
//! in one short transaction at the end. SQLite lets one writer at a time into a file: an
//! import written into the database itself held every other tenant's saves for as long as
//! it ran (84 s at a million rows). The copy is written with no lock on the database, and
//! publishing copies back only what the run changed.
//!
//! What keeps the copy and the database apart safely:
//! - **the tenant's import lock**, a file lock (the system drops it when the process dies).
//!   The tenant's own writers wait for it, bounded, before they write
//!   ([`Db::wait_for_import`]), so what the run matched stays as it was; the tenant's
//!   history head, read in the copy and checked when publishing, catches a write that
//!   slipped in before the lock was taken (the import is then refused, nothing written);
//! - **ids**: the copy numbers new rows from a block reserved in the database's
//!   `sqlite_sequence`, so that others writing meanwhile number theirs above it. New rows
//!   are those above the block's start; rows of the tenant updated or deleted are
//!   recorded by triggers in the copy. Publishing refuses if an id was taken anyway, and
//!   gives the block's unused part back when nobody numbered past it.
//!
//! PostgreSQL needs none of this: its writers lock rows, not the database.

use crate::db::Backend;
use crate::sql::Sql;
use crate::{Db, StoreError};
use sqlx::{Connection, Executor, Row};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Ids reserved per table for one import's new rows (a run past it still publishes when
/// nobody else numbered rows meanwhile; otherwise the collision check refuses it).
const RESERVED_IDS: i64 = 1 << 24;
/// How long a writer waits for the tenant's import, and an import for another of the
/// same tenant, as SQLite's busy time-out.
const WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

/// Indexes only the ledger pages read: the copy goes without them, so that the run does
/// not write each row into them twice (in the copy, then when publishing).
const PAGE_INDEXES: [&str; 5] = [
    "assets_department",
    "assets_kind",
    "assets_status",
    "assets_segment",
    "assets_os",
];

/// The word index (migration 24) and the triggers that keep it: the copy goes without them
/// too. Publishing inserts, updates and deletes in the ledger, whose triggers index each
/// row once; a virtual table is not one publishing could copy back.
const WORD_INDEX: &str = "asset_words";
const WORD_TRIGGERS: [&str; 3] = [
    "asset_words_insert",
    "asset_words_update",
    "asset_words_delete",
];

const BUSY_IMPORT: &str =
    "この団体の台帳を取り込んでいます。取込が終わってから、もう一度お試しください";

/// A table of the copy, as publishing copies it back.
struct Table {
    name: String,
    columns: Vec<String>,
    /// A table of no tenant (tenants, the catalogue) is never the import's to change.
    tenant_owned: bool,
    /// Where this run's ids start: rows above it are new. None for a table without ids
    /// (counts, history heads), which is copied back whole for the tenant, and for tables
    /// of no tenant.
    base: Option<i64>,
}

/// An import being written into a private copy (see the module's text).
pub struct StagedImport {
    copy: Db,
    path: PathBuf,
    tenant_id: i64,
    /// The tenant's newest history hash when the copy was made.
    head: Option<String>,
    tables: Vec<Table>,
    _lock: File,
}

impl StagedImport {
    /// The copy, to run the import session on.
    pub fn db(&self) -> &Db {
        &self.copy
    }
}

impl Db {
    /// On SQLite (a file), takes the tenant's import lock and makes the private copy an
    /// import writes into, in `dir`; [`Db::publish`] then brings its changes in. None on
    /// PostgreSQL and in memory, where an import writes into the database itself.
    pub async fn stage_import(
        &self,
        dir: &Path,
        tenant_id: i64,
    ) -> Result<Option<StagedImport>, StoreError> {
        let Some(lock_path) = self.import_lock_path(tenant_id) else {
            return Ok(None);
        };
        let lock = take_lock(&lock_path).await?;
        let started = Instant::now();
        let path = dir.join("import.db");
        let copy = self.copy_into(&path).await?;
        let mut drop = String::new();
        for index in PAGE_INDEXES {
            drop.push_str(&format!("DROP INDEX IF EXISTS {index};"));
        }
        for trigger in WORD_TRIGGERS {
            drop.push_str(&format!("DROP TRIGGER IF EXISTS {trigger};"));
        }
        drop.push_str(&format!("DROP TABLE IF EXISTS {WORD_INDEX};"));
        copy.pool().execute(drop.as_str()).await?;
        let mut tables = tables_of(&copy).await?;
        reserve_ids(self, &copy, &mut tables).await?;
        track_changes(&copy, &tables).await?;
        let mut sql = Sql::new("SELECT last_hash FROM history_heads WHERE tenant_id = ");
        sql.bind(tenant_id);
        let head = match sql.fetch_optional(&copy).await? {
            Some(row) => Some(row.try_get::<String, _>("last_hash")?),
            None => None,
        };
        tracing::info!(
            tenant_id,
            ms = started.elapsed().as_millis(),
            "import staged in a copy"
        );
        Ok(Some(StagedImport {
            copy,
            path,
            tenant_id,
            head,
            tables,
            _lock: lock,
        }))
    }

    /// Brings a staged import's changes into the database in one transaction, and
    /// releases the tenant's import lock. Call it after the import session committed.
    pub async fn publish(&self, staged: StagedImport) -> Result<(), StoreError> {
        staged.copy.close().await;
        let started = Instant::now();
        let mut conn = self.pool().acquire().await?;
        // The copy stays attached to nothing: this connection is not given back.
        conn.close_on_drop();
        let attach = format!(
            "ATTACH DATABASE '{}' AS staged",
            staged.path.to_string_lossy().replace('\'', "''")
        );
        conn.execute(attach.as_str()).await?;
        let mut tx = conn.begin().await?;
        // A write first, so the transaction holds the write lock before it reads.
        let mut sql = Sql::new("UPDATE history_heads SET last_id = last_id WHERE tenant_id = ");
        sql.bind(staged.tenant_id);
        sql.execute(&mut *tx).await?;
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
        let mut sql = Sql::new("SELECT last_hash FROM main.history_heads WHERE tenant_id = ");
        sql.bind(staged.tenant_id);
        let head = match sql.fetch_optional(&mut *tx).await? {
            Some(row) => Some(row.try_get::<String, _>("last_hash")?),
            None => None,
        };
        if head != staged.head {
            return Err(StoreError::Unavailable(
                "取込の間にこの団体の台帳がほかで変更されたため、取り込みませんでした。もう一度取り込んでください"
                    .into(),
            ));
        }
        for t in &staged.tables {
            publish_table(&mut tx, t, staged.tenant_id).await?;
        }
        tx.commit().await?;
        tracing::info!(
            tenant_id = staged.tenant_id,
            ms = started.elapsed().as_millis(),
            "staged import published"
        );
        Ok(())
    }

    /// Waits, bounded, while an import of the tenant is being written into its copy: a
    /// change made meanwhile would be lost or refuse the import. Then says so in Japanese.
    pub(crate) async fn wait_for_import(&self, tenant_id: i64) -> Result<(), StoreError> {
        let Some(path) = self.import_lock_path(tenant_id) else {
            return Ok(());
        };
        let started = Instant::now();
        loop {
            let file = match File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(StoreError::Internal(format!("取込の鍵を開けません: {e}"))),
            };
            match file.try_lock_shared() {
                Ok(()) => return Ok(()),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StoreError::Internal(format!(
                        "取込の鍵を確かめられません: {e}"
                    )));
                }
            }
            if started.elapsed() >= WAIT {
                return Err(StoreError::Unavailable(BUSY_IMPORT.into()));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A transaction for a change to the tenant's ledgers, begun once no import of the
    /// tenant is being written (see [`Db::wait_for_import`]). On SQLite its first
    /// statement is a write to the ledgers' file (a no-op on the tenant's history head),
    /// which takes that file's write lock, waiting as long as the busy time-out: a
    /// transaction that read first and wrote later failed at its first write whenever
    /// another connection had written meanwhile — "database is locked"
    /// (SQLITE_BUSY_SNAPSHOT, which no time-out waits out) — as an import beside another
    /// tenant's saves did. Not `BEGIN IMMEDIATE`: that locks every attached file, the
    /// logins' too, and logins must go on while an import writes.
    pub(crate) async fn begin_write(
        &self,
        tenant_id: i64,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        self.wait_for_import(tenant_id).await?;
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Sqlite {
            let mut sql =
                Sql::new("UPDATE main.history_heads SET last_id = last_id WHERE tenant_id = ");
            sql.bind(tenant_id);
            sql.execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    /// Whether an import of the tenant is being written into its copy now.
    pub fn import_running(&self, tenant_id: i64) -> bool {
        let Some(path) = self.import_lock_path(tenant_id) else {
            return false;
        };
        File::open(path)
            .is_ok_and(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)))
    }

    /// `daicho.db` → `daicho-locks/import-{tenant}.lock`, beside the database.
    fn import_lock_path(&self, tenant_id: i64) -> Option<PathBuf> {
        if self.backend() != Backend::Sqlite {
            return None;
        }
        let file = self.file()?;
        let stem = file.to_string_lossy();
        let stem = stem.strip_suffix(".db").unwrap_or(&stem);
        Some(PathBuf::from(format!("{stem}-locks")).join(format!("import-{tenant_id}.lock")))
    }
}

/// The tenant's import lock, waited for as a writer waits for SQLite's lock.
async fn take_lock(path: &Path) -> Result<File, StoreError> {
    let file = crate::private::open_lock_file(path).map_err(|_| {
        StoreError::Unavailable(
            "取込の鍵を作れません（データ保存先の空き容量や権限を確かめてください）".into(),
        )
    })?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                tokio::time::sleep(POLL).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Unavailable(BUSY_IMPORT.into()));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::Internal(format!(
                    "取込の鍵をかけられません: {e}"
                )));
            }
        }
    }
}

/// Every table of the copy with its columns.
async fn tables_of(copy: &Db) -> Result<Vec<Table>, StoreError> {
    let names = Sql::new(
        // Ordinary tables: not the word index (a virtual table) nor the tables it keeps
        // its index in. Read from sqlite_master, whose read first brings a connection's
        // schema up to date (pragma_table_list alone can answer from an old one).
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('virtual', 'shadow')) ORDER BY name",
    )
    .fetch_all(copy)
    .await?;
    let mut tables = Vec::new();
    for row in names {
        let name: String = row.try_get("name")?;
        let columns: Vec<String> = sqlx::query(&format!("PRAGMA table_info(\"{name}\")"))
            .fetch_all(copy.pool())
            .await?
            .iter()
            .map(|c| c.try_get::<String, _>("name"))
            .collect::<Result<_, _>>()?;
        let has = |c: &str| columns.iter().any(|x| x == c);
        let tenant_owned = has("tenant_id");
        tables.push(Table {
            base: (tenant_owned && has("id")).then_some(0),
            tenant_owned,
            name,
            columns,
        });
    }
    Ok(tables)
}

/// Reserves a block of ids per table in the database (in one write) and makes the copy
/// number from its start. Taken after the copy: the block starts above every id the copy
/// holds.
async fn reserve_ids(db: &Db, copy: &Db, tables: &mut [Table]) -> Result<(), StoreError> {
    let mut tx = db.pool().begin().await?;
    for t in tables.iter_mut().filter(|t| t.base.is_some()) {
        let mut sql = Sql::new("INSERT INTO sqlite_sequence (name, seq) SELECT ");
        sql.bind(t.name.as_str())
            .push(", 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ")
            .bind(t.name.as_str())
            .push(")");
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new("UPDATE sqlite_sequence SET seq = seq + ");
        sql.bind(RESERVED_IDS)
            .push(" WHERE name = ")
            .bind(t.name.as_str())
            .push(" RETURNING seq");
        let end: i64 = sql.fetch_one(&mut *tx).await?.try_get("seq")?;
        t.base = Some(end - RESERVED_IDS);
    }
    tx.commit().await?;
    let mut tx = copy.pool().begin().await?;
    for t in tables.iter() {
        let Some(base) = t.base else { continue };
        let mut sql = Sql::new("DELETE FROM sqlite_sequence WHERE name = ");
        sql.bind(t.name.as_str());
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new("INSERT INTO sqlite_sequence (name, seq) VALUES (");
        sql.bind(t.name.as_str()).push(", ").bind(base).push(")");
        sql.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Triggers in the copy that note every row updated or deleted (new rows are known by
/// their ids), and every change to a table without ids.
async fn track_changes(copy: &Db, tables: &[Table]) -> Result<(), StoreError> {
    let mut script = String::from(
        "CREATE TABLE staged_rows (tbl TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID;\n",
    );
    // Not INSERT OR IGNORE: a statement with an upsert (the counts) imposes its own
    // conflict handling on the triggers it fires, and the second note of a row failed.
    for t in tables {
        let name = &t.name;
        // Tables without ids note the table only.
        let (new_id, old_id) = match t.base {
            Some(_) => ("NEW.id", "OLD.id"),
            None => ("0", "0"),
        };
        let mut ops = vec![("update", "UPDATE", new_id), ("delete", "DELETE", old_id)];
        if t.base.is_none() {
            ops.push(("insert", "INSERT", new_id));
        }
        for (tag, op, id) in ops {
            script.push_str(&format!(
                "CREATE TRIGGER \"staged_{name}_{tag}\" AFTER {op} ON \"{name}\" BEGIN INSERT INTO staged_rows SELECT '{name}', {id} WHERE NOT EXISTS (SELECT 1 FROM staged_rows WHERE tbl = '{name}' AND id = {id}); END;\n"
            ));
        }
    }
    let mut conn = copy.pool().acquire().await?;
    conn.execute(script.as_str()).await?;
    Ok(())
}

/// Brings one table's changes of the run in: rows deleted, rows updated, new rows; a table
/// without ids is replaced whole for the tenant.
async fn publish_table(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    t: &Table,
    tenant: i64,
) -> Result<(), StoreError> {
    let touched = touched(tx, t).await?;
    if !t.tenant_owned {
        if touched {
            return Err(StoreError::Internal(format!(
                "取込が団体のものでない表 {} を変更しました",
                t.name
            )));
        }
        return Ok(());
    }
    let cols = t
        .columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let name = &t.name;
    let Some(base) = t.base else {
        if touched {
            let mut sql = Sql::new(&format!("DELETE FROM main.\"{name}\" WHERE tenant_id = "));
            sql.bind(tenant);
            sql.execute(&mut **tx).await?;
            let mut sql = Sql::new(&format!(
                "INSERT INTO main.\"{name}\" ({cols}) SELECT {cols} FROM staged.\"{name}\" WHERE tenant_id = "
            ));
            sql.bind(tenant);
            sql.execute(&mut **tx).await?;
        }
        return Ok(());
    };
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM staged.\"{name}\" s JOIN main.\"{name}\" m ON m.id = s.id WHERE s.id > "
    ));
    sql.bind(base);
    let taken: i64 = sql.fetch_one(&mut **tx).await?.try_get("n")?;
    if taken > 0 {
        return Err(StoreError::Unavailable(
                "取込の間にほかの登録が多く重なったため、取り込みませんでした。もう一度取り込んでください"
                    .into(),
            ));
    }
    if touched {
        let mut sql = Sql::new(&format!("DELETE FROM main.\"{name}\" WHERE tenant_id = "));
        sql.bind(tenant).push(&format!(
                " AND id IN (SELECT r.id FROM staged.staged_rows r WHERE r.tbl = '{name}' AND NOT EXISTS (SELECT 1 FROM staged.\"{name}\" s WHERE s.id = r.id))"
            ));
        sql.execute(&mut **tx).await?;
        let set = t
            .columns
            .iter()
            .filter(|c| *c != "id")
            .map(|c| format!("\"{c}\" = s.\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = Sql::new(&format!(
            "UPDATE main.\"{name}\" AS m SET {set} FROM staged.\"{name}\" AS s WHERE s.id = m.id AND s.id IN (SELECT id FROM staged.staged_rows WHERE tbl = '{name}') AND m.tenant_id = "
        ));
        sql.bind(tenant);
        sql.execute(&mut **tx).await?;
    }
    let mut sql = Sql::new(&format!(
        "INSERT INTO main.\"{name}\" ({cols}) SELECT {cols} FROM staged.\"{name}\" WHERE id > "
    ));
    sql.bind(base).push(" AND tenant_id = ").bind(tenant);
    sql.execute(&mut **tx).await?;
    // The block's unused ids go back when nobody numbered past it meanwhile.
    let mut sql = Sql::new(
        "UPDATE main.sqlite_sequence SET seq = (SELECT seq FROM staged.sqlite_sequence WHERE name = ",
    );
    sql.bind(name.as_str())
        .push(") WHERE name = ")
        .bind(name.as_str())
        .push(" AND seq = ")
        .bind(base + RESERVED_IDS);
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Whether the run noted a change to `t` (for a table with ids: an update or a deletion).
async fn touched(tx: &mut sqlx::Transaction<'_, sqlx::Any>, t: &Table) -> Result<bool, StoreError> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM staged.staged_rows WHERE tbl = ");
    sql.bind(t.name.as_str());
    Ok(sql.fetch_one(&mut **tx).await?.try_get::<i64, _>("n")? > 0)
}
