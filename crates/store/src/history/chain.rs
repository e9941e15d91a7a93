//! The change history as a tamper-evident chain. Each row of a tenant carries the hash of
//! the tenant's row before it (`prev_hash`) and its own (`row_hash`): an HMAC-SHA-256,
//! under a key kept outside the database, of the previous hash and every column of the
//! row. The tenant's newest hash is kept in `history_heads`. A row changed, added or
//! removed with `sqlite3` or `psql` no longer fits the chain, and [`Db::verify_history`]
//! names the first that does not; without the key, nobody can write a row that fits.
//!
//! Appending locks the tenant's head row until the transaction ends, so that two writers
//! never chain onto the same row (a long import holds it: an edit of the same tenant waits
//! for it, PostgreSQL at most [`LOCK_WAIT`], SQLite its busy time-out).

use crate::sql::Sql;
use crate::{Backend, Db, StoreError};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How long an append waits on PostgreSQL for another writer of the same tenant.
pub const LOCK_WAIT: &str = "10s";

static KEY: OnceLock<Vec<u8>> = OnceLock::new();

/// The key used where none was given (tests, a database opened without a data folder):
/// the chain then still shows edits made by hand, but anyone could rebuild it.
const NO_KEY: &[u8] = b"daicho change history: no key was configured";

/// Sets the process's history key (the first call wins). `serve` and every command read
/// it from `history.key` in the data folder (made on first use) or `DAICHO_HISTORY_KEY`.
pub fn set_history_key(key: &[u8]) {
    let _ = KEY.set(key.to_vec());
}

fn key() -> &'static [u8] {
    KEY.get().map_or(NO_KEY, Vec::as_slice)
}

/// A key for another use than the chain (sealing secrets), derived from the history key
/// so that one secret outside the database protects both.
pub(crate) fn derive_key(purpose: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key()).expect("HMAC takes a key of any length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

/// What a history row says, as stored.
pub(crate) struct Content<'a> {
    pub tenant_id: i64,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub entity_key: &'a str,
    pub action: &'a str,
    pub changed_by: &'a str,
    pub changed_at: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The hash of a row after `prev`: the numbers as 8 bytes and every text length-prefixed
/// (an absent one as a byte no length starts with), so that no two different rows read as
/// the same bytes.
pub(crate) fn hash(prev: &str, c: &Content<'_>) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key()) {
        Ok(m) => m,
        // HMAC takes a key of any length.
        Err(_) => return String::new(),
    };
    mac.update(&c.tenant_id.to_be_bytes());
    match c.entity_id {
        Some(id) => mac.update(&id.to_be_bytes()),
        None => mac.update(b"\xff"),
    }
    let fields: [Option<&str>; 8] = [
        Some(prev),
        Some(c.entity),
        Some(c.entity_key),
        Some(c.action),
        Some(c.changed_by),
        Some(c.changed_at),
        c.before,
        c.after,
    ];
    for f in fields {
        match f {
            None => mac.update(b"\xff"),
            Some(text) => {
                mac.update(&(text.len() as u64).to_be_bytes());
                mac.update(text.as_bytes());
            }
        }
    }
    // Hex by hand: an import hashes a million rows, and a format! per byte showed.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in mac.finalize().into_bytes() {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Locks the tenant's head until the transaction ends and returns its newest hash.
pub(crate) async fn lock_head(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
) -> Result<String, sqlx::Error> {
    if crate::sql::backend_of(tx) == Backend::Postgres {
        // On Citus the wait happens on the worker holding the tenant's shard, which hears
        // of a SET LOCAL only when told to pass it on (a mere placeholder elsewhere).
        for set in [
            "SET LOCAL citus.propagate_set_commands = 'local'".to_string(),
            format!("SET LOCAL lock_timeout = '{LOCK_WAIT}'"),
        ] {
            sqlx::query(&set).execute(&mut **tx).await?;
        }
    }
    let mut sql = Sql::new("INSERT INTO history_heads (tenant_id, last_id, last_hash) VALUES (");
    sql.bind(tenant_id)
        .push(", 0, '') ON CONFLICT (tenant_id) DO NOTHING");
    sql.execute(&mut **tx).await?;
    let mut sql = Sql::new("UPDATE history_heads SET last_id = last_id WHERE tenant_id = ");
    sql.bind(tenant_id).push(" RETURNING last_hash");
    sql.fetch_one(&mut **tx).await?.try_get("last_hash")
}

/// Moves the tenant's head to its newest row.
pub(crate) async fn set_head(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    last_hash: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE history_heads SET last_hash = ");
    sql.bind(last_hash)
        .push(", last_id = (SELECT COALESCE(MAX(id), 0) FROM change_history WHERE tenant_id = ")
        .bind(tenant_id)
        .push(") WHERE tenant_id = ")
        .bind(tenant_id);
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Chains the rows written before the chain existed (run once, by the migration that
/// adds it), with the append-only triggers lifted for that one transaction.
pub(crate) async fn seal_existing(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    reseal(tx, &[]).await
}

/// Old entity names and the ledger names that replace them (migration 10): the history
/// named a ledger's rows by a singular of its own (`asset`, `department`).
pub(crate) const RENAMED_ENTITIES: &[(&str, &str)] =
    &[("asset", "assets"), ("department", "departments")];

/// Rewrites the entity names of [`RENAMED_ENTITIES`] and chains every row again (the
/// entity is part of each row's hash). The caller has verified the chain first, so that
/// no forged row is sealed in.
pub(crate) async fn rename_entities(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    rename(tx, |(old, new)| (old, new)).await
}

/// The reverse of [`rename_entities`], for tests of the migration.
#[cfg(any(test, feature = "test-support"))]
pub(crate) async fn rename_back(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    rename(tx, |(old, new)| (new, old)).await
}

/// Renames each entity `from` → `to` as `direction` orders each pair of
/// [`RENAMED_ENTITIES`], and chains every row again.
async fn rename(
    tx: &mut Transaction<'_, Any>,
    direction: fn((&'static str, &'static str)) -> (&'static str, &'static str),
) -> Result<(), sqlx::Error> {
    let statements: Vec<String> = RENAMED_ENTITIES
        .iter()
        .map(|pair| {
            let (from, to) = direction(*pair);
            format!("UPDATE change_history SET entity = '{to}' WHERE entity = '{from}'")
        })
        .collect();
    reseal(tx, &statements).await
}

/// Runs `rewrite` and then (re)computes every row's hash and each tenant's head, with the
/// append-only triggers lifted for that one transaction.
async fn reseal(tx: &mut Transaction<'_, Any>, rewrite: &[String]) -> Result<(), sqlx::Error> {
    let backend = crate::sql::backend_of(tx);
    let (lift, restore) = match backend {
        Backend::Sqlite => (
            "DROP TRIGGER change_history_no_update",
            "CREATE TRIGGER change_history_no_update BEFORE UPDATE ON change_history \
             BEGIN SELECT RAISE(ABORT, 'change_history is append-only'); END",
        ),
        Backend::Postgres => (
            "ALTER TABLE change_history DISABLE TRIGGER change_history_no_update",
            "ALTER TABLE change_history ENABLE TRIGGER change_history_no_update",
        ),
    };
    if backend == Backend::Postgres {
        // Citus alters a distributed table's triggers only when told it may; a statement
        // of its own, as Citus passes a DDL's whole query text on to the shards.
        sqlx::raw_sql("SET LOCAL citus.enable_unsafe_triggers = on")
            .execute(&mut **tx)
            .await?;
    }
    sqlx::raw_sql(lift).execute(&mut **tx).await?;
    for statement in rewrite {
        sqlx::raw_sql(statement).execute(&mut **tx).await?;
    }
    let mut heads: HashMap<i64, String> = HashMap::new();
    let mut after = 0i64;
    loop {
        let mut sql = Sql::new(ROW_COLUMNS);
        sql.push(" WHERE id > ")
            .bind(after)
            .push(" ORDER BY id LIMIT 5000");
        let rows = sql.fetch_all(&mut **tx).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            let row = Stored::of(r)?;
            let prev = heads.get(&row.tenant_id).cloned().unwrap_or_default();
            let h = hash(&prev, &row.content());
            let mut update = Sql::new("UPDATE change_history SET prev_hash = ");
            update
                .bind(prev.as_str())
                .push(", row_hash = ")
                .bind(h.as_str())
                .push(" WHERE tenant_id = ")
                .bind(row.tenant_id)
                .push(" AND id = ")
                .bind(row.id);
            update.execute(&mut **tx).await?;
            heads.insert(row.tenant_id, h);
        }
    }
    for (tenant_id, h) in heads {
        lock_head(tx, tenant_id).await?;
        set_head(tx, tenant_id, &h).await?;
    }
    sqlx::raw_sql(restore).execute(&mut **tx).await?;
    Ok(())
}

const ROW_COLUMNS: &str = "SELECT id, tenant_id, entity, entity_id, entity_key, action, changed_by, \
     changed_at, before_json, after_json, prev_hash, row_hash FROM change_history";

/// A history row as read back.
struct Stored {
    id: i64,
    tenant_id: i64,
    entity: String,
    entity_id: Option<i64>,
    entity_key: String,
    action: String,
    changed_by: String,
    changed_at: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: Option<String>,
    row_hash: Option<String>,
}

impl Stored {
    fn of(r: &sqlx::any::AnyRow) -> Result<Stored, sqlx::Error> {
        Ok(Stored {
            id: r.try_get("id")?,
            tenant_id: r.try_get("tenant_id")?,
            entity: r.try_get("entity")?,
            entity_id: r.try_get("entity_id")?,
            entity_key: r.try_get("entity_key")?,
            action: r.try_get("action")?,
            changed_by: r.try_get("changed_by")?,
            changed_at: r.try_get("changed_at")?,
            before: r.try_get("before_json")?,
            after: r.try_get("after_json")?,
            prev_hash: r.try_get("prev_hash")?,
            row_hash: r.try_get("row_hash")?,
        })
    }

    fn content(&self) -> Content<'_> {
        Content {
            tenant_id: self.tenant_id,
            entity: &self.entity,
            entity_id: self.entity_id,
            entity_key: &self.entity_key,
            action: &self.action,
            changed_by: &self.changed_by,
            changed_at: &self.changed_at,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// Where a tenant's chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's content or hash is not what was recorded (edited, or added by hand).
    Changed { id: i64 },
    /// The row is intact but the row recorded before it is gone (or was replaced).
    RemovedBefore { id: i64 },
    /// The newest rows are gone: the chain ends before the head recorded.
    RemovedAtEnd { after_id: i64, head_id: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Changed { id } => write!(
                f,
                "変更履歴 {id} 番の内容が記録時と一致しません（書き換えられたか、記録を偽って追加されています）"
            ),
            Break::RemovedBefore { id } => write!(
                f,
                "変更履歴 {id} 番の直前の記録が削除されたか、差し替えられています"
            ),
            Break::RemovedAtEnd { after_id, head_id } => write!(
                f,
                "変更履歴 {after_id} 番より後の記録（{head_id} 番まで）が削除されています"
            ),
        }
    }
}

/// One tenant's verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub tenant_id: i64,
    /// Rows read.
    pub rows: u64,
    /// The first break, if any.
    pub broken: Option<Break>,
}

impl Db {
    /// Walks the history of `tenant_id` (every tenant when None) from its first row and
    /// names, per tenant, the first row that is not as recorded.
    pub async fn verify_history(
        &self,
        tenant_id: Option<i64>,
    ) -> Result<Vec<ChainReport>, StoreError> {
        let mut heads = Sql::new("SELECT tenant_id, last_id, last_hash FROM history_heads");
        if let Some(t) = tenant_id {
            heads.push(" WHERE tenant_id = ").bind(t);
        }
        let mut reports: HashMap<i64, (ChainReport, String, i64, i64)> = HashMap::new();
        for r in heads.fetch_all(self).await? {
            let t: i64 = r.try_get("tenant_id")?;
            let head_hash: String = r.try_get("last_hash")?;
            let head_id: i64 = r.try_get("last_id")?;
            reports.insert(
                t,
                (
                    ChainReport {
                        tenant_id: t,
                        rows: 0,
                        broken: None,
                    },
                    head_hash,
                    head_id,
                    0,
                ),
            );
        }
        // (report, expected head hash, head id, last id seen); the running hash per tenant.
        let mut running: HashMap<i64, String> = HashMap::new();
        let mut after = 0i64;
        loop {
            let mut sql = Sql::new(ROW_COLUMNS);
            sql.push(" WHERE id > ").bind(after);
            if let Some(t) = tenant_id {
                sql.push(" AND tenant_id = ").bind(t);
            }
            sql.push(" ORDER BY id LIMIT 5000");
            let rows = sql.fetch_all(self).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            for r in &rows {
                let row = Stored::of(r)?;
                let entry = reports.entry(row.tenant_id).or_insert_with(|| {
                    // History of a tenant whose head is gone: every row is suspect.
                    (
                        ChainReport {
                            tenant_id: row.tenant_id,
                            rows: 0,
                            broken: None,
                        },
                        String::from("-"),
                        0,
                        0,
                    )
                });
                entry.0.rows += 1;
                entry.3 = row.id;
                if entry.0.broken.is_some() {
                    continue;
                }
                let expected = running.get(&row.tenant_id).cloned().unwrap_or_default();
                let own = row.prev_hash.as_deref().map(|p| hash(p, &row.content()));
                entry.0.broken = match (&row.row_hash, own) {
                    (Some(stored), Some(own)) if *stored == own => {
                        if row.prev_hash.as_deref() == Some(expected.as_str()) {
                            None
                        } else {
                            Some(Break::RemovedBefore { id: row.id })
                        }
                    }
                    _ => Some(Break::Changed { id: row.id }),
                };
                running.insert(row.tenant_id, row.row_hash.clone().unwrap_or_default());
            }
        }
        let mut out: Vec<ChainReport> = reports
            .into_iter()
            .map(|(t, (mut report, head_hash, head_id, last_seen))| {
                let end = running.get(&t).cloned().unwrap_or_default();
                if report.broken.is_none() && end != head_hash {
                    report.broken = Some(if head_id > last_seen {
                        Break::RemovedAtEnd {
                            after_id: last_seen,
                            head_id,
                        }
                    } else {
                        Break::Changed { id: head_id }
                    });
                }
                report
            })
            .collect();
        out.sort_by_key(|r| r.tenant_id);
        Ok(out)
    }
}
