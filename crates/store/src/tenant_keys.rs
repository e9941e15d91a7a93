//! Migration 11: every key of a tenant's table names the tenant, so that a distributed
//! PostgreSQL (Citus, sharded by `tenant_id`) can hold the schema: a primary key, a
//! unique key and a foreign key that do not include the distribution column cannot be
//! checked on one shard. The tables of no tenant — tenants, the lifecycle catalogue and
//! the accounts (a user name is unique across the server: people log in without naming
//! their city) — are reference tables, copied whole to every node.
//!
//! The keys are rewritten from what the database says it has, not from a copy of the
//! schema written out again: the same code serves every table a later migration adds.
//! - PostgreSQL: constraints are dropped and added again in place (data, grants and
//!   triggers stay);
//! - SQLite cannot alter a constraint: each table is built again under its name with the
//!   new keys, its rows, indexes, triggers and id sequence carried over. SQLite keeps
//!   `id` as the primary key (its row id; AUTOINCREMENT needs it alone) and gains
//!   `UNIQUE (tenant_id, id)`, which the composite foreign keys refer to.

use crate::db::Backend;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};

/// Tables of no tenant, copied whole to every node of a distributed database.
pub const REFERENCE_TABLES: [&str; 3] = ["tenants", "eol_releases", "users"];

/// One key constraint as the database reports it.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    table: String,
    /// `p` primary, `u` unique, `f` foreign.
    kind: char,
    columns: Vec<String>,
    /// For a foreign key: the table and columns it refers to.
    target: Option<(String, Vec<String>)>,
}

pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tenant's tables: those with a `tenant_id`, but the reference tables.
fn is_tenant_table(table: &str, columns: &BTreeMap<String, Vec<Column>>) -> bool {
    !REFERENCE_TABLES.contains(&table)
        && columns
            .get(table)
            .is_some_and(|c| c.iter().any(|c| c.name == "tenant_id"))
}

/// `columns` with `tenant_id` first, unless it is there already.
fn with_tenant(columns: &[String]) -> Vec<String> {
    if columns.iter().any(|c| c == "tenant_id") {
        return columns.to_vec();
    }
    std::iter::once("tenant_id".to_string())
        .chain(columns.iter().cloned())
        .collect()
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    sql_type: String,
    not_null: bool,
    default: Option<String>,
}

/// Runs the migration inside the migration's transaction.
pub(crate) async fn run(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    match crate::sql::backend_of(tx) {
        Backend::Postgres => postgres(tx).await,
        Backend::Sqlite => sqlite(tx).await,
    }
}

async fn postgres(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    crate::citus::identities_to_sequences(tx).await?;
    let columns = postgres_columns(tx).await?;
    let keys = postgres_keys(tx).await?;
    let tenant = |t: &str| is_tenant_table(t, &columns);
    // Foreign keys first: a primary key cannot go while one refers to it.
    let mut readd = Vec::new();
    for k in keys.iter().filter(|k| k.kind == 'f') {
        let Some((target, _)) = &k.target else {
            continue;
        };
        if tenant(target)
            || (REFERENCE_TABLES.contains(&k.table.as_str())
                && !REFERENCE_TABLES.contains(&target.as_str()))
        {
            drop_constraint(tx, k).await?;
            // A reference table cannot refer to a tenant's table (users → staff_members):
            // that link is kept by daicho, not by the database.
            if tenant(&k.table) {
                readd.push(k.clone());
            }
        }
    }
    for k in keys.iter().filter(|k| k.kind != 'f' && tenant(&k.table)) {
        if k.columns.iter().any(|c| c == "tenant_id") {
            continue;
        }
        drop_constraint(tx, k).await?;
        let kind = if k.kind == 'p' {
            "PRIMARY KEY"
        } else {
            "UNIQUE"
        };
        exec(
            tx,
            &format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {kind} ({})",
                quote(&k.table),
                quote(&k.name),
                list(&with_tenant(&k.columns))
            ),
        )
        .await?;
    }
    for k in readd {
        let Some((target, target_columns)) = &k.target else {
            continue;
        };
        exec(
            tx,
            &format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                quote(&k.table),
                quote(&k.name),
                list(&with_tenant(&k.columns)),
                quote(target),
                list(&with_tenant(target_columns))
            ),
        )
        .await?;
    }
    Ok(())
}

async fn drop_constraint(tx: &mut Transaction<'_, Any>, k: &Key) -> Result<(), sqlx::Error> {
    exec(
        tx,
        &format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            quote(&k.table),
            quote(&k.name)
        ),
    )
    .await
}

pub(crate) async fn exec(tx: &mut Transaction<'_, Any>, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(&mut **tx).await?;
    Ok(())
}

async fn postgres_columns(
    tx: &mut Transaction<'_, Any>,
) -> Result<BTreeMap<String, Vec<Column>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, \
         CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS nn \
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for r in rows {
        out.entry(r.try_get("t")?).or_default().push(Column {
            name: r.try_get("c")?,
            sql_type: r.try_get("ty")?,
            not_null: r.try_get::<i32, _>("nn")? == 1,
            default: None,
        });
    }
    Ok(out)
}

async fn postgres_keys(tx: &mut Transaction<'_, Any>) -> Result<Vec<Key>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.conname::text AS name, c.conrelid::regclass::text AS tbl, c.contype::text AS kind, \
           (SELECT string_agg(a.attname::text, ',' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols, \
           CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS target, \
           (SELECT string_agg(a.attname::text, ',' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS target_cols \
         FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace \
         WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'u', 'f') ORDER BY 2, 1",
    )
    .fetch_all(&mut **tx)
    .await?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| {
            s.split(',')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .unwrap_or_default()
    };
    let mut out = Vec::new();
    for r in rows {
        let target: Option<String> = r.try_get("target")?;
        out.push(Key {
            name: r.try_get("name")?,
            table: r.try_get::<String, _>("tbl")?.trim_matches('"').to_string(),
            kind: r
                .try_get::<String, _>("kind")?
                .chars()
                .next()
                .unwrap_or(' '),
            columns: split(r.try_get("cols")?),
            target: target.map(|t| {
                (
                    t.trim_matches('"').to_string(),
                    split(r.try_get("target_cols").ok().flatten()),
                )
            }),
        });
    }
    Ok(out)
}

/// One SQLite table as it stands.
struct SqliteTable {
    name: String,
    columns: Vec<Column>,
    has_id: bool,
    /// Primary key columns when it is not `id` (counts, history heads).
    primary: Vec<String>,
    uniques: Vec<Vec<String>>,
    /// (columns, target table, target columns)
    foreign: Vec<(Vec<String>, String, Vec<String>)>,
}

async fn sqlite(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
    )
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in &names {
        tables.push(sqlite_table(tx, name).await?);
    }
    let columns: BTreeMap<String, Vec<Column>> = tables
        .iter()
        .map(|t| (t.name.clone(), t.columns.clone()))
        .collect();
    // Parents before children: a composite foreign key needs its target's unique key.
    let mut order: Vec<&SqliteTable> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while order.len() < tables.len() {
        let before = order.len();
        for t in &tables {
            if placed.contains(t.name.as_str()) {
                continue;
            }
            let ready = t.foreign.iter().all(|(_, target, _)| {
                target == &t.name || placed.contains(target.as_str()) || !names.contains(target)
            });
            if ready {
                placed.insert(&t.name);
                order.push(t);
            }
        }
        if order.len() == before {
            // A cycle (none today): the rest in name order; the foreign keys are deferred.
            order.extend(tables.iter().filter(|t| !placed.contains(t.name.as_str())));
            break;
        }
    }
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut **tx)
        .await?;
    // References in other tables keep naming the table, not the old copy.
    sqlx::query("PRAGMA legacy_alter_table = ON")
        .execute(&mut **tx)
        .await?;
    let extras: Vec<(String, String)> = sqlx::query(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
    )
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("tbl_name")?, r.try_get("sql")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let objects: Vec<(String, String)> = sqlx::query(
        "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL",
    )
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("type")?, r.try_get("name")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (kind, name) in &objects {
        exec(tx, &format!("DROP {} {}", kind.to_uppercase(), quote(name))).await?;
    }
    for t in order {
        rebuild(tx, t, &columns).await?;
    }
    for (_, sql) in &extras {
        exec(tx, sql).await?;
    }
    sqlx::query("PRAGMA legacy_alter_table = OFF")
        .execute(&mut **tx)
        .await?;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut **tx)
        .await?;
    if let Some(row) = broken.first() {
        let table: String = row.try_get(0)?;
        return Err(sqlx::Error::Protocol(format!(
            "所属や台帳の参照が団体をまたいでいる行があります（{table}）"
        )));
    }
    Ok(())
}

async fn sqlite_table(
    tx: &mut Transaction<'_, Any>,
    name: &str,
) -> Result<SqliteTable, sqlx::Error> {
    let info = sqlx::query(&format!("PRAGMA table_info({})", quote(name)))
        .fetch_all(&mut **tx)
        .await?;
    let mut columns = Vec::new();
    let mut primary: Vec<(i64, String)> = Vec::new();
    for c in &info {
        let column = Column {
            name: c.try_get("name")?,
            sql_type: c.try_get("type")?,
            not_null: c.try_get::<i64, _>("notnull")? == 1,
            default: c.try_get("dflt_value")?,
        };
        let pk: i64 = c.try_get("pk")?;
        if pk > 0 {
            primary.push((pk, column.name.clone()));
        }
        columns.push(column);
    }
    primary.sort();
    let primary: Vec<String> = primary.into_iter().map(|(_, c)| c).collect();
    let has_id = primary == ["id"];
    let mut uniques = Vec::new();
    for index in sqlx::query(&format!("PRAGMA index_list({})", quote(name)))
        .fetch_all(&mut **tx)
        .await?
    {
        let origin: String = index.try_get("origin")?;
        if origin != "u" {
            continue;
        }
        let index_name: String = index.try_get("name")?;
        let mut cols: Vec<(i64, String)> = Vec::new();
        for c in sqlx::query(&format!("PRAGMA index_info({})", quote(&index_name)))
            .fetch_all(&mut **tx)
            .await?
        {
            cols.push((c.try_get("seqno")?, c.try_get("name")?));
        }
        cols.sort();
        uniques.push(cols.into_iter().map(|(_, c)| c).collect());
    }
    let mut by_id: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
    for f in sqlx::query(&format!("PRAGMA foreign_key_list({})", quote(name)))
        .fetch_all(&mut **tx)
        .await?
    {
        let id: i64 = f.try_get("id")?;
        let entry = by_id
            .entry(id)
            .or_insert_with(|| (Vec::new(), String::new(), Vec::new()));
        entry.0.push(f.try_get("from")?);
        entry.1 = f.try_get("table")?;
        entry.2.push(
            f.try_get::<Option<String>, _>("to")?
                .unwrap_or_else(|| "id".into()),
        );
    }
    Ok(SqliteTable {
        name: name.to_string(),
        columns,
        has_id,
        primary: if has_id { Vec::new() } else { primary },
        uniques,
        foreign: by_id.into_values().collect(),
    })
}

/// Builds `t` again with the tenant's keys, keeping its rows and its id sequence.
async fn rebuild(
    tx: &mut Transaction<'_, Any>,
    t: &SqliteTable,
    all: &BTreeMap<String, Vec<Column>>,
) -> Result<(), sqlx::Error> {
    let tenant = |name: &str| is_tenant_table(name, all);
    let own = tenant(&t.name);
    let mut parts: Vec<String> = Vec::new();
    for c in &t.columns {
        if t.has_id && c.name == "id" {
            parts.push("\"id\" INTEGER PRIMARY KEY AUTOINCREMENT".into());
            continue;
        }
        let mut part = format!("{} {}", quote(&c.name), c.sql_type);
        if c.not_null || (own && c.name == "tenant_id") {
            part.push_str(" NOT NULL");
        }
        if let Some(d) = &c.default {
            part.push_str(&format!(" DEFAULT {d}"));
        }
        parts.push(part);
    }
    if !t.primary.is_empty() {
        let key = if own {
            with_tenant(&t.primary)
        } else {
            t.primary.clone()
        };
        parts.push(format!("PRIMARY KEY ({})", list(&key)));
    }
    if own && t.has_id {
        parts.push("UNIQUE (\"tenant_id\", \"id\")".into());
    }
    for u in &t.uniques {
        let key = if own { with_tenant(u) } else { u.clone() };
        parts.push(format!("UNIQUE ({})", list(&key)));
    }
    for (from, target, to) in &t.foreign {
        if REFERENCE_TABLES.contains(&t.name.as_str()) && tenant(target) {
            continue; // users → staff_members: kept by daicho (see the module's text).
        }
        let (from, to) = if own && tenant(target) {
            (with_tenant(from), with_tenant(to))
        } else {
            (from.clone(), to.clone())
        };
        parts.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            list(&from),
            quote(target),
            list(&to)
        ));
    }
    let old = format!("{}__before_tenant_keys", t.name);
    let seq: Option<i64> = sqlx::query("SELECT seq FROM sqlite_sequence WHERE name = $1")
        .bind(&t.name)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("seq"))
        .transpose()?;
    exec(
        tx,
        &format!("ALTER TABLE {} RENAME TO {}", quote(&t.name), quote(&old)),
    )
    .await?;
    exec(
        tx,
        &format!(
            "CREATE TABLE {} (\n    {}\n)",
            quote(&t.name),
            parts.join(",\n    ")
        ),
    )
    .await?;
    let cols = list(&t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>());
    exec(
        tx,
        &format!(
            "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
            quote(&t.name),
            quote(&old)
        ),
    )
    .await?;
    exec(tx, &format!("DROP TABLE {}", quote(&old))).await?;
    if let Some(seq) = seq {
        sqlx::query("DELETE FROM sqlite_sequence WHERE name = $1")
            .bind(&t.name)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
            .bind(&t.name)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
