//! A form sent with a file (multipart: an erasure certificate, a stocktake photo). Its CSRF
//! token must come first and nothing is read before it; the file is read in chunks and
//! refused as soon as it passes its limit, never held whole first.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

use crate::csrf::verify;
use crate::error::AppError;

/// What a multipart form sent.
#[derive(Default)]
pub struct Posted {
    /// Every field but the file, trimmed, in the order sent (a name may repeat).
    pub fields: Vec<(String, String)>,
    /// The file as the browser named it (without folders) and its bytes; none when no
    /// file was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl Posted {
    /// The value of `name` (the last, when sent twice, as a plain form's map keeps it),
    /// empty when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order sent.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `form`: the token (checked against `csrf`) first, then the fields, and the file
/// field `file_field` up to `max` bytes — past it the form is refused with `too_large`.
pub async fn read(
    form: &mut Multipart,
    csrf: &str,
    file_field: &str,
    max: usize,
    too_large: &str,
) -> Result<Posted, AppError> {
    let refuse = || AppError::Invalid(too_large.to_string());
    let broken = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            refuse()
        } else {
            AppError::BadRequest("送信を読み取れません。もう一度送信してください。".into())
        }
    };
    let mut posted = Posted::default();
    let mut checked = false;
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "csrf_token" {
            verify(&field.text().await.unwrap_or_default(), csrf)?;
            checked = true;
            continue;
        }
        if !checked {
            return Err(AppError::Csrf);
        }
        if name == file_field {
            let file_name = field
                .file_name()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").to_string())
                .unwrap_or_default();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                if bytes.len() + chunk.len() > max {
                    return Err(refuse());
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                posted.file = Some((file_name, bytes));
            }
        } else {
            let value = field.text().await.map_err(broken)?;
            posted.fields.push((name, value.trim().to_string()));
        }
    }
    if checked {
        Ok(posted)
    } else {
        Err(AppError::Csrf)
    }
}
