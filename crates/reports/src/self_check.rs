//! The self-check report (●R4年度情報セキュリティセルフチェック 総合判定結果): per category
//! the number of questions, respondents, correct answers, score and band; per question
//! the correct rate; and the same per department.

use crate::xlsx::Sheet;
use crate::{Report, ReportError};
use daicho_domain::self_check::{Score, percent};
use daicho_store::{Campaign, Db, Question, QuestionCount, Scope};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;

/// The bank daicho ships: the reference report's R4 questions (31 in 6 categories) with
/// their answers, as campaign `R4`, city names replaced by 本市. A new campaign starts
/// from it or from an earlier campaign's bank.
pub const DEFAULT_BANK: &str = include_str!("../bank/self_check_questions.csv");

/// One choice of a question: the value an answer records and the words shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The choices of a question as the bank writes them, `|`-separated: `1. 市長|2. 副市長`
/// gives values 1 and 2; `はい|いいえ` gives the words themselves.
pub fn choices(text: &str) -> Vec<Choice> {
    text.split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| match c.split_once(". ") {
            Some((n, label)) if !n.is_empty() && n.chars().all(|d| d.is_ascii_digit()) => Choice {
                value: n.to_string(),
                label: label.trim().to_string(),
            },
            _ => Choice {
                value: c.to_string(),
                label: c.to_string(),
            },
        })
        .collect()
}

/// One category's result.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryResult {
    pub category: String,
    /// Questions of the category in the bank.
    pub questions: usize,
    /// People who answered (the most answering any one question of the category).
    pub respondents: u64,
    pub correct: u64,
    /// `None` when nobody answered.
    pub score: Option<Score>,
}

/// One question's result.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub question: Question,
    pub respondents: u64,
    pub correct: u64,
    /// Correct rate in whole percent.
    pub rate: Option<u32>,
}

/// One department's results.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentResult {
    pub department: Option<String>,
    pub name: Option<String>,
    pub respondents: u64,
    pub categories: Vec<CategoryResult>,
    pub questions: Vec<QuestionResult>,
}

/// The whole report for one campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfCheckReport {
    pub campaign: Campaign,
    pub categories: Vec<CategoryResult>,
    pub questions: Vec<QuestionResult>,
    pub departments: Vec<DepartmentResult>,
    /// Question ids with results but not in the campaign's bank (not scored).
    pub unknown_questions: Vec<String>,
}

/// Scores `counts` (question id → (respondents, correct)) against the bank.
fn score(
    bank: &[Question],
    counts: &HashMap<&str, (u64, u64)>,
) -> (Vec<CategoryResult>, Vec<QuestionResult>) {
    let mut categories: Vec<CategoryResult> = Vec::new();
    let mut answers_by_category: Vec<u64> = Vec::new();
    let mut questions = Vec::with_capacity(bank.len());
    for q in bank {
        let (respondents, correct) = counts
            .get(q.question_id.as_str())
            .copied()
            .unwrap_or((0, 0));
        let i = match categories.iter().position(|c| c.category == q.category) {
            Some(i) => i,
            None => {
                categories.push(CategoryResult {
                    category: q.category.clone(),
                    questions: 0,
                    respondents: 0,
                    correct: 0,
                    score: None,
                });
                answers_by_category.push(0);
                categories.len() - 1
            }
        };
        let c = &mut categories[i];
        c.questions += 1;
        c.respondents = c.respondents.max(respondents);
        c.correct += correct;
        answers_by_category[i] += respondents;
        questions.push(QuestionResult {
            question: q.clone(),
            respondents,
            correct,
            rate: percent(correct, respondents),
        });
    }
    for (c, answers) in categories.iter_mut().zip(answers_by_category) {
        // Σ respondents over the category's questions: respondents × questions when every
        // respondent answered every question, as the report's formula assumes.
        c.score = Score::of(c.correct, answers);
    }
    (categories, questions)
}

impl SelfCheckReport {
    /// Builds the report of `campaign` for the departments `scope` sees.
    pub async fn load(db: &Db, scope: &Scope, campaign: &str) -> Result<Self, ReportError> {
        let Some(found) = db.self_check_campaign(scope.tenant_id, campaign).await? else {
            return Err(ReportError::NotFound(format!(
                "セルフチェックの実施回「{campaign}」がありません"
            )));
        };
        let bank = db.self_check_questions(scope.tenant_id, campaign).await?;
        let counts = db.self_check_counts(scope, campaign).await?;
        Ok(Self::from_counts(found, &bank, &counts))
    }

    /// Builds the report from a bank and counts already read.
    pub fn from_counts(campaign: Campaign, bank: &[Question], counts: &[QuestionCount]) -> Self {
        let known: std::collections::HashSet<&str> =
            bank.iter().map(|q| q.question_id.as_str()).collect();
        let mut unknown_questions: Vec<String> = counts
            .iter()
            .filter(|c| !known.contains(c.question_id.as_str()))
            .map(|c| c.question_id.clone())
            .collect();
        unknown_questions.sort();
        unknown_questions.dedup();

        let mut city: HashMap<&str, (u64, u64)> = HashMap::new();
        // Departments in the order the store gives them (organisation order).
        let mut order: Vec<(Option<String>, Option<String>)> = Vec::new();
        let mut by_department: HashMap<Option<String>, HashMap<&str, (u64, u64)>> = HashMap::new();
        for c in counts {
            let n = (c.respondents.max(0) as u64, c.correct.max(0) as u64);
            let e = city.entry(c.question_id.as_str()).or_default();
            e.0 += n.0;
            e.1 += n.1;
            if !by_department.contains_key(&c.department) {
                order.push((c.department.clone(), c.department_name.clone()));
            }
            let e = by_department
                .entry(c.department.clone())
                .or_default()
                .entry(c.question_id.as_str())
                .or_default();
            e.0 += n.0;
            e.1 += n.1;
        }
        let (categories, questions) = score(bank, &city);
        let departments = order
            .into_iter()
            .map(|(department, name)| {
                let empty = HashMap::new();
                let counts = by_department.get(&department).unwrap_or(&empty);
                let (categories, questions) = score(bank, counts);
                DepartmentResult {
                    respondents: categories.iter().map(|c| c.respondents).max().unwrap_or(0),
                    department,
                    name,
                    categories,
                    questions,
                }
            })
            .collect();
        SelfCheckReport {
            campaign,
            categories,
            questions,
            departments,
            unknown_questions,
        }
    }

    /// The department's result, if it has any.
    pub fn department(&self, code: &str) -> Option<&DepartmentResult> {
        self.departments
            .iter()
            .find(|d| d.department.as_deref() == Some(code))
    }
}

impl Report for SelfCheckReport {
    /// The report as JSON.
    fn to_json(&self) -> Value {
        json!({
            "campaign": self.campaign.campaign,
            "fiscal_year": self.campaign.fiscal_year,
            "title": self.campaign.title,
            "categories": self.categories.iter().map(category_json).collect::<Vec<_>>(),
            "questions": self.questions.iter().map(question_json).collect::<Vec<_>>(),
            "departments": self.departments.iter().map(|d| json!({
                "department": d.department,
                "name": d.name,
                "respondents": d.respondents,
                "categories": d.categories.iter().map(category_json).collect::<Vec<_>>(),
                "questions": d.questions.iter().map(question_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unknown_questions": self.unknown_questions,
        })
    }

    /// The report as a text table, for a terminal.
    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let title = self
            .campaign
            .title
            .as_deref()
            .unwrap_or("情報セキュリティセルフチェック");
        writeln!(
            out,
            "{title}（実施回 {}）総合判定結果",
            self.campaign.campaign
        )?;
        writeln!(out, "項目\t設問数\t回答者\t正解数\t得点\t評価")?;
        for c in &self.categories {
            writeln!(out, "{}", category_cells(c).join("\t"))?;
        }
        writeln!(out)?;
        writeln!(out, "設問\t分類\t回答者\t正解者数\t正解率")?;
        for q in &self.questions {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                q.question.question_id,
                q.question.category,
                q.respondents,
                q.correct,
                rate_text(q.rate)
            )?;
        }
        writeln!(out)?;
        let names: Vec<&str> = self
            .categories
            .iter()
            .map(|c| c.category.as_str())
            .collect();
        writeln!(out, "所属\t回答者\t{}", names.join("\t"))?;
        for d in &self.departments {
            let scores: Vec<String> = d.categories.iter().map(|c| score_text(c.score)).collect();
            writeln!(
                out,
                "{}\t{}\t{}",
                department_label(d),
                d.respondents,
                scores.join("\t")
            )?;
        }
        for q in &self.unknown_questions {
            writeln!(out, "※ 設問 {q} は設問集にないため採点していません")?;
        }
        Ok(())
    }

    /// The report as a workbook: 総合判定, 設問別, 所属別.
    fn workbook(&self) -> Result<rust_xlsxwriter::Workbook, ReportError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let mut sheet = Sheet::new(&mut wb, "総合判定")?;
        sheet.row(&["項目", "設問数", "回答者", "正解数", "得点", "評価"])?;
        for c in &self.categories {
            sheet.row(&category_cells(c))?;
        }
        let mut sheet = Sheet::new(&mut wb, "設問別")?;
        sheet.row(&[
            "設問番号",
            "分類",
            "設問",
            "正答",
            "回答者",
            "正解者数",
            "正解率",
        ])?;
        for q in &self.questions {
            sheet.row(&question_cells(q))?;
        }
        let mut sheet = Sheet::new(&mut wb, "所属別")?;
        let mut header = vec!["所属コード".to_string(), "所属".into(), "回答者".into()];
        header.extend(self.categories.iter().map(|c| c.category.clone()));
        sheet.row(&header)?;
        for d in &self.departments {
            let mut cells = vec![
                d.department.clone().unwrap_or_default(),
                d.name.clone().unwrap_or_else(|| "所属なし".into()),
                d.respondents.to_string(),
            ];
            cells.extend(d.categories.iter().map(|c| score_text(c.score)));
            sheet.row(&cells)?;
        }
        Ok(wb)
    }
}

fn category_json(c: &CategoryResult) -> Value {
    json!({
        "category": c.category,
        "questions": c.questions,
        "respondents": c.respondents,
        "correct": c.correct,
        "score": c.score.map(Score::value),
        "band": c.score.map(|s| s.band().label_ja()),
    })
}

fn question_json(q: &QuestionResult) -> Value {
    json!({
        "question_id": q.question.question_id,
        "category": q.question.category,
        "respondents": q.respondents,
        "correct": q.correct,
        "rate": q.rate,
    })
}

/// A score as printed, or 「－」 when nobody answered.
pub fn score_text(score: Option<Score>) -> String {
    score.map_or_else(|| "－".into(), |s| s.to_string())
}

/// A correct rate as printed.
pub fn rate_text(rate: Option<u32>) -> String {
    rate.map_or_else(|| "－".into(), |r| format!("{r}%"))
}

fn category_cells(c: &CategoryResult) -> Vec<String> {
    vec![
        c.category.clone(),
        c.questions.to_string(),
        c.respondents.to_string(),
        c.correct.to_string(),
        score_text(c.score),
        c.score
            .map(|s| s.band().label_ja())
            .unwrap_or("回答なし")
            .to_string(),
    ]
}

fn question_cells(q: &QuestionResult) -> Vec<String> {
    vec![
        q.question.question_id.clone(),
        q.question.category.clone(),
        q.question.text.clone(),
        q.question.answer.clone(),
        q.respondents.to_string(),
        q.correct.to_string(),
        rate_text(q.rate),
    ]
}

fn department_label(d: &DepartmentResult) -> String {
    match (&d.department, &d.name) {
        (Some(code), Some(name)) => format!("{code} {name}"),
        _ => "所属なし".into(),
    }
}
