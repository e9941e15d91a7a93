//! The change history: who changed which ledger row, when, from what to what. Rows are
//! appended in the same transaction as the change and never rewritten (the database
//! refuses UPDATE and DELETE on the table).

pub mod chain;

use crate::scope::Actor;
use crate::sql::{Sql, Value};
use crate::{Db, Scope, StoreError};
use serde_json::Value as Json;
use sqlx::{Any, Row, Transaction};

/// One recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: i64,
    pub entity: String,
    pub entity_key: String,
    /// `create`, `update`, `delete`, or `bulk_create` for generated data.
    pub action: String,
    pub changed_by: String,
    pub changed_at: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

impl HistoryEntry {
    /// The fields that differ: (field, before, after), values as displayed text.
    pub fn changes(&self) -> Vec<(String, String, String)> {
        let empty = serde_json::Map::new();
        let before = self
            .before
            .as_ref()
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let after = self
            .after
            .as_ref()
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| (k.clone(), show(before.get(k)), show(after.get(k))))
            .collect()
    }
}

fn show(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What a change record says. The entity of a ledger's row is the ledger's name (one
/// name per ledger in the history, the rules and the pages); the others are the
/// settings of rules: `rule_setting`, `tenant_rule`, `waiver`.
pub(crate) struct Change<'a> {
    pub tenant_id: i64,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub entity_key: &'a str,
    pub action: &'a str,
    pub before: Option<&'a Json>,
    pub after: Option<&'a Json>,
}

/// Appends one change inside the caller's transaction.
pub(crate) async fn record(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    record_many(tx, actor, &[change]).await
}

/// Appends many changes in multi-row statements (imports), each chained onto its
/// tenant's history (see [`chain`]).
pub(crate) async fn record_many(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    changes: &[Change<'_>],
) -> Result<(), sqlx::Error> {
    let now = crate::now_text();
    // The newest hash of each tenant written to, its head locked.
    let mut heads: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for chunk in changes.chunks(400) {
        let mut sql = Sql::insert(
            "change_history",
            &[
                "tenant_id",
                "entity",
                "entity_id",
                "entity_key",
                "action",
                "changed_by",
                "changed_at",
                "before_json",
                "after_json",
                "prev_hash",
                "row_hash",
            ],
        );
        for (i, c) in chunk.iter().enumerate() {
            let prev = match heads.get(&c.tenant_id) {
                Some(h) => h.clone(),
                None => chain::lock_head(tx, c.tenant_id).await?,
            };
            let (before, after) = (c.before.map(Json::to_string), c.after.map(Json::to_string));
            let row_hash = chain::hash(
                &prev,
                &chain::Content {
                    tenant_id: c.tenant_id,
                    entity: c.entity,
                    entity_id: c.entity_id,
                    entity_key: c.entity_key,
                    action: c.action,
                    changed_by: &actor.name,
                    changed_at: &now,
                    before: before.as_deref(),
                    after: after.as_deref(),
                },
            );
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_list([
                Value::from(c.tenant_id),
                c.entity.into(),
                c.entity_id.into(),
                c.entity_key.into(),
                c.action.into(),
                actor.name.as_str().into(),
                now.as_str().into(),
                before.into(),
                after.into(),
                prev.into(),
                row_hash.as_str().into(),
            ]);
            heads.insert(c.tenant_id, row_hash);
        }
        sql.execute(&mut **tx).await?;
    }
    for (tenant_id, last) in &heads {
        chain::set_head(tx, *tenant_id, last).await?;
    }
    Ok(())
}

/// The version of a row as an edit form carries it: its newest history entry's id (0 for
/// a row no change has named yet, such as one added by a bulk import).
pub(crate) async fn row_version_in(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    entity: &str,
    entity_id: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT COALESCE(MAX(id), 0) AS v FROM change_history WHERE tenant_id = ");
    sql.bind(tenant_id)
        .push(" AND entity = ")
        .bind(entity)
        .push(" AND entity_id = ")
        .bind(entity_id);
    sql.fetch_one(&mut **tx).await?.try_get("v")
}

/// Refuses a save made from a form read at `expected` when the row has changed since,
/// with the changes made since. The row is locked first (`lock` is a statement that
/// writes it without changing it: a row lock on PostgreSQL, the write lock on SQLite), so
/// that no other save can slip in between the check and the write.
pub(crate) async fn check_version(
    tx: &mut Transaction<'_, Any>,
    lock: &Sql,
    tenant_id: i64,
    entity: &str,
    entity_id: i64,
    expected: i64,
) -> Result<(), StoreError> {
    lock.execute(&mut **tx).await?;
    let current = row_version_in(tx, tenant_id, entity, entity_id).await?;
    if current == expected {
        return Ok(());
    }
    let mut sql = Sql::new(&format!("{HISTORY_COLUMNS} WHERE tenant_id = "));
    sql.bind(tenant_id)
        .push(" AND entity = ")
        .bind(entity)
        .push(" AND entity_id = ")
        .bind(entity_id)
        .push(" AND id > ")
        .bind(expected)
        .push(" ORDER BY id");
    let rows = sql.fetch_all(&mut **tx).await?;
    let since = rows.iter().map(entry_of).collect::<Result<Vec<_>, _>>()?;
    Err(StoreError::Stale {
        version: current,
        since,
    })
}

const HISTORY_COLUMNS: &str = "SELECT id, entity, entity_key, action, changed_by, changed_at, before_json, after_json \
     FROM change_history";

fn entry_of(r: &sqlx::any::AnyRow) -> Result<HistoryEntry, sqlx::Error> {
    let parse = |col: &str| -> Result<Option<Json>, sqlx::Error> {
        let text: Option<String> = r.try_get(col)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(HistoryEntry {
        id: r.try_get("id")?,
        entity: r.try_get("entity")?,
        entity_key: r.try_get("entity_key")?,
        action: r.try_get("action")?,
        changed_by: r.try_get("changed_by")?,
        changed_at: r.try_get("changed_at")?,
        before: parse("before_json")?,
        after: parse("after_json")?,
    })
}

impl Db {
    /// The version of a row visible to the caller, for its edit form.
    pub async fn row_version(
        &self,
        scope: &Scope,
        entity: &str,
        entity_id: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let v = row_version_in(&mut tx, scope.tenant_id, entity, entity_id).await?;
        tx.rollback().await?;
        Ok(v)
    }

    /// The history of one row, newest first. The caller checks that the row is visible.
    pub async fn history(
        &self,
        scope: &Scope,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut sql = Sql::new(&format!("{HISTORY_COLUMNS} WHERE tenant_id = "));
        sql.bind(scope.tenant_id)
            .push(" AND entity = ")
            .bind(entity)
            .push(" AND entity_id = ")
            .bind(entity_id)
            .push(" ORDER BY id DESC");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(entry_of)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

/// What an audit of a tenant depends on besides the day and who asks: the tenant's
/// newest recorded change (every change to its ledgers, rule settings, own rules and
/// waivers is recorded) and the state of the lifecycle catalogue. Two audits with equal
/// stamps, for the same day and scope, give the same results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuditStamp {
    last_change: i64,
    eol_releases: i64,
    eol_imported_at: String,
}

impl Db {
    pub async fn audit_stamp(&self, tenant_id: i64) -> Result<AuditStamp, StoreError> {
        let mut sql =
            Sql::new("SELECT COALESCE(MAX(id), 0) AS last FROM change_history WHERE tenant_id = ");
        sql.bind(tenant_id);
        let last_change: i64 = sql.fetch_one(self).await?.try_get("last")?;
        let eol = Sql::new(
            "SELECT COUNT(*) AS n, COALESCE(MAX(imported_at), '') AS at FROM eol_releases",
        )
        .fetch_one(self)
        .await?;
        Ok(AuditStamp {
            last_change,
            eol_releases: eol.try_get("n")?,
            eol_imported_at: eol.try_get("at")?,
        })
    }
}
