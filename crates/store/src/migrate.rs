//! One migration history for both backends. Each step is portable SQL plus, where the
//! engines truly differ (triggers), a short backend-specific part. `{{id}}` stands for
//! the auto-numbered primary key.

use crate::db::{Backend, Db};
use crate::error::StoreError;

struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// PostgreSQL only, run after the new tables are placed — on Citus, distributed by
    /// tenant, which must come before they hold rows or refer to anything: the copying of
    /// rows into them and their keys go here. (SQLite has its keys in `CREATE TABLE`.)
    after: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("migrations/0001_foundation.sql"),
        sqlite: include_str!("migrations/0001_foundation.sqlite.sql"),
        postgres: include_str!("migrations/0001_foundation.postgres.sql"),
        after: "",
    },
    Migration {
        version: 2,
        name: "column_mappings",
        common: include_str!("migrations/0002_column_mappings.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 3,
        name: "rules",
        common: include_str!("migrations/0003_rules.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 4,
        name: "assets_by_id",
        common: include_str!("migrations/0004_assets_by_id.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 5,
        name: "self_check_training",
        common: include_str!("migrations/0005_self_check_training.sql"),
        sqlite: "",
        postgres: include_str!("migrations/0005_self_check_training.postgres.sql"),
        after: "",
    },
    Migration {
        version: 6,
        name: "history_by_tenant",
        common: include_str!("migrations/0006_history_by_tenant.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 7,
        name: "login_throttle",
        common: include_str!("migrations/0007_login_throttle.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 8,
        name: "history_chain",
        common: include_str!("migrations/0008_history_chain.sql"),
        sqlite: "",
        postgres: include_str!("migrations/0008_history_chain.postgres.sql"),
        after: "",
    },
    Migration {
        version: 9,
        name: "auth_file",
        common: include_str!("migrations/0009_auth_file.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 10,
        name: "history_ledger_names",
        common: "",
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 11,
        name: "tenant_keys",
        common: include_str!("migrations/0011_tenant_keys.sql"),
        sqlite: "",
        postgres: "ALTER TABLE user_departments ALTER COLUMN tenant_id SET NOT NULL;",
        after: "",
    },
    Migration {
        version: 12,
        name: "audit_visits",
        common: "",
        sqlite: include_str!("migrations/0012_audit_visits.sqlite.sql"),
        postgres: include_str!("migrations/0012_audit_visits.postgres.sql"),
        after: include_str!("migrations/0012_audit_visits.after.sql"),
    },
    Migration {
        version: 13,
        name: "audit_items",
        common: "",
        sqlite: include_str!("migrations/0013_audit_items.sqlite.sql"),
        postgres: include_str!("migrations/0013_audit_items.postgres.sql"),
        after: include_str!("migrations/0013_audit_items.after.sql"),
    },
    Migration {
        version: 14,
        name: "audit_surveys",
        common: "",
        sqlite: include_str!("migrations/0014_audit_surveys.sqlite.sql"),
        postgres: include_str!("migrations/0014_audit_surveys.postgres.sql"),
        after: include_str!("migrations/0014_audit_surveys.after.sql"),
    },
    Migration {
        version: 15,
        name: "audit_measures",
        common: "",
        sqlite: include_str!("migrations/0015_audit_measures.sqlite.sql"),
        postgres: include_str!("migrations/0015_audit_measures.postgres.sql"),
        after: include_str!("migrations/0015_audit_measures.after.sql"),
    },
    Migration {
        version: 16,
        name: "horizontal_checks",
        common: "",
        sqlite: include_str!("migrations/0016_horizontal_checks.sqlite.sql"),
        postgres: include_str!("migrations/0016_horizontal_checks.postgres.sql"),
        after: include_str!("migrations/0016_horizontal_checks.after.sql"),
    },
    Migration {
        version: 17,
        name: "audit_plans",
        common: "",
        sqlite: include_str!("migrations/0017_audit_plans.sqlite.sql"),
        postgres: include_str!("migrations/0017_audit_plans.postgres.sql"),
        after: include_str!("migrations/0017_audit_plans.after.sql"),
    },
    Migration {
        version: 18,
        name: "publications",
        common: "",
        sqlite: include_str!("migrations/0018_publications.sqlite.sql"),
        postgres: include_str!("migrations/0018_publications.postgres.sql"),
        after: include_str!("migrations/0018_publications.after.sql"),
    },
    Migration {
        version: 19,
        name: "stocktake_work",
        common: "",
        sqlite: include_str!("migrations/0019_stocktake_work.sqlite.sql"),
        postgres: include_str!("migrations/0019_stocktake_work.postgres.sql"),
        after: include_str!("migrations/0019_stocktake_work.after.sql"),
    },
    Migration {
        version: 20,
        name: "asset_disposals",
        common: "",
        sqlite: include_str!("migrations/0020_asset_disposals.sqlite.sql"),
        postgres: include_str!("migrations/0020_asset_disposals.postgres.sql"),
        after: include_str!("migrations/0020_asset_disposals.after.sql"),
    },
    Migration {
        version: 21,
        name: "scan_details",
        common: "",
        sqlite: include_str!("migrations/0021_scan_details.sqlite.sql"),
        postgres: include_str!("migrations/0021_scan_details.postgres.sql"),
        after: include_str!("migrations/0021_scan_details.after.sql"),
    },
    Migration {
        version: 22,
        name: "tenant_data_day",
        common: include_str!("migrations/0022_tenant_data_day.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 23,
        name: "unrecorded_ownership_and_procurement",
        common: "",
        sqlite: "",
        postgres: include_str!("migrations/0023_unrecorded_ownership_and_procurement.postgres.sql"),
        after: "",
    },
    Migration {
        version: 24,
        name: "asset_words",
        common: "",
        sqlite: include_str!("migrations/0024_asset_words.sqlite.sql"),
        postgres: include_str!("migrations/0024_asset_words.postgres.sql"),
        after: "",
    },
    Migration {
        version: 25,
        name: "two_factors_and_staff_accounts",
        common: include_str!("migrations/0025_two_factors_and_staff_accounts.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
    Migration {
        version: 26,
        name: "api_tokens",
        common: "",
        sqlite: include_str!("migrations/0026_api_tokens.sqlite.sql"),
        postgres: include_str!("migrations/0026_api_tokens.postgres.sql"),
        after: include_str!("migrations/0026_api_tokens.after.sql"),
    },
    Migration {
        version: 27,
        name: "inventory",
        common: "",
        sqlite: include_str!("migrations/0027_inventory.sqlite.sql"),
        postgres: include_str!("migrations/0027_inventory.postgres.sql"),
        after: include_str!("migrations/0027_inventory.after.sql"),
    },
    Migration {
        version: 28,
        name: "directories",
        common: "",
        sqlite: include_str!("migrations/0028_directories.sqlite.sql"),
        postgres: include_str!("migrations/0028_directories.postgres.sql"),
        after: include_str!("migrations/0028_directories.after.sql"),
    },
    Migration {
        version: 29,
        name: "directory_trust",
        common: include_str!("migrations/0029_directory_trust.sql"),
        sqlite: "",
        postgres: "",
        after: "",
    },
];

/// The migration after which the rows already in the history are chained.
const CHAIN_VERSION: i64 = 8;
/// The migration that moves sessions and login throttling to SQLite's auth file.
const AUTH_FILE_VERSION: i64 = 9;
/// The migration that names each history row's ledger as the ledgers do (and so chains
/// the history again).
const LEDGER_NAMES_VERSION: i64 = 10;
/// The migration that makes every key of a tenant's table name the tenant.
pub(crate) const TENANT_KEYS_VERSION: i64 = 11;
/// The migration that lets an asset's 所有区分 and 調達区分 be not recorded.
const UNRECORDED_VERSION: i64 = 23;

fn render(m: &Migration, backend: Backend) -> String {
    let (id, extra) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", m.sqlite),
        // Tables made after migration 11 number ids by a sequence, as 11 turned the
        // earlier identity columns into (Citus refuses to distribute a table with one).
        Backend::Postgres if m.version < TENANT_KEYS_VERSION => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            m.postgres,
        ),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", m.postgres),
    };
    format!("{}\n{}", m.common.replace("{{id}}", id), extra)
}

/// Applies every migration not yet applied, each in its own transaction. Returns how
/// many ran.
pub(crate) async fn run(db: &Db) -> Result<usize, StoreError> {
    run_to(db, i64::MAX).await
}

/// Applies the migrations not yet applied up to `last` (tests of an upgrade start from an
/// earlier schema).
pub(crate) async fn run_to(db: &Db, last: i64) -> Result<usize, StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(db.pool())
    .await?;
    let mut ran = 0;
    for m in MIGRATIONS.iter().filter(|m| m.version <= last) {
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(db.pool())
                .await?;
        if done.is_some() {
            continue;
        }
        let fail = |e: sqlx::Error| StoreError::Migration {
            version: m.version,
            reason: e.to_string(),
        };
        if m.version == LEDGER_NAMES_VERSION {
            refuse_broken_chain(db, m.version).await?;
        }
        let mut tx = db.pool().begin().await.map_err(fail)?;
        let citus = db.backend() == Backend::Postgres
            && crate::citus::is_distributed(&mut tx).await.map_err(fail)?;
        if citus {
            // DDL on a distributed table runs on every shard at once; keys to reference
            // tables later in the same transaction want one connection per node.
            sqlx::query("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        run_sql(&mut tx, &render(m, db.backend()), citus)
            .await
            .map_err(fail)?;
        if db.backend() == Backend::Postgres && !m.after.is_empty() {
            if citus {
                crate::citus::distribute(&mut tx).await.map_err(fail)?;
            }
            run_sql(&mut tx, m.after, citus).await.map_err(fail)?;
        }
        if m.version == CHAIN_VERSION {
            crate::history::chain::seal_existing(&mut tx)
                .await
                .map_err(fail)?;
        }
        if m.version == LEDGER_NAMES_VERSION {
            crate::history::chain::rename_entities(&mut tx)
                .await
                .map_err(fail)?;
        }
        if m.version == TENANT_KEYS_VERSION {
            crate::tenant_keys::run(&mut tx).await.map_err(fail)?;
        }
        if m.version == UNRECORDED_VERSION && db.backend() == Backend::Sqlite {
            for column in ["ownership", "procured_by"] {
                drop_not_null(&mut tx, "assets", column)
                    .await
                    .map_err(fail)?;
            }
        }
        if m.version == AUTH_FILE_VERSION && db.backend() == Backend::Sqlite {
            crate::sessions::move_to_auth_file(&mut tx)
                .await
                .map_err(fail)?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::now_text())
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        ran += 1;
    }
    Ok(ran)
}

/// Lets a column of a SQLite table hold NULL, as SQLite's documentation allows for a
/// change that leaves the stored rows as they are ("Making Other Kinds Of Table Schema
/// Changes"): the table's text in the schema rewritten and the schema's version bumped,
/// in the migration's transaction — not a copy of a table of a million rows.
async fn drop_not_null(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    column: &str,
) -> Result<(), sqlx::Error> {
    let text: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_one(&mut **tx)
            .await?;
    let before = format!("\"{column}\" TEXT NOT NULL");
    if text.matches(&before).count() != 1 {
        return Err(sqlx::Error::Protocol(format!(
            "{table}.{column} の定義が想定と違うため変更できません"
        )));
    }
    let after = text.replace(&before, &format!("\"{column}\" TEXT"));
    let version: i64 = sqlx::query_scalar("PRAGMA schema_version")
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("PRAGMA writable_schema = ON")
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE sqlite_master SET sql = $1 WHERE type = 'table' AND name = $2")
        .bind(&after)
        .bind(table)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!("PRAGMA schema_version = {}", version + 1))
        .execute(&mut **tx)
        .await?;
    sqlx::query("PRAGMA writable_schema = OFF")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Runs a migration's SQL: as one batch, or on Citus a statement at a time (Citus passes
/// a DDL's whole query text on to the shards, and refuses a text of many statements).
async fn run_sql(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    sql: &str,
    citus: bool,
) -> Result<(), sqlx::Error> {
    if !citus {
        sqlx::raw_sql(sql).execute(&mut **tx).await?;
        return Ok(());
    }
    for statement in statements(sql) {
        sqlx::raw_sql(&statement).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The statements of a migration's text: split after a line ending in `;`, but not inside
/// a `$$` body; comment lines dropped.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_body = false;
    for line in sql.lines() {
        if !in_body && line.trim_start().starts_with("--") {
            continue;
        }
        if line.matches("$$").count() % 2 == 1 {
            in_body = !in_body;
        }
        current.push_str(line);
        current.push('\n');
        if !in_body && line.trim_end().ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Chaining the history again would seal in whatever was forged before: a broken chain
/// stops the migration, naming the first broken row, for someone to look at first.
async fn refuse_broken_chain(db: &Db, version: i64) -> Result<(), StoreError> {
    let reports = db.verify_history(None).await?;
    match reports
        .into_iter()
        .find_map(|r| r.broken.map(|b| (r.tenant_id, b)))
    {
        None => Ok(()),
        Some((tenant_id, broken)) => Err(StoreError::Migration {
            version,
            reason: format!(
                "テナント {tenant_id} の変更履歴の鎖が壊れているため、履歴を新しい形に移せません: {broken}（daicho verify で確かめ、バックアップから戻すなどしてから起動してください）"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn a_migration_splits_into_its_statements_but_not_inside_a_body() {
        let sql = "-- a comment; not a statement\nALTER TABLE a ADD COLUMN b TEXT;\n\
                   CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RAISE EXCEPTION 'x';\nEND;\n$$ LANGUAGE plpgsql;\n\
                   UPDATE a\n  SET b = 'c';\n";
        let got = statements(sql);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert_eq!(got[0], "ALTER TABLE a ADD COLUMN b TEXT;\n");
        assert!(got[1].starts_with("CREATE FUNCTION") && got[1].contains("END;"));
        assert_eq!(got[2], "UPDATE a\n  SET b = 'c';\n");
    }
}
