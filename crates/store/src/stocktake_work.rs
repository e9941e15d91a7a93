//! The stocktake as work (棚卸, 対策基準 and reference lines 1674, 1698–1702): 情報政策課 or a
//! department plans one per department and room, with who does it and by when; the
//! ledger's assets there are kept as its expected list at that moment; scans arrive from
//! the field — each once, by the id the device gave it, however often a phone that was
//! offline sends it again (`stocktake_scans`); completing writes the stocktake's sightings,
//! which the rules (missing-asset, unregistered-asset, wire-lock-missing, password-note, …)
//! read.

use std::collections::HashSet;

use chrono::NaiveDate;
use daicho_domain::stocktake::{ExpectedAsset, Reconciliation, ScanLine, reconcile};
use serde_json::json;
use sqlx::Row;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, Scope, StoreError};

/// A stocktake to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStocktake {
    pub stocktake_id: String,
    /// The department's code; its assets and those of the departments below it.
    pub department: String,
    /// The room's location code; none: the department's assets wherever they are.
    pub location: Option<String>,
    pub assignee: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// A stocktake as the work pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct StocktakeWork {
    pub id: i64,
    pub stocktake_id: String,
    pub department: String,
    pub department_name: String,
    pub location: Option<String>,
    pub assignee: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub complete: bool,
    pub expected: Vec<ExpectedAsset>,
    pub scans: Vec<ScanLine>,
    pub reconciliation: Reconciliation,
}

/// A stocktake as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StocktakeLine {
    pub stocktake_id: String,
    pub department_name: String,
    pub location: Option<String>,
    pub assignee: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub complete: bool,
    pub expected: i64,
    pub scanned: i64,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// The id of the room `code` names (none when blank); a code the tenant does not have is
/// refused for `field`, named as `what`.
pub(crate) async fn room(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: i64,
    code: &Option<String>,
    field: &'static str,
    what: &str,
) -> Result<Option<i64>, StoreError> {
    let Some(code) = code.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    match crate::assets::write::location_by_code(tx, tenant_id, code).await? {
        Some(id) => Ok(Some(id)),
        None => Err(StoreError::invalid(
            field,
            format!("{what}「{code}」はありません"),
        )),
    }
}

impl Db {
    /// Plans a stocktake (情報政策課・管理者, or a department's manager for its own) and
    /// keeps the ledger's assets there, not disposed of, as its expected list.
    pub async fn plan_stocktake(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: &NewStocktake,
    ) -> Result<i64, StoreError> {
        let id_text = new.stocktake_id.trim();
        if id_text.is_empty() {
            return Err(StoreError::invalid(
                "stocktake_id",
                "棚卸番号を入力してください",
            ));
        }
        let department = self
            .department_by_code(scope, &new.department)
            .await?
            .ok_or_else(|| StoreError::invalid("department", "その所属はありません"))?;
        if !scope.can_write || !scope.covers(department.id) {
            return Err(StoreError::Forbidden(
                "棚卸を計画できるのは、その所属の所属長（管理者）・情報政策課・管理者です".into(),
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let location_id = room(
            &mut tx,
            scope.tenant_id,
            &new.location,
            "location",
            "設置場所",
        )
        .await?;
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM stocktakes WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND stocktake_id = ")
            .bind(id_text);
        if sql.fetch_one(&mut *tx).await?.try_get::<i64, _>("n")? > 0 {
            return Err(StoreError::invalid(
                "stocktake_id",
                format!("棚卸番号「{id_text}」はもう使われています"),
            ));
        }
        let mut sql = Sql::insert(
            "stocktakes",
            &[
                "tenant_id",
                "stocktake_id",
                "department_id",
                "location_id",
                "complete",
                "assignee",
                "due_on",
            ],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                id_text.into(),
                department.id.into(),
                location_id.into(),
                0i64.into(),
                new.assignee.clone().filter(|a| !a.trim().is_empty()).into(),
                new.due_on.map(|d| d.to_string()).into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql.fetch_one(&mut *tx).await?.try_get("id")?;
        let departments = self.departments(scope).await?;
        let under = crate::department_and_below(&departments, department.id);
        let mut sql = Sql::new("SELECT asset_tag, name FROM assets WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND status <> 'disposed' AND department_id IN (");
        for (i, d) in under.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(*d);
        }
        sql.push(")");
        if let Some(l) = location_id {
            sql.push(" AND location_id = ").bind(l);
        }
        sql.push(" ORDER BY asset_tag");
        let expected = sql.fetch_all(&mut *tx).await?;
        for r in &expected {
            let mut insert = Sql::insert(
                "stocktake_expected",
                &["tenant_id", "stocktake_ref", "asset_tag", "name"],
            );
            insert.push("(").bind_all([
                Value::from(scope.tenant_id),
                id.into(),
                r.try_get::<String, _>("asset_tag")?.into(),
                r.try_get::<String, _>("name")?.into(),
            ]);
            insert.push(")");
            insert.execute(&mut *tx).await?;
        }
        let after = json!({
            "department": department.code,
            "location": new.location,
            "assignee": new.assignee,
            "due_on": new.due_on.map(|d| d.to_string()),
            "expected": expected.len(),
        });
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "stocktakes",
                entity_id: Some(id),
                entity_key: id_text,
                action: "create",
                before: None,
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The stocktakes the scope sees, open ones first, then by due day and number.
    pub async fn stocktake_lines(&self, scope: &Scope) -> Result<Vec<StocktakeLine>, StoreError> {
        let mut sql = Sql::new(
            "SELECT s.stocktake_id, d.name, l.code AS location, s.assignee, s.due_on, s.done_on,                     s.complete,                     (SELECT COUNT(*) FROM stocktake_expected e WHERE e.tenant_id = s.tenant_id                        AND e.stocktake_ref = s.id) AS expected,                     (SELECT COUNT(*) FROM stocktake_scans c WHERE c.tenant_id = s.tenant_id                        AND c.stocktake_ref = s.id) AS scanned              FROM stocktakes s JOIN departments d ON d.id = s.department_id AND d.tenant_id = s.tenant_id              LEFT JOIN locations l ON l.id = s.location_id AND l.tenant_id = s.tenant_id              WHERE s.tenant_id = ",
        );
        sql.bind(scope.tenant_id);
        scope.restrict(&mut sql, "s.department_id");
        sql.push(" ORDER BY s.complete, s.due_on, s.stocktake_id");
        sql.fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                Ok(StocktakeLine {
                    stocktake_id: r.try_get("stocktake_id")?,
                    department_name: r.try_get("name")?,
                    location: r.try_get("location")?,
                    assignee: r.try_get("assignee")?,
                    due_on: date(r.try_get("due_on")?),
                    done_on: date(r.try_get("done_on")?),
                    complete: r.try_get::<i64, _>("complete")? != 0,
                    expected: r.try_get("expected")?,
                    scanned: r.try_get("scanned")?,
                })
            })
            .collect()
    }

    /// A stocktake with its expected list, scans and where the reconciliation stands.
    pub async fn stocktake_work(
        &self,
        scope: &Scope,
        stocktake_id: &str,
    ) -> Result<StocktakeWork, StoreError> {
        let mut sql = Sql::new(
            "SELECT s.id, s.stocktake_id, d.code, d.name, l.code AS location, s.assignee, \
                    s.due_on, s.done_on, s.complete, s.department_id \
             FROM stocktakes s JOIN departments d ON d.id = s.department_id AND d.tenant_id = s.tenant_id \
             LEFT JOIN locations l ON l.id = s.location_id AND l.tenant_id = s.tenant_id \
             WHERE s.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND s.stocktake_id = ")
            .bind(stocktake_id);
        scope.restrict(&mut sql, "s.department_id");
        let r = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("棚卸「{stocktake_id}」はありません")))?;
        let id: i64 = r.try_get("id")?;
        // Each expected asset with the room the ledger puts it in now.
        let mut sql = Sql::new(
            "SELECT e.asset_tag, e.name, l.code AS location FROM stocktake_expected e \
             LEFT JOIN assets a ON a.tenant_id = e.tenant_id AND a.asset_tag = e.asset_tag \
             LEFT JOIN locations l ON l.tenant_id = a.tenant_id AND l.id = a.location_id \
             WHERE e.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND e.stocktake_ref = ")
            .bind(id)
            .push(" ORDER BY e.asset_tag");
        let expected = sql
            .fetch_all(self)
            .await?
            .iter()
            .map(|e| {
                Ok(ExpectedAsset {
                    tag: e.try_get("asset_tag")?,
                    name: e.try_get("name")?,
                    location: e.try_get("location")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut sql = Sql::new(
            "SELECT s.scan_id, s.asset_tag, s.description, s.ownership, s.kind, l.code AS found_at, \
                    CASE WHEN s.photo IS NULL THEN 0 ELSE 1 END AS has_photo \
             FROM stocktake_scans s \
             LEFT JOIN locations l ON l.tenant_id = s.tenant_id AND l.id = s.found_at \
             WHERE s.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND s.stocktake_ref = ")
            .bind(id)
            .push(" ORDER BY s.id");
        let scans = sql
            .fetch_all(self)
            .await?
            .iter()
            .map(|s| {
                Ok(ScanLine {
                    scan_id: s.try_get("scan_id")?,
                    tag: s.try_get("asset_tag")?,
                    description: s.try_get("description")?,
                    ownership: s.try_get("ownership")?,
                    kind: s.try_get("kind")?,
                    found_at: s.try_get("found_at")?,
                    photo: s.try_get::<i64, _>("has_photo")? != 0,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        // Which scanned tags the ledger knows (anywhere in the tenant).
        let mut known = HashSet::new();
        let mut sql = Sql::new(
            "SELECT DISTINCT a.asset_tag FROM assets a JOIN stocktake_scans s \
               ON s.asset_tag = a.asset_tag AND s.tenant_id = a.tenant_id \
             WHERE a.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND s.stocktake_ref = ")
            .bind(id);
        for k in sql.fetch_all(self).await? {
            known.insert(k.try_get::<String, _>("asset_tag")?);
        }
        let reconciliation = reconcile(&expected, &scans, &known);
        Ok(StocktakeWork {
            id,
            stocktake_id: r.try_get("stocktake_id")?,
            department: r.try_get("code")?,
            department_name: r.try_get("name")?,
            location: r.try_get("location")?,
            assignee: r.try_get("assignee")?,
            due_on: date(r.try_get("due_on")?),
            done_on: date(r.try_get("done_on")?),
            complete: r.try_get::<i64, _>("complete")? != 0,
            expected,
            scans,
            reconciliation,
        })
    }

    /// A stocktake the scope may still record into: not complete, and write access.
    pub(crate) async fn open_stocktake(
        &self,
        scope: &Scope,
        stocktake_id: &str,
    ) -> Result<StocktakeWork, StoreError> {
        let work = self.stocktake_work(scope, stocktake_id).await?;
        if !scope.can_write {
            return Err(StoreError::Forbidden(
                "棚卸の記録には変更の権限が要ります".into(),
            ));
        }
        if work.complete {
            return Err(StoreError::invalid(
                "stocktake",
                "この棚卸は完了しています（これ以上は記録できません）",
            ));
        }
        Ok(work)
    }

    /// Completes a stocktake on `done_on`: every distinct thing scanned becomes a sighting
    /// (a tag scanned twice, once), and the stocktake is marked complete — from then on the
    /// rules decide from it. Nothing can be scanned into it afterwards.
    pub async fn complete_stocktake(
        &self,
        scope: &Scope,
        actor: &Actor,
        stocktake_id: &str,
        done_on: NaiveDate,
    ) -> Result<Reconciliation, StoreError> {
        let work = self.open_stocktake(scope, stocktake_id).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new(
            "SELECT asset_tag, tag_present, wire_lock, password_note, in_use, kind, description, \
                    ownership, found_at \
             FROM stocktake_scans WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND stocktake_ref = ")
            .bind(work.id)
            .push(" ORDER BY id");
        let scans = sql.fetch_all(&mut *tx).await?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut line = 0i64;
        for s in &scans {
            let tag: Option<String> = s.try_get("asset_tag")?;
            if let Some(t) = &tag
                && !seen.insert(t.clone())
            {
                continue;
            }
            line += 1;
            let mut insert = Sql::insert(
                "sightings",
                &[
                    "tenant_id",
                    "stocktake_ref",
                    "line",
                    "asset_tag",
                    "kind",
                    "description",
                    "ownership",
                    "tag_present",
                    "wire_lock",
                    "password_note",
                    "in_use",
                    "location_id",
                ],
            );
            insert.push("(").bind_all([
                Value::from(scope.tenant_id),
                work.id.into(),
                line.into(),
                tag.into(),
                s.try_get::<Option<String>, _>("kind")?.into(),
                s.try_get::<Option<String>, _>("description")?.into(),
                s.try_get::<Option<String>, _>("ownership")?.into(),
                s.try_get::<Option<i64>, _>("tag_present")?.into(),
                s.try_get::<Option<i64>, _>("wire_lock")?.into(),
                s.try_get::<Option<i64>, _>("password_note")?.into(),
                s.try_get::<Option<i64>, _>("in_use")?.into(),
                s.try_get::<Option<i64>, _>("found_at")?.into(),
            ]);
            insert.push(")");
            insert.execute(&mut *tx).await?;
        }
        let mut sql = Sql::new("UPDATE stocktakes SET complete = 1, done_on = ");
        sql.bind(done_on.to_string())
            .push(" WHERE tenant_id = ")
            .bind(scope.tenant_id)
            .push(" AND id = ")
            .bind(work.id);
        sql.execute(&mut *tx).await?;
        let r = &work.reconciliation;
        let after = json!({
            "done_on": done_on.to_string(),
            "complete": true,
            "sightings": line,
            "found": r.found.len(),
            "missing": r.missing,
            "moved": r.moved,
            "unknown_tags": r.unknown_tags,
            "untagged": r.untagged.len(),
        });
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "stocktakes",
                entity_id: Some(work.id),
                entity_key: &work.stocktake_id,
                action: "update",
                before: Some(&json!({ "complete": false })),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(work.reconciliation)
    }
}
