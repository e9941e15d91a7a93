//! Disposal with evidence (対策基準 第4 1 (7), reference 個14): a retired machine, kept in a
//! lockable place, has its data erased — the day, the method, who did it, the
//! certificate's number and the certificate itself — and is then disposed of — the day
//! and the contractor. Each step for a batch of machines at once, each machine's change in
//! the history. The erasure writes the asset's `erasure_evidence` and the disposal its
//! status and `disposed_on`, which the rule `retired-not-disposed` reads.

use chrono::NaiveDate;
use daicho_domain::{AssetStatus, ErasureMethod};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::history::{Change, record};
use crate::sql::{Sql, Value};
use crate::{Actor, Db, Scope, StoreError};

/// The largest certificate kept (a scanned PDF of a few pages).
pub const MAX_CERTIFICATE_BYTES: usize = 10 * 1024 * 1024;

/// A batch's data erasure.
#[derive(Debug, Clone, PartialEq)]
pub struct Erasure {
    pub erased_on: NaiveDate,
    pub method: ErasureMethod,
    pub erased_by: String,
    pub certificate_no: Option<String>,
    /// The certificate file: (name, bytes).
    pub certificate: Option<(String, Vec<u8>)>,
}

/// A machine on the way out, as the disposal page and the certificate list show it.
#[derive(Debug, Clone, PartialEq)]
pub struct DisposalLine {
    pub asset_id: i64,
    pub asset_tag: String,
    pub name: String,
    pub department_name: String,
    pub status: AssetStatus,
    pub retired_on: Option<NaiveDate>,
    pub location: Option<String>,
    /// Whether its place can be locked (none: not recorded).
    pub lockable: Option<bool>,
    pub erased_on: Option<NaiveDate>,
    pub method: Option<ErasureMethod>,
    pub erased_by: Option<String>,
    pub certificate_no: Option<String>,
    /// The certificate file's name, when one was kept (its id for the download).
    pub certificate: Option<(i64, String)>,
    pub disposed_on: Option<NaiveDate>,
    pub contractor: Option<String>,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// The machine `id` among `lines`, which must be retired (not in use, not disposed of).
fn retired(lines: &[DisposalLine], id: i64) -> Result<&DisposalLine, StoreError> {
    let line = lines
        .iter()
        .find(|l| l.asset_id == id)
        .ok_or_else(|| StoreError::NotFound("その機器はありません".into()))?;
    if line.status != AssetStatus::Retired {
        return Err(StoreError::invalid(
            "assets",
            format!("{} は使用中止ではありません", line.asset_tag),
        ));
    }
    Ok(line)
}

fn may_dispose(scope: &Scope) -> Result<(), StoreError> {
    if scope.can_write {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "廃棄の記録には変更の権限が要ります".into(),
        ))
    }
}

impl Db {
    /// Retired machines and those disposed of, in the scope, by department and tag.
    pub async fn disposal_lines(&self, scope: &Scope) -> Result<Vec<DisposalLine>, StoreError> {
        let mut sql = Sql::new(
            "SELECT a.id, a.asset_tag, a.name, d.name AS department_name, a.status, a.retired_on, \
                    l.code AS location, l.lockable, x.erased_on, x.method, x.erased_by, \
                    x.certificate_no, x.certificate_ref, c.file_name, \
                    COALESCE(x.disposed_on, a.disposed_on) AS disposed_on, x.contractor \
             FROM assets a JOIN departments d ON d.id = a.department_id AND d.tenant_id = a.tenant_id \
             LEFT JOIN locations l ON l.id = a.location_id AND l.tenant_id = a.tenant_id \
             LEFT JOIN asset_disposals x ON x.asset_ref = a.id AND x.tenant_id = a.tenant_id \
             LEFT JOIN erasure_certificates c ON c.id = x.certificate_ref AND c.tenant_id = x.tenant_id \
             WHERE a.status IN ('retired', 'disposed') AND a.tenant_id = ",
        );
        sql.bind(scope.tenant_id);
        scope.restrict(&mut sql, "a.department_id");
        sql.push(" ORDER BY d.sort_order, d.code, a.asset_tag");
        sql.fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                let method: Option<String> = r.try_get("method")?;
                let certificate_ref: Option<i64> = r.try_get("certificate_ref")?;
                let file_name: Option<String> = r.try_get("file_name")?;
                Ok(DisposalLine {
                    asset_id: r.try_get("id")?,
                    asset_tag: r.try_get("asset_tag")?,
                    name: r.try_get("name")?,
                    department_name: r.try_get("department_name")?,
                    status: AssetStatus::parse(&status)
                        .map_err(|e| StoreError::Internal(e.to_string()))?,
                    retired_on: date(r.try_get("retired_on")?),
                    location: r.try_get("location")?,
                    lockable: r.try_get::<Option<i64>, _>("lockable")?.map(|l| l != 0),
                    erased_on: date(r.try_get("erased_on")?),
                    method: method.and_then(|m| ErasureMethod::parse(&m).ok()),
                    erased_by: r.try_get("erased_by")?,
                    certificate_no: r.try_get("certificate_no")?,
                    certificate: certificate_ref.zip(file_name),
                    disposed_on: date(r.try_get("disposed_on")?),
                    contractor: r.try_get("contractor")?,
                })
            })
            .collect()
    }

    /// Records the data erasure of retired machines `asset_ids`, all or none.
    pub async fn record_erasure(
        &self,
        scope: &Scope,
        actor: &Actor,
        asset_ids: &[i64],
        erasure: &Erasure,
    ) -> Result<usize, StoreError> {
        may_dispose(scope)?;
        if asset_ids.is_empty() {
            return Err(StoreError::invalid("assets", "機器を選んでください"));
        }
        if erasure.erased_by.trim().is_empty() {
            return Err(StoreError::invalid(
                "erased_by",
                "消去した人（事業者）を入力してください",
            ));
        }
        if erasure
            .certificate_no
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
            && erasure.certificate.is_none()
        {
            return Err(StoreError::invalid(
                "certificate_no",
                "消去証明書の番号か、証明書のファイルを付けてください",
            ));
        }
        if erasure
            .certificate
            .as_ref()
            .is_some_and(|(_, b)| b.len() > MAX_CERTIFICATE_BYTES || b.is_empty())
        {
            return Err(StoreError::invalid(
                "certificate",
                "証明書のファイルは 10 MB までです（空のファイルは付けられません）",
            ));
        }
        let lines = self.disposal_lines(scope).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let certificate_ref: Option<i64> = match &erasure.certificate {
            Some((name, bytes)) => {
                let sha: String = Sha256::digest(bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let mut sql = Sql::insert(
                    "erasure_certificates",
                    &[
                        "tenant_id",
                        "file_name",
                        "sha256",
                        "content",
                        "uploaded_by",
                        "uploaded_at",
                    ],
                );
                sql.push("(")
                    .bind_all([
                        Value::from(scope.tenant_id),
                        name.as_str().into(),
                        sha.into(),
                        Value::Bytes(bytes.clone()),
                        actor.name.as_str().into(),
                        crate::now_text().into(),
                    ])
                    .push(") RETURNING id");
                Some(sql.fetch_one(&mut *tx).await?.try_get("id")?)
            }
            None => None,
        };
        let evidence = format!(
            "{} {}{}",
            erasure.method.label_ja(),
            erasure.erased_on,
            erasure
                .certificate_no
                .as_deref()
                .map(|n| format!(" 証明書 {}", n.trim()))
                .unwrap_or_default()
        );
        for id in asset_ids {
            let line = retired(&lines, *id)?;
            let mut sql = Sql::new("DELETE FROM asset_disposals WHERE tenant_id = ");
            sql.bind(scope.tenant_id)
                .push(" AND asset_ref = ")
                .bind(*id);
            sql.execute(&mut *tx).await?;
            let mut sql = Sql::insert(
                "asset_disposals",
                &[
                    "tenant_id",
                    "asset_ref",
                    "erased_on",
                    "method",
                    "erased_by",
                    "certificate_no",
                    "certificate_ref",
                ],
            );
            sql.push("(").bind_all([
                Value::from(scope.tenant_id),
                (*id).into(),
                erasure.erased_on.to_string().into(),
                erasure.method.code().into(),
                erasure.erased_by.trim().into(),
                erasure
                    .certificate_no
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .into(),
                certificate_ref.into(),
            ]);
            sql.push(")");
            sql.execute(&mut *tx).await?;
            let mut sql = Sql::new("UPDATE assets SET erasure_evidence = ");
            sql.bind(evidence.as_str())
                .push(", updated_at = ")
                .bind(crate::now_text())
                .push(" WHERE tenant_id = ")
                .bind(scope.tenant_id)
                .push(" AND id = ")
                .bind(*id);
            sql.execute(&mut *tx).await?;
            record(
                &mut tx,
                actor,
                Change {
                    tenant_id: scope.tenant_id,
                    entity: "assets",
                    entity_id: Some(*id),
                    entity_key: &line.asset_tag,
                    action: "update",
                    before: Some(&json!({ "erasure_evidence": null })),
                    after: Some(&json!({
                        "erasure_evidence": evidence,
                        "erased_by": erasure.erased_by.trim(),
                    })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(asset_ids.len())
    }

    /// Records the disposal of machines `asset_ids` whose data erasure is recorded, all or
    /// none: each becomes 廃棄済み on `disposed_on`.
    pub async fn record_disposal(
        &self,
        scope: &Scope,
        actor: &Actor,
        asset_ids: &[i64],
        disposed_on: NaiveDate,
        contractor: &str,
    ) -> Result<usize, StoreError> {
        may_dispose(scope)?;
        if asset_ids.is_empty() {
            return Err(StoreError::invalid("assets", "機器を選んでください"));
        }
        if contractor.trim().is_empty() {
            return Err(StoreError::invalid(
                "contractor",
                "廃棄した事業者を入力してください",
            ));
        }
        let lines = self.disposal_lines(scope).await?;
        let mut tx = self.begin_write(scope.tenant_id).await?;
        for id in asset_ids {
            let line = retired(&lines, *id)?;
            if line.erased_on.is_none() {
                return Err(StoreError::invalid(
                    "assets",
                    format!(
                        "{} はデータ消去が記録されていません（消去の後に廃棄します）",
                        line.asset_tag
                    ),
                ));
            }
            let mut sql = Sql::new("UPDATE asset_disposals SET disposed_on = ");
            sql.bind(disposed_on.to_string())
                .push(", contractor = ")
                .bind(contractor.trim())
                .push(" WHERE tenant_id = ")
                .bind(scope.tenant_id)
                .push(" AND asset_ref = ")
                .bind(*id);
            sql.execute(&mut *tx).await?;
            let mut sql = Sql::new("UPDATE assets SET status = 'disposed', disposed_on = ");
            sql.bind(disposed_on.to_string())
                .push(", updated_at = ")
                .bind(crate::now_text())
                .push(" WHERE tenant_id = ")
                .bind(scope.tenant_id)
                .push(" AND id = ")
                .bind(*id);
            sql.execute(&mut *tx).await?;
            record(
                &mut tx,
                actor,
                Change {
                    tenant_id: scope.tenant_id,
                    entity: "assets",
                    entity_id: Some(*id),
                    entity_key: &line.asset_tag,
                    action: "update",
                    before: Some(&json!({ "status": "retired", "disposed_on": null })),
                    after: Some(&json!({
                        "status": "disposed",
                        "disposed_on": disposed_on.to_string(),
                        "contractor": contractor.trim(),
                    })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        // The dashboard's counts are by status.
        self.recount_assets(scope.tenant_id).await?;
        Ok(asset_ids.len())
    }

    /// A kept certificate: (file name, bytes), within the scope's machines.
    pub async fn erasure_certificate(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<(String, Vec<u8>), StoreError> {
        if !self
            .disposal_lines(scope)
            .await?
            .iter()
            .any(|l| l.certificate.as_ref().is_some_and(|(c, _)| *c == id))
        {
            return Err(StoreError::NotFound("その証明書はありません".into()));
        }
        let mut sql =
            Sql::new("SELECT file_name, content FROM erasure_certificates WHERE tenant_id = ");
        sql.bind(scope.tenant_id).push(" AND id = ").bind(id);
        let r = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound("その証明書はありません".into()))?;
        Ok((r.try_get("file_name")?, r.try_get("content")?))
    }
}
