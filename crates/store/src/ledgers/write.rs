//! Writing a row of any described ledger inside an import session: cells read by kind,
//! departments and references resolved, the row matched by its key, then added, updated
//! (only the columns the file has) or left alone — with its change history.

use super::cell::{Cell, parse_cell};
use super::{Column, Engine, Kind, LEDGERS, Ledger};
use crate::history::Change;
use crate::import::{ImportSession, RowOutcome};
use crate::sql::{Sql, Value};
use crate::{FieldError, RowError, StoreError};
use serde_json::{Map, Value as Json};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A resolved cell: what is written, and what the history shows.
struct Resolved {
    column: &'static Column,
    value: Value,
    /// For a ratio: whether it was recorded as not known.
    unknown: Option<bool>,
    shown: Json,
}

fn err(column: &Column, message: String) -> FieldError {
    FieldError {
        field: column.name,
        message,
    }
}

impl ImportSession {
    /// Refuses to go on when row `id` of `ledger` changed after `version` (what its edit
    /// form was read at), with [`StoreError::Stale`]; otherwise holds the row for this
    /// session until it ends.
    pub async fn expect_version(
        &mut self,
        ledger: &'static Ledger,
        id: i64,
        version: i64,
    ) -> Result<(), StoreError> {
        let mut lock = Sql::new(&format!(
            "UPDATE {} SET id = id WHERE tenant_id = ",
            ledger.table
        ));
        lock.bind(self.scope.tenant_id).push(" AND id = ").bind(id);
        crate::history::check_version(
            &mut self.tx,
            &lock,
            self.scope.tenant_id,
            ledger.name,
            id,
            version,
        )
        .await
    }

    /// Adds or updates one row of `ledger` from `(column, text)` pairs.
    pub async fn upsert_row(
        &mut self,
        ledger: &'static Ledger,
        cells: &[(&'static Column, String)],
    ) -> Result<RowOutcome, RowError> {
        self.write_row(ledger, cells, false).await
    }

    /// Adds one row of `ledger`, refusing it when a row with its key is already there.
    /// The check runs in the session's transaction, and the ledger's unique key stops a
    /// second session adding the same row at the same moment.
    pub async fn add_row(
        &mut self,
        ledger: &'static Ledger,
        cells: &[(&'static Column, String)],
    ) -> Result<RowOutcome, RowError> {
        self.write_row(ledger, cells, true).await
    }

    async fn write_row(
        &mut self,
        ledger: &'static Ledger,
        cells: &[(&'static Column, String)],
        add_only: bool,
    ) -> Result<RowOutcome, RowError> {
        if !ledger.writable_by(&self.scope) {
            return Err(super::remove::forbidden(ledger).into());
        }
        if ledger.engine == Engine::Assets {
            // The cells would land, but the dashboard counts and the typed checks would not.
            return Err(StoreError::Internal(
                "assets are written through upsert_asset, not the described engine".into(),
            )
            .into());
        }
        let mut errors = Vec::new();
        let mut resolved: Vec<Resolved> = Vec::new();
        for column in ledger.columns {
            let text = cells
                .iter()
                .find(|(c, _)| c.name == column.name)
                .map(|(_, t)| t.as_str());
            let Some(text) = text else {
                if column.required {
                    errors.push(err(column, format!("「{}」の列がありません", column.label)));
                }
                continue;
            };
            let cell = match parse_cell(column.kind, text) {
                Ok(c) => c,
                Err(m) => {
                    errors.push(err(column, m));
                    continue;
                }
            };
            if column.required && cell == Cell::Empty {
                errors.push(err(
                    column,
                    format!("「{}」を入力してください", column.label),
                ));
                continue;
            }
            match self.resolve(column, cell).await {
                Ok(r) => resolved.push(r),
                Err(RowError::Refused { errors: mut e, .. }) => errors.append(&mut e),
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Err(RowError::refused(errors));
        }
        if let Some(r) = resolved.iter().find(|r| r.column.kind == Kind::Department)
            && let Value::OptInt(Some(id)) = r.value
            && !self.scope.covers(id)
        {
            return Err(RowError::refused(vec![err(
                r.column,
                format!(
                    "所属「{}」はあなたの担当範囲外です",
                    r.shown.as_str().unwrap_or_default()
                ),
            )]));
        }
        let key_text: Vec<String> = ledger
            .key
            .iter()
            .map(|k| {
                resolved
                    .iter()
                    .find(|r| r.column.name == *k)
                    .map(|r| show(&r.shown))
                    .unwrap_or_default()
            })
            .collect();
        let existing = self.find(ledger, &resolved).await?;
        if add_only
            && existing.is_some()
            && let Some(key) = ledger.key.first().and_then(|k| ledger.column(k))
        {
            return Err(RowError::refused(vec![err(
                key,
                format!("「{}」はすでに登録されています", key_text.join("/")),
            )]));
        }
        let tenant_id = self.scope.tenant_id;
        let (outcome, id, before) = match existing {
            None => (
                RowOutcome::Added,
                self.insert(ledger, &resolved).await?,
                None,
            ),
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                let before = self.snapshot(&row, &resolved).await?;
                let after: Map<String, Json> = resolved
                    .iter()
                    .map(|r| (r.column.name.to_string(), r.shown.clone()))
                    .collect();
                self.seen_rows.entry(ledger.name).or_default().insert(id);
                if before == after {
                    self.ledger_counts.entry(ledger.name).or_default().unchanged += 1;
                    return Ok(RowOutcome::Unchanged);
                }
                self.update(ledger, id, &resolved).await?;
                (RowOutcome::Updated, id, Some(before))
            }
        };
        let after: Map<String, Json> = resolved
            .iter()
            .map(|r| (r.column.name.to_string(), r.shown.clone()))
            .collect();
        let (before_json, after_json) = (before.map(Json::Object), Json::Object(after));
        let change = Change {
            tenant_id,
            entity: ledger.name,
            entity_id: Some(id),
            entity_key: &key_text.join("/"),
            action: if outcome == RowOutcome::Added {
                "create"
            } else {
                "update"
            },
            before: before_json.as_ref(),
            after: Some(&after_json),
        };
        self.record(&[change]).await?;
        if ledger.key.len() == 1 {
            self.references
                .insert((ledger.name, key_text[0].clone()), id);
        }
        if ledger.engine == Engine::Departments {
            // Later rows may name this department by code or by name.
            let code = key_text[0].clone();
            if let Some(name) = resolved
                .iter()
                .find(|r| r.column.name == "name")
                .map(|r| show(&r.shown))
            {
                self.departments.insert(name, (id, code.clone()));
            }
            self.departments.insert(code.clone(), (id, code));
        }
        self.seen_rows.entry(ledger.name).or_default().insert(id);
        let counts = self.ledger_counts.entry(ledger.name).or_default();
        match outcome {
            RowOutcome::Added => counts.added += 1,
            _ => counts.updated += 1,
        }
        Ok(outcome)
    }

    /// A cell as written to the table, resolving departments and references.
    async fn resolve(&mut self, column: &'static Column, cell: Cell) -> Result<Resolved, RowError> {
        let refused = |m: String| Err(RowError::refused(vec![err(column, m)]));
        let plain = |value: Value, shown: Json| {
            Ok(Resolved {
                column,
                value,
                unknown: None,
                shown,
            })
        };
        match cell {
            Cell::Empty => {
                let value = match column.kind {
                    Kind::Int
                    | Kind::Yen
                    | Kind::Bool
                    | Kind::FiscalYear
                    | Kind::Department
                    | Kind::Reference(_)
                    | Kind::Location => Value::OptInt(None),
                    Kind::Ratio => {
                        return Ok(Resolved {
                            column,
                            value: Value::OptFloat(None),
                            unknown: Some(false),
                            shown: Json::Null,
                        });
                    }
                    _ => Value::OptText(None),
                };
                plain(value, Json::Null)
            }
            Cell::Text(t) => plain(Value::OptText(Some(t.clone())), Json::String(t)),
            Cell::Int(i) => plain(Value::OptInt(Some(i)), Json::from(i)),
            Cell::Float(f) => Ok(Resolved {
                column,
                value: Value::OptFloat(Some(f)),
                unknown: Some(false),
                shown: Json::from(f),
            }),
            Cell::Unknown => Ok(Resolved {
                column,
                value: Value::OptFloat(None),
                unknown: Some(true),
                shown: Json::String("不明".into()),
            }),
            Cell::Bool(b) => plain(Value::OptBool(Some(b)), Json::Bool(b)),
            Cell::Department(name) => match self.department(&name).await {
                Ok(code) => {
                    let id = self.departments.get(&code).map(|(id, _)| *id);
                    plain(Value::OptInt(id), Json::String(code))
                }
                Err(e) => refused(e.message),
            },
            Cell::Reference(code) if column.kind == Kind::Location => {
                let id = crate::assets::write::ensure_location(
                    &mut self.tx,
                    self.scope.tenant_id,
                    &code,
                )
                .await?;
                plain(Value::OptInt(id), Json::String(code))
            }
            Cell::Reference(key) => {
                let Kind::Reference(target) = column.kind else {
                    return Err(StoreError::Internal(format!(
                        "{}: 参照先のない参照列",
                        column.name
                    ))
                    .into());
                };
                match self.reference(target, &key).await? {
                    Some(id) => plain(Value::OptInt(Some(id)), Json::String(key)),
                    None => {
                        let label = LEDGERS
                            .iter()
                            .find(|l| l.name == target)
                            .map_or(target, |l| l.label);
                        refused(format!(
                            "{label}に「{key}」がありません（先に {target} を取り込んでください）"
                        ))
                    }
                }
            }
        }
    }

    /// The id of the row of `ledger` whose (single) key is `key`.
    async fn reference(
        &mut self,
        ledger: &'static str,
        key: &str,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(id) = self.references.get(&(ledger, key.to_string())) {
            return Ok(Some(*id));
        }
        let Some(spec) = LEDGERS.iter().find(|l| l.name == ledger) else {
            return Ok(None);
        };
        let Some(key_column) = spec.key.first().and_then(|k| spec.column(k)) else {
            return Ok(None);
        };
        let mut sql = Sql::new(&format!("SELECT id FROM {} WHERE tenant_id = ", spec.table));
        sql.bind(self.scope.tenant_id)
            .push(&format!(" AND {} = ", key_column.db))
            .bind(key);
        let id: Option<i64> = match sql.fetch_optional(&mut *self.tx).await? {
            Some(row) => Some(row.try_get("id")?),
            None => None,
        };
        if let Some(id) = id {
            self.references.insert((ledger, key.to_string()), id);
        }
        Ok(id)
    }

    /// The stored row with the same key, if any.
    async fn find(
        &mut self,
        ledger: &Ledger,
        resolved: &[Resolved],
    ) -> Result<Option<AnyRow>, StoreError> {
        let columns: Vec<String> = resolved.iter().flat_map(|r| r.column.stored()).collect();
        let mut sql = Sql::new(&format!(
            "SELECT id, {} FROM {} WHERE tenant_id = ",
            columns.join(", "),
            ledger.table
        ));
        sql.bind(self.scope.tenant_id);
        for key in ledger.key {
            match resolved.iter().find(|r| r.column.name == *key) {
                Some(r) if !is_null(&r.value) => {
                    sql.push(&format!(" AND {} = ", r.column.db))
                        .bind(r.value.clone());
                }
                Some(r) => {
                    sql.push(&format!(" AND {} IS NULL", r.column.db));
                }
                None => {
                    let db = ledger.column(key).map_or(*key, |c| c.db);
                    sql.push(&format!(" AND {db} IS NULL"));
                }
            }
        }
        Ok(sql.fetch_optional(&mut *self.tx).await?)
    }

    /// The stored values of the columns the file has, shown as the history shows them.
    async fn snapshot(
        &mut self,
        row: &AnyRow,
        resolved: &[Resolved],
    ) -> Result<Map<String, Json>, StoreError> {
        let mut out = Map::new();
        for r in resolved {
            let shown = self.shown(row, r.column).await?;
            out.insert(r.column.name.to_string(), shown);
        }
        Ok(out)
    }

    /// One stored value (`row` must hold what [`Column::stored`] names) as the history
    /// shows it: departments and references by their keys, an unknown ratio as 不明.
    pub(super) async fn shown(&mut self, row: &AnyRow, c: &Column) -> Result<Json, StoreError> {
        Ok(match c.kind {
            Kind::Int | Kind::Yen | Kind::FiscalYear => row
                .try_get::<Option<i64>, _>(c.db)?
                .map(Json::from)
                .unwrap_or(Json::Null),
            Kind::Bool => row
                .try_get::<Option<i64>, _>(c.db)?
                .map(|v| Json::Bool(v != 0))
                .unwrap_or(Json::Null),
            Kind::Ratio => {
                if row.try_get::<Option<i64>, _>(format!("{}_unknown", c.db).as_str())? == Some(1) {
                    Json::String("不明".into())
                } else {
                    row.try_get::<Option<f64>, _>(c.db)?
                        .map(Json::from)
                        .unwrap_or(Json::Null)
                }
            }
            Kind::Department => match row.try_get::<Option<i64>, _>(c.db)? {
                Some(id) => Json::String(self.department_code(id).await?),
                None => Json::Null,
            },
            kind @ (Kind::Reference(_) | Kind::Location) => {
                match (kind.target(), row.try_get::<Option<i64>, _>(c.db)?) {
                    (Some(target), Some(id)) => Json::String(self.reference_key(target, id).await?),
                    _ => Json::Null,
                }
            }
            _ => row
                .try_get::<Option<String>, _>(c.db)?
                .map(Json::String)
                .unwrap_or(Json::Null),
        })
    }

    pub(super) async fn department_code(&mut self, id: i64) -> Result<String, StoreError> {
        if let Some((_, code)) = self.departments.values().find(|(i, _)| *i == id) {
            return Ok(code.clone());
        }
        let mut sql = Sql::new("SELECT code FROM departments WHERE id = ");
        sql.bind(id);
        Ok(sql.fetch_one(&mut *self.tx).await?.try_get("code")?)
    }

    pub(super) async fn reference_key(
        &mut self,
        target: &'static str,
        id: i64,
    ) -> Result<String, StoreError> {
        if let Some(((_, key), _)) = self
            .references
            .iter()
            .find(|((l, _), i)| *l == target && **i == id)
        {
            return Ok(key.clone());
        }
        let Some(spec) = LEDGERS.iter().find(|l| l.name == target) else {
            return Ok(id.to_string());
        };
        let key_column = spec
            .key
            .first()
            .and_then(|k| spec.column(k))
            .map_or("id", |c| c.db);
        let mut sql = Sql::new(&format!(
            "SELECT {key_column} AS k FROM {} WHERE id = ",
            spec.table
        ));
        sql.bind(id);
        Ok(sql.fetch_one(&mut *self.tx).await?.try_get("k")?)
    }

    async fn insert(&mut self, ledger: &Ledger, resolved: &[Resolved]) -> Result<i64, StoreError> {
        let mut names: Vec<String> = vec!["tenant_id".into()];
        let mut values: Vec<Value> = vec![Value::Int(self.scope.tenant_id)];
        for r in resolved {
            names.push(r.column.db.to_string());
            values.push(r.value.clone());
            if let Some(unknown) = r.unknown {
                names.push(format!("{}_unknown", r.column.db));
                values.push(Value::Bool(unknown));
            }
        }
        // A department row needs its level; without one it is a bureau at the top and a
        // section below, and it sorts after those already there.
        if ledger.engine == Engine::Departments {
            if !names.iter().any(|n| n == "level") {
                let has_parent = resolved
                    .iter()
                    .any(|r| r.column.db == "parent_id" && !is_null(&r.value));
                names.push("level".into());
                values.push(Value::Text(
                    if has_parent { "section" } else { "bureau" }.into(),
                ));
            }
            names.push("sort_order".into());
            values.push(Value::Int(self.departments.len() as i64));
        }
        let mut sql = Sql::new(&format!(
            "INSERT INTO {} ({}) VALUES ",
            ledger.table,
            names.join(", ")
        ));
        sql.bind_list(values).push(" RETURNING id");
        Ok(sql.fetch_one(&mut *self.tx).await?.try_get("id")?)
    }

    async fn update(
        &mut self,
        ledger: &Ledger,
        id: i64,
        resolved: &[Resolved],
    ) -> Result<(), StoreError> {
        let mut sql = Sql::new(&format!("UPDATE {} SET ", ledger.table));
        for (i, r) in resolved.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(&format!("{} = ", r.column.db))
                .bind(r.value.clone());
            if let Some(unknown) = r.unknown {
                sql.push(&format!(", {}_unknown = ", r.column.db))
                    .bind(unknown);
            }
        }
        sql.push(" WHERE tenant_id = ")
            .bind(self.scope.tenant_id)
            .push(" AND id = ")
            .bind(id);
        sql.execute(&mut *self.tx).await?;
        Ok(())
    }
}

fn is_null(v: &Value) -> bool {
    matches!(
        v,
        Value::OptInt(None) | Value::OptText(None) | Value::OptBool(None) | Value::OptFloat(None)
    )
}

fn show(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

impl crate::Db {
    /// Writes rows of ledgers, named by column, all or nothing, each with its history: for
    /// a program's own changes (a campaign and its bank, a person's answers) that must go
    /// through the same checks as an import.
    pub async fn write_rows(
        &self,
        scope: &crate::Scope,
        actor: &crate::Actor,
        rows: &[(&'static Ledger, Vec<(&str, String)>)],
    ) -> Result<usize, RowError> {
        self.write_rows_as(scope, actor, rows, false).await
    }

    /// Like [`Db::write_rows`], but every row must be new: one whose key is already there
    /// refuses them all (a submission made twice at once is refused, not overwritten).
    pub async fn add_rows(
        &self,
        scope: &crate::Scope,
        actor: &crate::Actor,
        rows: &[(&'static Ledger, Vec<(&str, String)>)],
    ) -> Result<usize, RowError> {
        self.write_rows_as(scope, actor, rows, true).await
    }

    async fn write_rows_as(
        &self,
        scope: &crate::Scope,
        actor: &crate::Actor,
        rows: &[(&'static Ledger, Vec<(&str, String)>)],
        add_only: bool,
    ) -> Result<usize, RowError> {
        let mut session = self.begin_import(scope, actor).await?;
        for (i, (ledger, row)) in rows.iter().enumerate() {
            let mut cells = Vec::with_capacity(row.len());
            for (name, value) in row {
                let column = ledger.column(name).ok_or_else(|| {
                    StoreError::Internal(format!("{}: no column {name}", ledger.name))
                })?;
                cells.push((column, value.clone()));
            }
            match session.write_row(ledger, &cells, add_only).await {
                Ok(_) => {}
                Err(RowError::Refused { errors, .. }) => {
                    session.finish(false).await?;
                    return Err(RowError::Refused { row: i, errors });
                }
                Err(e) => return Err(e),
            }
        }
        session.finish(true).await?;
        Ok(rows.len())
    }
}
