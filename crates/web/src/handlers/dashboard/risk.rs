//! The dashboard's risk first (ダッシュボード：リスクの概要): what the reference's auditors
//! looked for before anything else — machines past their support (by department and
//! network segment), audit items still open and overdue, departments without a stocktake,
//! training coverage, the self-check by category. Each figure is drawn as a bar (SVG the
//! server writes: no script, allowed by the CSP) with its number beside it, and opens the
//! list it counts. Everything is as of the tenant's data day, as the findings page opens.

use chrono::NaiveDate;
use daicho_domain::NetworkSegment;
use daicho_reports::self_check::{SelfCheckReport, score_text};
use daicho_reports::training::TrainingReport;
use daicho_rules::{Filter, List};

use crate::audits;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::handlers::findings::full_audit;
use crate::state::AppState;
use crate::view::{date_full, url_encode};

/// One bar: what it counts, the number as shown, its length (0–100) and the list it opens.
pub struct RiskBar {
    pub label: String,
    pub figure: String,
    pub percent: u64,
    pub href: String,
}

/// A part that is a share (stocktakes done, people trained): so many of so many.
pub struct Share {
    pub done: u64,
    pub of: u64,
    pub href: String,
}

impl Share {
    pub fn percent(&self) -> u64 {
        (self.done * 100).checked_div(self.of).unwrap_or(0)
    }
}

/// The dashboard's risk section.
pub struct Risk {
    pub day: String,
    pub eol_total: u64,
    pub eol_by_department: Vec<RiskBar>,
    pub eol_by_segment: Vec<RiskBar>,
    pub open_items: usize,
    pub overdue_items: usize,
    pub stocktake: Share,
    /// Departments with no stocktake in time (the rule's failures), each opening its result.
    pub without_stocktake: Vec<RiskBar>,
    /// The training year shown, and how many of the staff were trained.
    pub training: Option<(String, Share)>,
    /// The latest self-check's title and its categories (score out of 10 as a bar).
    pub self_check: Option<(String, String, Vec<RiskBar>)>,
}

/// Bars of `(label, count, href)`, the longest the largest; `unit` follows the number.
fn bars(counts: Vec<(String, u64, String)>, unit: &str) -> Vec<RiskBar> {
    let max = counts.iter().map(|c| c.1).max().unwrap_or(1).max(1);
    counts
        .into_iter()
        .map(|(label, n, href)| RiskBar {
            label,
            figure: format!("{n} {unit}"),
            percent: n * 100 / max,
            href,
        })
        .collect()
}

/// What the audit of `day` says, read from the findings pages' kept audit.
struct FromRules {
    eol_by_department: Vec<(String, u64, String)>,
    eol_by_segment: Vec<(String, u64)>,
    stocktake_done: u64,
    /// Departments the stocktake rule decided for.
    stocktake_total: u64,
    without_stocktake: Vec<(String, u64, String)>,
}

fn from_rules(report: &daicho_rules::AuditReport, day: NaiveDate) -> Result<FromRules, AppError> {
    let rule = |id: &str| Filter {
        rule: Some(id.into()),
        ..Filter::default()
    };
    let findings = |rule: &str, code: &str| {
        format!(
            "/findings?as_of={day}&rule={rule}&department={}",
            url_encode(code)
        )
    };
    let name_of = |c: &daicho_rules::DepartmentCount| {
        c.name
            .as_deref()
            .map(str::to_string)
            .unwrap_or_else(|| "（所属なし）".into())
    };
    let mut eol_by_department: Vec<(String, u64, String)> = report
        .department_counts(&rule("eol-software"))?
        .iter()
        .filter(|c| c.fail > 0)
        .map(|c| {
            let code = c.department.clone().unwrap_or_default();
            (name_of(c), c.fail, findings("eol-software", &code))
        })
        .collect();
    eol_by_department.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let eol_by_segment = report
        .counts_by_fact(List::Findings, &rule("eol-software"), "network_segment")?
        .into_iter()
        .map(|(segment, n)| {
            let label = segment
                .as_deref()
                .and_then(|s| NetworkSegment::parse(s).ok())
                .map_or_else(|| "区分の記録なし".to_string(), |s| s.label_ja().into());
            (label, n)
        })
        .collect();
    let stocktakes = report.department_counts(&rule("stocktake-overdue"))?;
    let stocktake_done = stocktakes
        .iter()
        .filter(|c| c.pass > 0 && c.fail == 0 && c.unknown == 0)
        .count() as u64;
    let without_stocktake = stocktakes
        .iter()
        .filter(|c| c.fail > 0)
        .map(|c| {
            let code = c.department.clone().unwrap_or_default();
            (name_of(c), c.fail, findings("stocktake-overdue", &code))
        })
        .collect();
    Ok(FromRules {
        eol_by_department,
        eol_by_segment,
        stocktake_done,
        stocktake_total: stocktakes.len() as u64,
        without_stocktake,
    })
}

/// The risk section for `user` as of the tenant's data day.
pub async fn load(state: &AppState, user: &CurrentUser) -> Result<Risk, AppError> {
    let day = state.db.data_day(user.scope.tenant_id).await?;
    let report = state
        .audits
        .report(state, &user.scope, &user.tenant_code, full_audit(day))
        .await?;
    let rules = audits::read(report, move |report| from_rules(report, day)).await?;
    let open = state.db.open_items(&user.scope).await?;
    let today = daicho_store::today();
    let eol_total = rules.eol_by_department.iter().map(|d| d.1).sum();
    let segment_href = format!("/findings?as_of={day}&rule=eol-software");
    let eol_by_segment = bars(
        rules
            .eol_by_segment
            .into_iter()
            .map(|(label, n)| (label, n, segment_href.clone()))
            .collect(),
        "台",
    );
    Ok(Risk {
        day: date_full(Some(day)),
        eol_total,
        eol_by_department: bars(rules.eol_by_department, "台"),
        eol_by_segment,
        open_items: open.len(),
        overdue_items: open.iter().filter(|i| i.due_on < today).count(),
        stocktake: Share {
            done: rules.stocktake_done,
            of: rules.stocktake_total,
            href: format!("/findings?as_of={day}&rule=stocktake-overdue"),
        },
        without_stocktake: bars(rules.without_stocktake, "件"),
        training: training(state, user, day).await?,
        self_check: self_check(state, user).await?,
    })
}

/// Training coverage of the latest year with records (as the training page opens).
async fn training(
    state: &AppState,
    user: &CurrentUser,
    day: NaiveDate,
) -> Result<Option<(String, Share)>, AppError> {
    let year = state.db.latest_training_year(&user.scope, day).await?;
    let as_of = TrainingReport::default_as_of(year, day);
    let report = TrainingReport::load(&state.db, &user.scope, year, as_of, 1).await?;
    let (staff, trained) = report
        .coverage
        .iter()
        .fold((0, 0), |(s, t), c| (s + c.staff, t + c.trained));
    if staff == 0 {
        return Ok(None);
    }
    Ok(Some((
        report.year_label(),
        Share {
            done: trained,
            of: staff,
            href: "/training".into(),
        },
    )))
}

/// The latest self-check with answers, its categories weakest first.
async fn self_check(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Option<(String, String, Vec<RiskBar>)>, AppError> {
    // Newest first; one not yet answered (just started) is passed over.
    for campaign in state.db.self_check_campaigns(user.scope.tenant_id).await? {
        let report = SelfCheckReport::load(&state.db, &user.scope, &campaign.campaign).await?;
        if report.categories.iter().any(|c| c.score.is_some()) {
            return Ok(Some(categories(report)));
        }
    }
    Ok(None)
}

fn categories(report: SelfCheckReport) -> (String, String, Vec<RiskBar>) {
    let href = format!("/self-check/{}", url_encode(&report.campaign.campaign));
    let mut categories: Vec<_> = report
        .categories
        .iter()
        .filter(|c| c.score.is_some())
        .collect();
    categories.sort_by_key(|c| c.score.map(|s| s.tenths()));
    let bars = categories
        .into_iter()
        .map(|c| RiskBar {
            label: c.category.clone(),
            figure: format!("{} 点", score_text(c.score)),
            percent: u64::from(c.score.map_or(0, |s| s.tenths())),
            href: href.clone(),
        })
        .collect();
    (
        daicho_reports::campaign::title(&report.campaign),
        href,
        bars,
    )
}
