//! Disposal with evidence on screen (廃棄, 対策基準 第4 1 (7)). GET /disposals lists the
//! machines retired or disposed of — where each is kept and whether that place locks, its
//! erasure and its disposal — with one form for a batch: tick the machines, then record
//! their data erasure (day, method, who, certificate number and file) or their disposal
//! (day, contractor). GET /disposals.xlsx is the certificate list; GET
//! /disposals/certificates/{id} a kept certificate.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::ErasureMethod;
use daicho_reports::disposals::{HEADINGS, line_cells, workbook};
use daicho_store::{DisposalLine, Erasure, MAX_CERTIFICATE_BYTES};

use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode, xlsx_download};

#[derive(Template)]
#[template(path = "disposals.html")]
struct Page {
    layout: Layout,
    headings: [&'static str; 12],
    rows: Vec<(DisposalLine, [String; 12])>,
    methods: &'static [(&'static str, &'static str)],
    can_write: bool,
    today: String,
}

/// GET /disposals
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let rows = state
        .db
        .disposal_lines(&user.scope)
        .await?
        .into_iter()
        .map(|l| {
            let cells = line_cells(&l);
            (l, cells)
        })
        .collect();
    Ok(Html(
        Page {
            layout: Layout::new(&user, "廃棄とデータ消去", "assets"),
            headings: HEADINGS,
            rows,
            methods: ErasureMethod::CHOICES,
            can_write: user.scope.can_write,
            today: daicho_store::today().to_string(),
        }
        .render()?,
    ))
}

/// The form as sent.
#[derive(Default)]
struct Sent {
    checked: bool,
    action: String,
    assets: Vec<i64>,
    fields: std::collections::HashMap<String, String>,
    certificate: Option<(String, Vec<u8>)>,
}

async fn receive(form: &mut Multipart, user: &CurrentUser) -> Result<Sent, AppError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BadRequest("証明書のファイルは 10 MB までです。".into())
        } else {
            AppError::BadRequest("送信を読み取れません。もう一度送信してください。".into())
        }
    };
    let mut sent = Sent::default();
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        // The token comes first in the form: nothing is read unchecked.
        if name != "csrf_token" && !sent.checked {
            return Err(AppError::Csrf);
        }
        match name.as_str() {
            "csrf_token" => {
                verify(&field.text().await.unwrap_or_default(), &user.csrf)?;
                sent.checked = true;
            }
            "asset" => {
                let id = field.text().await.map_err(broken)?;
                sent.assets
                    .push(id.trim().parse().map_err(|_| AppError::NotFound)?);
            }
            "action" => sent.action = field.text().await.map_err(broken)?,
            "certificate" => {
                let file_name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").to_string())
                    .unwrap_or_default();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if bytes.len() + chunk.len() > MAX_CERTIFICATE_BYTES {
                        return Err(AppError::Invalid(
                            "証明書のファイルは 10 MB までです。".into(),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !file_name.is_empty() && !bytes.is_empty() {
                    sent.certificate = Some((file_name, bytes));
                }
            }
            _ => {
                let value = field.text().await.map_err(broken)?;
                sent.fields.insert(name, value.trim().to_string());
            }
        }
    }
    if sent.checked {
        Ok(sent)
    } else {
        Err(AppError::Csrf)
    }
}

fn day(sent: &Sent, name: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    let text = sent
        .fields
        .get(name)
        .map(String::as_str)
        .unwrap_or_default();
    daicho_domain::parse_date(text)
        .map_err(|_| AppError::Invalid(format!("{what}「{text}」を日付として読めません。")))
}

/// POST /disposals: `asset` (repeated), `action` = erase | dispose, and the step's fields.
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Redirect, AppError> {
    let sent = receive(&mut form, &user).await?;
    user.require_write()?;
    let field = |name: &str| sent.fields.get(name).cloned().unwrap_or_default();
    match sent.action.as_str() {
        "erase" => {
            let method = ErasureMethod::parse(&field("method"))
                .map_err(|_| AppError::Invalid("消去の方法を選んでください。".into()))?;
            let erasure = Erasure {
                erased_on: day(&sent, "erased_on", "消去日")?,
                method,
                erased_by: field("erased_by"),
                certificate_no: Some(field("certificate_no")).filter(|n| !n.is_empty()),
                certificate: sent.certificate.clone(),
            };
            state
                .db
                .record_erasure(&user.scope, &user.actor(), &sent.assets, &erasure)
                .await?;
        }
        "dispose" => {
            state
                .db
                .record_disposal(
                    &user.scope,
                    &user.actor(),
                    &sent.assets,
                    day(&sent, "disposed_on", "廃棄日")?,
                    &field("contractor"),
                )
                .await?;
        }
        _ => return Err(AppError::BadRequest("操作を選んでください。".into())),
    }
    Ok(Redirect::to("/disposals"))
}

/// GET /disposals.xlsx
pub async fn xlsx(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let lines = state.db.disposal_lines(&user.scope).await?;
    let mut wb = workbook(&lines)?;
    let bytes = wb
        .save_to_buffer()
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))?;
    Ok(xlsx_download(
        bytes,
        "disposals.xlsx",
        "廃棄・データ消去の証明一覧.xlsx",
    ))
}

/// GET /disposals/certificates/{id}: the file as it was given, never shown inline.
pub async fn certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (name, bytes) = state.db.erasure_certificate(&user.scope, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"certificate\"; filename*=UTF-8''{}",
                    url_encode(&name).replace('+', "%20")
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
