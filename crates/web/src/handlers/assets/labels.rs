//! GET /assets/labels.pdf?department=ID&layout=a4-12: the asset labels (備品整理票, the tag
//! as text and as the QR code the stocktake scans) of a department and those below it — or
//! every department the user sees — as a PDF for an A4 label sheet.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use daicho_reports::labels::{label_layout, load_labels};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::url_encode;

#[derive(Deserialize, Default)]
pub struct LabelQuery {
    #[serde(default)]
    department: String,
    #[serde(default)]
    layout: String,
}

/// GET /assets/labels.pdf
pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<LabelQuery>,
) -> Result<Response, AppError> {
    let layout = label_layout(if query.layout.is_empty() {
        "a4-12"
    } else {
        &query.layout
    })
    .ok_or_else(|| AppError::Invalid("ラベル用紙を選んでください。".into()))?;
    let department = match query.department.trim() {
        "" => None,
        id => {
            let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
            let departments = state.db.departments(&user.scope).await?;
            Some(
                departments
                    .into_iter()
                    .find(|d| d.id == id)
                    .ok_or(AppError::NotFound)?
                    .code,
            )
        }
    };
    let labels = load_labels(&state.db, &user.scope, department.as_deref()).await?;
    let tenant = user.tenant_name.clone();
    // Typesetting is CPU work: on a blocking thread, so the server goes on answering.
    let pdf = tokio::task::spawn_blocking(move || daicho_pdf::labels(&layout, &tenant, &labels))
        .await
        .map_err(|e| AppError::Internal(format!("label task: {e}")))??;
    let name = format!("備品整理票_{}.pdf", layout.code);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"asset-labels.pdf\"; filename*=UTF-8''{}",
                    url_encode(&name).replace('+', "%20")
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}
