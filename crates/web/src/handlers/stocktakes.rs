//! The stocktake on screen (棚卸). GET /stocktakes lists them with the planning form; POST
//! /stocktakes plans one (its expected list is the ledger's assets there, as of now).
//! GET /stocktakes/{id} shows the reconciliation — expected and found, missing, moved,
//! tags the ledger does not know, things without a tag, tags scanned twice — with a form
//! to record what was found (a tag typed, or a thing without one). POST
//! /stocktakes/{id}/scans records one; POST /stocktakes/{id}/complete completes it into
//! the sightings the rules read. Works without JavaScript; the camera page comes on top.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Form, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::AssetKind;
use daicho_domain::stocktake::{ScanLine, progress_by_room};
use daicho_store::{MAX_PHOTO_BYTES, NewStocktake, Scan, StocktakeLine, StocktakeWork};

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::assets::list::department_choices;
use crate::multipart;
use crate::state::AppState;
use crate::view::{Choice, Layout, date_full, optional_day, url_encode};

#[derive(Template)]
#[template(path = "stocktakes.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<StocktakeLine>,
    departments: Vec<Choice>,
    can_plan: bool,
}

impl ListPage {
    fn day(&self, d: &Option<chrono::NaiveDate>) -> String {
        date_full(*d)
    }

    fn href(&self, id: &str) -> String {
        format!("/stocktakes/{}", url_encode(id))
    }
}

/// GET /stocktakes
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        ListPage {
            layout: Layout::new(&user, "棚卸", "stocktakes"),
            lines: state.db.stocktake_lines(&user.scope).await?,
            departments: department_choices(&state, &user, "", true).await?,
            can_plan: user.scope.can_write,
        }
        .render()?,
    ))
}

/// POST /stocktakes: `stocktake_id`, `department`, `location`, `assignee`, `due_on`.
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let some = |name: &str| Some(field(name).to_string()).filter(|v| !v.is_empty());
    let new = NewStocktake {
        stocktake_id: field("stocktake_id").to_string(),
        department: field("department").to_string(),
        location: some("location"),
        assignee: some("assignee"),
        due_on: optional_day(field("due_on"), "期限")?,
    };
    state
        .db
        .plan_stocktake(&user.scope, &user.actor(), &new)
        .await?;
    Ok(Redirect::to(&format!(
        "/stocktakes/{}",
        url_encode(&new.stocktake_id)
    )))
}

#[derive(Template)]
#[template(path = "stocktake.html")]
struct WorkPage {
    layout: Layout,
    work: StocktakeWork,
    href: String,
    /// Names of the expected assets, by tag.
    names: HashMap<String, String>,
    /// A fresh id for the form's scan: a form sent twice is recorded once.
    scan_id: String,
    can_write: bool,
    /// Whether the user may register assets (write access), even after completion.
    can_register: bool,
    today: String,
    locations: Vec<Choice>,
    kinds: Vec<Choice>,
}

impl WorkPage {
    /// The asset form filled with a tag the ledger does not know, found here.
    fn register_tag(&self, tag: &str) -> String {
        self.register(&[("asset_tag", tag)])
    }

    /// The asset form filled with a thing found without a tag.
    fn register_thing(&self, scan: &ScanLine) -> String {
        let mut fields = vec![("name", scan.description.as_deref().unwrap_or_default())];
        if let Some(o) = scan.ownership.as_deref() {
            fields.push(("ownership", o));
        }
        self.register(&fields)
    }

    fn register(&self, fields: &[(&str, &str)]) -> String {
        let note = format!("棚卸 {} で発見", self.work.stocktake_id);
        let mut query = format!(
            "/assets/new?department={}&note={}",
            url_encode(&self.work.department),
            url_encode(&note)
        );
        for (k, v) in fields {
            query.push_str(&format!("&{k}={}", url_encode(v)));
        }
        query
    }

    fn name_of(&self, tag: &str) -> String {
        self.names.get(tag).cloned().unwrap_or_default()
    }

    /// A room's name for its code (the code itself when the list does not have it).
    fn room(&self, code: &str) -> String {
        self.locations
            .iter()
            .find(|l| l.value == code)
            .map_or_else(|| code.to_string(), |l| l.label.clone())
    }

    /// The kind's name for its code.
    fn kind_label(&self, code: &str) -> String {
        AssetKind::parse(code).map_or_else(|_| code.to_string(), |k| k.label_ja().to_string())
    }

    /// Where a tag found elsewhere was found, when the finder said so.
    fn found_at(&self, tag: &str) -> Option<String> {
        self.work
            .scans
            .iter()
            .rev()
            .find(|s| s.tag.as_deref() == Some(tag))
            .and_then(|s| s.found_at.as_deref())
            .map(|c| self.room(c))
    }

    /// Progress per room, each room by its name.
    fn rooms(&self) -> Vec<(String, usize, usize)> {
        progress_by_room(&self.work.expected, &self.work.reconciliation)
            .into_iter()
            .map(|p| {
                let name = p
                    .location
                    .as_deref()
                    .map_or_else(|| "場所の記録なし".to_string(), |c| self.room(c));
                (name, p.expected, p.found)
            })
            .collect()
    }

    fn photo_href(&self, scan: &ScanLine) -> String {
        format!("{}/photos/{}", self.href, url_encode(&scan.scan_id))
    }

    fn day(&self, d: &Option<chrono::NaiveDate>) -> String {
        date_full(*d)
    }
}

/// GET /stocktakes/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let work = state.db.stocktake_work(&user.scope, &id).await?;
    let (locations, kinds) = room_and_kind_choices(&state, &user).await?;
    Ok(Html(
        WorkPage {
            layout: Layout::new(&user, format!("棚卸 {id}"), "stocktakes"),
            href: format!("/stocktakes/{}", url_encode(&id)),
            names: work
                .expected
                .iter()
                .map(|e| (e.tag.clone(), e.name.clone()))
                .collect(),
            scan_id: form_scan_id()?,
            can_write: user.scope.can_write && !work.complete,
            can_register: user.scope.can_write,
            today: daicho_store::today().to_string(),
            locations,
            kinds,
            work,
        }
        .render()?,
    ))
}

fn yes_no(form: &HashMap<String, String>, name: &str) -> Option<bool> {
    match form.get(name).map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// A scan as sent: the fields, and the photo when the form carried one.
struct SentScan {
    fields: HashMap<String, String>,
    photo: Option<Vec<u8>>,
}

/// Reads a scan sent as a plain form (a tag typed, no photo) or as multipart (a photo
/// with it: the page's form, or the scanning page's queue). The CSRF token is checked
/// before anything else is read.
async fn receive_scan(
    request: Request,
    state: &AppState,
    user: &CurrentUser,
) -> Result<SentScan, AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(fields) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .map_err(|_| AppError::BadRequest("送信を読み取れません。".into()))?;
        verify_form(&fields, &user.csrf)?;
        return Ok(SentScan {
            fields,
            photo: None,
        });
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::BadRequest("送信を読み取れません。".into()))?;
    let posted = multipart::read(
        &mut form,
        &user.csrf,
        "photo",
        MAX_PHOTO_BYTES,
        "写真が大きすぎます（2 MB まで）。",
    )
    .await?;
    Ok(SentScan {
        // A field sent twice counts by its last value, as a plain form's does.
        fields: posted.fields.into_iter().collect(),
        photo: posted.file.map(|(_, bytes)| bytes),
    })
}

/// POST /stocktakes/{id}/scans: `scan_id`, `asset_tag` or `description` (+ `kind`,
/// `ownership`, `photo`), `tag_present`, `wire_lock`, `password_note`, `in_use` (yes / no /
/// blank), `found_at` (the room, when not where the ledger puts it), `note`. With
/// `reply=json` (the scanning page's queue) the answer is `{"recorded": true|false}` —
/// false for a scan already recorded — instead of the page.
pub async fn scan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let sent = receive_scan(request, &state, &user).await?;
    let form = &sent.fields;
    let text = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let scan = Scan {
        scan_id: text("scan_id").unwrap_or_default(),
        asset_tag: text("asset_tag").map(|t| daicho_domain::normalize_width(&t)),
        tag_present: yes_no(form, "tag_present"),
        wire_lock: yes_no(form, "wire_lock"),
        password_note: yes_no(form, "password_note"),
        in_use: yes_no(form, "in_use"),
        kind: text("kind"),
        description: text("description"),
        ownership: text("ownership").filter(|o| matches!(o.as_str(), "private" | "donated")),
        note: text("note"),
        found_at: text("found_at"),
        photo: sent.photo,
    };
    let recorded = state
        .db
        .record_scan(&user.scope, &user.actor(), &id, &scan)
        .await?;
    if form.get("reply").map(String::as_str) == Some("json") {
        return Ok(Json(serde_json::json!({ "recorded": recorded })).into_response());
    }
    Ok(Redirect::to(&format!("/stocktakes/{}#record", url_encode(&id))).into_response())
}

/// GET /stocktakes/{id}/photos/{scan_id}: the photo taken with a scan, for whoever sees
/// the stocktake.
pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, scan_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (kind, bytes) = state.db.scan_photo(&user.scope, &id, &scan_id).await?;
    let kind = HeaderValue::from_str(&kind).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, kind)], bytes).into_response())
}

/// POST /stocktakes/{id}/complete: `done_on`.
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    let done_on = optional_day(
        form.get("done_on").map(String::as_str).unwrap_or_default(),
        "実施日",
    )?
    .unwrap_or_else(daicho_store::today);
    state
        .db
        .complete_stocktake(&user.scope, &user.actor(), &id, done_on)
        .await?;
    Ok(Redirect::to(&format!("/stocktakes/{}", url_encode(&id))))
}

#[derive(Template)]
#[template(path = "stocktake_scan.html")]
struct ScanPage {
    layout: Layout,
    work: StocktakeWork,
    href: String,
    scan_id: String,
    untagged_id: String,
    locations: Vec<Choice>,
    kinds: Vec<Choice>,
}

/// The rooms a finder can name, and the kinds a thing without a tag can be.
async fn room_and_kind_choices(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<Choice>, Vec<Choice>), AppError> {
    let locations = state
        .db
        .location_choices(&user.scope)
        .await?
        .into_iter()
        .map(|(value, label)| Choice {
            value,
            label,
            selected: false,
        })
        .collect();
    let kinds = Choice::of(AssetKind::ALL, "", AssetKind::code, AssetKind::label_ja);
    Ok((locations, kinds))
}

fn form_scan_id() -> Result<String, AppError> {
    Ok(format!("form-{}", &daicho_store::random_token()?[..24]))
}

/// What the scanning page may load and do: its own scripts, the camera, requests to
/// daicho — nothing from elsewhere.
const SCAN_PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// GET /stocktakes/{id}/scan: the camera page (JavaScript; its form works without it).
pub async fn scan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let work = state.db.stocktake_work(&user.scope, &id).await?;
    if !user.scope.can_write || work.complete {
        return Err(AppError::Forbidden(
            "この棚卸には記録できません（完了したか、変更の権限がありません）。".into(),
        ));
    }
    let (locations, kinds) = room_and_kind_choices(&state, &user).await?;
    let page = ScanPage {
        layout: Layout::new(&user, format!("読み取り：棚卸 {id}"), "stocktakes"),
        href: format!("/stocktakes/{}", url_encode(&id)),
        scan_id: form_scan_id()?,
        untagged_id: form_scan_id()?,
        locations,
        kinds,
        work,
    }
    .render()?;
    let mut response = Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SCAN_PAGE_POLICY),
    );
    Ok(response)
}
