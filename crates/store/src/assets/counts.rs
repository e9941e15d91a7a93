//! Asset counts by department, kind, status, network segment and OS. The store keeps a
//! small table of counts in step with every asset write (same transaction), so the
//! dashboard reads a few hundred rows however large the ledger.

use super::AssetFields;
use crate::sql::{Sql, Value};
use crate::{Db, Scope, StoreError};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// One bar of a dashboard chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The code (department code, kind code, OS string; empty when not recorded).
    pub key: String,
    /// The Japanese label.
    pub label: String,
    /// Ledger entries.
    pub entries: i64,
    /// Items (a row with 利用台数 12 counts 12).
    pub quantity: i64,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DashboardCounts {
    pub entries: i64,
    pub quantity: i64,
    pub by_department: Vec<FacetCount>,
    pub by_kind: Vec<FacetCount>,
    pub by_status: Vec<FacetCount>,
    pub by_segment: Vec<FacetCount>,
    pub by_os: Vec<FacetCount>,
}

/// The key of a counts row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CountKey {
    department_id: i64,
    kind: &'static str,
    status: &'static str,
    segment: &'static str,
    os: String,
}

impl CountKey {
    pub(crate) fn of(f: &AssetFields) -> Self {
        CountKey {
            department_id: f.department_id,
            kind: f.kind.code(),
            status: f.status.code(),
            segment: f.network_segment.map(|s| s.code()).unwrap_or(""),
            os: f.os.clone().unwrap_or_default(),
        }
    }
}

/// Adds `(entries, quantity)` per key inside the caller's transaction.
pub(crate) async fn bump(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    deltas: HashMap<CountKey, (i64, i64)>,
) -> Result<(), sqlx::Error> {
    for (k, (entries, quantity)) in deltas {
        if entries == 0 && quantity == 0 {
            continue;
        }
        let mut sql = Sql::insert(
            "asset_counts",
            &[
                "tenant_id",
                "department_id",
                "kind",
                "status",
                "network_segment",
                "os",
                "entries",
                "quantity",
            ],
        );
        sql.bind_list([
            Value::from(tenant_id),
            k.department_id.into(),
            k.kind.into(),
            k.status.into(),
            k.segment.into(),
            k.os.into(),
            entries.into(),
            quantity.into(),
        ])
        .push(" ON CONFLICT (tenant_id, department_id, kind, status, network_segment, os) DO UPDATE SET \
                   entries = asset_counts.entries + excluded.entries, quantity = asset_counts.quantity + excluded.quantity");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Db {
    /// Counts for the dashboard, inside `scope`.
    pub async fn dashboard_counts(&self, scope: &Scope) -> Result<DashboardCounts, StoreError> {
        let departments: HashMap<i64, (String, String)> = self
            .departments(scope)
            .await?
            .into_iter()
            .map(|d| (d.id, (d.code, d.name)))
            .collect();
        let mut out = DashboardCounts::default();
        for (column, target) in [
            ("department_id", 0),
            ("kind", 1),
            ("status", 2),
            ("network_segment", 3),
            ("os", 4),
        ] {
            let key_expr = if column == "department_id" {
                "CAST(department_id AS TEXT)"
            } else {
                column
            };
            let mut sql = Sql::new(&format!(
                "SELECT {key_expr} AS k, CAST(SUM(entries) AS BIGINT) AS entries, CAST(SUM(quantity) AS BIGINT) AS quantity FROM asset_counts WHERE tenant_id = "
            ));
            sql.bind(scope.tenant_id);
            scope.restrict(&mut sql, "department_id");
            sql.push(&format!(
                " GROUP BY {column} HAVING SUM(entries) > 0 ORDER BY SUM(entries) DESC, {column}"
            ));
            let rows = sql.fetch_all(self).await?;
            let mut facets = Vec::with_capacity(rows.len());
            for r in &rows {
                let key: String = r.try_get("k")?;
                let entries: i64 = r.try_get("entries")?;
                let quantity: i64 = r.try_get("quantity")?;
                let label = label_of(column, &key, &departments);
                facets.push(FacetCount {
                    key,
                    label,
                    entries,
                    quantity,
                });
            }
            match target {
                0 => {
                    out.entries = facets.iter().map(|f| f.entries).sum();
                    out.quantity = facets.iter().map(|f| f.quantity).sum();
                    out.by_department = facets;
                }
                1 => out.by_kind = facets,
                2 => out.by_status = facets,
                3 => out.by_segment = facets,
                _ => out.by_os = facets,
            }
        }
        Ok(out)
    }

    /// Rebuilds the counts of a tenant from the ledger itself.
    pub async fn recount_assets(&self, tenant_id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new("DELETE FROM asset_counts WHERE tenant_id = ");
        sql.bind(tenant_id);
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new(
            "INSERT INTO asset_counts (tenant_id, department_id, kind, status, network_segment, os, entries, quantity) \
             SELECT tenant_id, department_id, kind, status, COALESCE(network_segment, ''), COALESCE(os, ''), COUNT(*), CAST(SUM(quantity) AS BIGINT) \
             FROM assets WHERE tenant_id = ",
        );
        sql.bind(tenant_id).push(" GROUP BY tenant_id, department_id, kind, status, COALESCE(network_segment, ''), COALESCE(os, '')");
        sql.execute(&mut *tx).await?;
        tx.commit().await.map_err(StoreError::from)
    }
}

fn label_of(column: &str, key: &str, departments: &HashMap<i64, (String, String)>) -> String {
    use daicho_domain::{AssetKind, AssetStatus, NetworkSegment};
    let or_unset = |label: Option<&str>| label.unwrap_or("（未登録）").to_string();
    match column {
        "department_id" => or_unset(
            key.parse()
                .ok()
                .and_then(|id: i64| departments.get(&id))
                .map(|d| d.1.as_str()),
        ),
        "kind" => or_unset(AssetKind::parse(key).ok().map(|k| k.label_ja())),
        "status" => or_unset(AssetStatus::parse(key).ok().map(|k| k.label_ja())),
        "network_segment" => or_unset(NetworkSegment::parse(key).ok().map(|k| k.label_ja())),
        _ => or_unset(Some(key).filter(|k| !k.is_empty())),
    }
}

impl Db {
    /// Assets in network segment `segment` on hand (not disposed), by department code.
    pub async fn assets_in_segment(
        &self,
        scope: &Scope,
        segment: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT d.code, CAST(SUM(a.quantity) AS BIGINT) AS n FROM assets a \
             JOIN departments d ON d.id = a.department_id AND d.tenant_id = a.tenant_id \
             WHERE a.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND a.network_segment = ")
            .bind(segment)
            .push(" AND a.status <> 'disposed'");
        scope.restrict(&mut sql, "a.department_id");
        sql.push(" GROUP BY d.code ORDER BY d.code");
        let mut out = Vec::new();
        for r in sql.fetch_all(self).await? {
            out.push((r.try_get("code")?, r.try_get("n")?));
        }
        Ok(out)
    }
}
