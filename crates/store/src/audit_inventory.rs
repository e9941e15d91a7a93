//! What the auditors found on their walk (往査での現物確認): for a visited department, the
//! lines of the stocktakes of it and the departments below it done during the audit (from
//! its first visit to its as-of day or last visit) that say something the ledger does not —
//! an item in no ledger, no 備品整理票, no wire lock, a password note, a private or donated
//! item. The report shows them as the department's inventory table.

use crate::department_and_below;
use crate::sql::Sql;
use crate::{Db, Scope, StoreError};
use daicho_domain::asset::AssetKind;
use sqlx::Row;

/// One line of a department's inventory table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryLine {
    /// The room (building and room), or the department when the stocktake names none.
    pub place: String,
    pub kind: String,
    pub description: String,
    pub asset_tag: String,
    /// What the line says, in words: 台帳にない, 備品整理票なし, ….
    pub notes: Vec<&'static str>,
}

impl Db {
    /// The inventory table of `department_id` in audit `audit_ref` (see the module).
    pub async fn audit_inventory(
        &self,
        scope: &Scope,
        audit_ref: i64,
        department_id: i64,
    ) -> Result<Vec<InventoryLine>, StoreError> {
        if !scope.covers(department_id) {
            return Err(StoreError::NotFound("その所属はありません".into()));
        }
        let mut sql = Sql::new(
            "SELECT a.as_of, MIN(v.visited_on) AS first_visit, MAX(v.visited_on) AS last_visit \
             FROM audits a LEFT JOIN audit_visits v ON v.audit_ref = a.id AND v.tenant_id = a.tenant_id \
             WHERE a.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND a.id = ")
            .bind(audit_ref)
            .push(" GROUP BY a.as_of");
        let Some(audit) = sql.fetch_optional(self).await? else {
            return Ok(Vec::new());
        };
        let as_of: Option<String> = audit.try_get("as_of")?;
        let (Some(from), Some(last)) = (
            audit.try_get::<Option<String>, _>("first_visit")?,
            audit.try_get::<Option<String>, _>("last_visit")?,
        ) else {
            // Without dated visits there is no walk to speak of.
            return Ok(Vec::new());
        };
        let to = as_of.filter(|a| *a > last).unwrap_or(last);
        let under = department_and_below(&self.departments(scope).await?, department_id);
        let mut sql = Sql::new(
            "SELECT g.line, g.asset_tag, g.kind, g.description, g.ownership, g.tag_present, \
             g.wire_lock, g.password_note, l.building, l.room, d.name AS department, \
             (SELECT COUNT(*) FROM assets a WHERE a.tenant_id = g.tenant_id \
                AND a.asset_tag = g.asset_tag) AS known \
             FROM sightings g \
             JOIN stocktakes s ON s.id = g.stocktake_ref AND s.tenant_id = g.tenant_id \
             JOIN departments d ON d.id = s.department_id AND d.tenant_id = s.tenant_id \
             LEFT JOIN locations l ON l.id = s.location_id AND l.tenant_id = s.tenant_id \
             WHERE g.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND s.department_id IN ")
            .bind_list(under.iter().copied())
            .push(" AND s.done_on BETWEEN ")
            .bind(from)
            .push(" AND ")
            .bind(to)
            .push(" ORDER BY s.done_on, s.stocktake_id, g.line");
        let mut lines = Vec::new();
        for r in sql.fetch_all(self).await? {
            let tag: Option<String> = r.try_get("asset_tag")?;
            let known: i64 = r.try_get("known")?;
            let flag = |column: &str| -> Result<Option<bool>, sqlx::Error> {
                Ok(r.try_get::<Option<i64>, _>(column)?.map(|v| v != 0))
            };
            let ownership: Option<String> = r.try_get("ownership")?;
            let mut notes = Vec::new();
            if tag.as_deref().is_none_or(str::is_empty) || known == 0 {
                notes.push("台帳にない");
            }
            if flag("tag_present")? == Some(false) {
                notes.push("備品整理票なし");
            }
            if flag("wire_lock")? == Some(false) {
                notes.push("ワイヤーロックなし");
            }
            if flag("password_note")? == Some(true) {
                notes.push("パスワードの付箋");
            }
            match ownership.as_deref() {
                Some("private") => notes.push("私物"),
                Some("donated") => notes.push("寄付"),
                _ => {}
            }
            if notes.is_empty() {
                continue;
            }
            let building: Option<String> = r.try_get("building")?;
            let room: Option<String> = r.try_get("room")?;
            let place = match (building, room) {
                (Some(b), Some(room)) => format!("{b} {room}"),
                (Some(b), None) => b,
                (None, Some(room)) => room,
                (None, None) => r.try_get("department")?,
            };
            let kind: Option<String> = r.try_get("kind")?;
            lines.push(InventoryLine {
                place,
                kind: kind
                    .map(|k| {
                        AssetKind::parse(&k)
                            .map(|k| k.label_ja().to_string())
                            .unwrap_or(k)
                    })
                    .unwrap_or_default(),
                description: r
                    .try_get::<Option<String>, _>("description")?
                    .unwrap_or_default(),
                asset_tag: tag.unwrap_or_default(),
                notes,
            });
        }
        Ok(lines)
    }
}
