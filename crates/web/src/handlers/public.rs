//! The public pages (公表, 総7): no login, per tenant. GET /public/{tenant} lists what the
//! tenant published; GET /public/{tenant}/{kind}/{subject}[?version=N] shows one
//! publication as it went out (the latest, or an earlier version), with its history.
//! They read only what was published — never a ledger — so nothing unpublished can show.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use daicho_domain::TenantCode;
use daicho_domain::publication::PublicationKind;
use daicho_reports::publication::{PublicAudit, PublicBody, PublicPolicy};
use daicho_store::Tenant;
use serde::Deserialize;

use super::publication::public_path;
use crate::error::AppError;
use crate::state::AppState;

/// The tenant of a public address; an unknown or malformed code is "not found".
async fn tenant_of(state: &AppState, code: &str) -> Result<Tenant, AppError> {
    let code = TenantCode::parse(code).map_err(|_| AppError::NotFound)?;
    state
        .db
        .tenant_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)
}

/// A publication as the index lists it.
pub struct IndexLine {
    pub kind: &'static str,
    pub title: String,
    pub version: i64,
    pub published_on: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct IndexPage {
    title: String,
    tenant_name: String,
    home: String,
    lines: Vec<IndexLine>,
}

/// The day of an instant, in Japan, as the public reads it: 令和5年10月6日.
fn published_on(instant: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(instant)
        .map(|t| daicho_domain::format_wareki(daicho_domain::japan_date(t.to_utc())))
        .unwrap_or_default()
}

/// GET /public/{tenant}
pub async fn index(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let tenant = tenant_of(&state, &code).await?;
    let lines = state
        .db
        .latest_publications(tenant.id)
        .await?
        .into_iter()
        .map(|p| IndexLine {
            kind: p.kind.label_ja(),
            href: public_path(tenant.code.as_str(), p.kind, &p.subject),
            title: p.title,
            version: p.version,
            published_on: published_on(&p.published_at),
        })
        .collect();
    Ok(Html(
        IndexPage {
            title: format!("{} 情報セキュリティに関する公表", tenant.name),
            home: format!("/public/{}", tenant.code.as_str()),
            tenant_name: tenant.name,
            lines,
        }
        .render()?,
    ))
}

#[derive(Deserialize, Default)]
pub struct VersionQuery {
    #[serde(default)]
    version: Option<i64>,
}

/// A version as the page's history lists it.
pub struct VersionLink {
    pub version: i64,
    pub published_on: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "public_page.html")]
struct PublicPage {
    title: String,
    tenant_name: String,
    home: String,
    kind_label: &'static str,
    version: i64,
    published_on: String,
    versions: Vec<VersionLink>,
    audit: Option<PublicAudit>,
    policy: Option<PublicPolicy>,
    with_text: bool,
}

/// GET /public/{tenant}/{kind}/{subject}
pub async fn page(
    State(state): State<AppState>,
    Path((code, kind, subject)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Result<Html<String>, AppError> {
    let tenant = tenant_of(&state, &code).await?;
    let kind = PublicationKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    let publication = state
        .db
        .publication(tenant.id, kind, &subject, query.version)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = PublicBody::from_json_text(&publication.body)
        .ok_or_else(|| AppError::Internal("a publication's body does not read back".into()))?;
    let path = public_path(tenant.code.as_str(), kind, &subject);
    let versions = state
        .db
        .publication_history(tenant.id, kind, &subject)
        .await?
        .into_iter()
        .map(|p| VersionLink {
            href: format!("{path}?version={}", p.version),
            current: p.version == publication.version,
            version: p.version,
            published_on: published_on(&p.published_at),
        })
        .collect();
    let (audit, policy, with_text) = match body {
        PublicBody::Audit(a) => (Some(a), None, true),
        PublicBody::Measures(a) => (Some(a), None, false),
        PublicBody::Policy(p) => (None, Some(p), true),
    };
    Ok(Html(
        PublicPage {
            title: publication.title,
            home: format!("/public/{}", tenant.code.as_str()),
            tenant_name: tenant.name,
            kind_label: kind.label_ja(),
            version: publication.version,
            published_on: published_on(&publication.published_at),
            versions,
            audit,
            policy,
            with_text,
        }
        .render()?,
    ))
}
