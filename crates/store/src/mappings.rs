//! Column mappings saved by name per tenant: how a city's own file headers map to fields,
//! so the next file of the same shape imports without correcting them again.

use crate::sql::{Sql, Value};
use crate::{Db, Scope, StoreError};
use sqlx::Row;
use std::collections::BTreeMap;

/// Header as written → field code name ("" = not imported).
pub type ColumnMapping = BTreeMap<String, String>;

impl Db {
    /// Saves (or replaces) the mapping `name` of the scope's tenant.
    pub async fn save_mapping(
        &self,
        scope: &Scope,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Result<(), StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid(
                "mapping_name",
                "対応表の名前を入力してください",
            ));
        }
        let json = serde_json::to_string(mapping).unwrap_or_else(|_| "{}".into());
        let mut sql = Sql::insert(
            "column_mappings",
            &["tenant_id", "name", "mapping_json", "updated_at"],
        );
        sql.bind_list([
            Value::from(scope.tenant_id),
            name.into(),
            json.into(),
            crate::now_text().into(),
        ])
        .push(" ON CONFLICT (tenant_id, name) DO UPDATE SET mapping_json = excluded.mapping_json, updated_at = excluded.updated_at");
        sql.execute(self).await?;
        Ok(())
    }

    /// The tenant's saved mappings by name.
    pub async fn mappings(
        &self,
        scope: &Scope,
    ) -> Result<Vec<(String, ColumnMapping)>, StoreError> {
        let mut sql = Sql::new("SELECT name, mapping_json FROM column_mappings WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" ORDER BY name");
        let rows = sql.fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                let json: String = r.try_get("mapping_json")?;
                Ok((
                    r.try_get("name")?,
                    serde_json::from_str(&json).unwrap_or_default(),
                ))
            })
            .collect()
    }
}
