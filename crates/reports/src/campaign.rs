//! What is done to a self-check campaign: starting one with a bank (the shipped R4 bank or
//! an earlier campaign's), and taking one person's answers — once per person, every
//! question answered with one of its choices, only while the campaign is open. Both write
//! through the ledger engine, so they are checked like an import and kept in the history.

use crate::ReportError;
use crate::self_check::{DEFAULT_BANK, choices};
use chrono::NaiveDate;
use daicho_store::ledgers::{Ledger, ledger};
use daicho_store::{Actor, Campaign, Db, Question, RowError, Scope, StaffMember};
use std::collections::HashMap;

/// A campaign's title when it was given none: 「令和8年度情報セキュリティセルフチェック」.
pub fn default_title(fiscal_year: i64) -> String {
    format!(
        "{}情報セキュリティセルフチェック",
        crate::year_label(fiscal_year)
    )
}

/// The title a campaign is shown with.
pub fn title(campaign: &Campaign) -> String {
    campaign
        .title
        .clone()
        .unwrap_or_else(|| default_title(campaign.fiscal_year))
}

/// The shipped bank's questions.
pub fn default_bank() -> Result<Vec<Question>, ReportError> {
    let mut reader = csv::Reader::from_reader(DEFAULT_BANK.as_bytes());
    let mut bank = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| ReportError::NotFound(format!("設問集: {e}")))?;
        let cell = |i: usize| r.get(i).unwrap_or_default().to_string();
        bank.push(Question {
            question_id: cell(1),
            category: cell(2),
            text: cell(3),
            choices: cell(4),
            answer: cell(5),
            explanation: Some(cell(6)).filter(|e| !e.is_empty()),
        });
    }
    Ok(bank)
}

fn spec(name: &str) -> Result<&'static Ledger, ReportError> {
    ledger(name).ok_or_else(|| ReportError::NotFound(format!("台帳 {name} がありません")))
}

fn refused(e: RowError) -> ReportError {
    match e.refusal() {
        Ok(messages) => ReportError::Invalid(messages),
        Err(e) => e.into(),
    }
}

/// Starts `campaign` with the bank of campaign `from`, or the shipped bank. Returns the
/// number of questions.
pub async fn start(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    campaign: &Campaign,
    from: Option<&str>,
) -> Result<usize, ReportError> {
    if db
        .self_check_campaign(scope.tenant_id, &campaign.campaign)
        .await?
        .is_some()
    {
        return Err(ReportError::Invalid(format!(
            "実施回「{}」はすでにあります",
            campaign.campaign
        )));
    }
    let bank = match from {
        Some(from) => {
            let bank = db.self_check_questions(scope.tenant_id, from).await?;
            if bank.is_empty() {
                return Err(ReportError::NotFound(format!(
                    "実施回「{from}」の設問がありません"
                )));
            }
            bank
        }
        None => default_bank()?,
    };
    let (campaigns, questions) = (spec("self_check_campaigns")?, spec("self_check_questions")?);
    let mut rows = vec![(
        campaigns,
        vec![
            ("campaign", campaign.campaign.clone()),
            ("fiscal_year", campaign.fiscal_year.to_string()),
            ("title", campaign.title.clone().unwrap_or_default()),
            ("opens_on", iso(campaign.opens_on)),
            ("closes_on", iso(campaign.closes_on)),
        ],
    )];
    for q in &bank {
        rows.push((
            questions,
            vec![
                ("campaign", campaign.campaign.clone()),
                ("question_id", q.question_id.clone()),
                ("category", q.category.clone()),
                ("text", q.text.clone()),
                ("choices", q.choices.clone()),
                ("answer", q.answer.clone()),
                ("explanation", q.explanation.clone().unwrap_or_default()),
            ],
        ));
    }
    db.write_rows(scope, actor, &rows).await.map_err(refused)?;
    Ok(bank.len())
}

/// Whether answers are taken on `today`: from the opening day (if any) to the closing day
/// (if any), both included.
pub fn is_open(campaign: &Campaign, today: NaiveDate) -> bool {
    campaign.opens_on.is_none_or(|o| o <= today) && campaign.closes_on.is_none_or(|c| today <= c)
}

/// A day as the ledgers store it (ISO), or empty.
fn iso(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// A day as offices write it: 令和5年10月6日, or empty.
pub fn japanese_day(day: Option<NaiveDate>) -> String {
    day.map(daicho_domain::format_wareki).unwrap_or_default()
}

/// Refuses answers on a day `campaign` does not take them, saying when it does.
pub fn ensure_open(campaign: &Campaign, today: NaiveDate) -> Result<(), ReportError> {
    if is_open(campaign, today) {
        return Ok(());
    }
    Err(ReportError::Invalid(format!(
        "「{}」は回答を受け付けていません（{}～{}）。",
        title(campaign),
        japanese_day(campaign.opens_on),
        japanese_day(campaign.closes_on)
    )))
}

/// Records `staff`'s answers (question id → chosen value) to `campaign` on `today`.
/// Refused, changing nothing, when the campaign is closed, the person already answered, or
/// a question is unanswered or answered with something not among its choices.
pub async fn submit(
    db: &Db,
    tenant_id: i64,
    actor: &Actor,
    campaign: &Campaign,
    staff: &StaffMember,
    answers: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<(), ReportError> {
    ensure_open(campaign, today)?;
    if !db
        .self_check_answers_of(tenant_id, &campaign.campaign, staff.id)
        .await?
        .is_empty()
    {
        return Err(ReportError::Invalid(
            "この実施回にはすでに回答しています（回答は一人一回です）".into(),
        ));
    }
    let bank = db
        .self_check_questions(tenant_id, &campaign.campaign)
        .await?;
    let mut missing = Vec::new();
    let spec = spec("self_check_answers")?;
    let mut rows = Vec::with_capacity(bank.len());
    for (i, q) in bank.iter().enumerate() {
        let given = answers.get(&q.question_id).map(|a| a.trim()).unwrap_or("");
        if !choices(&q.choices).iter().any(|c| c.value == given) {
            // As the form numbers it (問31), not by its id in the bank (6-6).
            missing.push(format!("問{}", i + 1));
            continue;
        }
        rows.push((
            spec,
            vec![
                ("campaign", campaign.campaign.clone()),
                ("staff_id", staff.staff_id.clone()),
                ("question_id", q.question_id.clone()),
                ("answer", given.to_string()),
                ("answered_on", today.format("%Y-%m-%d").to_string()),
            ],
        ));
    }
    if !missing.is_empty() {
        return Err(ReportError::Invalid(format!(
            "答えていない設問があります: {}",
            missing.join("、")
        )));
    }
    // A person's own answers are theirs to write whatever their role: the scope is the
    // whole tenant, and this function writes nothing but that person's rows.
    db.add_rows(&Scope::tenant(tenant_id), actor, &rows)
        .await
        .map_err(refused)?;
    Ok(())
}
