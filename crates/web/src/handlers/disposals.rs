//! Disposal with evidence on screen (廃棄, 対策基準 第4 1 (7)). GET /disposals lists the
//! machines retired or disposed of — where each is kept and whether that place locks, its
//! erasure and its disposal — with one form for a batch: tick the machines, then record
//! their data erasure (day, method, who, certificate number and file) or their disposal
//! (day, contractor). GET /disposals.xlsx is the certificate list; GET
//! /disposals/certificates/{id} a kept certificate.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::ErasureMethod;
use daicho_reports::disposals::{HEADINGS, line_cells, workbook};
use daicho_store::{DisposalLine, Erasure, MAX_CERTIFICATE_BYTES};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::multipart::{self, Posted};
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

fn day(sent: &Posted, name: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    let text = sent.get(name);
    daicho_domain::parse_date(text)
        .map_err(|_| AppError::Invalid(format!("{what}「{text}」を日付として読めません。")))
}

/// POST /disposals: `asset` (repeated), `action` = erase | dispose, and the step's fields.
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Redirect, AppError> {
    let sent = multipart::read(
        &mut form,
        &user.csrf,
        "certificate",
        MAX_CERTIFICATE_BYTES,
        "証明書のファイルは 10 MB までです。",
    )
    .await?;
    user.require_write()?;
    let assets = sent
        .all("asset")
        .map(|id| id.parse::<i64>().map_err(|_| AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    let field = |name: &str| sent.get(name).to_string();
    match sent.get("action") {
        "erase" => {
            let method = ErasureMethod::parse(&field("method"))
                .map_err(|_| AppError::Invalid("消去の方法を選んでください。".into()))?;
            let erasure = Erasure {
                erased_on: day(&sent, "erased_on", "消去日")?,
                method,
                erased_by: field("erased_by"),
                certificate_no: Some(field("certificate_no")).filter(|n| !n.is_empty()),
                // A file the browser sent without a name is no certificate.
                certificate: sent.file.clone().filter(|(name, _)| !name.is_empty()),
            };
            state
                .db
                .record_erasure(&user.scope, &user.actor(), &assets, &erasure)
                .await?;
        }
        "dispose" => {
            state
                .db
                .record_disposal(
                    &user.scope,
                    &user.actor(),
                    &assets,
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
