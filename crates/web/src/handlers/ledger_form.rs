//! Adding and changing rows of the other ledgers from their descriptions:
//! GET /ledgers/{name}/new, POST /ledgers/{name}, GET /ledgers/{name}/{id}/edit,
//! POST /ledgers/{name}/{id}. Cells go through the same engine as imports (reading 和暦,
//! yen, 有/無 and labels; history kept); a refused form comes back with each message
//! beside its field and nothing written. The key of an existing row cannot be changed.

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::assets::list::department_choices;
use crate::state::AppState;
use crate::view::{Choice, FormField, FormPage, Layout, Revision, ledger_history};
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_store::ledgers::{Engine, Kind, Ledger, ledger};
use daicho_store::{FieldError, RowError, RowOutcome, StoreError};
use std::collections::HashMap;

fn writable(user: &CurrentUser, name: &str) -> Result<&'static Ledger, AppError> {
    let l = ledger(name)
        .filter(|l| l.name == name && l.engine != Engine::Assets && l.visible_in(&user.scope))
        .ok_or(AppError::NotFound)?;
    if !l.writable_by(&user.scope) {
        user.require_write()?;
    }
    Ok(l)
}

/// The form's fields for `l`'s columns, from its description: a choice or 有/無 as a
/// `<select>`, a department from the user's departments, the kind's example as the hint
/// unless the column has its own. Key columns are shown but not posted when `lock_key`.
pub async fn form_fields(
    state: &AppState,
    user: &CurrentUser,
    l: &'static Ledger,
    value_of: impl Fn(&str) -> String,
    errors: &[FieldError],
    lock_key: bool,
) -> Result<Vec<FormField>, AppError> {
    let mut fields = Vec::new();
    for c in l.columns {
        let value = value_of(c.name);
        let choices = match c.kind {
            Kind::Choice(options) => options
                .iter()
                .map(|(code, label)| Choice {
                    value: (*code).into(),
                    label: (*label).into(),
                    selected: value == *code,
                })
                .collect(),
            Kind::Bool => ["有", "無"]
                .iter()
                .map(|v| Choice {
                    value: (*v).into(),
                    label: (*v).into(),
                    selected: daicho_domain::parse_bool(&value).is_some()
                        && daicho_domain::parse_bool(&value) == daicho_domain::parse_bool(v),
                })
                .collect(),
            Kind::Department => department_choices(state, user, &value, true).await?,
            _ => Vec::new(),
        };
        let hint = match c.kind {
            _ if !c.hint.is_empty() => c.hint,
            Kind::Date => "例: 2023-10-06 または 令和5年10月6日",
            Kind::Instant => "例: 2023-10-06 09:30",
            Kind::Yen => "例: 120,000",
            Kind::Ratio => "例: 50%、0.5、不明",
            Kind::FiscalYear => "例: 令和5年度",
            _ => "",
        };
        fields.push(FormField {
            name: c.name,
            label: c.label,
            value,
            required: c.required,
            locked: lock_key && l.key.contains(&c.name),
            hint,
            choices,
            error: FormField::error_of(errors, c.name),
        });
    }
    Ok(fields)
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    l: &'static Ledger,
    existing: Option<i64>,
    values: &HashMap<String, String>,
    errors: Vec<FieldError>,
    revision: Revision,
) -> Result<Html<String>, AppError> {
    let fields = form_fields(
        state,
        user,
        l,
        |name| values.get(name).cloned().unwrap_or_default(),
        &errors,
        existing.is_some(),
    )
    .await?;
    let (title, action, cancel) = match existing {
        Some(id) => (
            format!("{}の編集", l.label),
            format!("/ledgers/{}/{id}", l.name),
            format!("/ledgers/{}/{id}", l.name),
        ),
        None => (
            format!("{}の登録", l.label),
            format!("/ledgers/{}", l.name),
            format!("/ledgers/{}", l.name),
        ),
    };
    let label_of = |f: &str| l.column(f).map_or("", |c| c.label);
    let page = FormPage {
        layout: Layout::new(user, title, "ledgers"),
        action,
        cancel,
        errors: errors
            .iter()
            .map(|e| (e.field, format!("{}: {}", label_of(e.field), e.message)))
            .collect(),
        fields,
        revision,
    };
    Ok(Html(page.render()?))
}

/// GET /ledgers/{name}/new
pub async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> Result<Html<String>, AppError> {
    let l = writable(&user, &name)?;
    render(
        &state,
        &user,
        l,
        None,
        &HashMap::new(),
        Vec::new(),
        Revision::default(),
    )
    .await
}

/// GET /ledgers/{name}/{id}/edit
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((name, id)): Path<(String, i64)>,
) -> Result<Html<String>, AppError> {
    let l = writable(&user, &name)?;
    let cells = state.db.ledger_row(&user.scope, l, id).await?;
    let values = l
        .columns
        .iter()
        .map(|c| c.name.to_string())
        .zip(cells)
        .collect();
    let version = state.db.row_version(&user.scope, l.name, id).await?;
    render(
        &state,
        &user,
        l,
        Some(id),
        &values,
        Vec::new(),
        Revision::at(version),
    )
    .await
}

/// Writes the form as a new row (`existing` is `None`) or over row `existing`.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    l: &'static Ledger,
    existing: Option<i64>,
    mut form: HashMap<String, String>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    if let Some(id) = existing {
        // The key stays as stored, whatever the form says.
        let cells = state.db.ledger_row(&user.scope, l, id).await?;
        for (c, v) in l.columns.iter().zip(cells) {
            if l.key.contains(&c.name) {
                form.insert(c.name.to_string(), v);
            }
        }
    }
    let cells: Vec<_> = l
        .columns
        .iter()
        .map(|c| (c, form.get(c.name).cloned().unwrap_or_default()))
        .collect();
    let posted = form.get("version").cloned().unwrap_or_default();
    let mut session = state.db.begin_import(&user.scope, &user.actor()).await?;
    if let (Some(id), Some(version)) = (existing, Revision::posted(&posted)) {
        match session.expect_version(l, id, version).await {
            Ok(()) => {}
            Err(StoreError::Stale { version, since }) => {
                session.finish(false).await?;
                let revision = Revision {
                    version: version.to_string(),
                    since: ledger_history(l, &since),
                };
                let html = render(state, user, l, existing, &form, Vec::new(), revision).await?;
                return Ok((StatusCode::CONFLICT, html).into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let result = match session.upsert_row(l, &cells).await {
        Ok(outcome) => Ok(outcome),
        Err(RowError::Refused { errors, .. }) => Err(errors),
        Err(RowError::Store(e)) => return Err(e.into()),
    };
    let errors = match (&result, existing) {
        (Ok(RowOutcome::Added), None)
        | (Ok(RowOutcome::Updated | RowOutcome::Unchanged), Some(_)) => Vec::new(),
        (Ok(_), None) => vec![FieldError {
            field: l.key[0],
            message: "同じものが既に登録されています".into(),
        }],
        (Ok(_), Some(_)) => vec![FieldError {
            field: l.key[0],
            message: "元の行が見つかりません".into(),
        }],
        (Err(errors), _) => errors.clone(),
    };
    if !errors.is_empty() {
        session.finish(false).await?;
        let revision = Revision {
            version: posted,
            since: Vec::new(),
        };
        let html = render(state, user, l, existing, &form, errors, revision).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    session.finish(true).await?;
    let target = match existing {
        Some(id) => format!("/ledgers/{}/{id}", l.name),
        None => format!("/ledgers/{}", l.name),
    };
    Ok(Redirect::to(&target).into_response())
}

/// POST /ledgers/{name}
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let l = writable(&user, &name)?;
    save(&state, &user, l, None, form).await
}

/// POST /ledgers/{name}/{id}
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((name, id)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let l = writable(&user, &name)?;
    save(&state, &user, l, Some(id), form).await
}
