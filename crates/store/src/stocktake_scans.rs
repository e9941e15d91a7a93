//! What the field sends into a stocktake (読み取り): each scan once, by the id its device
//! gave it, with what the finder says — the tag's label, wire lock, password note, use,
//! the room it was found in, and for a thing the ledger does not know its kind and a photo.

use sqlx::Row;

use crate::sql::{Sql, Value};
use crate::stocktake_work::room;
use crate::{Actor, Db, Scope, StoreError};

/// What one scan says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Made by the device, so that a scan sent twice is kept once.
    pub scan_id: String,
    pub asset_tag: Option<String>,
    /// 備品整理票 on the thing.
    pub tag_present: Option<bool>,
    pub wire_lock: Option<bool>,
    pub password_note: Option<bool>,
    pub in_use: Option<bool>,
    /// For a thing the ledger does not know: its kind, what it is, whose it seems to be.
    pub kind: Option<String>,
    pub description: Option<String>,
    /// `private`, `donated` or none (not known).
    pub ownership: Option<String>,
    pub note: Option<String>,
    /// The room (a location code) it was found in, when not where the ledger puts it.
    pub found_at: Option<String>,
    /// A photo of it (JPEG, PNG or WebP), at most [`MAX_PHOTO_BYTES`].
    pub photo: Option<Vec<u8>>,
}

/// The largest photo a scan keeps: the scanning page sends a picture scaled down to about
/// 1280 pixels, a fraction of this; a phone's full-size photo is refused, not stored.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The photo's type by its first bytes (never by what the sender says it is).
fn photo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn flag(b: Option<bool>) -> Value {
    b.map(i64::from).into()
}

impl Db {
    /// Records a scan of a stocktake not yet complete. A scan whose id was recorded before
    /// is not recorded again (a phone resending its queue): returns whether it was new.
    pub async fn record_scan(
        &self,
        scope: &Scope,
        actor: &Actor,
        stocktake_id: &str,
        scan: &Scan,
    ) -> Result<bool, StoreError> {
        let work = self.open_stocktake(scope, stocktake_id).await?;
        let scan_id = scan.scan_id.trim();
        if scan_id.is_empty() || scan_id.len() > 64 {
            return Err(StoreError::invalid("scan_id", "読み取りの番号がありません"));
        }
        let tag = scan
            .asset_tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if tag.is_none()
            && scan
                .description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
        {
            return Err(StoreError::invalid(
                "description",
                "備品番号のないものは、何かを入力してください",
            ));
        }
        if let Some(kind) = scan.kind.as_deref().filter(|k| !k.trim().is_empty())
            && daicho_domain::AssetKind::parse(kind.trim()).is_err()
        {
            return Err(StoreError::invalid(
                "kind",
                format!("種別「{kind}」は選べる種別にありません"),
            ));
        }
        let photo = match scan.photo.as_deref().filter(|p| !p.is_empty()) {
            None => None,
            Some(p) if p.len() > MAX_PHOTO_BYTES => {
                return Err(StoreError::invalid(
                    "photo",
                    "写真が大きすぎます（2 MB まで）",
                ));
            }
            Some(p) => Some((
                p.to_vec(),
                photo_type(p).ok_or_else(|| {
                    StoreError::invalid("photo", "写真は JPEG・PNG・WebP の画像にしてください")
                })?,
            )),
        };
        let mut tx = self.begin_write(scope.tenant_id).await?;
        let found_at = room(&mut tx, scope.tenant_id, &scan.found_at, "found_at", "場所").await?;
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM stocktake_scans WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND stocktake_ref = ")
            .bind(work.id)
            .push(" AND scan_id = ")
            .bind(scan_id);
        if sql.fetch_one(&mut *tx).await?.try_get::<i64, _>("n")? > 0 {
            return Ok(false);
        }
        let text = |t: &Option<String>| -> Value {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .into()
        };
        let mut columns = vec![
            "tenant_id",
            "stocktake_ref",
            "scan_id",
            "scanned_at",
            "scanned_by",
            "asset_tag",
            "tag_present",
            "wire_lock",
            "password_note",
            "in_use",
            "kind",
            "description",
            "ownership",
            "note",
            "found_at",
        ];
        let mut values = vec![
            Value::from(scope.tenant_id),
            work.id.into(),
            scan_id.into(),
            crate::now_text().into(),
            actor.name.as_str().into(),
            tag.map(str::to_string).into(),
            flag(scan.tag_present),
            flag(scan.wire_lock),
            flag(scan.password_note),
            flag(scan.in_use),
            text(&scan.kind),
            text(&scan.description),
            text(&scan.ownership),
            text(&scan.note),
            found_at.into(),
        ];
        // Named only when there is one: a typed NULL would not fit BYTEA on PostgreSQL.
        if let Some((bytes, kind)) = photo {
            columns.extend(["photo", "photo_type"]);
            values.extend([Value::Bytes(bytes), kind.into()]);
        }
        let mut sql = Sql::insert("stocktake_scans", &columns);
        sql.push("(").bind_all(values);
        sql.push(")");
        sql.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The tenant's rooms for a finder to say where a thing was: (location code, "建物 部屋").
    pub async fn location_choices(
        &self,
        scope: &Scope,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut sql = Sql::new("SELECT code, building, room FROM locations WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" ORDER BY building, room, code");
        sql.fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                let building: String = r.try_get("building")?;
                let room: Option<String> = r.try_get("room")?;
                let label = match room.filter(|r| !r.is_empty()) {
                    Some(room) => format!("{building} {room}"),
                    None => building,
                };
                Ok((r.try_get("code")?, label))
            })
            .collect()
    }

    /// The photo of a scan, as its type and bytes, for whoever may see the stocktake.
    pub async fn scan_photo(
        &self,
        scope: &Scope,
        stocktake_id: &str,
        scan_id: &str,
    ) -> Result<(String, Vec<u8>), StoreError> {
        let work = self.stocktake_work(scope, stocktake_id).await?;
        let mut sql = Sql::new("SELECT photo, photo_type FROM stocktake_scans WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND stocktake_ref = ")
            .bind(work.id)
            .push(" AND scan_id = ")
            .bind(scan_id)
            .push(" AND photo IS NOT NULL");
        let row = sql
            .fetch_optional(self)
            .await?
            .ok_or_else(|| StoreError::NotFound("その写真はありません".into()))?;
        Ok((row.try_get("photo_type")?, row.try_get("photo")?))
    }
}
