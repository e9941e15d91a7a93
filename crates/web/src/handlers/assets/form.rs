//! The asset form: GET /assets/new, POST /assets, GET /assets/{id}/edit, POST /assets/{id}.
//! A refused input comes back with every message beside its field and nothing written.

use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::handlers::ledger_form::form_fields;
use crate::state::AppState;
use crate::view::{FormPage, Layout, Revision, ledger_history};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_store::ledgers::ASSETS;
use daicho_store::{AssetInput, FieldError, StoreError};
use serde::Deserialize;
use std::collections::HashMap;

async fn render(
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    input: &AssetInput,
    errors: Vec<FieldError>,
    revision: Revision,
) -> Result<Html<String>, AppError> {
    let fields = form_fields(
        state,
        user,
        &ASSETS,
        |name| input.get(name).to_string(),
        &errors,
        false,
    )
    .await?;
    let page = FormPage {
        layout: Layout::new(user, target.title.clone(), "assets"),
        action: target.action.clone(),
        cancel: target.action.clone(),
        errors: errors
            .iter()
            .map(|e| (e.field, e.message.clone()))
            .collect(),
        fields,
        revision,
    };
    Ok(Html(page.render()?))
}

/// The posted form: the asset's fields and the CSRF token.
#[derive(Deserialize)]
pub struct AssetForm {
    #[serde(default)]
    csrf_token: String,
    /// What the edit form was read at (see [`Revision`]).
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: AssetInput,
}

/// Where the form posts, and what it is called.
struct Target {
    title: String,
    /// The form's action; also where "cancel" and a successful save lead back to.
    action: String,
}

impl Target {
    fn create() -> Self {
        Target {
            title: "資産の登録".into(),
            action: "/assets".into(),
        }
    }

    fn edit(id: i64, tag: &str) -> Self {
        Target {
            title: format!("{tag} の編集"),
            action: format!("/assets/{id}"),
        }
    }
}

/// A saved asset goes to its page; refused input comes back with the messages beside
/// the fields (422) and nothing written.
async fn saved_or_form(
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    input: &AssetInput,
    revision: Revision,
    result: Result<daicho_store::Asset, StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(asset) => Ok(Redirect::to(&format!("/assets/{}", asset.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let html = render(state, user, target, input, errors, revision).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(StoreError::Stale { version, since }) => {
            let revision = Revision {
                version: version.to_string(),
                since: ledger_history(&ASSETS, &since),
            };
            let html = render(state, user, target, input, Vec::new(), revision).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /assets/new
pub async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(prefill): Query<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    user.require_write()?;
    // A thing found in a stocktake, registered from its result, arrives with what the
    // finder wrote (only these fields; the person checks and completes the form).
    let mut input = AssetInput::defaults();
    for field in PREFILLED {
        if let Some(value) = prefill.get(field).filter(|v| !v.trim().is_empty()) {
            input = input.with(field, value.trim());
        }
    }
    render(
        &state,
        &user,
        &Target::create(),
        &input,
        Vec::new(),
        Revision::default(),
    )
    .await
}

/// The fields GET /assets/new takes from its query.
const PREFILLED: [&str; 5] = ["asset_tag", "name", "department", "ownership", "note"];

/// POST /assets
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<AssetForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let result = state
        .db
        .create_asset(&user.scope, &user.actor(), &form.input)
        .await;
    saved_or_form(
        &state,
        &user,
        &Target::create(),
        &form.input,
        Revision::default(),
        result,
    )
    .await
}

/// GET /assets/{id}/edit
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let asset = state.db.asset(&user.scope, id).await?;
    user.require_write()?;
    let input = AssetInput::from_asset(&asset);
    let version = state.db.row_version(&user.scope, ASSETS.name, id).await?;
    render(
        &state,
        &user,
        &Target::edit(id, &asset.fields.asset_tag),
        &input,
        Vec::new(),
        Revision::at(version),
    )
    .await
}

/// POST /assets/{id}
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<AssetForm>,
) -> Result<Response, AppError> {
    verify(&form.csrf_token, &user.csrf)?;
    user.require_write()?;
    let result = state
        .db
        .update_asset(
            &user.scope,
            &user.actor(),
            id,
            &form.input,
            Revision::posted(&form.version),
        )
        .await;
    saved_or_form(
        &state,
        &user,
        &Target::edit(id, form.input.get("asset_tag")),
        &form.input,
        Revision {
            version: form.version.clone(),
            since: Vec::new(),
        },
        result,
    )
    .await
}
