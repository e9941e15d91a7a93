//! An import run: many rows written in one transaction, so that a file with any wrong
//! row — or a process killed half-way — changes nothing. Rows are matched to the ledger
//! by key (assets by tag): new keys are added, changed rows updated with their history,
//! equal rows left alone. A department a file names that the tenant does not have is an
//! error naming the closest ones, unless the person importing said which department it
//! is, or to create it (`DepartmentChoices`). The other ledgers' rows go through
//! `ledgers::write`.

use crate::assets::write::{ensure_location, insert_many, update_in};
use crate::assets::{ASSET_COLUMNS, ASSET_FROM, Asset, AssetFields, AssetInput, asset_from_row};
use crate::history::{Change, record_many};
use crate::scope::Actor;
use crate::sql::{Sql, Value};
use crate::{Db, FieldError, RowError, Scope, StoreError};
use daicho_domain::DepartmentLevel;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Asset rows matched and written together.
const CHUNK: usize = 400;

/// An asset row checked and waiting to be written.
struct Pending {
    source: String,
    row: usize,
    fields: AssetFields,
    location: String,
    /// Fields the row's file has no column for: an existing asset keeps its values.
    absent: Arc<[&'static str]>,
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    Unchanged,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What the person importing chose for department names the tenant does not have.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DepartmentChoices {
    /// A name as written → the code of the existing department it means.
    pub same_as: BTreeMap<String, String>,
    /// Names to create as new departments (at the top of the tree, code = name).
    pub create: BTreeSet<String>,
    /// Create every name not known (the command line's `--create-departments`).
    pub create_all: bool,
}

/// A department name a run met that the tenant does not have, with how many rows named it
/// and the closest existing departments (code, name), best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDepartment {
    pub name: String,
    pub rows: usize,
    pub closest: Vec<(String, String)>,
}

/// Closest departments offered for an unknown name.
const CLOSEST: usize = 5;

/// The departments of `known` (code, name) most like `name`, best first.
fn closest_departments(known: &[(String, String)], name: &str) -> Vec<(String, String)> {
    let names: Vec<&str> = known.iter().map(|(_, n)| n.as_str()).collect();
    daicho_domain::likeness::closest(name, &names, CLOSEST)
        .into_iter()
        .map(|i| known[i].clone())
        .collect()
}

/// An open import: one transaction until [`ImportSession::finish`].
pub struct ImportSession {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) scope: Scope,
    pub(crate) actor: Actor,
    /// Department code or name → (id, code).
    pub(crate) departments: HashMap<String, (i64, String)>,
    /// Every department as (code, name), sorted by code: what an unknown name is compared to.
    department_names: Vec<(String, String)>,
    /// (ledger, key) → id of rows other rows refer to.
    pub(crate) references: HashMap<(&'static str, String), i64>,
    /// Rows this run wrote per ledger and outcome.
    pub ledger_counts: HashMap<&'static str, ImportCounts>,
    /// Ids of the rows of each ledger this run wrote or found unchanged.
    pub(crate) seen_rows: HashMap<&'static str, std::collections::HashSet<i64>>,
    /// Departments this run created, by name.
    pub created_departments: Vec<String>,
    /// What the person importing chose for names the tenant does not have.
    department_choices: DepartmentChoices,
    /// Names not known and not chosen for, with the rows that named them and the closest
    /// departments (worked out once per name).
    unknown_departments: BTreeMap<String, UnknownDepartment>,
    /// Tag → the row that first had it, to catch a tag twice in the same files.
    pub(crate) seen: HashMap<String, (String, usize)>,
    /// Asset rows per source file, known once flushed.
    pub asset_counts: HashMap<String, ImportCounts>,
    /// Rows refused when written (after they were checked): (source, row, error).
    pub row_errors: Vec<(String, usize, FieldError)>,
    pending: Vec<Pending>,
    /// Dashboard counts of the rows added, applied when the run commits.
    count_deltas: HashMap<crate::assets::CountKey, (i64, i64)>,
    /// The tenant's tags and ids, read at the first write.
    known_tags: Option<HashMap<String, i64>>,
    locations: HashMap<String, Option<i64>>,
    today: chrono::NaiveDate,
    /// A dry run: everything is checked and written as usual, then rolled back, but no
    /// history is chained, so that it holds no tenant's history head (on PostgreSQL,
    /// other people's edits go on beside it).
    rehearsal: bool,
}

impl Db {
    /// Starts an import into `scope`.
    pub async fn begin_import(
        &self,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<ImportSession, StoreError> {
        // The auditor opens a session too, to write the audits' own ledgers (each write
        // checks `Ledger::writable_by`; assets and departments need `can_write`).
        if !scope.can_write && !crate::ledgers::may_record_audits(scope) {
            return Err(StoreError::Forbidden(
                "台帳を変更する権限がありません".into(),
            ));
        }
        let mut departments = HashMap::new();
        let mut department_names = Vec::new();
        for d in self.departments(scope).await? {
            department_names.push((d.code.clone(), d.name.clone()));
            departments.insert(d.name.clone(), (d.id, d.code.clone()));
            departments.insert(d.code.clone(), (d.id, d.code));
        }
        department_names.sort();
        let mut tx = self.begin_write(scope.tenant_id).await?;
        if self.backend() == crate::Backend::Postgres
            && crate::citus::is_distributed(&mut tx).await?
        {
            // An import may end by changing the accounts (a reference table: a person who
            // left the staff ledger loses their staff account), which Citus allows after
            // the tenant's shards were written only on one connection per node.
            sqlx::query("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
                .execute(&mut *tx)
                .await?;
        }
        Ok(ImportSession {
            tx,
            scope: scope.clone(),
            actor: actor.clone(),
            departments,
            department_names,
            references: HashMap::new(),
            ledger_counts: HashMap::new(),
            seen_rows: HashMap::new(),
            created_departments: Vec::new(),
            department_choices: DepartmentChoices::default(),
            unknown_departments: BTreeMap::new(),
            seen: HashMap::new(),
            asset_counts: HashMap::new(),
            row_errors: Vec::new(),
            pending: Vec::new(),
            count_deltas: HashMap::new(),
            known_tags: None,
            locations: HashMap::new(),
            today: crate::today(),
            rehearsal: false,
        })
    }
}

impl ImportSession {
    /// Refuses a write of ledgers the session's user may not write.
    pub(crate) fn require_write(&self) -> Result<(), StoreError> {
        if self.scope.can_write {
            Ok(())
        } else {
            Err(StoreError::Forbidden(
                "台帳を変更する権限がありません".into(),
            ))
        }
    }

    /// Makes this session a dry run: it will be rolled back, and records no history.
    pub fn rehearse(&mut self) {
        self.rehearsal = true;
    }

    /// Appends changes to the history, unless this is a dry run.
    pub(crate) async fn record(&mut self, changes: &[Change<'_>]) -> Result<(), sqlx::Error> {
        if self.rehearsal {
            return Ok(());
        }
        record_many(&mut self.tx, &self.actor, changes).await
    }

    /// Takes what the person importing chose for names the tenant does not have.
    pub fn choose_departments(&mut self, choices: DepartmentChoices) {
        self.department_choices = choices;
    }

    /// The names this run met that the tenant does not have and nobody chose for, each with
    /// the closest existing departments.
    pub fn unknown_departments(&self) -> Vec<UnknownDepartment> {
        self.unknown_departments.values().cloned().collect()
    }

    /// The code of the department a file names by code or name. A name the tenant does not
    /// have is the department the person importing said it is, or created when they said
    /// so (code = name, at the top of the tree; not by a department-bound user); otherwise
    /// an error naming the closest departments.
    pub async fn department(&mut self, name_or_code: &str) -> Result<String, FieldError> {
        let key = name_or_code.trim();
        if let Some((_, code)) = self.departments.get(key) {
            return Ok(code.clone());
        }
        if let Some(code) = self.department_choices.same_as.get(key) {
            return match self.departments.get(code.as_str()) {
                Some((_, code)) => Ok(code.clone()),
                None => Err(FieldError {
                    field: "department",
                    message: format!("所属「{key}」に選んだ所属「{code}」はありません"),
                }),
            };
        }
        if self.scope.departments.is_some() || !self.scope.can_write {
            return Err(FieldError {
                field: "department",
                message: format!("所属「{key}」はないか、あなたの担当範囲外です"),
            });
        }
        let chosen = &self.department_choices;
        if !chosen.create_all && !chosen.create.contains(key) {
            let known = &self.department_names;
            let unknown = self
                .unknown_departments
                .entry(key.to_string())
                .or_insert_with(|| UnknownDepartment {
                    name: key.to_string(),
                    rows: 0,
                    closest: closest_departments(known, key),
                });
            unknown.rows += 1;
            let closest: Vec<String> = unknown
                .closest
                .iter()
                .map(|(code, name)| format!("{name}（{code}）"))
                .collect();
            let hint = if closest.is_empty() {
                String::new()
            } else {
                format!("近い所属：{}。", closest.join("、"))
            };
            return Err(FieldError {
                field: "department",
                message: format!(
                    "所属「{key}」は登録されていません。{hint}どの所属か選ぶか、新しい所属として作るかを選んでください"
                ),
            });
        }
        let mut sql = Sql::insert(
            "departments",
            &["tenant_id", "code", "name", "level", "sort_order"],
        );
        sql.push("(")
            .bind_all([
                Value::from(self.scope.tenant_id),
                key.into(),
                key.into(),
                DepartmentLevel::Section.code().into(),
                crate::departments::next_sort_order(&mut self.tx, self.scope.tenant_id)
                    .await
                    .map_err(|e| FieldError {
                        field: "department",
                        message: format!("所属「{key}」を作成できません: {e}"),
                    })?
                    .into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql
            .fetch_one(&mut *self.tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(|e| FieldError {
                field: "department",
                message: format!("所属「{key}」を作成できません: {e}"),
            })?;
        let after = serde_json::json!({ "code": key, "name": key, "level": "section", "created_by": "import" });
        self.record(&[Change {
            tenant_id: self.scope.tenant_id,
            entity: crate::ledgers::DEPARTMENTS.name,
            entity_id: Some(id),
            entity_key: key,
            action: "create",
            before: None,
            after: Some(&after),
        }])
        .await
        .map_err(|e| FieldError {
            field: "department",
            message: e.to_string(),
        })?;
        self.departments
            .insert(key.to_string(), (id, key.to_string()));
        self.department_names
            .push((key.to_string(), key.to_string()));
        self.created_departments.push(key.to_string());
        Ok(key.to_string())
    }

    /// Checks one asset row and queues it; rows are matched and written in chunks (see
    /// [`ImportSession::flush`]).
    pub async fn upsert_asset(
        &mut self,
        place: (&str, usize),
        input: &AssetInput,
        absent: &Arc<[&'static str]>,
    ) -> Result<(), RowError> {
        self.require_write()?;
        let department_id = match self.departments.get(input.get("department").trim()) {
            Some((id, _)) => *id,
            None => {
                let message = if input.get("department").trim().is_empty() {
                    "所属がありません（列を設けるか --department で指定してください）".to_string()
                } else {
                    format!(
                        "所属「{}」はないか、あなたの担当範囲外です",
                        input.get("department").trim()
                    )
                };
                return Err(RowError::refused(vec![FieldError {
                    field: "department",
                    message,
                }]));
            }
        };
        let fields = match input.validate(department_id, self.today) {
            Ok(f) => f,
            Err(errors) => return Err(RowError::refused(errors)),
        };
        if let Some((file, row)) = self.seen.get(&fields.asset_tag) {
            let message = format!(
                "備品番号「{}」が重複しています（{file} {row}行目と同じ）",
                fields.asset_tag
            );
            return Err(RowError::refused(vec![FieldError {
                field: "asset_tag",
                message,
            }]));
        }
        self.seen
            .insert(fields.asset_tag.clone(), (place.0.to_string(), place.1));
        self.pending.push(Pending {
            source: place.0.to_string(),
            row: place.1,
            fields,
            location: input.get("location").trim().to_string(),
            absent: Arc::clone(absent),
        });
        if self.pending.len() >= CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the queued asset rows: one query finds those already in the ledger, new ones
    /// go in with multi-row inserts and their history in one more; changed ones are
    /// updated one by one (they are few), equal ones left alone.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        let mut pending = std::mem::take(&mut self.pending);
        if pending.is_empty() {
            return Ok(());
        }
        let tenant_id = self.scope.tenant_id;
        // The tenant's tags are read once per run; rows already in the ledger are then
        // fetched by primary key, a plan no database gets wrong (a lookup by tag list let
        // PostgreSQL, misjudging a tenant it had seen empty, scan a million index entries
        // per chunk).
        if self.known_tags.is_none() {
            let mut sql = Sql::new("SELECT asset_tag, id FROM assets WHERE tenant_id = ");
            sql.bind(tenant_id);
            let mut known = HashMap::new();
            for row in sql.fetch_all(&mut *self.tx).await? {
                known.insert(
                    row.try_get::<String, _>("asset_tag")?,
                    row.try_get::<i64, _>("id")?,
                );
            }
            self.known_tags = Some(known);
        }
        let known: Vec<i64> = self
            .known_tags
            .as_ref()
            .map(|k| {
                pending
                    .iter()
                    .filter_map(|p| k.get(&p.fields.asset_tag).copied())
                    .collect()
            })
            .unwrap_or_default();
        let mut existing: HashMap<String, Asset> = HashMap::new();
        if !known.is_empty() {
            let mut sql = Sql::new(&format!(
                "SELECT {} FROM {ASSET_FROM} WHERE a.tenant_id = ",
                ASSET_COLUMNS.as_str()
            ));
            sql.bind(tenant_id).push(" AND a.id IN ").bind_list(known);
            for row in sql.fetch_all(&mut *self.tx).await? {
                let asset = asset_from_row(&row)?;
                existing.insert(asset.fields.asset_tag.clone(), asset);
            }
        }
        let mut new_rows: Vec<Pending> = Vec::new();
        for mut p in pending.drain(..) {
            p.fields.location_id = match self.locations.get(&p.location) {
                Some(id) => *id,
                None => {
                    let id = ensure_location(&mut self.tx, tenant_id, &p.location).await?;
                    self.locations.insert(p.location.clone(), id);
                    id
                }
            };
            let counts = self.asset_counts.entry(p.source.clone()).or_default();
            match existing.get(&p.fields.asset_tag) {
                None => new_rows.push(p),
                Some(before) if !self.scope.covers(before.fields.department_id) => {
                    let message = format!(
                        "備品番号「{}」は担当範囲外の所属の資産です",
                        p.fields.asset_tag
                    );
                    self.row_errors.push((
                        p.source,
                        p.row,
                        FieldError {
                            field: "asset_tag",
                            message,
                        },
                    ));
                }
                Some(before) => {
                    p.fields.keep_absent(&before.fields, &p.absent);
                    if before.fields == p.fields {
                        counts.unchanged += 1;
                    } else {
                        counts.updated += 1;
                        update_in(
                            &mut self.tx,
                            tenant_id,
                            &self.actor,
                            before,
                            &p.fields,
                            !self.rehearsal,
                        )
                        .await?;
                    }
                }
            }
        }
        if new_rows.is_empty() {
            return Ok(());
        }
        let fields: Vec<AssetFields> = new_rows.iter().map(|p| p.fields.clone()).collect();
        let ids: HashMap<String, i64> =
            insert_many(&mut self.tx, tenant_id, &fields, &mut self.count_deltas)
                .await?
                .into_iter()
                .collect();
        let codes: HashMap<i64, String> = self
            .departments
            .values()
            .map(|(id, code)| (*id, code.clone()))
            .collect();
        let snapshots: Vec<(i64, String, serde_json::Value)> = new_rows
            .iter()
            .map(|p| {
                let mut after = serde_json::to_value(&p.fields).unwrap_or_default();
                if let Some(map) = after.as_object_mut() {
                    map.insert(
                        "department".into(),
                        codes.get(&p.fields.department_id).cloned().into(),
                    );
                    map.insert(
                        "location".into(),
                        Some(p.location.clone()).filter(|l| !l.is_empty()).into(),
                    );
                }
                (
                    ids.get(&p.fields.asset_tag).copied().unwrap_or_default(),
                    p.fields.asset_tag.clone(),
                    after,
                )
            })
            .collect();
        let changes: Vec<Change<'_>> = snapshots
            .iter()
            .map(|(id, tag, after)| Change {
                tenant_id,
                entity: crate::ledgers::ASSETS.name,
                entity_id: Some(*id),
                entity_key: tag,
                action: "create",
                before: None,
                after: Some(after),
            })
            .collect();
        self.record(&changes).await?;
        for p in &new_rows {
            self.asset_counts.entry(p.source.clone()).or_default().added += 1;
        }
        Ok(())
    }

    /// Removes the tenant's assets (within the scope) that no row of this run named, with
    /// a `delete` history entry each: `import --replace`. Returns their tags, sorted.
    pub async fn remove_unseen_assets(&mut self) -> Result<Vec<String>, StoreError> {
        self.require_write()?;
        self.flush().await?;
        let tenant_id = self.scope.tenant_id;
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {ASSET_FROM} WHERE a.tenant_id = ",
            ASSET_COLUMNS.as_str()
        ));
        sql.bind(tenant_id);
        self.scope.restrict(&mut sql, "a.department_id");
        let mut removed = Vec::new();
        let mut deltas: HashMap<crate::assets::CountKey, (i64, i64)> = HashMap::new();
        let mut changes_json = Vec::new();
        for row in sql.fetch_all(&mut *self.tx).await? {
            let asset = asset_from_row(&row)?;
            if self.seen.contains_key(&asset.fields.asset_tag) {
                continue;
            }
            let d = deltas
                .entry(crate::assets::CountKey::of(&asset.fields))
                .or_default();
            d.0 -= 1;
            d.1 -= asset.fields.quantity;
            changes_json.push((
                asset.id,
                asset.fields.asset_tag.clone(),
                asset.history_json(),
            ));
        }
        for ids in changes_json.chunks(400) {
            let mut sql = Sql::new("DELETE FROM assets WHERE tenant_id = ");
            sql.bind(tenant_id)
                .push(" AND id IN ")
                .bind_list(ids.iter().map(|(id, _, _)| *id));
            sql.execute(&mut *self.tx).await?;
        }
        let changes: Vec<Change<'_>> = changes_json
            .iter()
            .map(|(id, tag, before)| Change {
                tenant_id,
                entity: crate::ledgers::ASSETS.name,
                entity_id: Some(*id),
                entity_key: tag,
                action: "delete",
                before: Some(before),
                after: None,
            })
            .collect();
        self.record(&changes).await?;
        crate::assets::bump_counts(&mut self.tx, tenant_id, deltas).await?;
        removed.extend(changes_json.into_iter().map(|(_, tag, _)| tag));
        removed.sort();
        Ok(removed)
    }

    /// Commits when `commit`, otherwise rolls everything back (a dry run, or a run with
    /// errors).
    pub async fn finish(mut self, commit: bool) -> Result<(), StoreError> {
        if commit {
            self.flush().await?;
            let deltas = std::mem::take(&mut self.count_deltas);
            crate::assets::bump_counts(&mut self.tx, self.scope.tenant_id, deltas).await?;
        }
        if commit {
            self.tx.commit().await?
        } else {
            self.tx.rollback().await?
        }
        Ok(())
    }
}
