//! The audit's findings on screen: GET /findings (the report's count table, the results
//! grouped by grade, rule and department, filtered and paginated, each with its subject,
//! its clause and the facts it was decided on) and GET /findings/horizontal/{rule} (総6, the
//! horizontal check: one rule's result in every department).
//!
//! The audit runs as of the day asked (today by default), within what the user may see:
//! a manager's page holds only its departments' results. It is kept for the next pages
//! while nothing it read changes (`crate::audits`).

use std::time::Duration;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use daicho_domain::parse_date;
use daicho_rules::rule::Scope as ReportScope;
use daicho_rules::{AuditOptions, AuditReport, DepartmentCount, Entry, Filter, Grade, List};
use serde::Deserialize;

use crate::audits;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Choice, Layout, date_full, url_encode};
use daicho_store::ledgers::Engine;

/// Findings shown per page.
const PAGE_SIZE: u64 = 100;

/// A check on screen may run for this long before it is stopped (the CLI allows more).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// One row of the per-rule table: the rule and its counts.
pub struct RuleRow {
    pub id: String,
    pub title: String,
    pub grade: &'static str,
    pub fail: u64,
    pub unknown: u64,
    pub waived: u64,
    pub pass: u64,
}

/// A finding as the page shows it.
pub struct EntryView {
    pub grade: &'static str,
    pub rule: String,
    pub title: String,
    pub clause: String,
    pub department: String,
    pub subject: String,
    pub subject_href: String,
    pub reason: String,
    /// (name, value) of the facts the check used.
    pub facts: Vec<(String, String)>,
    pub waiver: String,
    /// Whether this entry starts a new rule (a heading is shown before it).
    pub new_rule: bool,
}

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPage {
    layout: Layout,
    as_of: String,
    as_of_label: String,
    /// (grade label, general, individual, total)
    table: Vec<(&'static str, u64, u64, u64)>,
    /// A filter is set: the counts are of what it lets through, and the list comes first.
    filtered: bool,
    unknown: u64,
    waived: u64,
    passes: u64,
    lists: Vec<Choice>,
    grades: Vec<Choice>,
    scopes: Vec<Choice>,
    rules: Vec<Choice>,
    departments: Vec<Choice>,
    rule_rows: Vec<RuleRow>,
    department_rows: Vec<(String, String, u64)>,
    entries: Vec<EntryView>,
    total: u64,
    page: u64,
    pages: u64,
    prev_href: String,
    next_href: String,
    filter_query: String,
    can_waive: bool,
    /// Rules left out of this audit, with why.
    failures: Vec<daicho_rules::RuleFailure>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FindingsQuery {
    as_of: String,
    list: String,
    grade: String,
    scope: String,
    rule: String,
    department: String,
    page: String,
}

/// The audit date asked for, or the tenant's data day (today unless it set one); a date
/// that cannot be read is an error to show.
async fn as_of(state: &AppState, user: &CurrentUser, text: &str) -> Result<NaiveDate, AppError> {
    if text.trim().is_empty() {
        return Ok(state.db.data_day(user.scope.tenant_id).await?);
    }
    parse_date(text.trim())
        .map_err(|_| AppError::Invalid(format!("監査基準日「{text}」を日付として読めません。")))
}

/// The audit every findings page reads: all the tenant's enabled rules as of `day`.
pub(crate) fn full_audit(day: NaiveDate) -> AuditOptions {
    AuditOptions {
        time_limit: TIME_LIMIT,
        ..AuditOptions::as_of(day)
    }
}

/// Whether the user may set rules and record waivers (情報政策課 and 管理者).
pub fn may_govern(user: &CurrentUser) -> bool {
    user.user.role.sees_all_departments() && user.scope.can_write
}

/// The list a `list=` code asks for (the findings when none).
fn list_of(code: &str) -> List {
    LISTS
        .iter()
        .find(|l| l.1 == code)
        .map_or(List::Findings, |l| l.0)
}

/// A filter's options: 「すべて」 (empty value), then `rest`.
fn any_then(chosen: &str, rest: Vec<Choice>) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: "すべて".into(),
        selected: chosen.is_empty(),
    })
    .chain(rest)
    .collect()
}

/// Where a finding's subject is kept: its ledger, searched for it.
pub fn subject_href(ledger_name: &str, subject: &str) -> String {
    let key = url_encode(subject.split('@').next().unwrap_or(subject));
    match daicho_store::ledgers::ledger(ledger_name).filter(|l| l.name == ledger_name) {
        Some(l) if l.engine == Engine::Assets => format!("/assets?q={key}"),
        Some(l) if l.engine == Engine::Departments => "/departments".into(),
        Some(l) => format!("/ledgers/{}?q={key}", l.name),
        None => String::new(),
    }
}

/// Facts a rule computes that are no ledger's column, by their Japanese names.
const COMPUTED_FACTS: &[(&str, &str)] = &[
    ("answers", "回答数"),
    ("checked", "確認数"),
    ("correct", "正答数"),
    ("eol", "サポート終了日"),
    ("exception", "例外措置"),
    ("last_audit", "直近の監査"),
    ("last_stocktake", "直近の棚卸"),
    ("original_supplier", "当初の受注者"),
    ("recognised_as", "識別したOS"),
    ("score", "正答率"),
    ("staff", "職員数"),
    ("stocktake", "棚卸"),
    ("support_end", "サポート終了日"),
    ("trained", "受講者数"),
    ("unknown_to_city", "台帳に記載なし"),
];

/// A fact of a finding as users read it: the column of the rule's ledger (or any ledger)
/// it names, by its Japanese name, its value by its label (随意契約, not `discretionary`).
fn fact(subject_ledger: &str, key: String, value: serde_json::Value) -> (String, String) {
    use daicho_store::ledgers::{LEDGERS, ledger};
    let text = match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let column = ledger(subject_ledger)
        .and_then(|l| l.column(&key))
        .or_else(|| LEDGERS.iter().find_map(|l| l.column(&key)));
    let label = match column {
        Some(c) => c.label,
        None => COMPUTED_FACTS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key.as_str(), |(_, label)| label),
    };
    (label.to_string(), crate::view::shown(column, text))
}

fn view(e: Entry, previous: Option<&str>) -> EntryView {
    let facts = match e.facts_value() {
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| fact(&e.subject_kind, k, v))
            .collect(),
        _ => Vec::new(),
    };
    EntryView {
        grade: e.grade.label_ja(),
        new_rule: previous != Some(&*e.rule),
        department: daicho_rules::output::department(&e),
        subject_href: subject_href(&e.subject_kind, &e.subject),
        waiver: e
            .waiver
            .as_ref()
            .map(|w| {
                format!(
                    "{}（承認 {}、{} まで）",
                    w.justification,
                    w.approved_by,
                    daicho_domain::format_wareki(w.expires_on)
                )
            })
            .unwrap_or_default(),
        rule: e.rule.to_string(),
        title: e.title.to_string(),
        clause: e.clause.to_string(),
        subject: e.subject,
        reason: e.reason,
        facts,
    }
}

/// The lists the page shows: (list, `list=` code, label).
const LISTS: &[(List, &str, &str)] = &[
    (List::Findings, "findings", "指摘・意見"),
    (List::Unknown, "unknown", "不明（データ不足）"),
    (List::Waived, "waived", "例外承認"),
];

/// GET /findings
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FindingsQuery>,
) -> Result<Html<String>, AppError> {
    let day = as_of(&state, &user, &query.as_of).await?;
    let report = state
        .audits
        .report(&state, &user.scope, &user.tenant_code, full_audit(day))
        .await?;
    audits::read(report, move |report| {
        findings_page(report, &user, &query, day)
    })
    .await
}

/// The count table and the other lists' counts of what `filter` lets through: each cell
/// counts the results of its grade and scope, of the filter's rule and department.
#[allow(clippy::type_complexity)]
fn filtered_counts(
    report: &AuditReport,
    filter: &Filter,
) -> Result<(Vec<(&'static str, u64, u64, u64)>, (u64, u64, u64)), AppError> {
    let of_department = |counts: Vec<daicho_rules::DepartmentCount>| {
        counts
            .into_iter()
            .filter(|c| {
                filter
                    .department
                    .as_ref()
                    .is_none_or(|d| c.department.as_ref() == Some(d))
            })
            .collect::<Vec<_>>()
    };
    let mut table = Vec::new();
    for g in Grade::ALL {
        let mut cells = [0u64; 2];
        for (i, sc) in [ReportScope::General, ReportScope::Individual]
            .into_iter()
            .enumerate()
        {
            if filter.grade.is_some_and(|f| f != g) || filter.scope.is_some_and(|f| f != sc) {
                continue;
            }
            let counts = report.department_counts(&Filter {
                grade: Some(g),
                scope: Some(sc),
                department: None,
                rule: filter.rule.clone(),
            })?;
            cells[i] = of_department(counts).iter().map(|c| c.fail).sum();
        }
        table.push((g.label_ja(), cells[0], cells[1], cells[0] + cells[1]));
    }
    let rest = of_department(report.department_counts(&Filter {
        department: None,
        ..filter.clone()
    })?);
    let sum = |f: fn(&daicho_rules::DepartmentCount) -> u64| rest.iter().map(f).sum::<u64>();
    Ok((
        table,
        (sum(|c| c.unknown), sum(|c| c.waived), sum(|c| c.pass)),
    ))
}

fn findings_page(
    report: &AuditReport,
    user: &CurrentUser,
    query: &FindingsQuery,
    day: NaiveDate,
) -> Result<Html<String>, AppError> {
    let list = list_of(&query.list);
    let filter = Filter {
        rule: Some(query.rule.clone()).filter(|r| !r.is_empty()),
        grade: Grade::ALL.into_iter().find(|g| g.code() == query.grade),
        scope: ReportScope::ALL
            .into_iter()
            .find(|s| s.code() == query.scope),
        department: Some(query.department.clone()).filter(|d| !d.is_empty()),
    };
    let page = query.page.parse::<u64>().unwrap_or(1).max(1);
    let (entries, total) = report.page(list, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut views: Vec<EntryView> = Vec::with_capacity(entries.len());
    for e in entries {
        let previous = views.last().map(|v| v.rule.clone());
        views.push(view(e, previous.as_deref()));
    }
    let counts = report.department_counts(&Filter {
        department: None,
        ..filter.clone()
    })?;
    let department_rows = counts
        .iter()
        .filter(|c| c.in_list(list) > 0)
        .map(|c| {
            (
                c.department.clone().unwrap_or_default(),
                c.name
                    .as_deref()
                    .map(str::to_string)
                    .or(c.department.clone())
                    .unwrap_or_else(|| "全庁".into()),
                c.in_list(list),
            )
        })
        .collect::<Vec<_>>();
    let departments = any_then(
        &query.department,
        counts
            .iter()
            .filter_map(|c| c.department.as_ref().map(|d| (d, c.name.as_deref())))
            .map(|(code, name)| Choice {
                value: code.clone(),
                label: name.unwrap_or(code).to_string(),
                selected: *code == query.department,
            })
            .collect(),
    );
    let s = &report.summary;
    let filtered = filter.rule.is_some()
        || filter.grade.is_some()
        || filter.scope.is_some()
        || filter.department.is_some();
    let (table, (unknown, waived, passes)) = if filtered {
        filtered_counts(report, &filter)?
    } else {
        let table = Grade::ALL
            .into_iter()
            .map(|g| {
                let (a, b) = (
                    s.count(g, ReportScope::General),
                    s.count(g, ReportScope::Individual),
                );
                (g.label_ja(), a, b, a + b)
            })
            .collect();
        (table, (s.unknown, s.waived, s.passes))
    };
    let rule_rows: Vec<RuleRow> = s
        .rules
        .iter()
        .filter(|r| r.fail + r.unknown + r.waived > 0)
        .map(|r| RuleRow {
            id: r.rule.clone(),
            title: r.title.clone(),
            grade: r.grade.map(|g| g.label_ja()).unwrap_or(""),
            fail: r.fail,
            unknown: r.unknown,
            waived: r.waived,
            pass: r.pass,
        })
        .collect();
    let rules = any_then(
        &query.rule,
        s.rules
            .iter()
            .map(|r| Choice {
                value: r.rule.clone(),
                label: format!("{}（{}）", r.title, r.rule),
                selected: r.rule == query.rule,
            })
            .collect(),
    );
    // The filters but the department: the 所属別 links add their own.
    let filter_query = format!(
        "as_of={}&list={}&grade={}&scope={}&rule={}",
        day,
        url_encode(&query.list),
        url_encode(&query.grade),
        url_encode(&query.scope),
        url_encode(&query.rule),
    );
    let href = |p: u64| {
        format!(
            "/findings?{filter_query}&department={}&page={p}",
            url_encode(&query.department)
        )
    };
    let page_view = FindingsPage {
        failures: report.rule_failures.clone(),
        layout: Layout::new(user, "監査結果", "findings"),
        as_of: day.to_string(),
        as_of_label: date_full(Some(day)),
        table,
        filtered,
        unknown,
        waived,
        passes,
        lists: LISTS
            .iter()
            .map(|(_, code, label)| Choice {
                value: code.to_string(),
                label: label.to_string(),
                selected: *code == query.list,
            })
            .collect(),
        grades: any_then(
            &query.grade,
            Choice::of(&Grade::ALL, &query.grade, Grade::code, Grade::label_ja),
        ),
        scopes: any_then(
            &query.scope,
            Choice::of(
                &ReportScope::ALL,
                &query.scope,
                ReportScope::code,
                ReportScope::label_ja,
            ),
        ),
        rules,
        departments,
        rule_rows,
        department_rows,
        entries: views,
        total,
        page,
        pages,
        prev_href: if page > 1 {
            href(page - 1)
        } else {
            String::new()
        },
        next_href: if page < pages {
            href(page + 1)
        } else {
            String::new()
        },
        filter_query,
        can_waive: may_govern(user),
    };
    Ok(Html(page_view.render()?))
}

#[derive(Template)]
#[template(path = "findings_horizontal.html")]
struct HorizontalPage {
    layout: Layout,
    rule: String,
    title: String,
    grade: &'static str,
    clause: String,
    as_of: String,
    as_of_label: String,
    rows: Vec<DepartmentCount>,
    /// Departments with a finding, of those with a result.
    failing: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HorizontalQuery {
    as_of: String,
}

/// GET /findings/horizontal/{rule}: the horizontal check (横展開) — one rule's result in
/// every department the user may see, passes counted too.
pub async fn horizontal_check(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rule): Path<String>,
    Query(query): Query<HorizontalQuery>,
) -> Result<Html<String>, AppError> {
    let day = as_of(&state, &user, &query.as_of).await?;
    let report = state
        .audits
        .report(&state, &user.scope, &user.tenant_code, full_audit(day))
        .await?;
    let (u, r) = (user.clone(), rule.clone());
    if let Some(page) =
        audits::read(report, move |report| horizontal_page(report, &u, &r, day)).await?
    {
        return Ok(page);
    }
    // A rule the tenant has switched off is in no full audit: audit it alone.
    let alone = AuditOptions {
        rules: vec![rule.clone()],
        ..full_audit(day)
    };
    let report = state
        .audits
        .report(&state, &user.scope, &user.tenant_code, alone)
        .await?;
    audits::read(report, move |report| {
        horizontal_page(report, &user, &rule, day)
    })
    .await?
    .ok_or(AppError::NotFound)
}

/// The horizontal check's page from an audit that ran `rule` (`None` if it did not).
fn horizontal_page(
    report: &AuditReport,
    user: &CurrentUser,
    rule: &str,
    day: NaiveDate,
) -> Result<Option<Html<String>>, AppError> {
    let Some(summary) = report.summary.rules.iter().find(|r| r.rule == rule) else {
        return Ok(None);
    };
    let rows = report.department_counts(&Filter {
        rule: Some(rule.to_string()),
        ..Filter::default()
    })?;
    let page = HorizontalPage {
        layout: Layout::new(user, format!("横展開: {}", summary.title), "findings"),
        title: summary.title.clone(),
        grade: summary.grade.map(|g| g.label_ja()).unwrap_or(""),
        clause: summary.clause.clone(),
        as_of: day.to_string(),
        as_of_label: date_full(Some(day)),
        failing: rows.iter().filter(|r| r.fail > 0).count(),
        rows,
        rule: rule.to_string(),
    };
    Ok(Some(Html(page.render()?)))
}
