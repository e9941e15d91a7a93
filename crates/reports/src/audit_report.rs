//! The audit report (監査報告書), built from an audit and its confirmed items in the
//! reference's form and order: the definitions of 指摘 and 意見, the count table, the item
//! list by department (「指摘又は意見なし」 where none), then each visited department with
//! its survey and items, and the information-spending table. Rendered as HTML (this
//! module), XLSX and text (the `Report` trait); the PDF is `daicho-pdf`'s.

use crate::spend::SpendTable;
use crate::xlsx::Sheet;
use crate::{Report, ReportError, year_label};
use askama::Template;
use chrono::NaiveDate;
use daicho_domain::audit_item::{ItemPlace, ItemScope, number};
use daicho_domain::{DepartmentLevel, format_wareki, parse_date};
use daicho_store::ledgers::{choice_label, ledger};
use daicho_store::{AuditItem, Db, InventoryLine, ItemState, Scope, SurveyRow};
use serde_json::{Value, json};
use std::io::Write;

/// The definitions the report opens its list with (reference 第3章 1).
pub const DEFINITIONS: [(&str, &str); 2] = [
    (
        "指摘",
        "法令、条例、規則等に反していると判断される事項や監査人として社会通念上適切性を欠き不当と判断した事項",
    ),
    (
        "意見",
        "「指摘」以外で、監査人として将来のために改善・検討していくことが望ましいと判断した事項",
    ),
];

/// The inventory table's headings (所属 first in the workbook, where all are one sheet).
pub const INVENTORY_HEADINGS: [&str; 6] =
    ["所属", "場所", "種別", "内容", "備品番号", "確認したこと"];

/// An item as the report prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    /// The audit item's id (its measures are kept by it).
    pub id: i64,
    /// 総1, 個2 (共通).
    pub number: String,
    /// 指摘 or 意見.
    pub grade: &'static str,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub clause: String,
}

/// A visited department's part of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub department_id: i64,
    pub department: String,
    pub visited_on: Option<NaiveDate>,
    pub survey: Vec<SurveyRow>,
    /// What the walk found that the ledgers do not say (empty where nothing was recorded).
    pub inventory: Vec<InventoryLine>,
    /// Its items by number; none is 「指摘又は意見なし」.
    pub items: Vec<ReportItem>,
}

/// Items counted once each, as the count table prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// [総論, 個別事案].
    pub violations: [u32; 2],
    pub opinions: [u32; 2],
}

impl Counts {
    /// The table's rows: 区分, 総論, 個別事案, 計 — 指摘, 意見, 計.
    pub fn rows(&self) -> Vec<[String; 4]> {
        let row = |label: &str, [g, i]: [u32; 2]| {
            [
                label.to_string(),
                g.to_string(),
                i.to_string(),
                (g + i).to_string(),
            ]
        };
        let total = [
            self.violations[0] + self.opinions[0],
            self.violations[1] + self.opinions[1],
        ];
        vec![
            row("指摘", self.violations),
            row("意見", self.opinions),
            row("計", total),
        ]
    }
}

/// The report of one audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditReport {
    pub tenant: String,
    pub audit_id: String,
    /// 包括外部監査 / 情報セキュリティ監査.
    pub kind: String,
    pub title: String,
    pub fiscal_year: i64,
    pub as_of: Option<NaiveDate>,
    pub auditors: String,
    pub counts: Counts,
    pub general: Vec<ReportItem>,
    pub sections: Vec<Section>,
    /// The information-spending tables (one per department that records spending).
    pub spend: Vec<SpendTable>,
    /// Items drafted but not yet confirmed or dropped: the report is not final while any.
    pub drafts: usize,
}

fn grade_label(grade: &str) -> &'static str {
    if grade == "violation" {
        "指摘"
    } else {
        "意見"
    }
}

impl AuditReport {
    /// The report of the tenant's audit `audit_id`, from its record, visits, confirmed
    /// items and surveys, and the spending ledgers.
    pub async fn load(db: &Db, scope: &Scope, audit_id: &str) -> Result<AuditReport, ReportError> {
        let audit_ref = db.audit_ref(scope, audit_id).await?;
        let tenant = db.tenant(scope.tenant_id).await?;
        let ledger_of = |name: &str| {
            ledger(name).ok_or_else(|| ReportError::NotFound(format!("台帳 {name} がありません")))
        };
        // audits: audit_id, kind, fiscal_year, title, as_of, auditors, published
        let record = db
            .ledger_rows(scope, ledger_of("audits")?)
            .await?
            .into_iter()
            .find(|r| r[0] == audit_id)
            .ok_or_else(|| {
                ReportError::NotFound(format!("監査番号「{audit_id}」の監査はありません"))
            })?;
        let kind = choice_label("audits", "kind", &record[1]);
        let departments = db.departments(scope).await?;
        let department = |code: &str| departments.iter().find(|d| d.code == code);
        let visited = visits(db, scope, audit_id).await?;
        let items: Vec<_> = db
            .audit_items(scope, audit_ref)
            .await?
            .into_iter()
            .filter(|i| i.item.state != ItemState::Dropped)
            .collect();
        let drafts = items
            .iter()
            .filter(|i| i.item.state == ItemState::Draft)
            .count();
        let confirmed: Vec<_> = items
            .into_iter()
            .filter(|i| i.item.state == ItemState::Confirmed)
            .collect();
        let visit_ids: Vec<i64> = visited.iter().map(|v| v.department_id).collect();
        let numbering = numbering(&confirmed, &visit_ids);
        let printed = |k: usize| -> Option<ReportItem> {
            let i = &confirmed[k].item;
            Some(ReportItem {
                id: confirmed[k].id,
                number: numbering.numbers[k]?.to_string(),
                grade: grade_label(&i.grade),
                title: i.title.clone(),
                summary: i.summary.clone().unwrap_or_default(),
                body: i.body.clone().unwrap_or_default(),
                clause: i.clause.clone().unwrap_or_default(),
            })
        };
        let mut counts = Counts::default();
        for ((grade, scope), n) in &numbering.counts {
            let column = usize::from(*scope == ItemScope::Individual);
            if grade == "violation" {
                counts.violations[column] += n;
            } else {
                counts.opinions[column] += n;
            }
        }
        let general = numbering
            .general
            .iter()
            .filter_map(|k| printed(*k))
            .collect();
        let mut sections = Vec::new();
        for (visit, (_, here)) in visited.iter().zip(&numbering.by_department) {
            sections.push(Section {
                department_id: visit.department_id,
                department: visit.department.clone(),
                visited_on: visit.visited_on,
                survey: db
                    .audit_survey(scope, audit_ref, visit.department_id)
                    .await?,
                inventory: db
                    .audit_inventory(scope, audit_ref, visit.department_id)
                    .await?,
                items: here.iter().filter_map(|k| printed(*k)).collect(),
            });
        }
        // The spending table of each department (a 係's spending is its 課's table).
        let mut holders: Vec<String> = Vec::new();
        for r in db.ledger_rows(scope, ledger_of("expenditures")?).await? {
            let Some(d) = department(&r[1]) else { continue };
            let code = match (d.level, d.parent_id) {
                (DepartmentLevel::Unit, Some(parent)) => departments
                    .iter()
                    .find(|p| p.id == parent)
                    .map(|p| p.code.clone())
                    .unwrap_or_else(|| d.code.clone()),
                _ => d.code.clone(),
            };
            if !holders.contains(&code) {
                holders.push(code);
            }
        }
        let mut spend = Vec::new();
        for code in holders {
            spend.push(SpendTable::load(db, scope, &code).await?);
        }
        Ok(AuditReport {
            tenant: tenant.name,
            audit_id: audit_id.to_string(),
            kind: kind.to_string(),
            title: record[3].clone(),
            fiscal_year: record[2].parse().unwrap_or(0),
            as_of: parse_date(&record[4]).ok(),
            auditors: record[5].clone(),
            counts,
            general,
            sections,
            spend,
            drafts,
        })
    }

    /// The report's heading: 令和5年度 包括外部監査 — its title.
    pub fn heading(&self) -> String {
        let mut heading = format!("{} {}", year_label(self.fiscal_year), self.kind);
        if !self.title.is_empty() {
            heading.push_str(" ― ");
            heading.push_str(&self.title);
        }
        heading
    }

    /// The item list (一覧) as rows of 番号, 指摘又は意見, 内容（要約）; a department's name
    /// opens its rows (a row with only the first cell), 「指摘又は意見なし」 where it has none.
    pub fn list_rows(&self) -> Vec<[String; 3]> {
        let item = |i: &ReportItem| {
            [
                i.number.clone(),
                format!("【{}】{}", i.grade, i.title),
                i.summary.clone(),
            ]
        };
        let mut rows = vec![["【総論】".to_string(), String::new(), String::new()]];
        rows.extend(self.general.iter().map(item));
        rows.push(["【個別事案】".to_string(), String::new(), String::new()]);
        for s in &self.sections {
            rows.push([s.department.clone(), String::new(), String::new()]);
            if s.items.is_empty() {
                rows.push(["指摘又は意見なし".into(), String::new(), String::new()]);
            }
            rows.extend(s.items.iter().map(item));
        }
        rows
    }

    /// The report as a standalone HTML document; `served` is how daicho serves it (the
    /// link to the report's CSS and the page to go back to), or `None` for a file opened
    /// anywhere (the CSS in the page, no link).
    pub fn to_html(&self, served: Option<(&str, &str)>) -> Result<String, ReportError> {
        HtmlReport {
            report: self,
            stylesheet: served.map(|s| s.0),
            back: served.map(|s| s.1),
            inline_css: STYLESHEET,
            as_of: self.as_of.map(format_wareki).unwrap_or_default(),
            visited: self
                .sections
                .iter()
                .map(|s| s.visited_on.map(format_wareki).unwrap_or_default())
                .collect(),
            list: self.list_rows(),
            spend: self
                .spend
                .iter()
                .map(|t| (t.department.clone(), t.rows()))
                .collect(),
        }
        .render()
        .map_err(|e| ReportError::Invalid(format!("報告書を組めませんでした: {e}")))
    }
}

/// A department an audit visits (往査), in the audit's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub department_id: i64,
    pub code: String,
    pub department: String,
    pub visited_on: Option<NaiveDate>,
}

/// The departments audit `audit_id` visits, in its order.
pub async fn visits(db: &Db, scope: &Scope, audit_id: &str) -> Result<Vec<Visit>, ReportError> {
    let rows = db
        .ledger_rows(
            scope,
            ledger("audit_visits")
                .ok_or_else(|| ReportError::NotFound("台帳 audit_visits がありません".into()))?,
        )
        .await?;
    // audit_visits: audit_id, department, visited_on, visit_order
    let mut rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == audit_id).collect();
    rows.sort_by_key(|r| r[3].parse::<i64>().unwrap_or(i64::MAX));
    let departments = db.departments(scope).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let d = departments.iter().find(|d| d.code == r[1])?;
            Some(Visit {
                department_id: d.id,
                code: d.code.clone(),
                department: d.name.clone(),
                visited_on: parse_date(&r[2]).ok(),
            })
        })
        .collect())
}

/// Numbers `confirmed` items (in their order) as the report does, walking `visits`.
fn numbering(
    confirmed: &[AuditItem],
    visits: &[i64],
) -> daicho_domain::audit_item::Numbering<i64, String> {
    let places: Vec<ItemPlace<'_, i64, String>> = confirmed
        .iter()
        .map(|i| ItemPlace {
            scope: i.item.scope,
            grade: i.item.grade.clone(),
            departments: &i.item.departments,
        })
        .collect();
    number(&places, visits)
}

/// Each item's number as the report prints it (総1, 個2 (共通)); `None` for an item not
/// in the report (a draft, a dropped one, or an individual item of no visited department).
pub fn item_numbers(items: &[AuditItem], visits: &[i64]) -> Vec<Option<String>> {
    let confirmed: Vec<AuditItem> = items
        .iter()
        .filter(|i| i.item.state == ItemState::Confirmed)
        .cloned()
        .collect();
    let numbering = numbering(&confirmed, visits);
    let mut numbers = numbering.numbers.iter();
    items
        .iter()
        .map(|i| {
            if i.item.state == ItemState::Confirmed {
                numbers.next().copied().flatten().map(|n| n.to_string())
            } else {
                None
            }
        })
        .collect()
}

/// The report's print stylesheet (A4 portrait).
pub const STYLESHEET: &str = include_str!("audit_report.css");

#[derive(Template)]
#[template(path = "audit_report.html")]
struct HtmlReport<'a> {
    report: &'a AuditReport,
    stylesheet: Option<&'a str>,
    back: Option<&'a str>,
    inline_css: &'a str,
    as_of: String,
    visited: Vec<String>,
    list: Vec<[String; 3]>,
    spend: Vec<(String, Vec<Vec<String>>)>,
}

impl ReportItem {
    /// The item as JSON (the report's JSON and the PDF's data).
    pub fn to_json(&self) -> Value {
        json!({
            "number": self.number,
            "grade": self.grade,
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "clause": self.clause,
        })
    }
}

/// An inventory line as JSON (the report's JSON and the PDF's data).
pub fn inventory_json(l: &InventoryLine) -> Value {
    json!({
        "place": l.place,
        "kind": l.kind,
        "description": l.description,
        "asset_tag": l.asset_tag,
        "notes": l.notes,
    })
}

impl Report for AuditReport {
    fn to_json(&self) -> Value {
        json!({
            "tenant": self.tenant,
            "audit_id": self.audit_id,
            "kind": self.kind,
            "title": self.title,
            "fiscal_year": self.fiscal_year,
            "as_of": self.as_of.map(|d| d.to_string()),
            "auditors": self.auditors,
            "counts": {
                "violations": self.counts.violations,
                "opinions": self.counts.opinions,
            },
            "general": self.general.iter().map(ReportItem::to_json).collect::<Vec<_>>(),
            "sections": self.sections.iter().map(|s| json!({
                "department": s.department,
                "visited_on": s.visited_on.map(|d| d.to_string()),
                "survey": s.survey.iter().map(|r| json!({
                    "row": r.row, "heading": r.heading, "content": r.content, "kept": r.kept,
                })).collect::<Vec<_>>(),
                "inventory": s.inventory.iter().map(inventory_json).collect::<Vec<_>>(),
                "items": s.items.iter().map(ReportItem::to_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "spend": self.spend.iter().map(|t| t.to_json()).collect::<Vec<_>>(),
            "drafts": self.drafts,
        })
    }

    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{} {}", self.tenant, self.heading())?;
        if self.drafts > 0 {
            writeln!(out, "（未確定の下書きが {} 件あります）", self.drafts)?;
        }
        writeln!(out, "区分\t総論\t個別事案\t計")?;
        for row in self.counts.rows() {
            writeln!(out, "{}", row.join("\t"))?;
        }
        writeln!(out)?;
        writeln!(out, "番号\t指摘又は意見\t内容（要約）")?;
        for row in self.list_rows() {
            writeln!(out, "{}", row.join("\t").trim_end())?;
        }
        Ok(())
    }

    fn workbook(&self) -> Result<rust_xlsxwriter::Workbook, ReportError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        {
            let mut sheet = Sheet::new(&mut wb, "件数")?;
            sheet.row(&["区分", "総論", "個別事案", "計"])?;
            for row in self.counts.rows() {
                sheet.row(&row)?;
            }
        }
        {
            let mut sheet = Sheet::new(&mut wb, "一覧")?;
            sheet.row(&["番号", "指摘又は意見", "内容（要約）"])?;
            for row in self.list_rows() {
                sheet.row(&row)?;
            }
        }
        {
            let mut sheet = Sheet::new(&mut wb, "往査の記録")?;
            sheet.row(&["所属", "往査日", "分類", "概ねの内容"])?;
            for s in &self.sections {
                let on = s.visited_on.map(format_wareki).unwrap_or_default();
                for r in &s.survey {
                    sheet.row(&[s.department.as_str(), &on, r.heading, &r.content])?;
                }
            }
        }
        {
            let mut sheet = Sheet::new(&mut wb, "現物確認")?;
            sheet.row(&INVENTORY_HEADINGS)?;
            for s in &self.sections {
                for l in &s.inventory {
                    sheet.row(&[
                        s.department.as_str(),
                        &l.place,
                        &l.kind,
                        &l.description,
                        &l.asset_tag,
                        &l.notes.join("、"),
                    ])?;
                }
            }
        }
        {
            let mut sheet = Sheet::new(&mut wb, "結果及び意見")?;
            sheet.row(&[
                "所属",
                "番号",
                "指摘又は意見",
                "件名",
                "内容（要約）",
                "本文",
                "根拠",
            ])?;
            let general = self.general.iter().map(|i| ("総論", i));
            let individual = self
                .sections
                .iter()
                .flat_map(|s| s.items.iter().map(move |i| (s.department.as_str(), i)));
            for (place, i) in general.chain(individual) {
                sheet.row(&[
                    place, &i.number, i.grade, &i.title, &i.summary, &i.body, &i.clause,
                ])?;
            }
        }
        for (k, table) in self.spend.iter().enumerate() {
            let name = if k == 0 {
                "歳出・経費".to_string()
            } else {
                format!("歳出・経費{}", k + 1)
            };
            table.fill(&mut Sheet::new(&mut wb, &name)?)?;
        }
        Ok(wb)
    }
}
