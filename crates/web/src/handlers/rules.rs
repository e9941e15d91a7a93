//! The tenant's rules and waivers on screen: GET /rules (every rule as the tenant has
//! it), GET/POST /rules/{id} (what it checks and cites; 情報政策課 and 管理者 switch it
//! off, regrade it or change its parameters), GET/POST /waivers (例外承認: a finding
//! accepted until a day, with its justification and approver). The store refuses these
//! changes to any scope short of the whole tenant, whatever the screen shows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_domain::parse_date;
use daicho_rules::audit::{ActiveRule, tenant_rules};
use daicho_rules::{Grade, Rule};
use daicho_store::Waiver;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::findings::may_govern;
use crate::state::AppState;
use crate::view::{Choice, Layout, date_full, optional_day};

pub struct RuleLine {
    pub id: String,
    pub title: String,
    pub grade: &'static str,
    /// The file's grade, when the tenant changed it.
    pub default_grade: &'static str,
    pub scope: &'static str,
    pub clause: String,
    pub enabled: bool,
    pub own: bool,
    /// 「名前=値」 of the parameters in force.
    pub params: String,
}

fn line(r: &ActiveRule) -> RuleLine {
    RuleLine {
        id: r.rule.id.clone(),
        title: r.rule.title.clone(),
        grade: r.grade.label_ja(),
        default_grade: if r.grade == r.rule.grade {
            ""
        } else {
            r.rule.grade.label_ja()
        },
        scope: r.rule.scope.label_ja(),
        clause: r.rule.clause.clone(),
        enabled: r.enabled,
        own: r.own,
        params: r
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    layout: Layout,
    rules: Vec<RuleLine>,
    /// The tenant's data day as set (ISO), empty when it follows today.
    data_as_of: String,
    /// The day findings open on, in 和暦.
    data_day: String,
    /// 情報政策課・管理者: may set the data day.
    can_set_day: bool,
}

/// GET /rules
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let mut set = tenant_rules(&state.db, &user.scope).await?.rules;
    set.sort_by(|a, b| (a.grade, &a.rule.id).cmp(&(b.grade, &b.rule.id)));
    let rules = set.iter().map(line).collect();
    let set_day = state.db.data_as_of(user.scope.tenant_id).await?;
    let day = set_day.unwrap_or_else(daicho_store::today);
    Ok(Html(
        RulesPage {
            layout: Layout::new(&user, "規則", "rules"),
            rules,
            data_as_of: set_day.map(|d| d.to_string()).unwrap_or_default(),
            data_day: date_full(Some(day)),
            can_set_day: may_govern(&user),
        }
        .render()?,
    ))
}

/// POST /rules/data-day: `day` (empty: today). The day findings, the dashboard and the
/// training pages open on when none is asked for.
pub async fn set_data_day(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
    verify_form(&form, &user.csrf)?;
    let day = optional_day(
        form.get("day").map(String::as_str).unwrap_or_default(),
        "既定の基準日",
    )?;
    state
        .db
        .set_data_as_of(&user.scope, &user.actor(), day)
        .await?;
    Ok(Redirect::to("/rules"))
}

/// One parameter on the rule's form.
pub struct ParamField {
    pub name: String,
    pub value: String,
    pub default: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "rule.html")]
struct RulePage {
    layout: Layout,
    rule: RuleLine,
    description: String,
    report_items: String,
    subject: String,
    check: String,
    grades: Vec<Choice>,
    params: Vec<ParamField>,
    can_govern: bool,
}

async fn active(state: &AppState, user: &CurrentUser, id: &str) -> Result<ActiveRule, AppError> {
    tenant_rules(&state.db, &user.scope)
        .await?
        .rules
        .into_iter()
        .find(|r| r.rule.id == id)
        .ok_or(AppError::NotFound)
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn rule_page(
    user: &CurrentUser,
    r: &ActiveRule,
    written: Option<&HashMap<String, String>>,
    errors: &HashMap<String, String>,
) -> RulePage {
    let rule: &Rule = &r.rule;
    RulePage {
        layout: Layout::new(user, format!("規則: {}", rule.title), "rules"),
        rule: line(r),
        description: rule.description.trim().to_string(),
        report_items: rule.report_items.join("、"),
        // The ledger's name (情報資産), not its code (`assets`).
        subject: daicho_store::ledgers::ledger(&rule.subject)
            .map_or(rule.subject.as_str(), |l| l.label)
            .to_string(),
        check: rule.check.trim().to_string(),
        grades: Choice::of(&Grade::ALL, r.grade.code(), Grade::code, Grade::label_ja),
        params: rule
            .params
            .iter()
            .map(|(name, default)| ParamField {
                value: written
                    .and_then(|w| w.get(&format!("param_{name}")).cloned())
                    .unwrap_or_else(|| text(r.params.get(name).unwrap_or(default))),
                default: text(default),
                error: errors.get(name).cloned().unwrap_or_default(),
                name: name.clone(),
            })
            .collect(),
        can_govern: may_govern(user),
    }
}

/// GET /rules/{id}
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let r = active(&state, &user, &id).await?;
    Ok(Html(rule_page(&user, &r, None, &HashMap::new()).render()?))
}

/// Refuses a user who may not set rules or record waivers.
fn require_govern(user: &CurrentUser) -> Result<(), AppError> {
    if may_govern(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "規則の設定と例外承認は、情報政策課または管理者の権限で行います。".into(),
        ))
    }
}

/// POST /rules/{id}: enabled (checkbox), grade, param_NAME.
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    require_govern(&user)?;
    let r = active(&state, &user, &id).await?;
    let grade = form
        .get("grade")
        .and_then(|g| Grade::parse(g))
        .unwrap_or(r.grade);
    let mut params = serde_json::Map::new();
    let mut errors = HashMap::new();
    for (name, default) in &r.rule.params {
        let written = form
            .get(&format!("param_{name}"))
            .map(|s| s.trim())
            .unwrap_or_default();
        if written.is_empty() {
            continue;
        }
        match r.rule.param_value(name, written) {
            // Only what differs from the file is stored: a later default change applies.
            Ok(v) if &v == default => {}
            Ok(v) => {
                params.insert(name.clone(), v);
            }
            Err(message) => {
                errors.insert(name.clone(), message);
            }
        }
    }
    if !errors.is_empty() {
        let page = rule_page(&user, &r, Some(&form), &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let enabled = form.contains_key("enabled");
    state
        .db
        .save_rule_setting(
            &user.scope,
            &user.actor(),
            &id,
            enabled,
            (grade != r.rule.grade).then_some(grade.code()),
            &params,
        )
        .await?;
    Ok(Redirect::to(&format!("/rules/{}", crate::view::url_encode(&id))).into_response())
}

pub struct WaiverLine {
    /// The rule's id, for its link; its title is what is shown.
    pub rule: String,
    pub rule_title: String,
    pub subject: String,
    pub justification: String,
    pub approved_by: String,
    pub expires_on: String,
    pub in_force: bool,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "waivers.html")]
struct WaiversPage {
    layout: Layout,
    waivers: Vec<WaiverLine>,
    can_govern: bool,
    rules: Vec<Choice>,
    subject: String,
    justification: String,
    approved_by: String,
    expires_on: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WaiverQuery {
    rule: String,
    subject: String,
}

async fn waivers_page(
    state: &AppState,
    user: &CurrentUser,
    form: &HashMap<String, String>,
    errors: Vec<String>,
) -> Result<WaiversPage, AppError> {
    let today = daicho_store::today();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let set = tenant_rules(&state.db, &user.scope).await?;
    let chosen = field("rule");
    let waivers = state
        .db
        .waivers(&user.scope)
        .await?
        .into_iter()
        .map(|w| WaiverLine {
            in_force: w.expires_on >= today,
            recorded: format!("{} {}", w.recorded_by, crate::view::instant(&w.recorded_at)),
            rule_title: set
                .rules
                .iter()
                .find(|r| r.rule.id == w.rule_id)
                .map_or_else(|| w.rule_id.clone(), |r| r.rule.title.clone()),
            rule: w.rule_id,
            subject: w.subject,
            justification: w.justification,
            approved_by: w.approved_by,
            expires_on: crate::view::date_full(Some(w.expires_on)),
        })
        .collect();
    Ok(WaiversPage {
        layout: Layout::new(user, "例外承認", "rules"),
        waivers,
        can_govern: may_govern(user),
        rules: set
            .rules
            .iter()
            .map(|r| Choice {
                value: r.rule.id.clone(),
                label: format!("{}（{}）", r.rule.title, r.rule.id),
                selected: r.rule.id == chosen,
            })
            .collect(),
        subject: field("subject"),
        justification: field("justification"),
        approved_by: field("approved_by"),
        expires_on: field("expires_on"),
        errors,
    })
}

/// GET /waivers[?rule=&subject=] (the form prefilled from a finding)
pub async fn waivers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<WaiverQuery>,
) -> Result<Html<String>, AppError> {
    let form = HashMap::from([
        ("rule".to_string(), query.rule),
        ("subject".to_string(), query.subject),
    ]);
    Ok(Html(
        waivers_page(&state, &user, &form, Vec::new())
            .await?
            .render()?,
    ))
}

/// POST /waivers: rule, subject, justification, approved_by, expires_on.
pub async fn add_waiver(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    require_govern(&user)?;
    let field = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let set = tenant_rules(&state.db, &user.scope).await?;
    if !set.rules.iter().any(|r| r.rule.id == field("rule")) {
        errors.push("規則を選んでください。".to_string());
    }
    for (k, label) in [
        ("subject", "対象"),
        ("justification", "理由"),
        ("approved_by", "承認者"),
    ] {
        if field(k).is_empty() {
            errors.push(format!("{label}を入力してください。"));
        }
    }
    let expires = parse_date(&field("expires_on"));
    if expires.is_err() {
        errors.push(format!(
            "期限「{}」を日付として読めません（例: 2024-03-31、令和6年3月31日）。",
            field("expires_on")
        ));
    }
    let (Ok(expires_on), true) = (expires, errors.is_empty()) else {
        return refuse(&state, &user, &form, errors).await;
    };
    state
        .db
        .save_waiver(
            &user.scope,
            &user.actor(),
            &Waiver {
                rule_id: field("rule"),
                subject: field("subject"),
                justification: field("justification"),
                approved_by: field("approved_by"),
                expires_on,
                recorded_by: String::new(),
                recorded_at: String::new(),
            },
        )
        .await?;
    Ok(Redirect::to("/waivers").into_response())
}

async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    form: &HashMap<String, String>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let page = waivers_page(state, user, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}
