//! Floors for benchmarks: the least SQL that could answer the same question, run on the
//! same pool, so that `daicho bench` can report the store's figures as ratios.

use crate::sql::Sql;
use crate::{Db, StoreError};

impl Db {
    /// One page of 50 tags of one kind, sorted by tag: no count, no join, no scope.
    pub async fn floor_ledger_page(&self, tenant_id: i64, kind: &str) -> Result<usize, StoreError> {
        let mut sql =
            Sql::new("SELECT id, asset_tag, name, os, status FROM assets WHERE tenant_id = ");
        sql.bind(tenant_id)
            .push(" AND kind = ")
            .bind(kind)
            .push(" ORDER BY asset_tag LIMIT 50");
        Ok(sql.fetch_all(self).await?.len())
    }

    /// How many assets of the tenant hold `word`, read in every row: the search as it was
    /// before the word index (the expression changed, so that no index answers it).
    pub async fn floor_word_scan(&self, tenant_id: i64, word: &str) -> Result<usize, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM assets a WHERE a.tenant_id = ");
        sql.bind(tenant_id)
            .push(&format!(" AND ({} || '')", crate::assets::WORDS))
            .like_contains(word);
        let n: i64 = sql
            .fetch_one(self)
            .await
            .and_then(|r| sqlx::Row::try_get(&r, "n"))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// One GROUP BY over the whole ledger (what the dashboard would cost without its counts
    /// table, for one of its five dimensions).
    pub async fn floor_group_by_kind(&self, tenant_id: i64) -> Result<usize, StoreError> {
        let mut sql = Sql::new("SELECT kind, COUNT(*) AS n FROM assets WHERE tenant_id = ");
        sql.bind(tenant_id).push(" GROUP BY kind");
        Ok(sql.fetch_all(self).await?.len())
    }
}

impl Db {
    /// How many rows of `table` have a `column` starting with `prefix` (generated rows).
    /// `table` and `column` come from the program, never from a user.
    pub async fn count_generated(
        &self,
        scope: &crate::Scope,
        table: &'static str,
        column: &'static str,
        prefix: &str,
    ) -> Result<usize, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = "
        ));
        sql.bind(scope.tenant_id)
            .push(&format!(" AND {column} LIKE "))
            .bind(format!("{prefix}%"));
        let n: i64 = sql
            .fetch_one(self)
            .await
            .and_then(|r| sqlx::Row::try_get(&r, "n"))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
