//! The asset form: GET /assets/new, POST /assets, GET /assets/{id}/edit, POST /assets/{id}.
//! A refused input comes back with every message beside its field and nothing written.

use super::list::department_choices;
use super::show::field_label;
use crate::auth::CurrentUser;
use crate::csrf::verify;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Choice, FormField, FormPage, Layout, Revision, history_lines};
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
use daicho_store::{AssetInput, FieldError, StoreError};
use serde::Deserialize;

fn yes_no(selected: &str) -> Vec<Choice> {
    [("true", "有"), ("false", "無")]
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).into(),
            label: (*l).into(),
            selected: daicho_domain::parse_bool(selected)
                .map(|b| b.to_string())
                .as_deref()
                == Some(*v),
        })
        .collect()
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    input: &AssetInput,
    errors: Vec<FieldError>,
    revision: Revision,
) -> Result<Html<String>, AppError> {
    let field = |name: &'static str,
                 value: &str,
                 required: bool,
                 hint: &'static str,
                 choices: Vec<Choice>| FormField {
        name,
        label: field_label(name),
        value: value.to_string(),
        required,
        hint,
        choices,
        locked: false,
        error: FormField::error_of(&errors, name),
    };
    let i = input;
    let fields = vec![
        field("asset_tag", &i.asset_tag, true, "例: 080500-0001", vec![]),
        field(
            "department",
            &i.department,
            true,
            "",
            department_choices(state, user, &i.department, true).await?,
        ),
        field("location", &i.location, false, "例: 本庁舎3階 OA室", vec![]),
        field(
            "kind",
            &i.kind,
            true,
            "",
            Choice::of(
                AssetKind::ALL,
                &i.kind,
                AssetKind::code,
                AssetKind::label_ja,
            ),
        ),
        field("name", &i.name, true, "例: 事務用PC", vec![]),
        field("maker", &i.maker, false, "", vec![]),
        field("model", &i.model, false, "", vec![]),
        field("serial", &i.serial, false, "", vec![]),
        field("quantity", &i.quantity, false, "1", vec![]),
        field("os", &i.os, false, "例: Windows 11 Pro", vec![]),
        field("software", &i.software, false, "", vec![]),
        field(
            "network_segment",
            &i.network_segment,
            false,
            "",
            Choice::of(
                NetworkSegment::ALL,
                &i.network_segment,
                NetworkSegment::code,
                NetworkSegment::label_ja,
            ),
        ),
        field("internet", &i.internet, false, "", yes_no(&i.internet)),
        field(
            "ownership",
            &i.ownership,
            true,
            "",
            Choice::of(
                Ownership::ALL,
                &i.ownership,
                Ownership::code,
                Ownership::label_ja,
            ),
        ),
        field(
            "procured_by",
            &i.procured_by,
            true,
            "",
            Choice::of(
                ProcuredBy::ALL,
                &i.procured_by,
                ProcuredBy::code,
                ProcuredBy::label_ja,
            ),
        ),
        field(
            "acquired_on",
            &i.acquired_on,
            false,
            "例: 2023-10-06 または 令和5年10月6日",
            vec![],
        ),
        field("cost_yen", &i.cost_yen, false, "例: 120,000", vec![]),
        field("contract_no", &i.contract_no, false, "", vec![]),
        field(
            "status",
            &i.status,
            true,
            "",
            Choice::of(
                AssetStatus::ALL,
                &i.status,
                AssetStatus::code,
                AssetStatus::label_ja,
            ),
        ),
        field("antivirus", &i.antivirus, false, "", vec![]),
        field(
            "antivirus_updated_on",
            &i.antivirus_updated_on,
            false,
            "",
            vec![],
        ),
        field("retired_on", &i.retired_on, false, "", vec![]),
        field("disposed_on", &i.disposed_on, false, "", vec![]),
        field("erasure_evidence", &i.erasure_evidence, false, "", vec![]),
        field(
            "procurement_doc",
            &i.procurement_doc,
            false,
            "",
            yes_no(&i.procurement_doc),
        ),
        field("system_name", &i.system_name, false, "", vec![]),
        field(
            "extended_support_until",
            &i.extended_support_until,
            false,
            "",
            vec![],
        ),
        field(
            "replacement_planned_on",
            &i.replacement_planned_on,
            false,
            "",
            vec![],
        ),
        field("backup", &i.backup, false, "", yes_no(&i.backup)),
        field(
            "confidentiality",
            &i.confidentiality,
            false,
            "1・2・3",
            vec![],
        ),
        field(
            "replaced_by",
            &i.replaced_by,
            false,
            "後継機の備品番号",
            vec![],
        ),
        field(
            "usage_ratio",
            &i.usage_ratio,
            false,
            "例: 60% または 0.6",
            vec![],
        ),
        field("usage_checked_on", &i.usage_checked_on, false, "", vec![]),
        field("note", &i.note, false, "", vec![]),
    ];
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
                since: history_lines(&since, |k| field_label(k).to_string(), |_, v| v),
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
) -> Result<Html<String>, AppError> {
    user.require_write()?;
    let input = AssetInput {
        ownership: "owned".into(),
        procured_by: "central".into(),
        status: "in_use".into(),
        quantity: "1".into(),
        ..Default::default()
    };
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
    let version = state.db.row_version(&user.scope, "asset", id).await?;
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
        &Target::edit(id, &form.input.asset_tag),
        &form.input,
        Revision {
            version: form.version.clone(),
            since: Vec::new(),
        },
        result,
    )
    .await
}
