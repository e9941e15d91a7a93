//! Publishing (公表, 総7), for 情報政策課 and the administrator. Every publication is
//! previewed first: the page shows it exactly as the public will read it, and lists each
//! word the redaction hid and why. Publishing sends a digest of what was previewed; when
//! the data changed in between, nothing is published and the new preview is shown.
//!
//! GET /audits/{id}/publish?kind=audit|measures, POST the same: an audit's summary or its
//! measures-taken report. GET /publications: what is published, with every version.
//! GET/POST /publications/policy: the policy's public part (基本方針, 対策基準), whose
//! ledger row is marked published in the same transaction.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::publication::PublicationKind;
use daicho_reports::publication::{
    Hidden, PublicAudit, PublicBody, PublicPolicy, load_public_audit, load_redactor,
};
use daicho_store::ledgers::ledger;
use daicho_store::{NewPublication, Publication};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode};

/// The policy documents whose text is public (実施手順 never is).
const PUBLIC_POLICY_KINDS: [&str; 2] = ["basic_policy", "standards"];

/// Who publishes: write access to the whole tenant. Auditors read what was published.
fn may_publish(user: &CurrentUser) -> Result<(), AppError> {
    if user.scope.can_write && user.scope.departments.is_none() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "公表できるのは情報政策課と管理者です。".into(),
        ))
    }
}

fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The public address of a publication.
pub fn public_path(tenant: &str, kind: PublicationKind, subject: &str) -> String {
    format!(
        "/public/{}/{}/{}",
        url_encode(tenant),
        kind.code(),
        url_encode(subject)
    )
}

/// A hidden word as the preview lists it.
pub struct HiddenLine {
    pub word: String,
    pub why: &'static str,
    pub count: usize,
}

fn hidden_lines(hidden: Vec<Hidden>) -> Vec<HiddenLine> {
    hidden
        .into_iter()
        .map(|h| HiddenLine {
            word: h.word,
            why: h.kind.label_ja(),
            count: h.count,
        })
        .collect()
}

/// A version as the history lists it.
pub struct VersionLine {
    pub version: i64,
    pub published_by: String,
    pub published_at: String,
    pub href: String,
}

fn version_lines(tenant: &str, versions: Vec<Publication>) -> Vec<VersionLine> {
    versions
        .into_iter()
        .map(|p| VersionLine {
            href: format!(
                "{}?version={}",
                public_path(tenant, p.kind, &p.subject),
                p.version
            ),
            version: p.version,
            published_by: p.published_by,
            published_at: crate::view::instant(&p.published_at),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "publish_preview.html")]
struct PreviewPage {
    layout: Layout,
    action: String,
    kind: &'static str,
    kind_label: &'static str,
    hidden: Vec<HiddenLine>,
    digest: String,
    /// Said when the data changed between preview and publishing.
    changed: bool,
    history: Vec<VersionLine>,
    public_href: String,
    /// For the policy form: the document and the text typed.
    document: String,
    text: String,
    documents: Vec<(String, String)>,
    audit: Option<PublicAudit>,
    policy: Option<PublicPolicy>,
    with_text: bool,
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

fn audit_kind(kind: &str) -> Result<PublicationKind, AppError> {
    match PublicationKind::parse(kind) {
        Ok(k @ (PublicationKind::Audit | PublicationKind::Measures)) => Ok(k),
        _ => Err(AppError::NotFound),
    }
}

/// The audit publication as it would go out now, its JSON and what was hidden.
async fn build_audit(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    kind: PublicationKind,
) -> Result<(PublicAudit, String, Vec<Hidden>), AppError> {
    let with_text = kind == PublicationKind::Audit;
    let (audit, hidden) = load_public_audit(&state.db, &user.scope, audit_id, with_text).await?;
    let body = if with_text {
        PublicBody::Audit(audit.clone())
    } else {
        PublicBody::Measures(audit.clone())
    };
    Ok((audit, body.to_json_text(), hidden))
}

async fn audit_preview(
    state: &AppState,
    user: &CurrentUser,
    audit_id: &str,
    kind: PublicationKind,
    changed: bool,
) -> Result<Html<String>, AppError> {
    let (audit, json, hidden) = build_audit(state, user, audit_id, kind).await?;
    let history = state
        .db
        .publication_history(user.scope.tenant_id, kind, audit_id)
        .await?;
    let tenant = user.tenant_code.to_string();
    Ok(Html(
        PreviewPage {
            layout: Layout::new(user, format!("公表の確認：{}", kind.label_ja()), "audits"),
            action: format!("/audits/{}/publish", url_encode(audit_id)),
            kind: kind.code(),
            kind_label: kind.label_ja(),
            hidden: hidden_lines(hidden),
            digest: digest(&json),
            changed,
            history: version_lines(&tenant, history),
            public_href: public_path(&tenant, kind, audit_id),
            document: String::new(),
            text: String::new(),
            documents: Vec::new(),
            with_text: kind == PublicationKind::Audit,
            audit: Some(audit),
            policy: None,
        }
        .render()?,
    ))
}

/// GET /audits/{id}/publish?kind=audit|measures
pub async fn preview_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
    Query(query): Query<KindQuery>,
) -> Result<Html<String>, AppError> {
    may_publish(&user)?;
    let kind = audit_kind(&query.kind)?;
    audit_preview(&state, &user, &audit_id, kind, false).await
}

/// POST /audits/{id}/publish: `kind`, `digest`.
pub async fn publish_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(audit_id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    may_publish(&user)?;
    let kind = audit_kind(form.get("kind").map(String::as_str).unwrap_or_default())?;
    let (audit, json, _) = build_audit(&state, &user, &audit_id, kind).await?;
    if form.get("digest").map(String::as_str) != Some(digest(&json).as_str()) {
        return Ok(audit_preview(&state, &user, &audit_id, kind, true)
            .await?
            .into_response());
    }
    state
        .db
        .add_publication(
            &user.scope,
            &user.actor(),
            NewPublication {
                kind,
                subject: &audit_id,
                title: &audit.heading,
                body: &json,
                ledger_row: None,
            },
        )
        .await?;
    let tenant = user.tenant_code.to_string();
    Ok(Redirect::to(&public_path(&tenant, kind, &audit_id)).into_response())
}

/// The policy documents that may be published: (kind, name) of the ledger's rows.
async fn policy_documents(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let policies = ledger("policies").ok_or(AppError::NotFound)?;
    // policies: name, kind, department, publish_required, published, url
    Ok(state
        .db
        .ledger_rows(&user.scope, policies)
        .await?
        .into_iter()
        .filter(|r| PUBLIC_POLICY_KINDS.contains(&r[1].as_str()))
        .map(|r| (r[1].clone(), r[0].clone()))
        .collect())
}

#[derive(Deserialize, Default)]
pub struct PolicyQuery {
    #[serde(default)]
    document: String,
}

async fn policy_page(
    state: &AppState,
    user: &CurrentUser,
    document: &str,
    text: &str,
    changed: bool,
) -> Result<Html<String>, AppError> {
    let documents = policy_documents(state, user).await?;
    let tenant = user.tenant_code.to_string();
    let (policy, json, hidden) = match build_policy(state, user, &documents, document, text).await?
    {
        Some((p, json, hidden)) => (Some(p), json, hidden),
        None => (None, String::new(), Vec::new()),
    };
    let history = if document.is_empty() {
        Vec::new()
    } else {
        state
            .db
            .publication_history(user.scope.tenant_id, PublicationKind::Policy, document)
            .await?
    };
    // A document chosen but not typed yet: its latest published text to start from.
    let text = if text.trim().is_empty() {
        match history
            .first()
            .and_then(|p| PublicBody::from_json_text(&p.body))
        {
            Some(PublicBody::Policy(p)) => p.text,
            _ => String::new(),
        }
    } else {
        text.to_string()
    };
    Ok(Html(
        PreviewPage {
            layout: Layout::new(user, "公表：情報セキュリティポリシー", "audits"),
            action: "/publications/policy".into(),
            kind: PublicationKind::Policy.code(),
            kind_label: PublicationKind::Policy.label_ja(),
            hidden: hidden_lines(hidden),
            digest: digest(&json),
            changed,
            public_href: public_path(&tenant, PublicationKind::Policy, document),
            history: version_lines(&tenant, history),
            document: document.to_string(),
            text,
            documents,
            audit: None,
            with_text: true,
            policy,
        }
        .render()?,
    ))
}

/// The policy's public text as it would go out, its JSON and what was hidden; `None`
/// until a document is chosen and its text typed.
async fn build_policy(
    state: &AppState,
    user: &CurrentUser,
    documents: &[(String, String)],
    document: &str,
    text: &str,
) -> Result<Option<(PublicPolicy, String, Vec<Hidden>)>, AppError> {
    let Some((kind, name)) = documents.iter().find(|(k, _)| k == document) else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let redactor = load_redactor(&state.db, &user.scope, Vec::new()).await?;
    let mut hidden = Vec::new();
    let label = ledger("policies")
        .and_then(|l| l.column("kind"))
        .and_then(|c| c.choice_label(kind))
        .unwrap_or_default();
    let policy = PublicPolicy {
        tenant: user.tenant_name.clone(),
        name: name.clone(),
        kind: label.to_string(),
        text: redactor.redact(text.trim(), &mut hidden),
    };
    let json = PublicBody::Policy(policy.clone()).to_json_text();
    Ok(Some((policy, json, hidden)))
}

/// GET /publications/policy?document=basic_policy
pub async fn policy_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PolicyQuery>,
) -> Result<Html<String>, AppError> {
    may_publish(&user)?;
    policy_page(&state, &user, &query.document, "", false).await
}

/// POST /publications/policy: `document`, `text`, `action` (preview or publish), `digest`.
pub async fn policy_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    may_publish(&user)?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let (document, text) = (field("document"), field("text"));
    if field("action") != "publish" {
        return Ok(policy_page(&state, &user, document, text, false)
            .await?
            .into_response());
    }
    let documents = policy_documents(&state, &user).await?;
    let Some((policy, json, _)) = build_policy(&state, &user, &documents, document, text).await?
    else {
        return Err(AppError::Invalid(
            "公表する文書を選び、本文を入力してください。".into(),
        ));
    };
    if field("digest") != digest(&json) {
        return Ok(policy_page(&state, &user, document, text, true)
            .await?
            .into_response());
    }
    let tenant = user.tenant_code.to_string();
    let path = public_path(&tenant, PublicationKind::Policy, document);
    let policies = ledger("policies").ok_or(AppError::NotFound)?;
    state
        .db
        .add_publication(
            &user.scope,
            &user.actor(),
            NewPublication {
                kind: PublicationKind::Policy,
                subject: document,
                title: &policy.name,
                body: &json,
                ledger_row: Some((
                    policies,
                    vec![
                        ("name", policy.name.clone()),
                        ("kind", document.to_string()),
                        ("published", "有".into()),
                        ("url", path.clone()),
                    ],
                )),
            },
        )
        .await?;
    Ok(Redirect::to(&path).into_response())
}

/// A publication as the list shows it.
pub struct PublishedLine {
    pub kind: &'static str,
    pub title: String,
    pub version: i64,
    pub published_by: String,
    pub published_at: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "publications.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<PublishedLine>,
    index_href: String,
    may_publish: bool,
}

/// GET /publications
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    if user.scope.departments.is_some() {
        return Err(AppError::Forbidden(
            "公表の一覧を見られるのは、団体全体を見られる利用者です。".into(),
        ));
    }
    let tenant = user.tenant_code.to_string();
    let lines = state
        .db
        .latest_publications(user.scope.tenant_id)
        .await?
        .into_iter()
        .map(|p| PublishedLine {
            kind: p.kind.label_ja(),
            href: public_path(&tenant, p.kind, &p.subject),
            title: p.title,
            version: p.version,
            published_by: p.published_by,
            published_at: crate::view::instant(&p.published_at),
        })
        .collect();
    Ok(Html(
        ListPage {
            layout: Layout::new(&user, "公表", "audits"),
            lines,
            index_href: format!("/public/{}", url_encode(&tenant)),
            may_publish: may_publish(&user).is_ok(),
        }
        .render()?,
    ))
}
