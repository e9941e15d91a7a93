//! The self-check (情報セキュリティセルフチェック) on screen. GET /self-check lists the
//! campaigns and, for an account linked to a staff member, whether they have answered;
//! 情報政策課 and 管理者 start a campaign there (POST). GET/POST /self-check/{c}/answer is
//! the quiz (one submission per person, made for a phone), GET /self-check/{c}/mine the
//! person's own result with each answer's explanation, GET /self-check/{c} the scored
//! report for the user's departments and GET /self-check/{c}/xlsx its workbook.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use daicho_domain::self_check::{Band, Score};
use daicho_reports::Report;
use daicho_reports::campaign::{is_open, start, submit, title};
use daicho_reports::self_check::{SelfCheckReport, choices, rate_text, score_text};
use daicho_store::{Campaign, Question, QuestionCount, StaffMember};

use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::handlers::findings::may_govern;
use crate::state::AppState;
use crate::view::{Layout, url_encode};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
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

async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<String, AppError> {
    let staff = state.db.staff_of_user(user.user.id).await?;
    let mut campaigns = Vec::new();
    for c in state.db.self_check_campaigns(user.scope.tenant_id).await? {
        let answered = match &staff {
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
                c.opens_on.clone().unwrap_or_default(),
                c.closes_on.clone().unwrap_or_default()
            ),
            open: is_open(&c, today()),
            answered,
            code: c.campaign,
        });
    }
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
    let mut day = |name: &str, label: &str| -> Option<String> {
        let text = field(name);
        if text.is_empty() {
            return None;
        }
        match daicho_domain::parse_date(&text) {
            Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
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

/// One choice of a question on the quiz.
pub struct ChoiceView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One question on the quiz.
pub struct QuestionView {
    pub id: String,
    pub number: usize,
    pub text: String,
    pub choices: Vec<ChoiceView>,
}

/// The questions of one category, in bank order.
pub struct CategoryView {
    pub name: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "self_check_answer.html")]
struct AnswerPage {
    layout: Layout,
    href: String,
    categories: Vec<CategoryView>,
    errors: Vec<String>,
}

fn group<T>(
    bank: &[Question],
    mut make: impl FnMut(usize, &Question) -> T,
) -> Vec<(String, Vec<T>)> {
    let mut out: Vec<(String, Vec<T>)> = Vec::new();
    for (i, q) in bank.iter().enumerate() {
        if out.last().is_none_or(|(c, _)| *c != q.category) {
            out.push((q.category.clone(), Vec::new()));
        }
        if let Some((_, items)) = out.last_mut() {
            items.push(make(i + 1, q));
        }
    }
    out
}

/// The person answering: the staff member the account is linked to.
async fn person(state: &AppState, user: &CurrentUser) -> Result<StaffMember, AppError> {
    state.db.staff_of_user(user.user.id).await?.ok_or_else(|| {
        AppError::Forbidden(
            "この利用者は職員に結びついていないため回答できません。情報政策課に職員番号との結びつけを依頼してください。".into(),
        )
    })
}

fn answer_page(
    user: &CurrentUser,
    campaign: &Campaign,
    bank: &[Question],
    given: &HashMap<String, String>,
    errors: Vec<String>,
) -> Result<String, AppError> {
    let categories = group(bank, |n, q| QuestionView {
        id: q.question_id.clone(),
        number: n,
        text: q.text.clone(),
        choices: choices(&q.choices)
            .into_iter()
            .map(|c| ChoiceView {
                checked: given.get(&q.question_id) == Some(&c.value),
                value: c.value,
                label: c.label,
            })
            .collect(),
    })
    .into_iter()
    .map(|(name, questions)| CategoryView { name, questions })
    .collect();
    Ok(AnswerPage {
        layout: Layout::new(user, title(campaign), "self_check"),
        href: url_encode(&campaign.campaign),
        categories,
        errors,
    }
    .render()?)
}

/// GET /self-check/{campaign}/answer
pub async fn answer_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let campaign = campaign_of(&state, &user, &code).await?;
    let staff = person(&state, &user).await?;
    let mine_href = format!("/self-check/{}/mine", url_encode(&code));
    if !state
        .db
        .self_check_answers_of(user.scope.tenant_id, &code, staff.id)
        .await?
        .is_empty()
    {
        return Ok(Redirect::to(&mine_href).into_response());
    }
    if !is_open(&campaign, today()) {
        return Err(AppError::Invalid(format!(
            "「{}」は回答を受け付けていません（{}～{}）。",
            title(&campaign),
            campaign.opens_on.unwrap_or_default(),
            campaign.closes_on.unwrap_or_default()
        )));
    }
    let bank = state
        .db
        .self_check_questions(user.scope.tenant_id, &code)
        .await?;
    Ok(Html(answer_page(
        &user,
        &campaign,
        &bank,
        &HashMap::new(),
        Vec::new(),
    )?)
    .into_response())
}

/// POST /self-check/{campaign}/answer
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    verify_form(&form, &user.csrf)?;
    let campaign = campaign_of(&state, &user, &code).await?;
    let staff = person(&state, &user).await?;
    let given: HashMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("q-").map(|id| (id.to_string(), v.clone())))
        .collect();
    match submit(
        &state.db,
        user.scope.tenant_id,
        &user.actor(),
        &campaign,
        &staff,
        &given,
        today(),
    )
    .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/self-check/{}/mine", url_encode(&code))).into_response())
        }
        Err(daicho_reports::ReportError::Invalid(m)) => {
            let bank = state
                .db
                .self_check_questions(user.scope.tenant_id, &code)
                .await?;
            let html = answer_page(&user, &campaign, &bank, &given, vec![m])?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One question of a person's result.
pub struct ResultLine {
    pub number: usize,
    pub text: String,
    pub given: String,
    pub correct_answer: String,
    pub right: bool,
    pub explanation: String,
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

#[derive(Template)]
#[template(path = "self_check_mine.html")]
struct MinePage {
    layout: Layout,
    href: String,
    scores: Vec<ScoreView>,
    categories: Vec<(String, Vec<ResultLine>)>,
    right: usize,
    total: usize,
}

/// GET /self-check/{campaign}/mine
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let campaign = campaign_of(&state, &user, &code).await?;
    let staff = person(&state, &user).await?;
    let answers: HashMap<String, String> = state
        .db
        .self_check_answers_of(user.scope.tenant_id, &code, staff.id)
        .await?
        .into_iter()
        .collect();
    if answers.is_empty() {
        return Ok(
            Redirect::to(&format!("/self-check/{}/answer", url_encode(&code))).into_response(),
        );
    }
    let bank = state
        .db
        .self_check_questions(user.scope.tenant_id, &code)
        .await?;
    // The person's own result is the report over their answers alone.
    let counts: Vec<QuestionCount> = bank
        .iter()
        .filter_map(|q| {
            answers.get(&q.question_id).map(|a| QuestionCount {
                question_id: q.question_id.clone(),
                department: staff.department.clone(),
                department_name: staff.department_name.clone(),
                respondents: 1,
                correct: i64::from(*a == q.answer),
            })
        })
        .collect();
    let own = SelfCheckReport::from_counts(campaign.clone(), &bank, &counts);
    let label = |q: &Question, value: &str| {
        choices(&q.choices)
            .into_iter()
            .find(|c| c.value == value)
            .map(|c| {
                if c.value == c.label {
                    c.label
                } else {
                    format!("{}. {}", c.value, c.label)
                }
            })
            .unwrap_or_else(|| value.to_string())
    };
    let categories = group(&bank, |n, q| {
        let given = answers.get(&q.question_id).cloned().unwrap_or_default();
        ResultLine {
            number: n,
            text: q.text.clone(),
            right: given == q.answer,
            given: label(q, &given),
            correct_answer: label(q, &q.answer),
            explanation: q.explanation.clone().unwrap_or_default(),
        }
    });
    let total = bank.len();
    let right = categories
        .iter()
        .flat_map(|(_, l)| l)
        .filter(|l| l.right)
        .count();
    Ok(Html(
        MinePage {
            layout: Layout::new(
                &user,
                format!("{}（あなたの結果）", title(&campaign)),
                "self_check",
            ),
            href: url_encode(&code),
            scores: score_views(&own.categories),
            categories,
            right,
            total,
        }
        .render()?,
    )
    .into_response())
}

/// One department's row of the report.
pub struct DepartmentLine {
    pub label: String,
    pub respondents: u64,
    pub scores: Vec<String>,
}

/// One question's row of the report.
pub struct QuestionLine {
    pub id: String,
    pub category: String,
    pub text: String,
    pub respondents: u64,
    pub correct: u64,
    pub rate: String,
}

/// A band of the legend.
pub struct BandLine {
    pub range: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "self_check_report.html")]
struct ReportPage {
    layout: Layout,
    href: String,
    scores: Vec<ScoreView>,
    bands: Vec<BandLine>,
    questions: Vec<QuestionLine>,
    category_names: Vec<String>,
    departments: Vec<DepartmentLine>,
    unknown: String,
}

/// GET /self-check/{campaign}
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let report = SelfCheckReport::load(&state.db, &user.scope, &code).await?;
    Ok(Html(
        ReportPage {
            layout: Layout::new(
                &user,
                format!("{} 総合判定結果", title(&report.campaign)),
                "self_check",
            ),
            href: url_encode(&code),
            scores: score_views(&report.categories),
            bands: Band::ALL
                .iter()
                .map(|b| BandLine {
                    range: b.range(),
                    label: b.label_ja(),
                })
                .collect(),
            questions: report
                .questions
                .iter()
                .map(|q| QuestionLine {
                    id: q.question.question_id.clone(),
                    category: q.question.category.clone(),
                    text: q.question.text.clone(),
                    respondents: q.respondents,
                    correct: q.correct,
                    rate: rate_text(q.rate),
                })
                .collect(),
            category_names: report
                .categories
                .iter()
                .map(|c| c.category.clone())
                .collect(),
            departments: report
                .departments
                .iter()
                .map(|d| DepartmentLine {
                    label: match (&d.department, &d.name) {
                        (Some(code), Some(name)) => format!("{code} {name}"),
                        _ => "所属なし".into(),
                    },
                    respondents: d.respondents,
                    scores: d.categories.iter().map(|c| score_text(c.score)).collect(),
                })
                .collect(),
            unknown: report.unknown_questions.join("、"),
        }
        .render()?,
    ))
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

/// GET /self-check/{campaign}/xlsx
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let report = SelfCheckReport::load(&state.db, &user.scope, &code).await?;
    let bytes = report.xlsx_bytes()?;
    let ascii: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    Ok(xlsx_download(
        bytes,
        &format!("self-check-{ascii}.xlsx"),
        &format!("セルフチェック結果_{code}.xlsx"),
    ))
}
