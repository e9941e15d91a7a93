//! The self-check (情報セキュリティセルフチェック) on screen. GET /self-check lists the
//! campaigns and, for an account linked to a staff member, whether they have answered;
//! 情報政策課 and 管理者 start a campaign there (POST). GET/POST /self-check/{c}/answer is
//! the quiz (one submission per person, made for a phone), GET /self-check/{c}/mine the
//! person's own result with each answer's explanation, GET /self-check/{c} the scored
//! report for the user's departments and GET /self-check/{c}/xlsx its workbook.

mod answer;
mod report;

pub use answer::{answer, answer_form, mine};
pub use report::{report, xlsx};

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use daicho_domain::self_check::Score;
use daicho_reports::campaign::{is_open, start, title};
use daicho_reports::self_check::score_text;
use daicho_store::Campaign;

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::findings::may_govern;
use crate::state::AppState;
use crate::view::{Layout, url_encode};

fn today() -> NaiveDate {
    daicho_store::today()
}

/// A campaign as the index lists it.
pub struct CampaignLine {
    pub code: String,
    pub href: String,
    pub title: String,
    pub year: String,
    pub period: String,
    pub open: bool,
    /// For a person: `Some(true)` answered, `Some(false)` not yet; `None` not linked.
    pub answered: Option<bool>,
}

#[derive(Template)]
#[template(path = "self_check.html")]
struct IndexPage {
    layout: Layout,
    campaigns: Vec<CampaignLine>,
    staff: Option<String>,
    can_govern: bool,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl IndexPage {
    /// A field of the start form as it was sent.
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }
}

async fn campaign_of(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<Campaign, AppError> {
    state
        .db
        .self_check_campaign(user.scope.tenant_id, code)
        .await?
        .ok_or(AppError::NotFound)
}

/// The tenant's campaigns, each with whether `staff` answered it.
pub(crate) async fn campaign_lines(
    state: &AppState,
    user: &CurrentUser,
    staff: Option<&daicho_store::StaffMember>,
) -> Result<Vec<CampaignLine>, AppError> {
    let mut campaigns = Vec::new();
    for c in state.db.self_check_campaigns(user.scope.tenant_id).await? {
        let answered = match staff {
            Some(s) => Some(
                !state
                    .db
                    .self_check_answers_of(user.scope.tenant_id, &c.campaign, s.id)
                    .await?
                    .is_empty(),
            ),
            None => None,
        };
        campaigns.push(CampaignLine {
            href: url_encode(&c.campaign),
            title: title(&c),
            year: daicho_reports::year_label(c.fiscal_year),
            period: format!(
                "{}～{}",
                daicho_reports::campaign::japanese_day(c.opens_on),
                daicho_reports::campaign::japanese_day(c.closes_on)
            ),
            open: is_open(&c, today()),
            answered,
            code: c.campaign,
        });
    }
    Ok(campaigns)
}

async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<String, AppError> {
    let staff = state.db.staff_of_user(user.user.id).await?;
    let campaigns = campaign_lines(state, user, staff.as_ref()).await?;
    Ok(IndexPage {
        layout: Layout::new(user, "セルフチェック", "self_check"),
        campaigns,
        staff: staff.map(|s| format!("{} {}", s.staff_id, s.name.unwrap_or_default())),
        can_govern: may_govern(user),
        errors,
        form,
    }
    .render()?)
}

/// GET /self-check
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        index_page(&state, &user, Vec::new(), HashMap::new()).await?,
    ))
}

/// POST /self-check: starts a campaign (情報政策課・管理者).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    if !may_govern(&user) {
        return Err(AppError::Forbidden(
            "セルフチェックを始められるのは情報政策課と管理者です。".into(),
        ));
    }
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let code = daicho_domain::normalize_width(&field("campaign"));
    if code.is_empty() {
        errors.push("実施回を入力してください（R8 など）。".to_string());
    }
    let fiscal_year = daicho_store::ledgers::fiscal_year(&field("fiscal_year"));
    if fiscal_year.is_none() {
        errors.push("年度を入力してください（2026、R8、令和8年度など）。".to_string());
    }
    let mut day = |name: &str, label: &str| -> Option<chrono::NaiveDate> {
        let text = field(name);
        if text.is_empty() {
            return None;
        }
        match daicho_domain::parse_date(&text) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(format!("{label}「{text}」を日付として読めません。"));
                None
            }
        }
    };
    let opens_on = day("opens_on", "回答開始日");
    let closes_on = day("closes_on", "締切日");
    if errors.is_empty() {
        let campaign = Campaign {
            campaign: code.clone(),
            fiscal_year: fiscal_year.unwrap_or_default(),
            title: Some(field("title")).filter(|t| !t.is_empty()),
            opens_on,
            closes_on,
        };
        let from = Some(field("from")).filter(|f| !f.is_empty());
        match start(
            &state.db,
            &user.scope,
            &user.actor(),
            &campaign,
            from.as_deref(),
        )
        .await
        {
            Ok(_) => return Ok(Redirect::to("/self-check").into_response()),
            Err(
                daicho_reports::ReportError::Invalid(m) | daicho_reports::ReportError::NotFound(m),
            ) => errors.push(m),
            Err(e) => return Err(e.into()),
        }
    }
    let html = index_page(&state, &user, errors, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// A score with its band, as shown.
pub struct ScoreView {
    pub category: String,
    pub questions: usize,
    pub respondents: u64,
    pub correct: u64,
    pub score: String,
    pub band: &'static str,
}

fn score_views(categories: &[daicho_reports::self_check::CategoryResult]) -> Vec<ScoreView> {
    categories
        .iter()
        .map(|c| ScoreView {
            category: c.category.clone(),
            questions: c.questions,
            respondents: c.respondents,
            correct: c.correct,
            score: score_text(c.score),
            band: c
                .score
                .map(|s: Score| s.band().label_ja())
                .unwrap_or("回答なし"),
        })
        .collect()
}
