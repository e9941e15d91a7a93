//! The record of a visit (事前調査・往査の記録): six rows per visited department. Rows the
//! auditor kept are stored; the others are read from the ledgers when shown — (1) to (4)
//! from the assets, media and systems of the department and the departments under it,
//! (5) from the training records, (6) is the auditor's alone.

use std::collections::HashMap;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, Scope, StoreError};
use daicho_domain::asset::AssetKind;
use daicho_domain::survey::SURVEY_ROWS;
use daicho_domain::wareki::FiscalYear;
use serde_json::json;
use sqlx::Row;

/// One row of a department's survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRow {
    /// 1 to 6.
    pub row: u8,
    pub heading: &'static str,
    pub content: String,
    /// Kept by the auditor (else read from the ledgers).
    pub kept: bool,
}

impl Db {
    /// The six rows of the survey of `department_id` in audit `audit_ref`: the ones the
    /// auditor kept, the rest read from the ledgers as of the audit's as-of day.
    pub async fn audit_survey(
        &self,
        scope: &Scope,
        audit_ref: i64,
        department_id: i64,
    ) -> Result<Vec<SurveyRow>, StoreError> {
        if !scope.covers(department_id) {
            return Err(StoreError::NotFound("その所属はありません".into()));
        }
        let mut sql = Sql::new("SELECT row_no, content FROM audit_surveys WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref)
            .push(" AND department_id = ")
            .bind(department_id);
        let mut kept: HashMap<i64, String> = HashMap::new();
        for r in sql.fetch_all(self).await? {
            kept.insert(r.try_get("row_no")?, r.try_get("content")?);
        }
        let prefilled = if kept.len() < SURVEY_ROWS.len() {
            self.survey_from_ledgers(scope, audit_ref, department_id)
                .await?
        } else {
            Default::default()
        };
        Ok(SURVEY_ROWS
            .iter()
            .zip(prefilled)
            .enumerate()
            .map(|(i, (heading, from_ledgers))| {
                let row = i as u8 + 1;
                match kept.remove(&(i as i64 + 1)) {
                    Some(content) => SurveyRow {
                        row,
                        heading,
                        content,
                        kept: true,
                    },
                    None => SurveyRow {
                        row,
                        heading,
                        content: from_ledgers,
                        kept: false,
                    },
                }
            })
            .collect())
    }

    /// Keeps the auditor's text of survey rows (`(row, content)`, row 1 to 6) for a visited
    /// department; an empty text returns the row to what the ledgers say. Recorded with
    /// before and after.
    pub async fn save_audit_survey(
        &self,
        scope: &Scope,
        actor: &Actor,
        audit_ref: i64,
        department_id: i64,
        rows: &[(u8, String)],
    ) -> Result<(), StoreError> {
        crate::audit_items::may_audit(scope)?;
        if let Some((row, _)) = rows.iter().find(|(r, _)| !(1..=6).contains(r)) {
            return Err(StoreError::invalid(
                "row",
                format!("調査の行は (1) から (6) です（{row} はありません）"),
            ));
        }
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let mut sql = Sql::new(
            "SELECT d.name FROM audit_visits v \
             JOIN departments d ON d.id = v.department_id AND d.tenant_id = v.tenant_id \
             WHERE v.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND v.audit_ref = ")
            .bind(audit_ref)
            .push(" AND v.department_id = ")
            .bind(department_id);
        let Some(visit) = sql.fetch_optional(&mut *tx).await? else {
            return Err(StoreError::invalid(
                "department",
                "この監査で往査した所属ではありません",
            ));
        };
        let name: String = visit.try_get("name")?;
        let mut sql = Sql::new("SELECT id, row_no, content FROM audit_surveys WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND audit_ref = ")
            .bind(audit_ref)
            .push(" AND department_id = ")
            .bind(department_id);
        let mut stored: HashMap<i64, (i64, String)> = HashMap::new();
        for r in sql.fetch_all(&mut *tx).await? {
            stored.insert(
                r.try_get("row_no")?,
                (r.try_get("id")?, r.try_get("content")?),
            );
        }
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        for (row, content) in rows {
            let content = content.trim();
            let old = stored.get(&i64::from(*row));
            if old.map(|(_, c)| c.as_str()) == Some(content)
                || (old.is_none() && content.is_empty())
            {
                continue;
            }
            let key = row.to_string();
            before.insert(key.clone(), json!(old.map(|(_, c)| c)));
            after.insert(key, json!(Some(content).filter(|c| !c.is_empty())));
            let sql = match (old, content.is_empty()) {
                (Some((id, _)), true) => {
                    let mut sql = Sql::new("DELETE FROM audit_surveys WHERE tenant_id = ");
                    sql.bind(scope.tenant_id).push(" AND id = ").bind(*id);
                    sql
                }
                (Some((id, _)), false) => {
                    let mut sql = Sql::new("UPDATE audit_surveys SET content = ");
                    sql.bind(content)
                        .push(" WHERE tenant_id = ")
                        .bind(scope.tenant_id)
                        .push(" AND id = ")
                        .bind(*id);
                    sql
                }
                (None, _) => {
                    let mut sql = Sql::insert(
                        "audit_surveys",
                        &[
                            "tenant_id",
                            "audit_ref",
                            "department_id",
                            "row_no",
                            "content",
                        ],
                    );
                    sql.bind_list([
                        Value::from(scope.tenant_id),
                        audit_ref.into(),
                        department_id.into(),
                        i64::from(*row).into(),
                        content.into(),
                    ]);
                    sql
                }
            };
            sql.execute(&mut *tx).await?;
        }
        if after.is_empty() {
            return Ok(());
        }
        record(
            &mut tx,
            actor,
            Change {
                tenant_id: scope.tenant_id,
                entity: "audit_surveys",
                entity_id: Some(department_id),
                entity_key: &name,
                action: "update",
                before: Some(&before.into()),
                after: Some(&after.into()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the ledgers say for each row, for the department and those under it, as of the
    /// audit's as-of day (today when it has none).
    async fn survey_from_ledgers(
        &self,
        scope: &Scope,
        audit_ref: i64,
        department_id: i64,
    ) -> Result<[String; 6], StoreError> {
        let mut sql = Sql::new("SELECT as_of, fiscal_year FROM audits WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(audit_ref);
        let Some(audit) = sql.fetch_optional(self).await? else {
            return Err(StoreError::NotFound("その監査はありません".into()));
        };
        let as_of: String = audit
            .try_get::<Option<String>, _>("as_of")?
            .unwrap_or_else(|| crate::today().to_string());
        let fiscal_year: i64 = audit.try_get("fiscal_year")?;
        let under = crate::department_and_below(&self.departments(scope).await?, department_id);
        // Assets on hand on the as-of day: (segment, kind, procured_by) → how many.
        let mut sql = Sql::new(
            "SELECT network_segment, kind, procured_by, CAST(SUM(quantity) AS BIGINT) AS n FROM assets \
             WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND department_id IN ")
            .bind_list(under.iter().copied())
            .push(" AND (status <> 'disposed' OR disposed_on > ")
            .bind(as_of.as_str())
            .push(") AND (acquired_on IS NULL OR acquired_on <= ")
            .bind(as_of.as_str())
            .push(") GROUP BY network_segment, kind, procured_by ORDER BY kind");
        let mut assets: Vec<(Option<String>, String, Option<String>, i64)> = Vec::new();
        for r in sql.fetch_all(self).await? {
            assets.push((
                r.try_get("network_segment")?,
                r.try_get("kind")?,
                r.try_get("procured_by")?,
                r.try_get("n")?,
            ));
        }
        let pcs = |segment: &str| -> i64 {
            assets
                .iter()
                .filter(|(s, k, ..)| {
                    s.as_deref() == Some(segment) && matches!(k.as_str(), "desktop" | "laptop")
                })
                .map(|a| a.3)
                .sum()
        };
        let lgwan = match pcs("lgwan") {
            0 => "台帳上なし".to_string(),
            n => format!("パソコン {n}台"),
        };
        let mut sql = Sql::new(
            "SELECT COUNT(*) AS n, \
             COUNT(CASE WHEN EXISTS (SELECT 1 FROM media_movements mm \
               WHERE mm.tenant_id = m.tenant_id AND mm.media_ref = m.id) THEN 1 END) AS moved \
             FROM media m WHERE m.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND m.kind = 'usb_memory' AND m.department_id IN ")
            .bind_list(under.iter().copied());
        let usb = sql.fetch_one(self).await?;
        let (usb, moved): (i64, i64) = (usb.try_get("n")?, usb.try_get("moved")?);
        let internet = format!(
            "インターネットパソコン {}",
            match pcs("internet") {
                0 => "台帳上なし".to_string(),
                n => format!("{n}台"),
            }
        ) + &match (usb, moved) {
            (0, _) => "、USBメモリー 台帳上なし".to_string(),
            (n, 0) => format!("、USBメモリー {n}個（受払の記録なし）"),
            (n, _) => format!("、USBメモリー {n}個（受払簿あり）"),
        };
        let mut sql = Sql::new("SELECT name FROM information_systems WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND network_segment = 'my_number' AND department_id IN ")
            .bind_list(under.iter().copied())
            .push(" ORDER BY name");
        let systems: Vec<String> = sql
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| r.try_get("name"))
            .collect::<Result<_, _>>()?;
        let my_number = match (pcs("my_number"), systems.is_empty()) {
            (0, true) => "なし".to_string(),
            (0, false) => format!("システム: {}", systems.join("、")),
            (n, true) => format!("パソコン {n}台"),
            (n, false) => format!("パソコン {n}台、システム: {}", systems.join("、")),
        };
        let mut own: Vec<(String, i64)> = Vec::new();
        for (_, kind, procured_by, n) in &assets {
            if procured_by.as_deref() != Some("department") {
                continue;
            }
            let label = AssetKind::parse(kind)
                .map(|k| k.label_ja().to_string())
                .unwrap_or_else(|_| kind.clone());
            match own.iter_mut().find(|(l, _)| *l == label) {
                Some((_, total)) => *total += n,
                None => own.push((label, *n)),
            }
        }
        let own = if own.is_empty() {
            "台帳上なし".to_string()
        } else {
            format!(
                "課で調達したもの: {}",
                own.iter()
                    .map(|(l, n)| format!("{l} {n}台"))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        };
        let training = self.survey_training(scope, &under, fiscal_year).await?;
        Ok([lgwan, internet, my_number, own, training, String::new()])
    }

    /// Row (5): who took the training of the audit's fiscal year (or the latest year
    /// recorded before it), by course, from the counts or else the personal records.
    async fn survey_training(
        &self,
        scope: &Scope,
        under: &[i64],
        fiscal_year: i64,
    ) -> Result<String, StoreError> {
        let mut sql = Sql::new(
            "SELECT fiscal_year, course, CAST(SUM(regular) AS BIGINT) AS regular, \
             CAST(SUM(fiscal_year_appointed) AS BIGINT) AS appointed FROM training_counts WHERE tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND fiscal_year <= ")
            .bind(fiscal_year)
            .push(" AND department_id IN ")
            .bind_list(under.iter().copied())
            .push(" GROUP BY fiscal_year, course ORDER BY fiscal_year DESC, course");
        let counts = sql.fetch_all(self).await?;
        if let Some(first) = counts.first() {
            let year: i64 = first.try_get("fiscal_year")?;
            let mut parts = Vec::new();
            for r in &counts {
                if r.try_get::<i64, _>("fiscal_year")? != year {
                    break;
                }
                parts.push(format!(
                    "{} 職員{}名・会計年度任用職員{}名",
                    r.try_get::<String, _>("course")?,
                    r.try_get::<i64, _>("regular")?,
                    r.try_get::<i64, _>("appointed")?
                ));
            }
            return Ok(format!(
                "{}: {}",
                FiscalYear(year as i32).label_ja(),
                parts.join("、")
            ));
        }
        let year = FiscalYear(fiscal_year as i32);
        let mut sql = Sql::new(
            "SELECT r.course, COUNT(DISTINCT r.staff_ref) AS n FROM training_records r \
             JOIN staff_members s ON s.id = r.staff_ref AND s.tenant_id = r.tenant_id \
             WHERE r.tenant_id = ",
        );
        sql.bind(scope.tenant_id)
            .push(" AND r.taken_on BETWEEN ")
            .bind(year.first_day().to_string())
            .push(" AND ")
            .bind(year.last_day().to_string())
            .push(" AND s.department_id IN ")
            .bind_list(under.iter().copied())
            .push(" GROUP BY r.course ORDER BY r.course");
        let records = sql.fetch_all(self).await?;
        if records.is_empty() {
            return Ok(format!("{}の受講記録なし", year.label_ja()));
        }
        let parts = records
            .iter()
            .map(|r| {
                Ok(format!(
                    "{} {}名",
                    r.try_get::<String, _>("course")?,
                    r.try_get::<i64, _>("n")?
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(format!("{}: {}", year.label_ja(), parts.join("、")))
    }
}
