//! Publications (公表, 総7) as kept: each version exactly as it went out (the redacted
//! text as JSON, never rebuilt from the ledgers), with who published it and when; and the
//! words a publication must not carry (asset tags, serial numbers, media ids, rooms, staff
//! names), read from the tenant's ledgers for the redaction.
//!
//! The public pages read what is published by the tenant alone (no user, no scope): what
//! was published is public by the act of publishing; nothing else is read for them.

use daicho_domain::publication::{PublicationKind, SensitiveKind};
use serde_json::json;
use sqlx::Row;

use crate::history::Change;
use crate::ledgers::Ledger;
use crate::sql::{Sql, Value};
use crate::{Actor, Db, RowError, Scope, StoreError};

/// One version of a publication.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub id: i64,
    pub kind: PublicationKind,
    /// The audit's id, or the policy document's kind (`basic_policy`, `standards`).
    pub subject: String,
    pub version: i64,
    pub title: String,
    /// As published: JSON, read back by the public page.
    pub body: String,
    pub published_by: String,
    pub published_at: String,
}

/// What is published, and the ledger row that says so (the policy's 公開 and URL).
pub struct NewPublication<'a> {
    pub kind: PublicationKind,
    pub subject: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub ledger_row: Option<(&'static Ledger, Vec<(&'a str, String)>)>,
}

const COLUMNS: &str = "SELECT id, kind, subject, version, title, body, published_by, published_at \
                       FROM publications WHERE tenant_id = ";

fn publication(r: &sqlx::any::AnyRow) -> Result<Publication, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(Publication {
        id: r.try_get("id")?,
        kind: PublicationKind::parse(&kind)
            .map_err(|e| StoreError::Internal(format!("publications.kind: {e}")))?,
        subject: r.try_get("subject")?,
        version: r.try_get("version")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        published_by: r.try_get("published_by")?,
        published_at: r.try_get("published_at")?,
    })
}

impl Db {
    /// Publishes a new version (情報政策課・管理者) and, in the same transaction, writes the
    /// ledger row that records it; returns the version. The history keeps who and when.
    pub async fn add_publication(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewPublication<'_>,
    ) -> Result<i64, RowError> {
        if !scope.can_write || scope.departments.is_some() {
            return Err(
                StoreError::Forbidden("公表できるのは情報政策課と管理者です".into()).into(),
            );
        }
        let mut session = self.begin_import(scope, actor).await?;
        let mut sql =
            Sql::new("SELECT COALESCE(MAX(version), 0) AS v FROM publications WHERE tenant_id = ");
        sql.bind(scope.tenant_id)
            .push(" AND kind = ")
            .bind(new.kind.code())
            .push(" AND subject = ")
            .bind(new.subject);
        let version: i64 = sql.fetch_one(&mut *session.tx).await?.try_get("v")?;
        let version = version + 1;
        let mut sql = Sql::insert(
            "publications",
            &[
                "tenant_id",
                "kind",
                "subject",
                "version",
                "title",
                "body",
                "published_by",
                "published_at",
            ],
        );
        sql.push("(")
            .bind_all([
                Value::from(scope.tenant_id),
                new.kind.code().into(),
                new.subject.into(),
                version.into(),
                new.title.into(),
                new.body.into(),
                actor.name.as_str().into(),
                crate::now_text().into(),
            ])
            .push(") RETURNING id");
        let id: i64 = sql.fetch_one(&mut *session.tx).await?.try_get("id")?;
        let key = format!("{} {}", new.kind.label_ja(), new.title);
        let after = json!({ "kind": new.kind.code(), "subject": new.subject, "version": version });
        session
            .record(&[Change {
                tenant_id: scope.tenant_id,
                entity: "publications",
                entity_id: Some(id),
                entity_key: &key,
                action: "create",
                before: None,
                after: Some(&after),
            }])
            .await?;
        if let Some((ledger, row)) = new.ledger_row {
            let mut cells = Vec::with_capacity(row.len());
            for (name, value) in row {
                let column = ledger.column(name).ok_or_else(|| {
                    StoreError::Internal(format!("{}: no column {name}", ledger.name))
                })?;
                cells.push((column, value));
            }
            session.upsert_row(ledger, &cells).await?;
        }
        session.finish(true).await?;
        Ok(version)
    }

    /// The latest version of every publication of a tenant, for its public index.
    pub async fn latest_publications(
        &self,
        tenant_id: i64,
    ) -> Result<Vec<Publication>, StoreError> {
        let mut sql = Sql::new(COLUMNS);
        sql.bind(tenant_id).push(
            " AND version = (SELECT MAX(p.version) FROM publications p \
               WHERE p.tenant_id = publications.tenant_id AND p.kind = publications.kind \
               AND p.subject = publications.subject) ORDER BY published_at DESC, id DESC",
        );
        sql.fetch_all(self).await?.iter().map(publication).collect()
    }

    /// One publication: version `version`, or the latest.
    pub async fn publication(
        &self,
        tenant_id: i64,
        kind: PublicationKind,
        subject: &str,
        version: Option<i64>,
    ) -> Result<Option<Publication>, StoreError> {
        let mut sql = Sql::new(COLUMNS);
        sql.bind(tenant_id)
            .push(" AND kind = ")
            .bind(kind.code())
            .push(" AND subject = ")
            .bind(subject);
        if let Some(v) = version {
            sql.push(" AND version = ").bind(v);
        }
        sql.push(" ORDER BY version DESC LIMIT 1");
        sql.fetch_optional(self)
            .await?
            .as_ref()
            .map(publication)
            .transpose()
    }

    /// Every version of a publication, newest first: who published what, when.
    pub async fn publication_history(
        &self,
        tenant_id: i64,
        kind: PublicationKind,
        subject: &str,
    ) -> Result<Vec<Publication>, StoreError> {
        let mut sql = Sql::new(COLUMNS);
        sql.bind(tenant_id)
            .push(" AND kind = ")
            .bind(kind.code())
            .push(" AND subject = ")
            .bind(subject)
            .push(" ORDER BY version DESC");
        sql.fetch_all(self).await?.iter().map(publication).collect()
    }

    /// The words of the tenant's ledgers that no publication may carry, with why.
    pub async fn sensitive_terms(
        &self,
        scope: &Scope,
    ) -> Result<Vec<(String, SensitiveKind)>, StoreError> {
        let sources = [
            ("SELECT asset_tag AS w FROM assets", SensitiveKind::AssetTag),
            (
                "SELECT serial AS w FROM assets WHERE serial IS NOT NULL AND",
                SensitiveKind::Serial,
            ),
            ("SELECT media_id AS w FROM media", SensitiveKind::MediaId),
            (
                "SELECT room AS w FROM locations WHERE room IS NOT NULL AND",
                SensitiveKind::Room,
            ),
            ("SELECT code AS w FROM locations", SensitiveKind::Room),
            (
                "SELECT name AS w FROM staff_members WHERE name IS NOT NULL AND",
                SensitiveKind::StaffName,
            ),
            (
                "SELECT display_name AS w FROM users",
                SensitiveKind::StaffName,
            ),
        ];
        let mut terms = Vec::new();
        for (select, kind) in sources {
            let glue = if select.ends_with("AND") {
                " "
            } else {
                " WHERE "
            };
            let mut sql = Sql::new(&format!("{select}{glue}tenant_id = "));
            sql.bind(scope.tenant_id);
            for r in sql.fetch_all(self).await? {
                terms.push((r.try_get::<String, _>("w")?, kind));
            }
        }
        Ok(terms)
    }
}
