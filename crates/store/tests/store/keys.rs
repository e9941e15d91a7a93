//! Every key of a tenant's table names the tenant (migration 11), as a database sharded by
//! tenant (Citus) needs, and an upgrade to it keeps every row.

use crate::fixture::*;
use daicho_store::{Backend, REFERENCE_TABLES};
use sqlx::Row;

/// (table, kind p/u/f, columns, target table) of every key of the database (not of the
/// shards a Citus coordinator keeps of its reference tables, `users_102010`: copies).
async fn keys(db: &Db) -> Vec<(String, char, Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    match db.backend() {
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT c.conrelid::regclass::text AS tbl, c.contype::text AS kind, \
                   (SELECT string_agg(a.attname::text, ',') FROM unnest(c.conkey) k(n) \
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols, \
                   CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS target \
                 FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace \
                 JOIN pg_class r ON r.oid = c.conrelid \
                 WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'u', 'f') \
                   AND NOT (r.relname ~ '_[0-9]+$' \
                        AND to_regclass(regexp_replace(r.relname, '_[0-9]+$', '')) IS NOT NULL)",
            )
            .fetch_all(db.pool())
            .await
            .expect("constraints");
            for r in rows {
                let cols: String = r.get("cols");
                out.push((
                    r.get::<String, _>("tbl"),
                    r.get::<String, _>("kind").chars().next().expect("kind"),
                    cols.split(',').map(str::to_string).collect(),
                    r.get::<Option<String>, _>("target"),
                ));
            }
        }
        Backend::Sqlite => {
            let tables: Vec<String> = sqlx::query(
                // Ordinary tables: not the word index (a virtual table) nor the tables it keeps
                // its index in. Read from sqlite_master, whose read first brings a connection's
                // schema up to date (pragma_table_list alone can answer from an old one).
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('virtual', 'shadow'))",
            )
            .fetch_all(db.pool())
            .await
            .expect("tables")
            .iter()
            .map(|r| r.get("name"))
            .collect();
            for t in tables {
                let mut primary: Vec<String> = Vec::new();
                for c in sqlx::query(&format!("PRAGMA table_info(\"{t}\")"))
                    .fetch_all(db.pool())
                    .await
                    .expect("columns")
                {
                    if c.get::<i64, _>("pk") > 0 {
                        primary.push(c.get("name"));
                    }
                }
                // SQLite's row id stays the primary key; the key other tables refer to is
                // UNIQUE (tenant_id, id), checked with the unique keys below.
                if primary != ["id"] {
                    out.push((t.clone(), 'p', primary, None));
                }
                for i in sqlx::query(&format!("PRAGMA index_list(\"{t}\")"))
                    .fetch_all(db.pool())
                    .await
                    .expect("indexes")
                {
                    if i.get::<String, _>("origin") != "u" {
                        continue;
                    }
                    let name: String = i.get("name");
                    let cols = sqlx::query(&format!("PRAGMA index_info(\"{name}\")"))
                        .fetch_all(db.pool())
                        .await
                        .expect("index")
                        .iter()
                        .map(|c| c.get::<String, _>("name"))
                        .collect();
                    out.push((t.clone(), 'u', cols, None));
                }
                let mut foreign: std::collections::BTreeMap<i64, (Vec<String>, String)> =
                    Default::default();
                for f in sqlx::query(&format!("PRAGMA foreign_key_list(\"{t}\")"))
                    .fetch_all(db.pool())
                    .await
                    .expect("foreign keys")
                {
                    let e = foreign.entry(f.get("id")).or_default();
                    e.0.push(f.get("from"));
                    e.1 = f.get("table");
                }
                for (cols, target) in foreign.into_values() {
                    out.push((t.clone(), 'f', cols, Some(target)));
                }
            }
        }
    }
    out
}

/// The keys of tenants' tables that do not name the tenant.
async fn keys_without_tenant(db: &Db) -> Vec<String> {
    let all = keys(db).await;
    let tenant_tables: Vec<String> = {
        let mut t: Vec<String> = Vec::new();
        for (table, _, cols, _) in &all {
            if cols.iter().any(|c| c == "tenant_id") && !t.contains(table) {
                t.push(table.clone());
            }
        }
        t.retain(|t| !REFERENCE_TABLES.contains(&t.as_str()));
        t
    };
    let mut missing = Vec::new();
    for (table, kind, cols, target) in &all {
        if !tenant_tables.contains(table) || cols.iter().any(|c| c == "tenant_id") {
            continue;
        }
        // A reference to a table of no tenant (users) is held on every node.
        if target
            .as_deref()
            .is_some_and(|t| REFERENCE_TABLES.contains(&t))
        {
            continue;
        }
        missing.push(format!("{table} {kind} ({})", cols.join(", ")));
    }
    // Tables with ids are referred to by (tenant_id, id).
    if db.backend() == Backend::Sqlite {
        for table in &tenant_tables {
            let has_id = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
                .fetch_all(db.pool())
                .await
                .expect("columns")
                .iter()
                .any(|c| c.get::<String, _>("name") == "id");
            let keyed = all.iter().any(|(t, k, c, _)| {
                t == table && *k == 'u' && c == &["tenant_id".to_string(), "id".to_string()]
            });
            if has_id && !keyed {
                missing.push(format!("{table}: no UNIQUE (tenant_id, id)"));
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_key_of_a_tenant_table_names_the_tenant() {
    let db = db().await;
    let missing = keys_without_tenant(&db).await;
    assert!(missing.is_empty(), "keys without tenant_id: {missing:#?}");
    if db.backend() == Backend::Postgres {
        // Citus refuses to distribute a table with an identity column.
        let identities: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
        )
        .fetch_one(db.pool())
        .await
        .expect("columns");
        assert_eq!(identities.0, 0, "ids are numbered by sequences");
    }
}

#[tokio::test]
async fn an_upgrade_to_tenant_keys_keeps_every_row_and_link() {
    let old = daicho_store::testing::fresh_at(10)
        .await
        .expect("schema 10");
    assert!(
        !keys_without_tenant(&old).await.is_empty(),
        "the keys before migration 11 do not all name the tenant"
    );
    let (t, a, _) = old_city(&old).await;
    let scope = Scope::tenant(t.id);
    // A manager bound to a section, as schema 10 stored it.
    sqlx::query(
        "INSERT INTO users (tenant_id, username, display_name, password_hash, role, created_at, password_changed_at) \
         VALUES ($1, 'sato', 'sato', 'x', 'manager', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .bind(t.id)
    .execute(old.pool())
    .await
    .expect("user");
    sqlx::query("INSERT INTO user_departments (user_id, department_id) SELECT id, $1 FROM users WHERE username = 'sato'")
        .bind(a)
        .execute(old.pool())
        .await
        .expect("user's department");
    let last = db_assets(&old, &scope).await;
    assert_eq!(
        daicho_store::testing::migrate_to(&old, 11)
            .await
            .expect("migration 11"),
        1
    );
    let missing = keys_without_tenant(&old).await;
    assert!(missing.is_empty(), "{missing:?}");
    assert_eq!(db_assets(&old, &scope).await, last, "every asset kept");
    for report in old.verify_history(None).await.expect("verify") {
        assert!(report.broken.is_none(), "{report:?}");
    }
    // Accounts are read as the current schema has them.
    daicho_store::testing::migrate(&old)
        .await
        .expect("the rest");
    let user = old
        .users(Some(t.id))
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "sato")
        .expect("sato");
    let bound = old.scope_for(&user).await.expect("scope");
    assert!(bound.covers(a), "the manager keeps its section");
    // Ids go on after the last one (the id sequence was carried over).
    let next = old
        .create_asset(&scope, &actor(), &pc("AFTER", "110"))
        .await
        .expect("created");
    assert!(next.id > last.iter().map(|(id, _)| *id).max().unwrap_or(0));
}

async fn db_assets(db: &Db, scope: &Scope) -> Vec<(i64, String)> {
    db.list_assets(scope, &all())
        .await
        .expect("list")
        .rows
        .into_iter()
        .map(|r| (r.id, r.asset_tag))
        .collect()
}
