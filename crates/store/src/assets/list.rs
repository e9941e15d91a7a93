//! The asset ledger page: filters, search, sort, pagination, all inside the caller's scope.

use crate::sql::Sql;
use crate::{Db, Scope, StoreError};
use chrono::NaiveDate;
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment};
use sqlx::Row;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssetSort {
    #[default]
    Tag,
    Name,
    Department,
    Kind,
    Os,
    Status,
    AcquiredOn,
}

impl AssetSort {
    /// Reads the `sort` parameter; anything unknown sorts by tag.
    pub fn parse(s: &str) -> Self {
        match s {
            "name" => AssetSort::Name,
            "department" => AssetSort::Department,
            "kind" => AssetSort::Kind,
            "os" => AssetSort::Os,
            "status" => AssetSort::Status,
            "acquired_on" => AssetSort::AcquiredOn,
            _ => AssetSort::Tag,
        }
    }

    /// The parameter value.
    pub fn code(self) -> &'static str {
        match self {
            AssetSort::Tag => "tag",
            AssetSort::Name => "name",
            AssetSort::Department => "department",
            AssetSort::Kind => "kind",
            AssetSort::Os => "os",
            AssetSort::Status => "status",
            AssetSort::AcquiredOn => "acquired_on",
        }
    }

    fn column(self) -> &'static str {
        match self {
            AssetSort::Tag => "a.asset_tag",
            AssetSort::Name => "a.name",
            AssetSort::Department => "d.code",
            AssetSort::Kind => "a.kind",
            AssetSort::Os => "a.os",
            AssetSort::Status => "a.status",
            AssetSort::AcquiredOn => "a.acquired_on",
        }
    }
}

/// What the user asked to see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    /// A department and everything under it.
    pub department_id: Option<i64>,
    pub kind: Option<AssetKind>,
    pub status: Option<AssetStatus>,
    pub network_segment: Option<NetworkSegment>,
    /// The OS exactly as recorded; `Some("")` finds assets with none recorded.
    pub os: Option<String>,
    /// Any of these OS strings exactly (the spellings of one recognised product).
    pub os_any: Vec<String>,
    /// Words found in tag, name, maker, model or serial.
    pub search: Option<String>,
    pub sort: AssetSort,
    pub descending: bool,
    /// 1-based.
    pub page: i64,
}

/// One line of the ledger list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub id: i64,
    pub asset_tag: String,
    pub department_code: String,
    pub department_name: String,
    pub kind: AssetKind,
    pub name: String,
    pub os: Option<String>,
    pub network_segment: Option<NetworkSegment>,
    pub status: AssetStatus,
    pub acquired_on: Option<NaiveDate>,
    pub quantity: i64,
}

/// One page of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetPage {
    pub rows: Vec<AssetRow>,
    /// Entries matching the filter, over all pages.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// The text a word is searched in: an asset's tag, name, maker, model and serial, apart.
/// A word has no space in it, so it cannot match across two of them. On PostgreSQL the
/// index `assets_words` is built on this expression character for character (migration
/// 24): the planner uses it only for the same expression.
pub(crate) const WORDS: &str = "LOWER(a.asset_tag || ' ' || a.name || ' ' || COALESCE(a.maker, '') || ' ' \
     || COALESCE(a.model, '') || ' ' || COALESCE(a.serial, ''))";

/// Keeps the assets whose words contain `word` (no wildcards: `%` and `_` are literals).
/// PostgreSQL answers the LIKE from its trigram index. SQLite's LIKE cannot use one: there
/// the FTS5 trigram table (`asset_words`) answers a word of three characters or more — a
/// phrase of its trigrams at consecutive places is the word itself, so it needs no LIKE
/// after it (which, reading each row, cost twice the index at 200,000 candidates). The
/// table folds the case of every letter, as PostgreSQL's LOWER does under a UTF-8 locale;
/// SQLite's LOWER and LIKE fold ASCII only, and answer the shorter words.
fn search_word(sql: &mut Sql, backend: crate::db::Backend, word: &str) {
    if backend == crate::db::Backend::Sqlite && word.chars().count() >= 3 {
        // One FTS5 string: every character in it literal, a `"` written twice.
        let phrase = format!("\"{}\"", word.replace('"', "\"\""));
        sql.push(" AND a.id IN (SELECT rowid FROM asset_words WHERE asset_words MATCH ")
            .bind(phrase)
            .push(")");
    } else {
        sql.push(&format!(" AND {WORDS}")).like_contains(word);
    }
}

impl Db {
    /// The assets matching `filter` inside `scope`, one page.
    pub async fn list_assets(
        &self,
        scope: &Scope,
        filter: &AssetFilter,
    ) -> Result<AssetPage, StoreError> {
        let backend = self.backend();
        let department_ids = match filter.department_id {
            Some(d) => Some(self.department_subtree(scope.tenant_id, &[d]).await?),
            None => None,
        };
        // `alias` is `a` for the ledger or `c` for the counts table, where a missing
        // segment or OS is stored as '' rather than NULL.
        let conditions = |sql: &mut Sql, alias: &str| {
            let col = |name: &str| format!("{alias}.{name}");
            sql.bind(scope.tenant_id);
            scope.restrict(sql, &col("department_id"));
            if let Some(ids) = &department_ids {
                sql.push(&format!(" AND {} IN ", col("department_id")))
                    .bind_list(ids.iter().copied());
            }
            if let Some(k) = filter.kind {
                sql.push(&format!(" AND {} = ", col("kind"))).bind(k.code());
            }
            if let Some(s) = filter.status {
                sql.push(&format!(" AND {} = ", col("status")))
                    .bind(s.code());
            }
            if let Some(s) = filter.network_segment {
                sql.push(&format!(" AND {} = ", col("network_segment")))
                    .bind(s.code());
            }
            match filter.os.as_deref() {
                Some("") if alias == "a" => {
                    sql.push(" AND a.os IS NULL");
                }
                Some(os) => {
                    sql.push(&format!(" AND {} = ", col("os"))).bind(os);
                }
                None => {}
            }
            if !filter.os_any.is_empty() {
                sql.push(&format!(" AND {} IN ", col("os")))
                    .bind_list(filter.os_any.iter().map(String::as_str));
            }
            if let Some(words) = &filter.search {
                for word in words.split_whitespace().take(5) {
                    search_word(sql, backend, word);
                }
            }
        };
        // Without words to search, every filter is a dimension of the counts table, which
        // answers the total without touching the ledger.
        let count = if filter.search.is_none() {
            let mut sql = Sql::new(
                "SELECT CAST(COALESCE(SUM(c.entries), 0) AS BIGINT) AS n FROM asset_counts c WHERE c.tenant_id = ",
            );
            conditions(&mut sql, "c");
            sql
        } else {
            let mut sql = Sql::new("SELECT COUNT(*) AS n FROM assets a WHERE a.tenant_id = ");
            conditions(&mut sql, "a");
            sql
        };
        let total: i64 = count.fetch_one(self).await.and_then(|r| r.try_get("n"))?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = filter.page.clamp(1, pages);
        let mut sql = Sql::new(
            "SELECT a.id, a.asset_tag, d.code AS department_code, d.name AS department_name, a.kind, a.name, a.os, \
             a.network_segment, a.status, a.acquired_on, a.quantity \
             FROM assets a JOIN departments d ON d.id = a.department_id AND d.tenant_id = a.tenant_id WHERE a.tenant_id = ",
        );
        conditions(&mut sql, "a");
        let dir = if filter.descending { "DESC" } else { "ASC" };
        sql.push(&format!(
            " ORDER BY {} {dir}, a.id {dir} LIMIT {PAGE_SIZE} OFFSET {}",
            filter.sort.column(),
            (page - 1) * PAGE_SIZE
        ));
        let rows = sql.fetch_all(self).await?;
        let rows = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let segment: Option<String> = r.try_get("network_segment")?;
                let status: String = r.try_get("status")?;
                Ok(AssetRow {
                    id: r.try_get("id")?,
                    asset_tag: r.try_get("asset_tag")?,
                    department_code: r.try_get("department_code")?,
                    department_name: r.try_get("department_name")?,
                    kind: AssetKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    name: r.try_get("name")?,
                    os: r.try_get("os")?,
                    network_segment: segment.and_then(|s| NetworkSegment::parse(&s).ok()),
                    status: AssetStatus::parse(&status)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    acquired_on: crate::sql::Read::date(r, "acquired_on")?,
                    quantity: r.try_get("quantity")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(AssetPage {
            rows,
            total,
            page,
            pages,
        })
    }

    /// The distinct OS strings recorded in the scope, for the filter's choices.
    pub async fn asset_os_values(&self, scope: &Scope) -> Result<Vec<String>, StoreError> {
        let mut sql = Sql::new("SELECT DISTINCT os FROM asset_counts WHERE tenant_id = ");
        sql.bind(scope.tenant_id);
        scope.restrict(&mut sql, "department_id");
        sql.push(" AND entries > 0 ORDER BY os");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("os"))
            .filter(|r| r.as_ref().map_or(true, |s| !s.is_empty()))
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }
}

impl Db {
    /// Whether the word index holds Japanese: always on SQLite; on PostgreSQL only when the
    /// database's LC_CTYPE is a UTF-8 locale, for pg_trgm keeps only what its locale calls
    /// letters and digits (under C a kanji is neither, and a search in Japanese reads the
    /// whole ledger — with the same result).
    pub async fn word_index_reads_japanese(&self) -> Result<bool, StoreError> {
        if self.backend() == crate::db::Backend::Sqlite {
            return Ok(true);
        }
        let row = Sql::new("SELECT CAST(cardinality(show_trgm('図書館')) AS BIGINT) AS n")
            .fetch_one(self)
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// How many assets of the scope have tags starting with `prefix`.
    pub async fn count_generated_assets(
        &self,
        scope: &Scope,
        prefix: &str,
    ) -> Result<usize, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM assets WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND asset_tag LIKE ")
            .bind(format!("{prefix}%"));
        let n: i64 = sql.fetch_one(self).await.and_then(|r| r.try_get("n"))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
