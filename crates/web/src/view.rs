//! What every page shares: the layout (tenant, user, navigation, CSRF token for the logout
//! form), display helpers for Japanese dates and labels, and the error page.

use crate::auth::CurrentUser;
use crate::error::AppError;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use daicho_domain::{FiscalYear, format_wareki};

/// The frame around every logged-in page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub tenant_name: String,
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    /// Which navigation entry is current (`dashboard`, `departments`, `assets`).
    pub nav: &'static str,
    /// Whether the user may change the ledgers: who may not is not offered 取込.
    pub can_write: bool,
    /// Whether the user sees the whole tenant: who does not is not offered 監査.
    pub sees_all: bool,
    /// A staff account: its menu is its own page and the self-check.
    pub staff: bool,
    /// An administrator: offered the accounts page.
    pub admin: bool,
}

impl Layout {
    pub fn new(user: &CurrentUser, title: impl Into<String>, nav: &'static str) -> Self {
        Layout {
            title: title.into(),
            tenant_name: user.tenant_name.clone(),
            user_name: user.user.display_name.clone(),
            role_label: user.user.role.label_ja(),
            csrf: user.csrf.clone(),
            nav,
            can_write: user.scope.can_write,
            sees_all: user.scope.departments.is_none(),
            staff: user.user.role.is_staff(),
            admin: user.user.role == daicho_domain::Role::Admin,
        }
    }

    /// `aria-current` for a navigation link.
    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav { "page" } else { "false" }
    }
}

/// 「2023-10-06（令和5年10月6日）」, or empty.
pub fn date_full(d: Option<NaiveDate>) -> String {
    d.map(|d| format!("{d}（{}）", format_wareki(d)))
        .unwrap_or_default()
}

/// A stored value of `column` as users read it: a choice's label, 有/無; anything else
/// as it is.
pub fn shown(column: Option<&daicho_store::ledgers::Column>, value: String) -> String {
    use daicho_store::ledgers::Kind;
    match column.map(|c| c.kind) {
        Some(Kind::Choice(_)) => column
            .and_then(|c| c.choice_label(&value))
            .map_or(value, str::to_string),
        Some(Kind::Bool) => match daicho_domain::parse_bool(&value) {
            Some(true) => "有".into(),
            Some(false) => "無".into(),
            None => value,
        },
        Some(Kind::Yen) => match value.parse::<i64>() {
            Ok(yen) => format!("{}円", daicho_domain::format_yen(yen)),
            Err(_) => value,
        },
        _ => value,
    }
}

/// A day typed in a form that may be left empty (none); one that cannot be read is
/// refused naming the field as `what`.
pub fn optional_day(text: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        d => daicho_domain::parse_date(d)
            .map(Some)
            .map_err(|_| AppError::Invalid(format!("{what}「{d}」を日付として読めません。"))),
    }
}

/// The history lines of a row of `ledger`, with its columns' labels and shown values.
pub fn ledger_history(
    ledger: &daicho_store::ledgers::Ledger,
    entries: &[daicho_store::HistoryEntry],
) -> Vec<HistoryLine> {
    history_lines(
        entries,
        |k| ledger.column(k).map_or(k, |c| c.label).to_string(),
        |k, v| shown(ledger.column(k), v),
    )
}

/// 「令和5年度」 of a date, or empty.
pub fn fiscal_year(d: Option<NaiveDate>) -> String {
    d.map(|d| FiscalYear::of(d).label_ja()).unwrap_or_default()
}

/// An RFC 3339 UTC instant shown in Japan time: 「2023-10-06 14:05」.
pub fn instant(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            let jst = chrono::FixedOffset::east_opt(9 * 3600)
                .unwrap_or_else(|| unreachable!("+09:00 is a valid offset"));
            t.with_timezone(&jst).format("%Y-%m-%d %H:%M").to_string()
        })
        .unwrap_or_else(|_| text.to_string())
}

/// Percent-encodes one query value.
pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An XLSX download named in Japanese (RFC 5987) with an ASCII fallback.
pub fn xlsx_download(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
                    url_encode(name).replace('+', "%20")
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The page shown for errors.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

/// An error page inside the signed-in user's menu, so that a refusal does not strand them.
#[derive(Template)]
#[template(path = "error_signed_in.html")]
pub struct SignedInErrorPage {
    pub layout: Layout,
    pub message: String,
}

/// An option of a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// The options of a closed code set with one selected.
    pub fn of<T: Copy>(
        all: &[T],
        selected: &str,
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<Choice> {
        all.iter()
            .map(|v| Choice {
                value: code(*v).to_string(),
                label: label(*v).to_string(),
                selected: code(*v) == selected,
            })
            .collect()
    }
}

/// One field of an add/edit form (assets and every other ledger share `form.html`).
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub required: bool,
    /// Shown but not posted: the key of an existing row.
    pub locked: bool,
    pub hint: &'static str,
    /// Empty: a text input; otherwise a `<select>`.
    pub choices: Vec<Choice>,
    pub error: String,
}

impl FormField {
    /// The messages about field `name`, joined for display beside it.
    pub fn error_of(errors: &[daicho_store::FieldError], name: &str) -> String {
        errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An add/edit form with the messages of a refused post listed on top.
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub action: String,
    pub cancel: String,
    /// (field, message) for the summary, each linked to its field.
    pub errors: Vec<(&'static str, String)>,
    pub fields: Vec<FormField>,
    pub revision: Revision,
}

/// The version an edit form was read at, sent back with the save, and the changes others
/// made since when a save was refused for them (no lost updates).
#[derive(Default)]
pub struct Revision {
    /// Empty for a new row.
    pub version: String,
    pub since: Vec<HistoryLine>,
}

impl Revision {
    pub fn at(version: i64) -> Self {
        Revision {
            version: version.to_string(),
            since: Vec::new(),
        }
    }

    /// The version a form posted: None for a new row or a form of an older page.
    pub fn posted(text: &str) -> Option<i64> {
        text.trim().parse().ok()
    }
}

/// One line of a change history as screens show it.
pub struct HistoryLine {
    pub at: String,
    pub action: &'static str,
    pub by: String,
    /// (field label, before, after) of an update.
    pub changes: Vec<(String, String, String)>,
}

/// History entries as lines: `label` names a field, `value` shows a value of it.
pub fn history_lines(
    entries: &[daicho_store::HistoryEntry],
    label: impl Fn(&str) -> String,
    value: impl Fn(&str, String) -> String,
) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|h| HistoryLine {
            at: instant(&h.changed_at),
            action: match h.action.as_str() {
                "create" => "登録",
                "update" => "変更",
                "delete" => "削除",
                _ => "一括登録",
            },
            by: h.changed_by.clone(),
            changes: if h.action == "update" {
                h.changes()
                    .into_iter()
                    .map(|(k, b, a)| (label(&k), value(&k, b), value(&k, a)))
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}
