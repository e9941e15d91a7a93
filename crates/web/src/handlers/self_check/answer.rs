//! The quiz and a person's own result: GET/POST /self-check/{c}/answer, GET
//! /self-check/{c}/mine.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use daicho_reports::campaign::{ensure_open, submit, title};
use daicho_reports::self_check::{SelfCheckReport, choices};
use daicho_store::{Campaign, Question, QuestionCount, StaffMember};

use super::{ScoreView, campaign_of, score_views, today};
use crate::auth::CurrentUser;
use crate::csrf::verify_form;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, url_encode};

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

/// What `staff` answered in the campaign: question id → the value chosen (empty before
/// they submit).
async fn answers_of(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    staff: &StaffMember,
) -> Result<HashMap<String, String>, AppError> {
    Ok(state
        .db
        .self_check_answers_of(user.scope.tenant_id, code, staff.id)
        .await?
        .into_iter()
        .collect())
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
    if !answers_of(&state, &user, &code, &staff).await?.is_empty() {
        return Ok(Redirect::to(&mine_href).into_response());
    }
    ensure_open(&campaign, today())?;
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
    let answers = answers_of(&state, &user, &code, &staff).await?;
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
