//! The audit's result in the forms users take it away in: JSON for tools, a text table
//! for the terminal, an Excel workbook for the audit file.

use std::fmt::Write;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::audit::{AuditReport, Entry};
use crate::rule::{Grade, Scope};

/// The rows of the report's count table, in its order.
const GRADES: [Grade; 2] = [Grade::Violation, Grade::Opinion];

pub fn json(report: &AuditReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into())
}

/// A text table, findings first (指摘 before 意見), then unknown and waived results.
pub fn table(report: &AuditReport) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(out, "監査基準日 {}  団体 {}", report.as_of, report.tenant);
    let _ = writeln!(out, "        総論  個別   計");
    for g in GRADES {
        let (a, b) = (s.count(g, Scope::General), s.count(g, Scope::Individual));
        let _ = writeln!(out, "{}  {a:>6} {b:>5} {:>5}", g.label_ja(), a + b);
    }
    let _ = writeln!(
        out,
        "不明 {}  例外承認 {}  適合 {}\n",
        s.unknown, s.waived, s.passes
    );
    for (heading, list) in [
        ("監査結果", &report.findings),
        ("不明（データ不足）", &report.unknown),
        ("例外承認", &report.waived),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "== {heading} ({}) ==", list.len());
        for e in list {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                e.grade.label_ja(),
                e.rule,
                department(e),
                e.subject,
                e.reason
            );
        }
        out.push('\n');
    }
    out
}

fn department(e: &Entry) -> String {
    match (&e.department, &e.department_name) {
        (Some(c), Some(n)) => format!("{n}（{c}）"),
        (Some(c), None) => c.clone(),
        _ => "全庁".into(),
    }
}

/// A workbook: 集計 (the count table and per-rule counts), 監査結果, 不明, 例外承認.
pub fn xlsx(report: &AuditReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let s = &report.summary;
    let sheet = wb.add_worksheet().set_name("集計")?;
    sheet.write_with_format(0, 0, format!("監査基準日 {}", report.as_of), &bold)?;
    sheet.write_row(2, 0, ["", "総論", "個別", "計"])?;
    for (i, g) in GRADES.into_iter().enumerate() {
        let (a, b) = (s.count(g, Scope::General), s.count(g, Scope::Individual));
        let row = 3 + i as u32;
        sheet.write(row, 0, g.label_ja())?;
        sheet.write(row, 1, a as f64)?;
        sheet.write(row, 2, b as f64)?;
        sheet.write(row, 3, (a + b) as f64)?;
    }
    sheet.write_row_with_format(
        6,
        0,
        ["規則", "名称", "区分", "該当", "不明", "例外承認", "適合"],
        &bold,
    )?;
    for (i, r) in s.rules.iter().enumerate() {
        let row = 7 + i as u32;
        sheet.write(row, 0, &r.rule)?;
        sheet.write(row, 1, &r.title)?;
        sheet.write(row, 2, r.grade.map(|g| g.label_ja()).unwrap_or(""))?;
        for (c, n) in [r.fail, r.unknown, r.waived, r.pass]
            .into_iter()
            .enumerate()
        {
            sheet.write(row, 3 + c as u16, n as f64)?;
        }
    }
    sheet.set_column_width(1, 48)?;
    for (name, list) in [
        ("監査結果", &report.findings),
        ("不明", &report.unknown),
        ("例外承認", &report.waived),
    ] {
        let sheet = wb.add_worksheet().set_name(name)?;
        sheet.write_row_with_format(
            0,
            0,
            [
                "区分",
                "規則",
                "名称",
                "根拠",
                "所属コード",
                "所属",
                "対象",
                "理由",
                "例外承認の理由",
                "承認者",
                "期限",
            ],
            &bold,
        )?;
        for (i, e) in list.iter().enumerate() {
            let row = 1 + i as u32;
            let w = e.waiver.as_ref();
            sheet.write_row(
                row,
                0,
                [
                    e.grade.label_ja(),
                    &e.rule,
                    &e.title,
                    &e.clause,
                    e.department.as_deref().unwrap_or(""),
                    e.department_name.as_deref().unwrap_or("全庁"),
                    &e.subject,
                    &e.reason,
                    w.map(|w| w.justification.as_str()).unwrap_or(""),
                    w.map(|w| w.approved_by.as_str()).unwrap_or(""),
                    w.map(|w| w.expires_on.as_str()).unwrap_or(""),
                ],
            )?;
        }
        sheet.set_column_width(7, 60)?;
        sheet.autofilter(0, 0, list.len() as u32, 10)?;
    }
    wb.save_to_buffer()
}
