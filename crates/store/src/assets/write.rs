//! Creating and changing assets. Each write checks the scope, validates, and in one
//! transaction changes the row, appends the change history and moves the counts.

use super::counts::{CountKey, bump};
use super::{ASSET_COLUMNS, ASSET_FROM, Asset, AssetFields, AssetInput, asset_from_row};
use crate::history::check_version;
use crate::history::{Change, record};
use crate::scope::Actor;
use crate::sql::{Sql, Value};
use crate::{Db, FieldError, HistoryEntry, Scope, StoreError};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// Rows per INSERT statement in bulk loads: well under both backends' bind limits, and
/// measured fastest on SQLite (with positional placeholders) and PostgreSQL alike.
pub(crate) const ROWS_PER_STATEMENT: usize = 400;

/// Assets written in one transaction by a bulk load, recorded in the history as one
/// `bulk_create` entry naming the source.
#[derive(Debug, Clone)]
pub struct NewAssetBatch {
    pub source: String,
    pub assets: Vec<AssetFields>,
}

impl Db {
    /// One asset, if it exists inside `scope`.
    pub async fn asset(&self, scope: &Scope, id: i64) -> Result<Asset, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {ASSET_FROM} WHERE a.tenant_id = ",
            ASSET_COLUMNS.as_str()
        ));
        sql.bind(scope.tenant_id).push(" AND a.id = ").bind(id);
        scope.restrict(&mut sql, "a.department_id");
        let row = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("資産 {id}")))?;
        asset_from_row(&row).map_err(StoreError::from)
    }

    /// The change history of an asset visible in `scope`, newest first.
    pub async fn asset_history(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        self.asset(scope, id).await?;
        self.history(scope, crate::ledgers::ASSETS.name, id).await
    }

    /// Resolves and checks the parts of an input that need the database: the department
    /// must exist in the scope, and the tag must be free (other than on `except`).
    async fn check_input(
        &self,
        scope: &Scope,
        input: &AssetInput,
        except: Option<i64>,
    ) -> Result<AssetFields, StoreError> {
        if !scope.can_write {
            return Err(StoreError::Forbidden(
                "台帳を変更する権限がありません".into(),
            ));
        }
        let mut errors: Vec<FieldError> = Vec::new();
        let department = input.get("department").trim();
        let department_id = if department.is_empty() {
            errors.push(FieldError {
                field: "department",
                message: "所属を選択してください".into(),
            });
            0
        } else {
            match self.department_by_code(scope, department).await? {
                Some(d) => d.id,
                None => {
                    errors.push(FieldError {
                        field: "department",
                        message: format!("所属「{department}」はないか、あなたの担当範囲外です"),
                    });
                    0
                }
            }
        };
        let today = crate::today();
        let fields = match input.validate(department_id, today) {
            Ok(f) => Some(f),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };
        // The tag is checked even when other fields are wrong, so every problem shows at once.
        if let Ok(tag) = daicho_domain::AssetTag::parse(input.get("asset_tag")) {
            let mut sql = Sql::new("SELECT id FROM assets WHERE tenant_id = ");
            sql.bind(scope.tenant_id)
                .push(" AND asset_tag = ")
                .bind(tag.as_str());
            if let Some(row) = sql.fetch_optional(self).await? {
                let id: i64 = row.try_get("id")?;
                if Some(id) != except {
                    errors.push(FieldError {
                        field: "asset_tag",
                        message: format!("備品番号「{tag}」は既に登録されています"),
                    });
                }
            }
        }
        match fields {
            Some(f) if errors.is_empty() => Ok(f),
            _ => {
                errors.sort_by_key(|e| {
                    crate::ledgers::ASSETS
                        .columns
                        .iter()
                        .position(|c| c.name == e.field)
                        .unwrap_or(usize::MAX)
                });
                Err(StoreError::Invalid(errors))
            }
        }
    }

    /// Creates an asset from form input.
    pub async fn create_asset(
        &self,
        scope: &Scope,
        actor: &Actor,
        input: &AssetInput,
    ) -> Result<Asset, StoreError> {
        let mut fields = self.check_input(scope, input, None).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        fields.location_id =
            ensure_location(&mut tx, scope.tenant_id, input.get("location")).await?;
        let asset = insert_in(&mut tx, scope.tenant_id, actor, &fields).await?;
        tx.commit().await?;
        Ok(asset)
    }

    /// Changes an asset visible in `scope`. Nothing is written when nothing changed. With
    /// `version` (what the edit form was read at), a save over a newer change is refused
    /// with [`StoreError::Stale`].
    pub async fn update_asset(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: i64,
        input: &AssetInput,
        version: Option<i64>,
    ) -> Result<Asset, StoreError> {
        self.asset(scope, id).await?;
        let mut fields = self.check_input(scope, input, Some(id)).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut lock = Sql::new("UPDATE assets SET updated_at = updated_at WHERE tenant_id = ");
        lock.bind(scope.tenant_id).push(" AND id = ").bind(id);
        match version {
            Some(v) => {
                check_version(
                    &mut tx,
                    &lock,
                    scope.tenant_id,
                    crate::ledgers::ASSETS.name,
                    id,
                    v,
                )
                .await?
            }
            None => {
                lock.execute(&mut *tx).await?;
            }
        }
        // Read under the lock: the history's "before" is what this save replaces.
        let before = asset_in(&mut tx, scope.tenant_id, id).await?;
        fields.location_id =
            ensure_location(&mut tx, scope.tenant_id, input.get("location")).await?;
        let after = update_in(&mut tx, scope.tenant_id, actor, &before, &fields, true).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Inserts many validated assets in one transaction (generated or imported data),
    /// with one `bulk_create` history entry. Returns how many were written.
    pub async fn insert_asset_batch(
        &self,
        scope: &Scope,
        actor: &Actor,
        batch: &NewAssetBatch,
    ) -> Result<usize, StoreError> {
        if !scope.can_write || batch.assets.iter().any(|a| !scope.covers(a.department_id)) {
            return Err(StoreError::Forbidden(
                "台帳を変更する権限がありません".into(),
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut deltas = HashMap::new();
        insert_many(&mut tx, scope.tenant_id, &batch.assets, &mut deltas).await?;
        bump(&mut tx, scope.tenant_id, deltas).await?;
        let summary = serde_json::json!({ "source": batch.source, "count": batch.assets.len() });
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: crate::ledgers::ASSETS.name,
                entity_id: None,
                entity_key: &batch.source,
                action: "bulk_create",
                before: None,
                after: Some(&summary),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(batch.assets.len())
    }
}

/// Inserts validated assets in multi-row statements, adding their counts to `deltas` for
/// the caller to apply (once per run: applying them per chunk was hundreds of statements
/// each). Returns each new row's (tag, id).
pub(crate) async fn insert_many(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    assets: &[AssetFields],
    deltas: &mut HashMap<CountKey, (i64, i64)>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let now = crate::now_text();
    let mut ids = Vec::with_capacity(assets.len());
    for chunk in assets.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::insert("assets", &insert_columns());
        for (i, f) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_list(insert_values(tenant_id, &now, f));
            let d = deltas.entry(CountKey::of(f)).or_default();
            d.0 += 1;
            d.1 += f.quantity;
        }
        sql.push(" RETURNING id, asset_tag");
        let rows = sql
            .fetch_all(&mut **tx)
            .await
            .map_err(|e| unique_tag(e, &chunk[0]))?;
        for r in rows {
            ids.push((r.try_get("asset_tag")?, r.try_get("id")?));
        }
    }
    Ok(ids)
}

/// The columns an asset's INSERT names: the tenant, when, and every field.
fn insert_columns() -> Vec<&'static str> {
    let mut columns = vec!["tenant_id", "created_at", "updated_at"];
    columns.extend(AssetFields::COLUMNS);
    columns
}

/// The values of [`insert_columns`] for `fields`.
fn insert_values(tenant_id: i64, now: &str, fields: &AssetFields) -> Vec<Value> {
    let mut values = Vec::with_capacity(3 + AssetFields::COLUMNS.len());
    values.extend([Value::from(tenant_id), now.into(), now.into()]);
    values.extend(fields.values().into_iter().map(|(_, v)| v));
    values
}

/// One asset read inside a transaction.
pub(crate) async fn asset_in(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    id: i64,
) -> Result<Asset, StoreError> {
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM {ASSET_FROM} WHERE a.tenant_id = ",
        ASSET_COLUMNS.as_str()
    ));
    sql.bind(tenant_id).push(" AND a.id = ").bind(id);
    let row = sql.fetch_one(&mut **tx).await?;
    asset_from_row(&row).map_err(StoreError::from)
}

/// A duplicate tag that slipped past the check (a concurrent write) is still the user's
/// mistake to correct, not a database failure.
fn unique_tag(e: sqlx::Error, fields: &AssetFields) -> StoreError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        StoreError::invalid(
            "asset_tag",
            format!("備品番号「{}」は既に登録されています", fields.asset_tag),
        )
    } else {
        StoreError::from(e)
    }
}

/// The id of the tenant's location with `code`, if it has one.
pub(crate) async fn location_by_code(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    code: &str,
) -> Result<Option<i64>, StoreError> {
    let mut sql = Sql::new("SELECT id FROM locations WHERE tenant_id = ");
    sql.bind(tenant_id).push(" AND code = ").bind(code);
    match sql.fetch_optional(&mut **tx).await? {
        Some(row) => Ok(Some(row.try_get("id")?)),
        None => Ok(None),
    }
}

/// The id of the location with `code`, creating it (building = the code) when the tenant
/// has none yet: ledgers name places as free text before anyone keeps a location list.
pub(crate) async fn ensure_location(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    code: &str,
) -> Result<Option<i64>, StoreError> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    if let Some(id) = location_by_code(tx, tenant_id, code).await? {
        return Ok(Some(id));
    }
    let mut sql = Sql::insert("locations", &["tenant_id", "code", "building", "room"]);
    sql.bind_list([Value::from(tenant_id), code.into(), code.into(), "".into()])
        .push(" RETURNING id");
    Ok(Some(sql.fetch_one(&mut **tx).await?.try_get("id")?))
}

/// Inserts a validated asset: the row, its history entry and its counts.
pub(crate) async fn insert_in(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    actor: &Actor,
    fields: &AssetFields,
) -> Result<Asset, StoreError> {
    let now = crate::now_text();
    let mut sql = Sql::insert("assets", &insert_columns());
    sql.bind_list(insert_values(tenant_id, &now, fields))
        .push(" RETURNING id");
    let id: i64 = sql
        .fetch_one(&mut **tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(|e| unique_tag(e, fields))?;
    let asset = asset_in(tx, tenant_id, id).await?;
    let change = Change {
        tenant_id,
        entity: crate::ledgers::ASSETS.name,
        entity_id: Some(id),
        entity_key: &fields.asset_tag,
        action: "create",
        before: None,
        after: Some(&asset.history_json()),
    };
    record(tx, actor, change).await?;
    bump(
        tx,
        tenant_id,
        HashMap::from([(CountKey::of(fields), (1, fields.quantity))]),
    )
    .await?;
    Ok(asset)
}

/// Writes `fields` over `before` unless they are equal: the row, the history entry with
/// before and after (unless `history` is false: a dry run), and the counts moved from the
/// old key to the new.
pub(crate) async fn update_in(
    tx: &mut Transaction<'_, Any>,
    tenant_id: i64,
    actor: &Actor,
    before: &Asset,
    fields: &AssetFields,
    history: bool,
) -> Result<Asset, StoreError> {
    if *fields == before.fields {
        return Ok(before.clone());
    }
    let mut sql = Sql::new("UPDATE assets SET updated_at = ");
    sql.bind(crate::now_text());
    for (name, v) in fields.values() {
        sql.push(", ").push(name).push(" = ").bind(v);
    }
    sql.push(" WHERE tenant_id = ")
        .bind(tenant_id)
        .push(" AND id = ")
        .bind(before.id);
    sql.execute(&mut **tx)
        .await
        .map_err(|e| unique_tag(e, fields))?;
    let after = asset_in(tx, tenant_id, before.id).await?;
    if history {
        let change = Change {
            tenant_id,
            entity: crate::ledgers::ASSETS.name,
            entity_id: Some(before.id),
            entity_key: &fields.asset_tag,
            action: "update",
            before: Some(&before.history_json()),
            after: Some(&after.history_json()),
        };
        record(tx, actor, change).await?;
    }
    let mut deltas: HashMap<CountKey, (i64, i64)> = HashMap::new();
    let old = deltas.entry(CountKey::of(&before.fields)).or_default();
    old.0 -= 1;
    old.1 -= before.fields.quantity;
    let new = deltas.entry(CountKey::of(fields)).or_default();
    new.0 += 1;
    new.1 += fields.quantity;
    bump(tx, tenant_id, deltas).await?;
    Ok(after)
}
