//! Citus, PostgreSQL sharded by tenant: the tables distributed (`daicho migrate --citus`,
//! `citus.sql`), whether a database already is, and the ids numbered by sequences that
//! migration 11 put in place of identity columns (which Citus refuses to distribute).

use crate::tenant_keys::{REFERENCE_TABLES, exec, quote};
use sqlx::{Any, Row, Transaction};

impl crate::Db {
    /// On a Citus coordinator: makes the reference tables reference tables and shards
    /// every tenant's table by `tenant_id` (`daicho migrate --citus`; `citus.sql`). Tables
    /// already distributed stay as they are.
    pub async fn distribute_on_citus(&self) -> Result<(), crate::StoreError> {
        let mut tx = self.pool().begin().await?;
        distribute(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Distributes the tables not yet distributed (`citus.sql`); a migration that adds a
/// tenant's table calls it on a database already distributed.
pub(crate) async fn distribute(tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
    let names = REFERENCE_TABLES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = include_str!("citus.sql").replace("{{reference_tables}}", &names);
    sqlx::raw_sql(&sql).execute(&mut **tx).await?;
    Ok(())
}

/// Whether this is a Citus coordinator whose tables are distributed already.
pub(crate) async fn is_distributed(tx: &mut Transaction<'_, Any>) -> Result<bool, sqlx::Error> {
    let citus: i64 = sqlx::query("SELECT COUNT(*) AS n FROM pg_extension WHERE extname = 'citus'")
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
    if citus == 0 {
        return Ok(false);
    }
    let distributed: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM pg_dist_partition WHERE logicalrelid = to_regclass('departments')")
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
    Ok(distributed > 0)
}
/// Ids numbered by a sequence of their own instead of an identity column (which Citus
/// refuses to distribute), going on from where the identity was.
pub(crate) async fn identities_to_sequences(
    tx: &mut Transaction<'_, Any>,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
         WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let (table, column): (String, String) = (r.try_get("t")?, r.try_get("c")?);
        let last: i64 = sqlx::query(&format!(
            "SELECT GREATEST(COALESCE((SELECT MAX({c}) FROM {t}), 0), \
             COALESCE((SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {s}), 0)) AS n",
            c = quote(&column),
            t = quote(&table),
            s = format_args!("{}", identity_sequence(tx, &table, &column).await?),
        ))
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
        let sequence = quote(&format!("{table}_{column}_seq"));
        exec(
            tx,
            &format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP IDENTITY",
                quote(&table),
                quote(&column)
            ),
        )
        .await?;
        exec(
            tx,
            &format!(
                "CREATE SEQUENCE {sequence} OWNED BY {}.{}",
                quote(&table),
                quote(&column)
            ),
        )
        .await?;
        if last > 0 {
            exec(
                tx,
                &format!("SELECT setval('{}', {last})", sequence.replace('\'', "''")),
            )
            .await?;
        }
        exec(
            tx,
            &format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT nextval('{}')",
                quote(&table),
                quote(&column),
                sequence.replace('\'', "''")
            ),
        )
        .await?;
    }
    Ok(())
}

/// The sequence behind an identity column, as a name to select from.
async fn identity_sequence(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    column: &str,
) -> Result<String, sqlx::Error> {
    let name: Option<String> = sqlx::query("SELECT pg_get_serial_sequence($1, $2) AS s")
        .bind(quote(table))
        .bind(column)
        .fetch_one(&mut **tx)
        .await?
        .try_get("s")?;
    Ok(name.unwrap_or_else(|| {
        "(SELECT false AS is_called, CAST(0 AS BIGINT) AS last_value) AS none".into()
    }))
}
